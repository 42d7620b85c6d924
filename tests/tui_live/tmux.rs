//! The real binary in a real terminal: tmux runs `ailab`, types a prompt, and reads the screen.
//! Fails under CI where tmux is not installed, and skips (loudly) elsewhere.
//!
//! It runs against `--demo`, which streams through the same engine, events and views as a
//! server does; the HTTP client and the mock server arrive with the client issue, and this test
//! then gains a twin that points `--base-url` at the mock.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::tmux_driver::{Tmux, ailab_command};

#[test]
fn the_binary_streams_a_run_in_tmux_and_restores_the_terminal() {
    let Some(tmux) = Tmux::start("smoke") else { return };
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    tmux.open(120, 40, &ailab_command(data.path(), config.path(), &[], "--demo --no-record"));

    tmux.send(&["-l", "Why is the sky blue?"]);
    tmux.send(&["Enter"]);
    let streaming = tmux.wait_for("answering", Duration::from_secs(20));
    assert!(streaming.contains("running"), "{streaming}");

    tmux.wait_for("Answer · done", Duration::from_secs(60));
    // The answer panel may take one more frame to fill in after its title changes.
    let done = tmux.wait_for("Taken together", Duration::from_secs(10));
    for name in ["Atlas", "Nova", "Sage", "Echo", "Pixel", "Quantum"] {
        assert!(done.contains(name), "{name} missing:\n{done}");
    }
    assert!(done.contains("Taken together"), "the final answer is not shown:\n{done}");

    tmux.send(&["C-c"]);
    assert_eq!(tmux.exit_status(Duration::from_secs(10)), "0", "ailab did not exit cleanly on Ctrl-C");
    // Back on the normal screen: none of the live view is left behind.
    let after = tmux.screen();
    assert!(!after.contains("Prompt") && !after.contains("Atlas"), "the terminal was not restored:\n{after}");
}

/// A session is a conversation: the prompt after a run is its second turn, the header says so,
/// and the History tab lists the follow-up as turn 2 of the same conversation.
#[test]
fn a_follow_up_is_the_second_turn_and_history_lists_it_as_one() {
    let Some(tmux) = Tmux::start("conversation") else { return };
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    tmux.open(120, 40, &ailab_command(data.path(), config.path(), &[], "--demo"));
    tmux.send(&["-l", "Why is the sky blue?"]);
    tmux.send(&["Enter"]);
    tmux.wait_for("Answer · done", Duration::from_secs(60));
    tmux.wait_for("Follow-up · turn 2", Duration::from_secs(10));

    tmux.send(&["-l", "tell me more about the second point"]);
    tmux.send(&["Enter"]);
    tmux.wait_for("conversation · turn 2", Duration::from_secs(20));
    let done = tmux.wait_for("You · turn 2 ─ tell me more", Duration::from_secs(60));
    assert!(done.contains("Answer · done"), "{done}");

    tmux.send(&["M-2"]);
    let history = tmux.wait_for("↳ turn 2 · tell me more", Duration::from_secs(20));
    assert!(history.contains("Why is the sky blue?"), "the first turn is listed too:\n{history}");
    tmux.send(&["C-c"]);
    assert_eq!(tmux.exit_status(Duration::from_secs(10)), "0");
}

#[test]
fn the_theme_is_kept_between_sessions_and_sigterm_exits_143() {
    let Some(tmux) = Tmux::start("session") else { return };
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let command = ailab_command(data.path(), config.path(), &[], "--demo --no-record");
    tmux.open(100, 30, &command);
    tmux.send(&["C-t"]);
    tmux.wait_for("Theme: light", Duration::from_secs(10));
    let saved = data.path().join("ui-state.toml");
    let start = Instant::now();
    while !std::fs::read_to_string(&saved).is_ok_and(|t| t.contains("theme = \"light\"")) {
        assert!(start.elapsed() < Duration::from_secs(10), "the theme was not saved in {}", saved.display());
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux.send(&["C-c"]);
    assert_eq!(tmux.exit_status(Duration::from_secs(10)), "0");

    // The next session starts in the light theme: the theme key goes on to the one after it.
    tmux.reopen(&command);
    tmux.send(&["C-t"]);
    tmux.wait_for("Theme: high-contrast", Duration::from_secs(10));
    let pid = tmux.pane("#{pane_pid}");
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    assert_eq!(tmux.exit_status(Duration::from_secs(10)), "143", "SIGTERM exits 128 + 15");
}

/// Closing the terminal window (SIGHUP, with the terminal gone) ends ailab quietly: nothing it
/// prints on the way out may panic on the dead terminal (ratatui's own farewell did, and the log
/// said so every time).
#[test]
fn closing_the_window_mid_run_leaves_no_panic_in_the_log() {
    let Some(tmux) = Tmux::start("hangup") else { return };
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    tmux.open(100, 30, &ailab_command(data.path(), config.path(), &[], "--demo"));
    tmux.send(&["-l", "Why is the sky blue?"]);
    tmux.send(&["Enter"]);
    tmux.wait_for("answering", Duration::from_secs(20));
    let pid = tmux.pane("#{pane_pid}");
    tmux.run(&["kill-session", "-t", "hangup"]);
    let start = Instant::now();
    while running(&pid) {
        assert!(start.elapsed() < Duration::from_secs(15), "ailab did not leave after its window closed");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut log = String::new();
    for entry in std::fs::read_dir(data.path().join("logs")).unwrap().flatten() {
        log.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    assert!(log.contains("SIGHUP"), "the log says why it left:\n{log}");
    assert!(!log.contains("panic"), "{log}");
}

/// True while process `pid` runs: a zombie (exited, not yet reaped by whoever adopted it once
/// tmux was gone) has left already.
fn running(pid: &str) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
    // `pid (comm) state …`: the state follows the last parenthesis (comm may hold any).
    let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.trim_start().chars().next());
    !matches!(state, Some('Z' | 'X') | None)
}
