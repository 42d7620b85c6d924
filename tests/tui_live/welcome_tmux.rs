//! The welcome in a real terminal: the first start without `--demo` shows it (over a server that
//! is not there, without the server panel covering it); Esc closes it; the flag is kept in the
//! data dir, so the next start goes straight to work. `--demo` starts without it.

use std::time::{Duration, Instant};

use crate::tmux_driver::{Tmux, ailab_command};

const TITLE: &str = "Welcome to ailab";

#[test]
fn the_first_start_welcomes_once_and_the_demo_starts_without_it() {
    let Some(tmux) = Tmux::start("welcome") else { return };
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    // A port nothing listens on: the check at start fails, as with LM Studio not started yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let args = format!("--no-record --base-url http://127.0.0.1:{port}/v1");
    let command = ailab_command(data.path(), config.path(), &[], &args);
    tmux.open(120, 40, &command);
    let screen = tmux.wait_for("not answering", Duration::from_secs(20));
    assert!(screen.contains(TITLE) && screen.contains("Quantum"), "the team is drawn:\n{screen}");
    assert!(!screen.contains("Server check"), "no server panel over the welcome:\n{screen}");
    tmux.send(&["Escape"]);
    tmux.wait_until_gone(TITLE, Duration::from_secs(10));
    let saved = data.path().join("ui-state.toml");
    let start = Instant::now();
    while !std::fs::read_to_string(&saved).is_ok_and(|t| t.contains("welcomed = true")) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the welcome was not remembered in {}",
            saved.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux.send(&["C-q"]);
    assert_eq!(tmux.exit_status(Duration::from_secs(10)), "0");

    // The next start goes straight to work; F1 then w shows the welcome again.
    tmux.reopen(&command);
    let screen = tmux.screen();
    assert!(!screen.contains(TITLE), "welcomed once only:\n{screen}");
    tmux.send(&["F1"]);
    tmux.wait_for("Keys", Duration::from_secs(10));
    tmux.send(&["w"]);
    tmux.wait_for(TITLE, Duration::from_secs(10));
    tmux.send(&["C-q"]);
    assert_eq!(tmux.exit_status(Duration::from_secs(10)), "0");

    // A fresh start with --demo: the demo was the choice already.
    let fresh = tempfile::tempdir().unwrap();
    tmux.reopen(&ailab_command(fresh.path(), config.path(), &[], "--demo --no-record"));
    let screen = tmux.screen();
    assert!(!screen.contains(TITLE), "--demo starts without the welcome:\n{screen}");
    tmux.send(&["C-q"]);
    assert_eq!(tmux.exit_status(Duration::from_secs(10)), "0");
}
