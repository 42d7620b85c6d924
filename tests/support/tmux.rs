//! The one tmux driver of the end-to-end tests: the real binary in a real terminal, typed at
//! with `send-keys` and read with `capture-pane`. Included by each suite that uses it with
//! `#[path = "support/tmux.rs"] mod tmux_driver;`.
//!
//! Where tmux is missing the tests prove nothing, so under CI (the `CI` environment variable set)
//! that is a failure (`.ci/run` installs tmux); elsewhere the test skips, saying so on the
//! terminal even when cargo captures the test's output.

// Each suite uses a different part of the driver.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of our own (its own socket) holding one session, killed on drop.
pub struct Tmux {
    socket: String,
    session: &'static str,
}

/// True when the `CI` environment variable is set (to anything but nothing, `0` or `false`).
fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

fn installed() -> bool {
    Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success())
}

impl Tmux {
    /// A server for a session named `session` (tests running at once use different names).
    /// `None` where tmux is not installed, outside CI only: under CI that panics.
    pub fn start(session: &'static str) -> Option<Tmux> {
        if !installed() {
            assert!(
                !under_ci(),
                "tmux is not installed, and under CI the {session} test in tmux must run: \
                 install tmux (`.ci/run` does: apt-get install -y tmux)"
            );
            // Straight to the terminal: cargo captures what the test prints unless it fails.
            let _ = writeln!(
                std::io::stderr().lock(),
                "\n*** SKIPPED: tmux is not installed, so the {session} test in tmux did not run \
                 (it proves nothing on this machine; under CI this fails). Install tmux. ***\n"
            );
            return None;
        }
        Some(Tmux { socket: format!("ailab-{session}-{}", std::process::id()), session })
    }

    /// Runs a tmux command on our server; returns what it printed. A command tmux refuses fails
    /// the test there, saying why, rather than as a timeout further on.
    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Opens the session at `width` × `height` running `command` (a shell line, see
    /// [`ailab_command`]), keeps the pane once it exits, and waits for the app's prompt box.
    pub fn open(&self, width: u16, height: u16, command: &str) {
        let (w, h) = (width.to_string(), height.to_string());
        self.run(&["-f", "/dev/null", "new-session", "-d", "-s", self.session, "-x", &w, "-y", &h, command]);
        self.run(&["set-option", "-t", self.session, "remain-on-exit", "on"]);
        self.wait_for("Type a prompt below", Duration::from_secs(20));
    }

    /// Runs `command` again in the session's pane once the last one has exited, on the same server
    /// (killing the session and opening a new one would end the server and race the next start),
    /// and waits for the app's prompt box.
    pub fn reopen(&self, command: &str) {
        self.run(&["respawn-pane", "-k", "-t", self.session, command]);
        self.wait_for("Type a prompt below", Duration::from_secs(20));
    }

    /// One `send-keys` to the session with these arguments (`["-l", "some text"]`, `["C-c"]`).
    pub fn send(&self, args: &[&str]) {
        let mut all = vec!["send-keys", "-t", self.session];
        all.extend_from_slice(args);
        self.run(&all);
    }

    /// Each key by its own `send-keys`. That alone does not keep an Escape from being read with
    /// the key after it as one Alt chord when the app is slow to read (a loaded machine): wait
    /// for what the Escape does before sending more.
    pub fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.send(&[key]);
        }
    }

    /// What the pane shows now.
    pub fn screen(&self) -> String {
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

    /// Waits until the screen no longer contains `text`; returns the screen.
    pub fn wait_until_gone(&self, text: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if !screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < timeout,
                "waited {timeout:?} for {text:?} to go; the screen is:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A `#{…}` format of the session's pane (`#{pane_pid}`, `#{pane_dead}`), trimmed.
    pub fn pane(&self, format: &str) -> String {
        self.run(&["display-message", "-p", "-t", self.session, format]).trim().to_string()
    }

    /// Waits for the pane's process to exit; returns its exit status.
    pub fn exit_status(&self, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let dead = self.pane("#{pane_dead} #{pane_dead_status}");
            match dead.split_once(' ') {
                Some(("1", status)) if !status.is_empty() => return status.to_string(),
                _ if dead == "1" && start.elapsed() > Duration::from_millis(500) => self.reap(),
                _ => {}
            }
            assert!(
                start.elapsed() < timeout,
                "ailab did not exit within {timeout:?}: dead and status \"{dead}\", signal \"{}\"; \
                 the screen is:\n{}",
                self.pane("#{pane_dead_signal}"),
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

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

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-L").arg(&self.socket).arg("kill-server").output();
    }
}

/// The shell line that runs the built `ailab` with `args`, its data and config in these
/// directories and `env` set too.
pub fn ailab_command(data: &Path, config: &Path, env: &[(&str, &str)], args: &str) -> String {
    let mut words = vec!["env".to_string()];
    // The test's own settings only: none the user (or CI) has set for ailab in their shell.
    for name in [
        "AILAB_DB",
        "AILAB_HIERARCHY",
        "AILAB_THEME",
        "AILAB_LOG",
        "AILAB_BASE_URL",
        "AILAB_JUDGE",
        "NO_COLOR",
    ] {
        words.push(format!("-u {name}"));
    }
    words
        .extend([format!("AILAB_DATA_DIR={}", quoted(data)), format!("AILAB_CONFIG_DIR={}", quoted(config))]);
    words.extend(env.iter().map(|(name, value)| format!("{name}={}", quoted(Path::new(value)))));
    words.push("TERM=xterm-256color".into());
    words.push(quoted(Path::new(env!("CARGO_BIN_EXE_ailab"))));
    words.push(args.into());
    words.join(" ")
}

/// Makes `data` the data folder of someone who has started ailab before: the first start's
/// welcome (shown when there is no record yet, as with `--no-record`) does not cover the screen.
pub fn seen_welcome(data: &Path) {
    let state = data.join("ui-state.toml");
    if let Err(err) = std::fs::write(&state, "welcomed = true\n") {
        panic!("cannot write {}: {err}", state.display());
    }
}

/// A path as one word for the shell.
fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}
