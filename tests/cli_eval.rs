//! End-to-end: `ailab eval` against the mock server with a scripted judge.

mod support;

use std::process::{Command, Output, Stdio};

use serde_json::Value;
use support::{MockConfig, MockServer, Reply};

fn eval(mock: &MockServer, dirs: &tempfile::TempDir, extra: &[&str]) -> Output {
    eval_with(mock, dirs, &["--arms", "tree,solo"], extra)
}

fn eval_with(mock: &MockServer, dirs: &tempfile::TempDir, arms: &[&str], extra: &[&str]) -> Output {
    let prompts = dirs.path().join("prompts.txt");
    std::fs::write(&prompts, "## explanation\nWhy is the sky blue?\n\n## reasoning\nIs 17 prime?\n").unwrap();
    Command::new(env!("CARGO_BIN_EXE_ailab"))
        .env("AILAB_CONFIG_DIR", dirs.path().join("config"))
        .env("AILAB_DATA_DIR", dirs.path().join("data"))
        .env_remove("AILAB_HIERARCHY")
        .env_remove("AILAB_DB")
        .args(["--base-url", &mock.base_url(), "eval"])
        .arg(&prompts)
        .args(arms)
        .args(["--judge", "judge-model"])
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// A judge that prefers the tree: Atlas's final answer quotes its synthesis prompt.
fn tree_loving_judge(mock: &MockServer) {
    mock.respond_with(|req| {
        if req.model() != "judge-model" {
            return None;
        }
        let user = req.last_user_message().unwrap_or("");
        let a = user.find("[Answer A]").unwrap_or(0);
        let b = user.find("[Answer B]").unwrap_or(0);
        let tree = user.find("The user's question").unwrap_or(usize::MAX);
        let winner = if tree > a && tree < b { "A" } else { "B" };
        Some(Reply::text(&[&format!("{{\"winner\": \"{winner}\", \"reason\": \"more complete\"}}")]))
    });
}

#[test]
fn eval_judges_both_orders_prints_the_scoreboard_and_resumes() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    tree_loving_judge(&mock);
    let dirs = tempfile::tempdir().unwrap();
    let out = eval(&mock, &dirs, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let row = stdout.lines().find(|l| l.starts_with("tree vs solo")).expect("a tree vs solo row");
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cells[3..6], ["2", "0", "0"], "{stdout}");
    assert!(row.contains("no significant difference"), "n=2 is not evidence: {stdout}");
    assert!(stdout.contains("words"), "answer length is shown: {stdout}");
    // Each pair was judged twice, once in each order.
    let judge_calls: Vec<_> =
        mock.chat_requests().into_iter().filter(|r| r.model() == "judge-model").collect();
    assert_eq!(judge_calls.len(), 4);

    // Run again: everything is resumed from the record, nothing is sent.
    let before = mock.chat_count();
    let again = eval(&mock, &dirs, &["--json"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(mock.chat_count(), before, "finished work is not redone");
    let json: Value = serde_json::from_slice(&again.stdout).expect("--json prints JSON");
    let pair = &json["scoreboard"]["pairs"][0];
    assert_eq!(pair["tally"]["wins"], 2);
    assert_eq!(pair["verdict"], "no_significant_difference");
    assert_eq!(json["comparisons"].as_array().map(Vec::len), Some(2));
}

#[test]
fn eval_refuses_bad_arms_and_missing_files() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let out = eval_with(&mock, &dirs, &["--arms", "tree,magic"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown arm \"magic\""));

    let out = Command::new(env!("CARGO_BIN_EXE_ailab"))
        .env("AILAB_DATA_DIR", dirs.path().join("data"))
        .env("AILAB_CONFIG_DIR", dirs.path().join("config"))
        .args(["--base-url", &mock.base_url(), "eval", "/nonexistent/prompts.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/prompts.toml"));
    assert_eq!(mock.chat_count(), 0);
}
