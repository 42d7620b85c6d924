//! The real binary in a real terminal: tmux runs `ailab --demo`, the Prompts tab opens, a system
//! prompt goes through `$EDITOR` (the screen is lent and taken back), is saved, and the file on
//! disk holds it. Skips (with a note) where tmux is not installed.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of our own (its own socket), killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start() -> Option<Tmux> {
        let ok = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("tmux is not installed: skipping the Prompts tab smoke test");
            return None;
        }
        Some(Tmux { socket: format!("ailab-prompts-{}", std::process::id()) })
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.run(&["send-keys", "-t", "p", key]);
        }
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "p"])
    }

    fn wait_for(&self, text: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(start.elapsed() < timeout, "waited {timeout:?} for {text:?}; the screen is:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-L").arg(&self.socket).arg("kill-server").output();
    }
}

fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

#[test]
fn a_prompt_edited_in_the_editor_is_saved_from_the_real_binary() {
    let Some(tmux) = Tmux::start() else { return };
    let dirs = tempfile::tempdir().unwrap();
    let (data, config) = (dirs.path().join("data"), dirs.path().join("config"));
    // An "editor" that waits a moment (the screen is lent meanwhile) and edits the file it is given.
    let editor = dirs.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nsleep 1\nsed -i 's/^You are Echo/Be brief. You are Echo/' \"$1\"\n")
        .unwrap();
    Command::new("chmod").arg("+x").arg(&editor).status().unwrap();
    let command = format!(
        "env AILAB_DATA_DIR={} AILAB_CONFIG_DIR={} EDITOR={} VISUAL= TERM=xterm-256color {} --demo --no-record",
        quoted(&data),
        quoted(&config),
        quoted(&editor),
        quoted(Path::new(env!("CARGO_BIN_EXE_ailab"))),
    );
    tmux.run(&["-f", "/dev/null", "new-session", "-d", "-s", "p", "-x", "110", "-y", "34", &command]);
    tmux.run(&["set-option", "-t", "p", "remain-on-exit", "on"]);
    tmux.wait_for("Type a prompt below", Duration::from_secs(20));

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
    tmux.keys(&["Escape", "r", "BSpace", "BSpace", "BSpace", "BSpace"]);
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
    let start = Instant::now();
    loop {
        let dead = tmux.run(&["display-message", "-p", "-t", "p", "#{pane_dead} #{pane_dead_status}"]);
        if dead.trim() == "1 0" {
            break;
        }
        // tmux built with libutempter can lose a pane's SIGCHLD (tmux/tmux#311): nudge it to reap.
        if dead.trim() == "1" && start.elapsed() > Duration::from_millis(500) {
            let server = tmux.run(&["display-message", "-p", "#{pid}"]);
            let _ = Command::new("kill").args(["-CHLD", server.trim()]).output();
        }
        assert!(start.elapsed() < Duration::from_secs(30), "ailab did not quit: {dead}\n{}", tmux.screen());
        std::thread::sleep(Duration::from_millis(100));
    }
}
