//! The real binary in a real terminal: tmux runs `ailab`, types a prompt, and reads the screen.
//! Skips (with a note) where tmux is not installed.
//!
//! It runs against `--demo`, which streams through the same engine, events and views as a
//! server does; the HTTP client and the mock server arrive with the client issue, and this test
//! then gains a twin that points `--base-url` at the mock.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of our own (its own socket, one per session name), killed on drop.
pub struct Tmux {
    socket: String,
    session: &'static str,
}

impl Tmux {
    fn start() -> Option<Tmux> {
        Self::start_named("smoke")
    }

    /// A server for a session named `session` (tests running at once use different names).
    pub fn start_named(session: &'static str) -> Option<Tmux> {
        let ok = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("tmux is not installed: skipping the {session} test in tmux");
            return None;
        }
        Some(Tmux { socket: format!("ailab-{session}-{}", std::process::id()), session })
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", self.session])
    }

    /// Waits until the screen contains `text`; returns the screen.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> String {
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

impl Tmux {
    /// The pane closed but tmux has no exit status: tmux built with libutempter can lose the
    /// SIGCHLD of a pane process that exits while utempter's own handler is in place (the pane's
    /// closing runs utempter), leaving the process a zombie that tmux never reaps
    /// (tmux/tmux#311). Under heavy load that window is wide. A SIGCHLD sent to the server makes
    /// it reap, and the exit status shows; this is how that thread works around it.
    fn reap(&self) {
        let server = self.run(&["display-message", "-p", "#{pid}"]);
        eprintln!("tmux has not reaped the closed pane: sending SIGCHLD to its server ({})", server.trim());
        let _ = Command::new("kill").args(["-CHLD", server.trim()]).output();
    }
}

impl Tmux {
    /// Waits for the pane's process to exit; returns its exit status.
    pub fn exit_status(&self, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let dead =
                self.run(&["display-message", "-p", "-t", self.session, "#{pane_dead} #{pane_dead_status}"]);
            match dead.trim().split_once(' ') {
                Some(("1", status)) if !status.is_empty() => return status.to_string(),
                _ if dead.trim() == "1" && start.elapsed() > Duration::from_millis(500) => self.reap(),
                _ => {}
            }
            assert!(start.elapsed() < timeout, "ailab did not exit; the screen is:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Starts `ailab --demo --no-record` with these data and config dirs, and waits for it.
    fn start_demo(&self, data: &Path, config: &Path) {
        let command = format!(
            "env AILAB_DATA_DIR={} AILAB_CONFIG_DIR={} TERM=xterm-256color {} --demo --no-record",
            quoted(data),
            quoted(config),
            quoted(Path::new(env!("CARGO_BIN_EXE_ailab"))),
        );
        let (w, h) = ("100", "30");
        self.run(&["-f", "/dev/null", "new-session", "-d", "-s", self.session, "-x", w, "-y", h, &command]);
        self.run(&["set-option", "-t", self.session, "remain-on-exit", "on"]);
        self.wait_for("Type a prompt below", Duration::from_secs(20));
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-L").arg(&self.socket).arg("kill-server").output();
    }
}

pub fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

#[test]
fn the_binary_streams_a_run_in_tmux_and_restores_the_terminal() {
    let Some(tmux) = Tmux::start() else { return };
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let command = format!(
        "env AILAB_DATA_DIR={} AILAB_CONFIG_DIR={} TERM=xterm-256color {} --demo --no-record",
        quoted(data.path()),
        quoted(config.path()),
        quoted(Path::new(env!("CARGO_BIN_EXE_ailab"))),
    );
    tmux.run(&["-f", "/dev/null", "new-session", "-d", "-s", "smoke", "-x", "120", "-y", "40", &command]);
    tmux.run(&["set-option", "-t", "smoke", "remain-on-exit", "on"]);
    tmux.wait_for("Type a prompt below", Duration::from_secs(20));

    tmux.run(&["send-keys", "-t", "smoke", "-l", "Why is the sky blue?"]);
    tmux.run(&["send-keys", "-t", "smoke", "Enter"]);
    let streaming = tmux.wait_for("answering", Duration::from_secs(20));
    assert!(streaming.contains("running"), "{streaming}");

    tmux.wait_for("Answer · done", Duration::from_secs(60));
    // The answer panel may take one more frame to fill in after its title changes.
    let done = tmux.wait_for("Taken together", Duration::from_secs(10));
    for name in ["Atlas", "Nova", "Sage", "Echo", "Pixel", "Quantum"] {
        assert!(done.contains(name), "{name} missing:\n{done}");
    }
    assert!(done.contains("Taken together"), "the final answer is not shown:\n{done}");

    tmux.run(&["send-keys", "-t", "smoke", "C-c"]);
    let start = Instant::now();
    loop {
        let dead = tmux.run(&["display-message", "-p", "-t", "smoke", "#{pane_dead} #{pane_dead_status}"]);
        if dead.trim() == "1 0" {
            break;
        }
        if dead.trim() == "1" && start.elapsed() > Duration::from_millis(500) {
            tmux.reap();
        }
        if start.elapsed() > Duration::from_secs(10) {
            let signal = tmux.run(&["display-message", "-p", "-t", "smoke", "#{pane_dead_signal}"]);
            panic!(
                "ailab did not exit cleanly on Ctrl-C: dead and status \"{}\", signal \"{}\"; the screen is:\n{}",
                dead.trim(),
                signal.trim(),
                tmux.screen()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // Back on the normal screen: none of the live view is left behind.
    let after = tmux.screen();
    assert!(!after.contains("Prompt") && !after.contains("Atlas"), "the terminal was not restored:\n{after}");
}

#[test]
fn the_theme_is_kept_between_sessions_and_sigterm_exits_143() {
    let Some(tmux) = Tmux::start_named("session") else { return };
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    tmux.start_demo(data.path(), config.path());
    tmux.run(&["send-keys", "-t", "session", "C-t"]);
    tmux.wait_for("Theme: light", Duration::from_secs(10));
    let saved = data.path().join("ui-state.toml");
    let start = Instant::now();
    while !std::fs::read_to_string(&saved).is_ok_and(|t| t.contains("theme = \"light\"")) {
        assert!(start.elapsed() < Duration::from_secs(10), "the theme was not saved in {}", saved.display());
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux.run(&["send-keys", "-t", "session", "C-c"]);
    assert_eq!(tmux.exit_status(Duration::from_secs(10)), "0");
    tmux.run(&["kill-session", "-t", "session"]);

    // The next session starts in the light theme: the theme key goes on to the one after it.
    tmux.start_demo(data.path(), config.path());
    tmux.run(&["send-keys", "-t", "session", "C-t"]);
    tmux.wait_for("Theme: high-contrast", Duration::from_secs(10));
    let pid = tmux.run(&["display-message", "-p", "-t", "session", "#{pane_pid}"]);
    let killed = Command::new("kill").args(["-TERM", pid.trim()]).status().unwrap();
    assert!(killed.success());
    assert_eq!(tmux.exit_status(Duration::from_secs(10)), "143", "SIGTERM exits 128 + 15");
}
