//! The atomic write and where editing starts from (files only; the config folder lookup is
//! tested in `tests/prompts_edit.rs`, which owns the process environment).

use std::fs;
use std::path::Path;

use crate::config::HierarchySource;
use crate::config::edit::{
    SaveRefused, content_hash, open_for_editing, save_atomically, save_unless_changed,
};

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"))
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

#[test]
fn saving_creates_the_folder_and_leaves_no_temporary_file() {
    let dir = temp_dir();
    let path = dir.path().join("config").join("ailab").join("hierarchy.toml");
    save_atomically(&path, "[[node]]\nid = \"a\"\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("[[node]]\nid = \"a\"\n"));
    save_atomically(&path, "[[node]]\nid = \"b\"\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("[[node]]\nid = \"b\"\n"));
    assert_eq!(entries(path.parent().unwrap_or(dir.path())), ["hierarchy.toml"]);
}

#[cfg(unix)]
#[test]
fn saving_keeps_the_permissions_and_replaces_the_file_a_link_points_to() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let real = dir.path().join("real.toml");
    fs::write(&real, "old").unwrap_or_else(|e| panic!("{e}"));
    fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap_or_else(|e| panic!("{e}"));
    let link = dir.path().join("hierarchy.toml");
    std::os::unix::fs::symlink(&real, &link).unwrap_or_else(|e| panic!("{e}"));
    save_atomically(&link, "new").unwrap_or_else(|e| panic!("{e}"));
    assert!(fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()), "the link stays a link");
    assert_eq!(fs::read_to_string(&real).ok().as_deref(), Some("new"));
    let mode = fs::metadata(&real).map(|m| m.permissions().mode() & 0o777).unwrap_or_default();
    assert_eq!(mode, 0o600);
}

#[test]
fn a_folder_that_cannot_exist_or_a_folder_in_the_way_is_explained() {
    let dir = temp_dir();
    let blocker = dir.path().join("not-a-folder");
    fs::write(&blocker, "").unwrap_or_else(|e| panic!("{e}"));
    let err = save_atomically(&blocker.join("hierarchy.toml"), "x").unwrap_err();
    assert!(err.starts_with(&format!("cannot create the folder {} to save", blocker.display())), "{err}");
    assert!(err.contains("set AILAB_CONFIG_DIR to a folder you can write"), "{err}");
    let err = save_atomically(dir.path(), "x").unwrap_err();
    assert!(err.ends_with("it is a folder, not a file"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_is_explained() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let locked = dir.path().join("locked");
    fs::create_dir(&locked).unwrap_or_else(|e| panic!("{e}"));
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).unwrap_or_else(|e| panic!("{e}"));
    // Root writes anywhere: the check only means something for ordinary users.
    if fs::write(locked.join("probe"), "").is_ok() {
        return;
    }
    let err = save_atomically(&locked.join("hierarchy.toml"), "x").unwrap_err();
    assert!(err.contains("is not writable; make it writable, or start ailab with --hierarchy FILE"), "{err}");
}

#[test]
fn an_explicit_file_is_edited_and_saved_in_place() {
    let dir = temp_dir();
    let path = dir.path().join("team.toml");
    fs::write(&path, "# mine\n[[node]]\nid = \"a\"\n").unwrap_or_else(|e| panic!("{e}"));
    let session =
        open_for_editing(&HierarchySource::Explicit(path.clone())).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((session.save_path.as_path(), session.file_exists), (path.as_path(), true));
    assert_eq!(session.document.source(), path.display().to_string());
    let gone = dir.path().join("gone.toml");
    let err = open_for_editing(&HierarchySource::Explicit(gone)).unwrap_err().to_string();
    assert!(err.contains("no longer exists"), "{err}");
}

#[test]
fn a_file_changed_outside_since_it_was_read_is_not_overwritten() {
    let dir = temp_dir();
    let path = dir.path().join("hierarchy.toml");
    fs::write(&path, "mine\n").unwrap_or_else(|e| panic!("{e}"));
    let read = content_hash(b"mine\n");
    // Unchanged: written.
    assert_eq!(save_unless_changed(&path, "edited\n", Some(&read)), Ok(()));
    assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("edited\n"));

    // Changed outside: refused with the text as it is now, and the file is left alone.
    fs::write(&path, "edited\n# X\n").unwrap_or_else(|e| panic!("{e}"));
    let refused = save_unless_changed(&path, "again\n", Some(&content_hash(b"edited\n")));
    assert_eq!(refused, Err(SaveRefused::ChangedOnDisk { now: Some("edited\n# X\n".into()) }));
    assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("edited\n# X\n"));

    // Made since ailab looked (there was no file), or removed since: refused too.
    let new = dir.path().join("new.toml");
    fs::write(&new, "theirs").unwrap_or_else(|e| panic!("{e}"));
    let made = save_unless_changed(&new, "ours", None);
    assert_eq!(made, Err(SaveRefused::ChangedOnDisk { now: Some("theirs".into()) }));
    let gone = save_unless_changed(&dir.path().join("gone.toml"), "ours", Some(&read));
    assert_eq!(gone, Err(SaveRefused::ChangedOnDisk { now: None }));
    assert_eq!(save_unless_changed(&dir.path().join("fresh.toml"), "ours", None), Ok(()));
}

#[test]
fn a_file_changed_into_something_that_is_not_text_is_explained() {
    let dir = temp_dir();
    let path = dir.path().join("hierarchy.toml");
    fs::write(&path, [0xff, 0xfe, 0x00]).unwrap_or_else(|e| panic!("{e}"));
    let Err(SaveRefused::Failed(message)) = save_unless_changed(&path, "x", Some("0")) else {
        panic!("refused")
    };
    assert!(message.contains("was changed outside ailab and is no longer UTF-8 text"), "{message}");
}
