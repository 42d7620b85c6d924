//! End to end: the real `ailab` binary against the mock server, with splits a small model gets
//! wrong (issue 14 §4) and splits that fail (issue 15 §5). What the run did is read back from the
//! record through `ailab history show`.

mod support;

use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use support::mock_server::Fault;
use support::{MockConfig, MockServer, Reply, Step, StreamScript, run, text};

fn ailab(mock: &MockServer, dirs: &tempfile::TempDir) -> Command {
    support::ailab_at(env!("CARGO_BIN_EXE_ailab"), &mock.base_url(), dirs.path())
}

fn is_atlas_split(req: &support::RecordedRequest) -> bool {
    req.split_count().is_some() && req.system_prompt().unwrap_or("").starts_with("You are Atlas")
}

/// `ailab ask` on `prompt`, then the run as `history show` prints it and as `--json` gives it.
fn ask_and_show(mock: &MockServer, prompt: &str) -> (Output, String, Value) {
    let dirs = tempfile::tempdir().unwrap();
    let asked = run(ailab(mock, &dirs).args(["ask", prompt]));
    let listed = run(ailab(mock, &dirs).args(["history", "list", "--json"]));
    let runs: Value = serde_json::from_slice(&listed.stdout).expect("history list --json");
    let id = runs[0]["id"].as_str().expect("a run").to_string();
    let shown = text(&run(ailab(mock, &dirs).args(["history", "show", &id])).stdout);
    let json =
        serde_json::from_slice(&run(ailab(mock, &dirs).args(["history", "show", &id, "--json"])).stdout)
            .expect("history show --json");
    (asked, shown, json)
}

#[test]
fn a_placeholder_sub_task_falls_back_and_the_record_says_why() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    mock.respond_with(|req| {
        is_atlas_split(req).then(|| {
            let tasks = Value::from(vec!["task_1", "Reflect on why cats purr when they are content"]);
            Reply::Stream(StreamScript::answer(&[&tasks.to_string()]))
        })
    });
    let (asked, shown, json) = ask_and_show(&mock, "Why do cats purr?");
    assert_eq!(asked.status.code(), Some(0), "{}", text(&asked.stderr));
    let progress = text(&asked.stderr);
    assert!(progress.contains("(fallback: the sub-task \"task_1\" was a placeholder)"), "{progress}");
    assert!(
        shown.contains(
            "Nova ← call #1 (fallback split: the sub-task \"task_1\" was a placeholder): Why do cats purr?"
        ),
        "{shown}"
    );
    let nova = json["tasks"].as_array().and_then(|t| t.iter().find(|t| t["node"] == "nova")).cloned();
    let nova = nova.unwrap_or_default();
    assert_eq!(nova["split"], "fallback");
    assert_eq!(nova["fallback_reason"], "the sub-task \"task_1\" was a placeholder");
    // No child was sent the placeholder.
    let sent_placeholder = mock.chat_requests().iter().any(|r| {
        !r.system_prompt().unwrap_or("").starts_with("You are Atlas")
            && r.last_user_message().unwrap_or("").contains("task_1")
    });
    assert!(!sent_placeholder);
}

#[test]
fn a_root_split_dropped_mid_stream_is_asked_again_and_the_run_is_done() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let atlas_splits = Arc::new(AtomicUsize::new(0));
    let seen = atlas_splits.clone();
    mock.respond_with(move |req| {
        (is_atlas_split(req) && seen.fetch_add(1, Ordering::SeqCst) == 0).then(|| {
            Reply::Stream(StreamScript::new(vec![Step::Content("[\"Explain the ".into()), Step::Drop]))
        })
    });
    let (asked, _, json) = ask_and_show(&mock, "Why is the sky blue?");
    assert_eq!(asked.status.code(), Some(0), "{}", text(&asked.stderr));
    assert_eq!(json["status"], "done", "{json}");
    assert_eq!(atlas_splits.load(Ordering::SeqCst), 2, "asked once more");
    assert!(json["answer"].as_str().is_some_and(|a| !a.is_empty()));
}

