//! Item 7: what the user pays for the live view. The real release binary in a real terminal (tmux,
//! 160×48) runs a tree against the suite's mock streaming about 2000 tokens/s per call, and the
//! whole process's CPU (user + system of every thread, from `/proc/PID/stat`) is divided by the
//! tokens streamed. In the same run, aichat 0.30 (a streaming chat client in Rust) streams one
//! long answer from the same mock into the same kind of pane, as the reference peer.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::Options;
use crate::measure::median;
use crate::mock::{PacedMock, burst_script, split_pieces};
use crate::proc_cpu::{self, ProcCpu};
use crate::report::{Bar, Report};
use crate::support::{RecordedRequest, Reply};
use crate::tmux::{Tmux, ailab_command, seen_welcome};

const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;
/// Words per call (one piece per word, as a server streams one token per chunk).
const WORDS_PER_CALL: usize = 600;
/// The peer's one answer.
const PEER_WORDS: usize = 5000;
/// Pieces written back to back before each 1 ms pause: about 2000 pieces/s per stream.
const PER_MS: usize = 2;
/// The model name the peer asks for, so the mock can tell it apart.
const PEER_MODEL: &str = "bench-peer";
/// Environment variable naming the peer's binary.
pub const PEER_ENV: &str = "AILAB_BENCH_AICHAT";
const PROMPT: &str = "How does quantum tunnelling make flash memory work, and where are its limits?";

/// One measured streaming run of a process.
struct Measured {
    tokens: usize,
    cpu: Duration,
    wall: Duration,
    /// CPU per thread name at the end (for finding where the time goes).
    threads: Vec<proc_cpu::ThreadCpu>,
    /// The slowest frame the app drew, from its log.
    slowest_frame_us: Option<u64>,
    /// Frames the app drew from start to exit.
    frames: Option<u64>,
}

impl Measured {
    fn us_per_token(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / self.tokens.max(1) as f64
    }
}

pub fn run(options: &Options, report: &mut Report) {
    let Some(probe) = Tmux::start("bench-live") else {
        report.skip("7", "tmux is not installed (apt-get install tmux)");
        return;
    };
    drop(probe);
    let runs = if options.quick { 1 } else { 3 };
    let mock = PacedMock::start(Duration::ZERO, WORDS_PER_CALL);
    let streamed = Arc::new(AtomicUsize::new(0));
    {
        let streamed = streamed.clone();
        mock.server.respond_with(move |request: &RecordedRequest| {
            let pieces = match request.split_count() {
                Some(count) => split_pieces(count, WORDS_PER_CALL),
                None if request.model() == PEER_MODEL => answer_pieces(PEER_WORDS),
                None => answer_pieces(WORDS_PER_CALL),
            };
            streamed.fetch_add(pieces.len(), Ordering::SeqCst);
            Some(Reply::Stream(burst_script(&pieces, PER_MS)))
        });
    }
    let scratch = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(err) => {
            report.skip("7", format!("no temporary folder: {err}"));
            return;
        }
    };
    let peer = std::env::var_os(PEER_ENV).map(PathBuf::from).filter(|p| !p.as_os_str().is_empty());
    let mut six = Vec::new();
    let mut peers = Vec::new();
    // Interleaved: the machine's load drifts, and both see the same drift.
    for i in 0..runs {
        match ailab_run(&mock, &streamed, &scratch.path().join(format!("six-{i}")), None) {
            Ok(m) => six.push(m),
            Err(err) => eprintln!("  six-node run {i} failed: {err}"),
        }
        if let Some(peer) = &peer {
            match peer_run(&mock, &streamed, peer, &scratch.path().join(format!("peer-{i}"))) {
                Ok(m) => peers.push(m),
                Err(err) => eprintln!("  peer run {i} failed: {err}"),
            }
        }
    }
    let Some(six_us) = summarise(report, "six-node tree", &six) else {
        report.skip("7", "no six-node run finished");
        return;
    };
    match (&peer, summarise(report, "aichat 0.30, one answer", &peers)) {
        (None, _) => report.skip("7", format!("peer not installed (set {PEER_ENV} to aichat 0.30's binary)")),
        (Some(_), None) => report.skip("7", "the peer did not finish a run"),
        (Some(_), Some(peer_us)) => {
            report.bar("7", "live view ÷ aichat, CPU per token", six_us / peer_us, "×", Bar::AtMost(0.5));
        }
    }
    let tree = scratch.path().join("tree63.toml");
    if let Err(err) = std::fs::write(&tree, binary_tree_toml(6)) {
        report.skip("7", format!("cannot write the 63-node tree: {err}"));
        return;
    }
    match ailab_run(&mock, &streamed, &scratch.path().join("big"), Some(&tree)) {
        Ok(big) => {
            let big_us = big.us_per_token();
            summarise(report, "63-node tree (depth 6)", std::slice::from_ref(&big));
            report.bar("7", "63-node ÷ six-node, CPU per token", big_us / six_us, "×", Bar::AtMost(1.5));
            match big.slowest_frame_us {
                Some(us) => report.bar(
                    "7",
                    "63-node tree: slowest frame",
                    us as f64 / 1000.0,
                    "ms",
                    Bar::AtMost(25.0),
                ),
                None => report.skip("7", "the app logged no frame times"),
            }
        }
        Err(err) => report.skip("7", format!("the 63-node run failed: {err}")),
    }
}

