//! The lookup order: explicit path > the user's config dir > built in. Every test here uses a
//! temporary config dir through `AILAB_CONFIG_DIR`; none touches the real one.

use std::path::Path;
use std::sync::Mutex;

use ailab::config::{HierarchySource, load_hierarchy};

/// The config dir is process-wide state: tests that set it take turns.
static CONFIG_DIR: Mutex<()> = Mutex::new(());

const USER_FILE: &str = "[[node]]\nid = \"mine\"\nname = \"Mine\"\n";

fn with_config_dir<T>(dir: &Path, body: impl FnOnce() -> T) -> T {
    let _turn = CONFIG_DIR.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // SAFETY: only these tests read or write the environment, and they hold the lock.
    unsafe { std::env::set_var("AILAB_CONFIG_DIR", dir) };
    body()
}

fn temp_dir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("temp dir: {e}"),
    }
}

#[test]
fn without_a_user_file_the_built_in_tree_is_used() {
    let dir = temp_dir();
    let (h, source) = with_config_dir(dir.path(), || load_hierarchy(None)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(source, HierarchySource::Embedded);
    assert_eq!((h.root().id.as_str(), h.source.as_str()), ("atlas", "built-in default"));
    assert_eq!(source.to_string(), "built-in default");
}

#[test]
fn the_users_file_wins_over_the_built_in_tree() {
    let dir = temp_dir();
    let file = dir.path().join("hierarchy.toml");
    std::fs::write(&file, USER_FILE).unwrap_or_else(|e| panic!("{e}"));
    let (h, source) = with_config_dir(dir.path(), || load_hierarchy(None)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(source, HierarchySource::UserConfig(file.clone()));
    assert_eq!(h.root().id, "mine");
    assert_eq!(h.source, file.display().to_string());
}

#[test]
fn a_broken_user_file_is_an_error_not_a_silent_fallback() {
    let dir = temp_dir();
    let file = dir.path().join("hierarchy.toml");
    std::fs::write(&file, "[[node]]\nid = \"a\"\ntemperature = 7\n").unwrap_or_else(|e| panic!("{e}"));
    let err = match with_config_dir(dir.path(), || load_hierarchy(None)) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a broken user file must not load"),
    };
    assert!(err.contains(&format!("--> {}:3:15", file.display())), "{err}");
    assert!(err.contains("To go back to the built-in hierarchy, rename or remove"), "{err}");
}

#[test]
fn an_explicit_path_wins_over_everything() {
    let dir = temp_dir();
    std::fs::write(dir.path().join("hierarchy.toml"), USER_FILE).unwrap_or_else(|e| panic!("{e}"));
    let explicit = dir.path().join("other.toml");
    std::fs::write(&explicit, "[[node]]\nid = \"other\"\n").unwrap_or_else(|e| panic!("{e}"));
    let (h, source) =
        with_config_dir(dir.path(), || load_hierarchy(Some(&explicit))).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(source, HierarchySource::Explicit(explicit));
    assert_eq!(h.root().id, "other");
}

#[test]
fn an_explicit_path_that_does_not_exist_is_an_error() {
    let dir = temp_dir();
    let missing = dir.path().join("nope.toml");
    let err = match load_hierarchy(Some(&missing)) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a missing explicit file must not fall back"),
    };
    assert!(err.contains(&format!("the hierarchy file {} does not exist", missing.display())), "{err}");
    assert!(err.contains("check the path given to --hierarchy (or in AILAB_HIERARCHY)"), "{err}");
    assert!(err.contains("leave both out to use your own hierarchy.toml or the built-in one"), "{err}");
}

#[test]
fn unreadable_explicit_paths_say_why() {
    let dir = temp_dir();
    let err = match load_hierarchy(Some(dir.path())) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a folder is not a hierarchy"),
    };
    assert!(err.contains("is a folder, not a file"), "{err}");
    let binary = dir.path().join("binary.toml");
    std::fs::write(&binary, [0x5b, 0xff, 0xfe, 0x5d]).unwrap_or_else(|e| panic!("{e}"));
    let err = match load_hierarchy(Some(&binary)) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("binary is not a hierarchy"),
    };
    assert!(err.contains("is not plain UTF-8 text"), "{err}");
}
