//! Startup to first frame of the real `ailab` binary, on a pseudo-terminal the suite plays the
//! terminal for: the clock starts just before the process is spawned and stops when the bottom
//! row of the first frame (the status bar, drawn last) arrives on the terminal. Nothing in the app
//! is instrumented. The suite answers the terminal queries crossterm sends at startup, as any
//! terminal emulator does, and reads the process's peak memory from `/proc`.

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::measure::{ms, peak_rss_kib};

/// What one start measured.
#[derive(Debug, Clone, Copy)]
pub struct Startup {
    /// From spawn to the first frame's last row on the terminal.
    pub first_frame: Duration,
    /// Peak resident memory (KiB) when the first frame was shown.
    pub rss_at_first_frame_kib: u64,
    /// Peak resident memory (KiB) after it settled (record open, health check answered).
    pub rss_settled_kib: u64,
    /// From spawn until the record was open and the recorder registered (it opens in the background).
    pub recording: Option<Duration>,
}

const ROWS: u16 = 40;
const COLS: u16 = 120;
/// Text on the status bar, the bottom row of every frame of the Run tab.
const LAST_ROW_MARKER: &[u8] = b"quit";

/// Starts `ailab` with `db` on a fresh pseudo-terminal and measures it; stops it with SIGTERM.
pub fn measure(db: &Path, base_url: &str, scratch: &Path) -> Result<Startup, String> {
    let (master, slave) = open_pty()?;
    let stderr_path = scratch.join("ailab-stderr.txt");
    let stderr = std::fs::File::create(&stderr_path).map_err(|e| e.to_string())?;
    let tty = |fd: &OwnedFd| fd.try_clone().map(Stdio::from).map_err(|e| e.to_string());
    let mut command = Command::new(env!("CARGO_BIN_EXE_ailab"));
    command
        .arg("--db")
        .arg(db)
        .arg("--base-url")
        .arg(base_url)
        .env("AILAB_CONFIG_DIR", scratch.join("config"))
        .env("AILAB_DATA_DIR", scratch.join("data"))
        .env("TERM", "xterm-256color")
        .env_remove("AILAB_HIERARCHY")
        .env_remove("AILAB_BASE_URL")
        .env_remove("AILAB_DB")
        .env_remove("AILAB_THEME")
        .env_remove("NO_COLOR")
        .stdin(tty(&slave)?)
        .stdout(tty(&slave)?)
        .stderr(stderr);
    // SAFETY: only async-signal-safe calls between fork and exec: a new session whose controlling
    // terminal is the pseudo-terminal on stdin, as a terminal emulator sets it up.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| format!("cannot start ailab: {e}"))?;
    // The parent keeps no end of the terminal but the master, so reads end when the app exits.
    drop(command);
    drop(slave);
    let (frame_tx, frame_rx) = mpsc::channel();
    let terminal = std::thread::spawn(move || play_terminal(master, frame_tx));
    let result = match frame_rx.recv_timeout(Duration::from_secs(20)) {
        Ok(at) => {
            let rss_at_first_frame_kib = peak_rss_kib(Some(child.id())).unwrap_or(0);
            let recording = wait_for_recorder(db, child.id(), Duration::from_secs(60)).map(|at| at - started);
            // Let the health check answer and the recorder settle, then read the peak again.
            std::thread::sleep(Duration::from_millis(500));
            let rss_settled_kib = peak_rss_kib(Some(child.id())).unwrap_or(0);
            Ok(Startup { first_frame: at - started, rss_at_first_frame_kib, rss_settled_kib, recording })
        }
        Err(_) => Err(format!(
            "no first frame within 20 s; ailab said: {}",
            std::fs::read_to_string(&stderr_path).unwrap_or_default().trim()
        )),
    };
    stop(&mut child);
    let _ = terminal.join();
    result
}

/// When the app's recorder registered itself in the record (it does once the record is open).
fn wait_for_recorder(db: &Path, pid: u32, timeout: Duration) -> Option<Instant> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        let registered = rusqlite::Connection::open(db)
            .and_then(|conn| {
                conn.query_row("SELECT count(*) FROM instances WHERE pid = ?1", [pid], |r| r.get::<_, i64>(0))
            })
            .is_ok_and(|n| n > 0);
        if registered {
            return Some(Instant::now());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

/// Reads what the app writes, answers its device-attributes query, and reports the moment the
/// first frame's last row arrives.
fn play_terminal(master: OwnedFd, frame: mpsc::Sender<Instant>) {
    let mut reader = std::fs::File::from(master);
    let mut writer = match reader.try_clone() {
        Ok(writer) => writer,
        Err(_) => return,
    };
    let mut seen: Vec<u8> = Vec::new();
    let mut answered = 0;
    let mut reported = false;
    let mut buf = [0u8; 65536];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let now = Instant::now();
        seen.extend_from_slice(&buf[..n]);
        // Primary device attributes (`ESC [ c`): a VT220-class terminal without the kitty keyboard protocol.
        let queries = count(&seen, b"\x1b[c");
        while answered < queries {
            let _ = writer.write_all(b"\x1b[?62;22c");
            answered += 1;
        }
        if !reported && count(&seen, LAST_ROW_MARKER) > 0 {
            let _ = frame.send(now);
            reported = true;
        }
    }
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

fn stop(child: &mut Child) {
    // SAFETY: signalling our own child by its pid.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn open_pty() -> Result<(OwnedFd, OwnedFd), String> {
    let mut master: libc::c_int = -1;
    let mut slave: libc::c_int = -1;
    let size = libc::winsize { ws_row: ROWS, ws_col: COLS, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: valid out pointers; a null name and termios are allowed.
    let rc = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &size) };
    if rc != 0 {
        return Err(format!("cannot open a pseudo-terminal: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: openpty returned two fresh descriptors that we now own.
    Ok(unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) })
}

/// Median of the first-frame times, in ms.
pub fn first_frame_ms(runs: &[Startup]) -> f64 {
    crate::measure::median(&runs.iter().map(|s| ms(s.first_frame)).collect::<Vec<_>>())
}