/// Rows for some runs of one kind; the median µs per token.
fn summarise(report: &mut Report, what: &str, runs: &[Measured]) -> Option<f64> {
    let us = median(&runs.iter().map(Measured::us_per_token).collect::<Vec<_>>());
    let first = runs.first()?;
    let tokens = median(&runs.iter().map(|m| m.tokens as f64).collect::<Vec<_>>());
    let rate = median(&runs.iter().map(|m| m.tokens as f64 / m.wall.as_secs_f64()).collect::<Vec<_>>());
    report.info("7", format!("{what}: process CPU per streamed token"), us, "µs");
    let note = format!(
        "median of {}, {tokens:.0} tokens at {rate:.0}/s; threads of the first: {}{}",
        runs.len(),
        proc_cpu::describe(&first.threads),
        first.frames.map(|n| format!("; {n} frames drawn")).unwrap_or_default()
    );
    eprintln!("       {note}");
    report.note(note);
    Some(us)
}

/// One run of the real binary in tmux: start it, wait for its prompt box, type the prompt, and
/// measure from Enter until the last stream has ended and the app has settled.
fn ailab_run(
    mock: &PacedMock,
    streamed: &AtomicUsize,
    dir: &Path,
    hierarchy: Option<&Path>,
) -> Result<Measured, String> {
    let (data, config) = (dir.join("data"), dir.join("config"));
    std::fs::create_dir_all(&config).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    // A returning user: the first start's welcome would take the typed prompt's letters as its
    // choices ('d' is the demo).
    seen_welcome(&data);
    let mut args = format!("--base-url {}", mock.base_url());
    if let Some(tree) = hierarchy {
        args.push_str(&format!(" --hierarchy '{}'", tree.display()));
    }
    let tmux = Tmux::start("bench-live").ok_or("tmux is not installed")?;
    open(&tmux, "bench-live", &ailab_command(&data, &config, &[], &args));
    // The prompt box's placeholder (the first-run hint is left out when a big tree fills the screen).
    tmux.wait_for("Ask the team something", Duration::from_secs(30));
    let pid: u32 = tmux.pane("#{pane_pid}").parse().map_err(|_| "no pane pid")?;
    // Let the health check answer and the record open.
    std::thread::sleep(Duration::from_millis(700));
    let before = ProcCpu::read(pid).ok_or("cannot read the app's CPU time")?;
    let tokens_before = streamed.load(Ordering::SeqCst);
    let chats_before = mock.server.chat_count();
    // AILAB_BENCH_PERF=FILE: a `perf record` of the app over the measured span, for finding
    // where the time goes (`perf report -i FILE`).
    let perf = std::env::var_os("AILAB_BENCH_PERF").and_then(|file| {
        let file = format!("{}.{}", file.to_string_lossy(), if hierarchy.is_some() { "big" } else { "six" });
        // AILAB_BENCH_PERF_HZ: samples a second (999); AILAB_BENCH_PERF_CALLS: `fp`, or
        // `dwarf` for whole stacks of a binary built without frame pointers.
        let hz = std::env::var("AILAB_BENCH_PERF_HZ").unwrap_or_else(|_| "999".into());
        let calls = std::env::var("AILAB_BENCH_PERF_CALLS").unwrap_or_else(|_| "fp".into());
        let pid = pid.to_string();
        std::process::Command::new("perf")
            .args(["record", "-F", &hz, "--call-graph", &calls, "-o", &file, "-p", &pid])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()
    });
    tmux.send(&["-l", PROMPT]);
    let started = Instant::now();
    tmux.send(&["Enter"]);
    let (after, ended) = settle(mock, &tmux, pid, chats_before)?;
    let threads = proc_cpu::threads(pid);
    if let Some(mut perf) = perf {
        // SAFETY: signalling the child we started; perf writes its file on SIGINT.
        unsafe {
            libc::kill(perf.id() as libc::pid_t, libc::SIGINT);
        }
        let _ = perf.wait();
    }
    if std::env::var_os("AILAB_BENCH_SHOW").is_some() {
        eprintln!("{}", tmux.screen());
    }
    let tokens = streamed.load(Ordering::SeqCst) - tokens_before;
    proc_cpu::terminate(pid);
    let _ = tmux.exit_status(Duration::from_secs(20));
    Ok(Measured {
        tokens,
        cpu: after.own.saturating_sub(before.own),
        wall: ended - started,
        threads,
        slowest_frame_us: frames_logged(&data.join("logs"), "slowest_frame_us"),
        frames: frames_logged(&data.join("logs"), "frames"),
    })
}

