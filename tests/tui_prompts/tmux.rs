//! The real binary in a real terminal: tmux runs `ailab --demo`, the Prompts tab opens, a system
//! prompt goes through `$EDITOR` (the screen is lent and taken back), is saved, and the file on
//! disk holds it. Fails under CI where tmux is not installed, and skips (loudly) elsewhere.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::tmux_driver::{Tmux, ailab_command};

#[test]
fn a_prompt_edited_in_the_editor_is_saved_from_the_real_binary() {
    let Some(tmux) = Tmux::start("prompts") else { return };
    let dirs = tempfile::tempdir().unwrap();
    let (data, config) = (dirs.path().join("data"), dirs.path().join("config"));
    // An "editor" that waits a moment (the screen is lent meanwhile) and edits the file it is given.
    let editor = dirs.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nsleep 1\nsed -i 's/^You are Echo/Be brief. You are Echo/' \"$1\"\n")
        .unwrap();
    Command::new("chmod").arg("+x").arg(&editor).status().unwrap();
    let env = [("EDITOR", editor.to_str().unwrap()), ("VISUAL", "")];
    tmux.open(110, 34, &ailab_command(&data, &config, &env, "--demo --no-record"));

    tmux.keys(&["F3"]);
    tmux.wait_for("Team", Duration::from_secs(30));
    tmux.keys(&["Down", "Down", "Enter"]);
    for _ in 0..10 {
        tmux.keys(&["Tab"]);
    }
    tmux.wait_for("▸ System prompt", Duration::from_secs(30));
    tmux.keys(&["C-o"]);
    // The screen is lent to the editor, then taken back with the edit in the field.
    let back = tmux.wait_for("Be brief. You are Echo", Duration::from_secs(30));
    assert!(back.contains("● unsaved"), "{back}");
    tmux.keys(&["C-s"]);
    tmux.wait_for("Saved to", Duration::from_secs(30));
    let file = std::fs::read_to_string(config.join("hierarchy.toml")).unwrap();
    assert!(file.contains("Be brief. You are Echo, the implementation specialist"), "{file}");

    // Someone changes the file outside ailab; a rename saved after that keeps their change.
    std::fs::write(config.join("hierarchy.toml"), format!("{file}# X\n")).unwrap();
    tmux.keys(&["Escape"]);
    // Back in the tree before the next key: a loaded machine can read Escape and r as one Alt-r.
    tmux.wait_until_gone("▸ System prompt", Duration::from_secs(30));
    tmux.keys(&["r", "BSpace", "BSpace", "BSpace", "BSpace"]);
    tmux.keys(&["Ember", "Enter", "C-s"]);
    let start = Instant::now();
    loop {
        let file = std::fs::read_to_string(config.join("hierarchy.toml")).unwrap();
        if file.contains("name = \"Ember\"") {
            assert!(file.ends_with("# X\n"), "the outside change was kept:\n{file}");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "not saved:\n{}", tmux.screen());
        std::thread::sleep(Duration::from_millis(100));
    }

    // Keys still reach the app after the editor: quit cleanly.
    tmux.keys(&["C-q"]);
    assert_eq!(tmux.exit_status(Duration::from_secs(30)), "0", "ailab did not quit cleanly");
}
