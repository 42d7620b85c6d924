//! End to end with the real binary: `ailab ask` records a run, `ailab history` reads it back; a run
//! killed with SIGKILL mid-stream is found `interrupted` with its partial text at the next start.
//!
//! These use the built-in offline demo backend (`--demo`), which streams at a realistic pace, so no
//! server is needed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Sandbox {
    _dir: tempfile::TempDir,
    root: PathBuf,
    db: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        Sandbox { db: root.join("record/ailab.db"), root, _dir: dir }
    }

    /// `ailab --db <temp> ARGS…` with config and data dirs of its own, nothing from the user's setup.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ailab"));
        cmd.arg("--db").arg(&self.db).args(args);
        for var in ["AILAB_DB", "AILAB_HIERARCHY", "AILAB_BASE_URL", "AILAB_THEME", "AILAB_LOG"] {
            cmd.env_remove(var);
        }
        cmd.env("AILAB_DATA_DIR", self.root.join("data")).env("AILAB_CONFIG_DIR", self.root.join("config"));
        cmd.current_dir(&self.root).stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

#[test]
fn a_run_made_by_ask_reads_back_through_history() {
    let sandbox = Sandbox::new();
    let ask = sandbox.run(&["ask", "--demo", "--quiet", "Why is the sky blue?"]);
    assert!(ask.status.success(), "{}", String::from_utf8_lossy(&ask.stderr));

    let runs = sandbox.json(&["history", "list", "--json"]);
    assert_eq!(runs.as_array().unwrap().len(), 1);
    let id = runs[0]["id"].as_str().unwrap().to_string();

    let run = sandbox.json(&["history", "show", &id[..12], "--json"]);
    assert_eq!(run["id"], id.as_str());
    assert_eq!(run["status"], "done");
    assert_eq!(run["prompt"], "Why is the sky blue?");
    let answer = run["answer"].as_str().unwrap();
    assert_eq!(
        answer.trim_end(),
        String::from_utf8_lossy(&ask.stdout).trim_end(),
        "the recorded answer is the printed one"
    );
    let calls = run["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 9, "the default tree: 3 splits, 3 answers, 3 syntheses");
    for call in calls {
        assert_eq!(call["status"], "done");
        assert!(!call["text"].as_str().unwrap().is_empty());
        assert!(!call["request"]["messages"].as_array().unwrap().is_empty());
        assert!(call["metrics"]["completion_tokens"].as_u64().unwrap() > 0);
        let parent = call["parent_call"].as_u64();
        if call["node"] != "atlas" || call["phase"] != "split" {
            let parent = parent.expect("every call but the root's split has a parent call");
            assert!(calls.iter().any(|c| c["call"].as_u64() == Some(parent)));
        }
    }
    let kinds: Vec<&str> =
        run["messages"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "delegation").count(), 5);
    assert_eq!(kinds.iter().filter(|k| **k == "synthesis").count(), 3);

    // Found by words of its answer; exported as Markdown.
    let hits = sandbox.json(&["history", "search", "demo", "--json"]);
    assert_eq!(hits[0]["run"]["id"], id.as_str());
    let export = sandbox.run(&["history", "export", &id]);
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let md = std::fs::read_to_string(sandbox.root.join(format!("ailab-{id}.md"))).unwrap();
    assert!(md.contains("### 1. Query · You → Atlas") && md.contains("## Final answer"), "{md}");

    // Times are shown in the computer's zone, and say which (a POSIX zone string: no tzdata needed).
    let shown = sandbox.command(&["history", "show", &id]).env("TZ", "IST-5:30").output().unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("+05:30"), "the start time is local, with its offset:\n{shown}");

    // Deleting asks first; without a terminal it needs --yes.
    let refused = sandbox.run(&["history", "delete", &id]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));
    assert!(sandbox.run(&["history", "delete", &id, "--yes"]).status.success());
    let unknown = sandbox.run(&["history", "show", &id]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no run with id"));
}

/// Waits until a call of the run has streamed some text into the record.
fn wait_for_partial_text(db: &Path, timeout: Duration) -> Option<String> {
    let began = Instant::now();
    while began.elapsed() < timeout {
        if let Ok(conn) =
            rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        {
            let _ = conn.busy_timeout(Duration::from_secs(1));
            let found: Option<String> = conn
                .query_row(
                    "SELECT run_id FROM calls WHERE status = 'streaming' AND length(text) > 20 LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .ok();
            if found.is_some() {
                return found;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Linux only: elsewhere a dead owner is recognised by its stale heartbeat (15 s), not by its pid.
#[test]
#[cfg(target_os = "linux")]
fn a_run_killed_mid_stream_is_interrupted_with_its_partial_text() {
    let sandbox = Sandbox::new();
    let mut child = sandbox
        .command(&["ask", "--demo", "--quiet", "Explain tides"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let id = wait_for_partial_text(&sandbox.db, Duration::from_secs(20));
    // SIGKILL: no destructor, no flush, no goodbye.
    child.kill().unwrap();
    child.wait().unwrap();
    let id = id.expect("the run streamed text into the record before it was killed");

    // The next start of ailab finds the run's owner gone.
    let run = sandbox.json(&["history", "show", &id, "--json"]);
    assert_eq!(run["status"], "interrupted");
    assert!(run["note"].as_str().unwrap().contains("stopped before this run finished"));
    let calls = run["calls"].as_array().unwrap();
    let cut: Vec<_> = calls.iter().filter(|c| c["status"] == "interrupted").collect();
    assert!(!cut.is_empty(), "the calls in flight are marked interrupted");
    assert!(cut.iter().any(|c| c["text"].as_str().unwrap().len() > 20), "their partial text is kept");
    assert!(calls.iter().all(|c| c["status"] != "streaming"));

    let conn = rusqlite::Connection::open(&sandbox.db).unwrap();
    let verdict: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(verdict, "ok");
    drop(conn);
    let list = sandbox.json(&["history", "list", "--json"]);
    assert_eq!(list[0]["status"], "interrupted");
}