/// Waits until the run has ended: the mock has nothing open and the app's status bar no longer
/// says it is running (the app may still be reading what the mock sent). Returns the CPU reading
/// taken `SETTLE` later (the last frames and the record's last write) and when the end was seen.
fn settle(
    mock: &PacedMock,
    tmux: &Tmux,
    pid: u32,
    chats_before: usize,
) -> Result<(ProcCpu, Instant), String> {
    const SETTLE: Duration = Duration::from_millis(300);
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let idle = mock.server.in_flight() == 0 && mock.server.chat_count() > chats_before;
        if idle && !status_bar(&tmux.screen()).contains(" running ") {
            let ended = Instant::now();
            std::thread::sleep(SETTLE);
            return Ok((ProcCpu::read(pid).ok_or("the app has gone")?, ended));
        }
        if Instant::now() > deadline {
            return Err(format!("the run did not end within 5 minutes; the screen is:\n{}", tmux.screen()));
        }
    }
}

/// The bottom line of a screen.
fn status_bar(screen: &str) -> &str {
    screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("")
}

/// aichat streaming one long answer from the mock in a pane of the same size. It runs under a
/// shell that outlives it, so its CPU time is read exactly from the shell's reaped children.
fn peer_run(mock: &PacedMock, streamed: &AtomicUsize, binary: &Path, dir: &Path) -> Result<Measured, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let config = format!(
        "model: mock:{PEER_MODEL}\nstream: true\nsave: false\nclients:\n- type: openai-compatible\n  \
         name: mock\n  api_base: {}\n  api_key: none\n  models:\n  - name: {PEER_MODEL}\n",
        mock.base_url()
    );
    std::fs::write(dir.join("config.yaml"), config).map_err(|e| e.to_string())?;
    let command = format!(
        "env AICHAT_CONFIG_DIR='{}' TERM=xterm-256color '{}' '{PROMPT}'; echo BENCH-PEER-DONE; sleep 600",
        dir.display(),
        binary.display()
    );
    let tmux = Tmux::start("bench-peer").ok_or("tmux is not installed")?;
    open(&tmux, "bench-peer", &format!("sh -c {}", quoted(&command)));
    let shell: u32 = tmux.pane("#{pane_pid}").parse().map_err(|_| "no pane pid")?;
    let tokens_before = streamed.load(Ordering::SeqCst);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(120);
    while !tmux.screen().contains("BENCH-PEER-DONE") {
        if Instant::now() > deadline {
            return Err(format!("aichat did not finish in 2 minutes; the pane shows:\n{}", tmux.screen()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let wall = started.elapsed();
    let children = ProcCpu::read(shell).ok_or("cannot read the shell's CPU time")?.children;
    let tokens = streamed.load(Ordering::SeqCst) - tokens_before;
    if tokens == 0 {
        return Err(format!("aichat asked the mock for nothing; the pane shows:\n{}", tmux.screen()));
    }
    Ok(Measured { tokens, cpu: children, wall, threads: Vec::new(), slowest_frame_us: None, frames: None })
}

/// Opens `session` at the bench's size running `command`, and keeps the pane once it exits.
fn open(tmux: &Tmux, session: &str, command: &str) {
    let (w, h) = (WIDTH.to_string(), HEIGHT.to_string());
    tmux.run(&["-f", "/dev/null", "new-session", "-d", "-s", session, "-x", &w, "-y", &h, command]);
    tmux.run(&["set-option", "-t", session, "remain-on-exit", "on"]);
}

/// `text` as one word for the shell.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A number the app logged on its "frames drawn" line (`frames=…`, `slowest_frame_us=…`): the
/// largest, if it logged that line more than once.
fn frames_logged(logs: &Path, field: &str) -> Option<u64> {
    let entries = std::fs::read_dir(logs).ok()?;
    let mut most = None;
    for entry in entries.flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for line in text.lines().filter(|l| l.contains("frames drawn")) {
            let value =
                line.split(&format!(" {field}=")).nth(1)?.split_whitespace().next()?.parse::<u64>().ok();
            most = most.max(value);
        }
    }
    most
}

/// `n` word pieces of an answer, with a paragraph break now and then and some Markdown.
pub fn answer_pieces(n: usize) -> Vec<String> {
    (0..n).map(super::render::piece).collect()
}

/// A full binary tree of `depth` levels (2^depth − 1 nodes): ids, names and children only, the
/// rest from the built-in defaults.
pub fn binary_tree_toml(depth: u32) -> String {
    let count = (1usize << depth) - 1;
    let mut toml = String::new();
    for i in 0..count {
        let children: Vec<String> =
            [2 * i + 1, 2 * i + 2].iter().filter(|&&c| c < count).map(|c| format!("\"n{c}\"")).collect();
        toml.push_str(&format!(
            "[[node]]\nid = \"n{i}\"\nname = \"Member {i}\"\nchildren = [{}]\n\n",
            children.join(", ")
        ));
    }
    toml
}
