//! The Prompts tab's save path without the TUI: edit a prompt, save it where the app saves, and
//! load the hierarchy the way the next run does. Each test uses its own config folder through
//! `AILAB_CONFIG_DIR`; none touches the real one.

use std::path::Path;
use std::sync::Mutex;

use ailab::config::edit::{Field, PromptField, PromptsDraft, open_for_editing, save_atomically};
use ailab::config::{DEFAULT_HIERARCHY_TOML, HierarchySource, load_hierarchy};

/// The config folder is process-wide state: tests that set it take turns.
static CONFIG_DIR: Mutex<()> = Mutex::new(());

fn with_config_dir<T>(dir: &Path, body: impl FnOnce() -> T) -> T {
    let _turn = CONFIG_DIR.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // SAFETY: only these tests read or write the environment, and they hold the lock.
    unsafe { std::env::set_var("AILAB_CONFIG_DIR", dir) };
    body()
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"))
}

const SYSTEM: Field = Field::Prompt(PromptField::System);
const NEW_SYSTEM: &str = "You are Echo. You answer with one runnable command.";

/// Opens what is in use, edits Echo's system prompt, saves; returns where it saved.
fn edit_and_save(source: &HierarchySource) -> std::path::PathBuf {
    let session = open_for_editing(source).unwrap_or_else(|e| panic!("{e}"));
    let mut draft = PromptsDraft::new(session.document);
    assert!(draft.edit("echo", SYSTEM, NEW_SYSTEM).is_empty());
    let text = draft.text_to_save().map(str::to_string).unwrap_or_else(|| panic!("the draft can be saved"));
    save_atomically(&session.save_path, &text).unwrap_or_else(|e| panic!("{e}"));
    draft.mark_saved(&text);
    assert!(!draft.is_dirty());
    session.save_path
}

#[test]
fn a_saved_system_prompt_is_what_the_next_load_gives() {
    let dir = temp_dir();
    with_config_dir(dir.path(), || {
        let (before, source) = load_hierarchy(None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(source, HierarchySource::Embedded);
        let session = open_for_editing(&source).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(session.save_path, dir.path().join("hierarchy.toml"));
        assert!(!session.file_exists, "the built-in tree is not a file; saving creates the user's");

        let saved_at = edit_and_save(&source);
        let (after, source) = load_hierarchy(None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(source, HierarchySource::UserConfig(saved_at.clone()));
        assert_eq!(after.node("echo").map(|n| n.prompts.system.as_str()), Some(NEW_SYSTEM));
        // Only that prompt changed: every other node and setting is as before.
        let mut expected = before.clone();
        if let Some(echo) = expected.nodes.iter_mut().find(|n| n.id == "echo") {
            echo.prompts.system = NEW_SYSTEM.to_string();
        }
        expected.source = after.source.clone();
        assert_eq!(after, expected);

        // The saved file is the built-in text with that one value replaced: comments and all.
        let written = std::fs::read_to_string(&saved_at).unwrap_or_else(|e| panic!("{e}"));
        let old = "You are Echo, the implementation specialist of a small AI team. You turn ideas into action:\n\
                   concrete steps, tools, code or checklists that someone could follow today. You are direct and\n\
                   hands-on, and you skip theory unless it is needed to act.\n";
        assert_eq!(written, DEFAULT_HIERARCHY_TOML.replacen(old, &format!("{NEW_SYSTEM}\n"), 1));
    });
}

#[test]
fn the_users_own_file_is_edited_in_place_keeping_its_comments() {
    let dir = temp_dir();
    let file = dir.path().join("hierarchy.toml");
    let mine = "# My small team\n[[node]]\nid = \"lead\"  # the one I ask\nchildren = [\"echo\"]\n\n# does the work\n[[node]]\nid = \"echo\"\n";
    std::fs::write(&file, mine).unwrap_or_else(|e| panic!("{e}"));
    with_config_dir(dir.path(), || {
        let (_, source) = load_hierarchy(None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(edit_and_save(&source), file);
        let written = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(written, format!("{mine}\n[node.prompts]\nsystem = '''\n{NEW_SYSTEM}\n'''\n"));
        let (h, _) = load_hierarchy(None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(h.node("echo").map(|n| n.prompts.system.as_str()), Some(NEW_SYSTEM));
    });
}

#[test]
fn a_hierarchy_given_with_the_flag_is_the_file_saved() {
    let dir = temp_dir();
    let config = dir.path().join("config");
    let chosen = dir.path().join("team.toml");
    std::fs::write(&chosen, DEFAULT_HIERARCHY_TOML).unwrap_or_else(|e| panic!("{e}"));
    with_config_dir(&config, || {
        let (_, source) = load_hierarchy(Some(&chosen)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(edit_and_save(&source), chosen);
        assert!(!config.exists(), "nothing is written to the config folder");
        let (h, _) = load_hierarchy(Some(&chosen)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(h.node("echo").map(|n| n.prompts.system.as_str()), Some(NEW_SYSTEM));
    });
}

#[test]
fn a_comment_added_outside_ailab_survives_a_save_of_other_edits() {
    use ailab::config::edit::{HierarchyDocument, SaveRefused, content_hash, save_unless_changed};
    let dir = temp_dir();
    let file = dir.path().join("h.toml");
    std::fs::write(&file, DEFAULT_HIERARCHY_TOML).unwrap_or_else(|e| panic!("{e}"));
    let session =
        open_for_editing(&HierarchySource::Explicit(file.clone())).unwrap_or_else(|e| panic!("{e}"));
    let read = content_hash(session.document.text().as_bytes());
    let mut draft = PromptsDraft::new(session.document);
    // Someone appends a comment while the tab has the file open; the user renames a member.
    std::fs::write(&file, format!("{DEFAULT_HIERARCHY_TOML}# X\n")).unwrap_or_else(|e| panic!("{e}"));
    assert!(draft.edit("echo", Field::Name, "Ember").is_empty());
    let text = draft.text_to_save().map(str::to_string).unwrap_or_default();

    let Err(SaveRefused::ChangedOnDisk { now: Some(now) }) = save_unless_changed(&file, &text, Some(&read))
    else {
        panic!("the save must notice the change")
    };
    let theirs =
        HierarchyDocument::parse(&now, &file.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(draft.rebase(theirs), Ok(1));
    let text = draft.text_to_save().map(str::to_string).unwrap_or_default();
    save_unless_changed(&file, &text, Some(&content_hash(now.as_bytes())))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let written = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
    assert!(written.ends_with("# X\n") && written.contains("name = \"Ember\""), "{written}");
}