#[test]
fn ask_says_a_dropped_split_is_asked_again_and_only_a_split_given_up_failed() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let config = MockConfig::default();
    let atlas_splits = Arc::new(AtomicUsize::new(0));
    let seen = atlas_splits.clone();
    mock.respond_with(move |req| {
        (is_atlas_split(req) && seen.fetch_add(1, Ordering::SeqCst) == 0)
            .then(|| Fault::DropMidStream.reply(req, &config))
    });
    let (asked, shown, json) = ask_and_show(&mock, "Why is the sky blue?");
    assert_eq!(asked.status.code(), Some(0), "{}", text(&asked.stderr));
    assert_eq!(json["status"], "done", "{json}");
    let progress = text(&asked.stderr);
    let retried = progress.lines().find(|l| l.trim_start().starts_with("Atlas  split broke off ("));
    let retried = retried.unwrap_or_else(|| panic!("no 'split broke off' line:\n{progress}"));
    assert!(retried.ends_with("; asking again…"), "{retried}");
    assert!(!progress.contains("split failed"), "a split asked again did not fail:\n{progress}");
    assert!(progress.contains("Atlas  split done"), "{progress}");
    // The record, read back, says the same.
    assert!(shown.contains("↻ asked again"), "{shown}");

    // Dropped every time: the second drop is given up, and the line says what follows.
    let mock = MockServer::start_in_thread(MockConfig::default());
    let config = MockConfig::default();
    mock.respond_with(move |req| is_atlas_split(req).then(|| Fault::DropMidStream.reply(req, &config)));
    let (asked, shown, json) = ask_and_show(&mock, "Why is the sky blue?");
    assert_eq!(json["status"], "degraded", "{json}");
    let progress = text(&asked.stderr);
    let lines: Vec<&str> = progress.lines().filter(|l| l.trim_start().starts_with("Atlas  split ")).collect();
    assert_eq!(lines.len(), 2, "{progress}");
    assert!(lines[0].ends_with("; asking again…"), "{lines:?}");
    assert!(lines[1].contains("Atlas  split failed: "), "{lines:?}");
    assert!(
        lines[1].ends_with("each member gets the whole task, framed by its role (fallback)"),
        "{lines:?}"
    );
    assert!(shown.contains("→ gave up: each member got the whole task"), "{shown}");
}

#[test]
fn a_root_split_that_fails_twice_falls_back_and_the_run_is_degraded_not_failed() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    mock.respond_with(|req| {
        is_atlas_split(req).then(|| {
            Reply::Stream(StreamScript::new(vec![
                Step::Content("[\"Explain".into()),
                Step::Raw("data: {this is not json\n\n".into()),
                Step::Done,
            ]))
        })
    });
    let (asked, shown, json) = ask_and_show(&mock, "Why is the sky blue?");
    assert_eq!(asked.status.code(), Some(0), "degraded is an answer: {}", text(&asked.stderr));
    assert_eq!(json["status"], "degraded");
    let progress = text(&asked.stderr);
    assert!(progress.contains("Atlas could not split the task even when asked again"), "{progress}");
    assert!(
        shown.contains("(fallback split: Atlas could not split the task even when asked again"),
        "{shown}"
    );
    let atlas_splits = mock.chat_requests().iter().filter(|r| is_atlas_split(r)).count();
    assert_eq!(atlas_splits, 2);
}

#[test]
fn a_root_split_too_long_for_the_model_is_shortened_and_asked_again() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let atlas_splits = Arc::new(AtomicUsize::new(0));
    let seen = atlas_splits.clone();
    mock.respond_with(move |req| {
        (is_atlas_split(req) && seen.fetch_add(1, Ordering::SeqCst) == 0).then(Reply::context_overflow)
    });
    let (asked, _, json) = ask_and_show(&mock, "Why is the sky blue?");
    assert_eq!(asked.status.code(), Some(0), "{}", text(&asked.stderr));
    assert_eq!(json["status"], "done");
    let splits: Vec<&Value> = json["calls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["node"] == "atlas" && c["phase"] == "split")
        .collect();
    assert_eq!(splits.len(), 2);
    assert_eq!(splits[1]["truncated_input"], true, "the second split was shortened");
}
