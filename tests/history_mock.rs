//! End to end over HTTP: the real binary runs the default tree against the mock OpenAI-compatible
//! server, and `ailab history show --json` gives back exactly what went over the wire; a run killed
//! (SIGKILL) while the mock stalls a call is `interrupted` at the next start, its text kept.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{MockConfig, MockServer, Step, StreamScript};

fn ailab(root: &Path, db: &Path, mock: &MockServer, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ailab"));
    cmd.arg("--db").arg(db).arg("--base-url").arg(mock.base_url()).args(args);
    for var in ["AILAB_DB", "AILAB_HIERARCHY", "AILAB_BASE_URL", "AILAB_THEME", "AILAB_LOG"] {
        cmd.env_remove(var);
    }
    cmd.env("AILAB_DATA_DIR", root.join("data")).env("AILAB_CONFIG_DIR", root.join("config"));
    cmd.current_dir(root).stdin(Stdio::null());
    cmd
}

fn show_json(root: &Path, db: &Path, mock: &MockServer, id: &str) -> serde_json::Value {
    let out = ailab(root, db, mock, &["history", "show", id, "--json"]).output().unwrap();
    assert!(out.status.success(), "history show failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn is_echo(request: &support::RecordedRequest) -> bool {
    request.system_prompt().is_some_and(|s| s.starts_with("You are Echo"))
}

#[test]
fn a_tree_run_over_http_is_recorded_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (root, db): (PathBuf, PathBuf) = (dir.path().into(), dir.path().join("ailab.db"));
    let mock = MockServer::start_in_thread(MockConfig::default());
    // Echo thinks first and is answered by another instance than the one asked for.
    mock.respond_with(|req| {
        is_echo(req).then(|| {
            StreamScript::new(vec![
                Step::ReasoningContent("Let me think. ".into()),
                Step::Content("Step one, ".into()),
                Step::Content("step two.".into()),
                Step::Finish("stop".into()),
                Step::Usage { prompt_tokens: 321, completion_tokens: 7 },
                Step::Done,
            ])
            .answering_model("phi-3.1-mini-4k-instruct:2")
            .into()
        })
    });
    let ask = ailab(&root, &db, &mock, &["ask", "--quiet", "How do tides work?"]).output().unwrap();
    assert!(ask.status.success(), "{}", String::from_utf8_lossy(&ask.stderr));

    let run = show_json(&root, &db, &mock, "last");
    assert_eq!(run["status"], "done");
    assert_eq!(run["prompt"], "How do tides work?");
    assert_eq!(run["answer"].as_str().unwrap().trim_end(), String::from_utf8_lossy(&ask.stdout).trim_end());
    let calls = run["calls"].as_array().unwrap();
    let sent = mock.chat_requests();
    assert_eq!(calls.len(), sent.len(), "one recorded call per request the server received");
    assert_eq!(calls.len(), 9);
    // Each recorded request is the one the server received (messages and parameters).
    for call in calls {
        let recorded = &call["request"];
        let matching = sent.iter().find(|s| s.body["messages"] == recorded["messages"]);
        let matching = matching.unwrap_or_else(|| panic!("call {} was not sent as recorded", call["call"]));
        for field in ["model", "temperature", "top_p", "max_tokens"] {
            assert_eq!(matching.body[field], recorded[field], "{field} of call {}", call["call"]);
        }
        assert_eq!(call["endpoint"], mock.base_url().as_str());
        assert_eq!(call["status"], "done");
    }
    let echo = calls.iter().find(|c| c["node"] == "echo").unwrap();
    assert_eq!(echo["text"], "Step one, step two.");
    assert_eq!(echo["reasoning"], "Let me think. ");
    assert_eq!(echo["metrics"]["answering_model"], "phi-3.1-mini-4k-instruct:2");
    assert_eq!(echo["metrics"]["prompt_tokens"], 321);
    assert_eq!(echo["metrics"]["completion_tokens"], 7);
    assert_eq!(echo["metrics"]["finish_reason"], "stop");
    // Parent links: Echo's call comes from Nova's split; Atlas's synthesis comes last.
    let parent = calls.iter().find(|c| c["call"] == echo["parent_call"]).unwrap();
    assert_eq!((parent["node"].as_str(), parent["phase"].as_str()), (Some("nova"), Some("split")));
    let last = calls.iter().max_by_key(|c| c["call"].as_u64()).unwrap();
    assert_eq!((last["node"].as_str(), last["phase"].as_str()), (Some("atlas"), Some("synthesize")));
}

#[test]
#[cfg(target_os = "linux")]
fn a_run_killed_while_the_server_stalls_is_interrupted_with_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let (root, db): (PathBuf, PathBuf) = (dir.path().into(), dir.path().join("ailab.db"));
    let mock = MockServer::start_in_thread(MockConfig::default());
    // Echo streams a few words, then the server goes quiet (well within the idle timeout).
    mock.respond_with(|req| {
        is_echo(req).then(|| {
            StreamScript::new(vec![
                Step::Content("Partial words ".into()),
                Step::Content("from Echo, ".into()),
                Step::Content("then silence".into()),
                Step::Pause(Duration::from_secs(30)),
                Step::Done,
            ])
            .into()
        })
    });
    let mut child = ailab(&root, &db, &mock, &["ask", "--quiet", "Stall please"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until Echo's partial text is in the record (flushed within half a second of arriving).
    let began = Instant::now();
    let mut run_id = None;
    while began.elapsed() < Duration::from_secs(20) && run_id.is_none() {
        std::thread::sleep(Duration::from_millis(25));
        let Ok(conn) = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        else {
            continue;
        };
        run_id = conn
            .query_row(
                "SELECT run_id FROM calls WHERE node = 'echo' AND text LIKE '%then silence%'",
                [],
                |r| r.get::<_, String>(0),
            )
            .ok();
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let run_id = run_id.expect("Echo's partial text reached the record while the call was stalled");

    let run = show_json(&root, &db, &mock, &run_id);
    assert_eq!(run["status"], "interrupted");
    let echo = run["calls"].as_array().unwrap().iter().find(|c| c["node"] == "echo").unwrap();
    assert_eq!(echo["status"], "interrupted");
    assert_eq!(echo["text"], "Partial words from Echo, then silence");
    let verdict: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(verdict, "ok");
}
