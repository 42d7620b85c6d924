//! End-to-end: `ailab eval` against the mock server with a scripted judge.

mod support;

#[path = "cli_eval/honest.rs"]
mod honest;
#[path = "cli_eval/levels.rs"]
mod levels;
#[path = "cli_eval/mtbench.rs"]
mod mtbench;
#[path = "cli_eval/orgs.rs"]
mod orgs;

use std::process::{Command, Output, Stdio};

use serde_json::Value;
use support::{MockConfig, MockServer, Reply};

fn eval(mock: &MockServer, dirs: &tempfile::TempDir, extra: &[&str]) -> Output {
    eval_with(mock, dirs, &["--arms", "tree,solo"], extra)
}

fn eval_with(mock: &MockServer, dirs: &tempfile::TempDir, arms: &[&str], extra: &[&str]) -> Output {
    let prompts = dirs.path().join("prompts.txt");
    std::fs::write(&prompts, "## explanation\nWhy is the sky blue?\n\n## reasoning\nIs 17 prime?\n").unwrap();
    let mut args = vec!["--base-url".to_string(), mock.base_url()];
    if extra.contains(&"--demo") {
        args.push("--demo".into());
    }
    ailab(dirs, &args, &prompts, arms, &["--judge", "judge-model"], extra)
}

fn ailab(
    dirs: &tempfile::TempDir,
    global: &[String],
    prompts: &std::path::Path,
    arms: &[&str],
    judge: &[&str],
    extra: &[&str],
) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ailab"))
        .env("AILAB_CONFIG_DIR", dirs.path().join("config"))
        .env("AILAB_DATA_DIR", dirs.path().join("data"))
        .env_remove("AILAB_HIERARCHY")
        .env_remove("AILAB_DB")
        .env_remove("AILAB_JUDGE")
        .args(global)
        .arg("eval")
        .arg(prompts)
        .args(arms)
        .args(judge)
        .args(extra.iter().filter(|a| **a != "--demo"))
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// A mock that serves the judge model beside the tree's.
fn mock_with_judge() -> MockServer {
    let mut config = MockConfig::default();
    config.models.push("judge-model".into());
    MockServer::start_in_thread(config)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn db(dirs: &tempfile::TempDir) -> rusqlite::Connection {
    rusqlite::Connection::open(dirs.path().join("data").join("ailab.db")).unwrap()
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
    let mock = mock_with_judge();
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
    // Each outcome carries the judge's two picks and reasons.
    let judgements = &json["comparisons"][0]["outcomes"][0]["judgements"];
    assert_eq!(judgements.as_array().map(Vec::len), Some(2), "{judgements}");
    assert_eq!(judgements[0]["reason"], "more complete");
    assert!(judgements[0]["pick"].is_string() && judgements[1]["pick"].is_string(), "{judgements}");

    // In the history, the lab's runs say what they are and which comparison they belong to.
    let list = history(&dirs, &["list", "--limit", "50"]);
    assert!(list.lines().next().is_some_and(|header| header.contains("KIND")), "{list}");
    for (kind, runs) in [("lab tree", 2), ("lab solo", 2), ("lab judge", 4)] {
        assert_eq!(list.lines().filter(|l| l.contains(kind)).count(), runs, "{kind}: {list}");
    }
    let judge_run = json["comparisons"][0]["outcomes"][0]["judgements"][0]["run_id"].as_str().unwrap();
    let shown = history(&dirs, &["show", judge_run]);
    assert!(shown.contains("· lab judge ·"), "{shown}");
    assert!(shown.contains("Lab: the judge of tree vs solo, tree shown as A of comparison #1"), "{shown}");
    assert!(shown.contains("not a question you asked"), "{shown}");
    let shown: Value = serde_json::from_str(&history(&dirs, &["show", judge_run, "--json"])).unwrap();
    assert_eq!(shown["lab"]["comparison"], 1);
    assert_eq!(shown["kind"], "judge");
}

fn history(dirs: &tempfile::TempDir, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ailab"))
        .env("AILAB_CONFIG_DIR", dirs.path().join("config"))
        .env("AILAB_DATA_DIR", dirs.path().join("data"))
        .env_remove("AILAB_DB")
        .arg("history")
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
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

#[test]
fn a_judge_the_server_does_not_serve_is_refused_before_any_work() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let prompts = dirs.path().join("prompts.txt");
    std::fs::write(&prompts, "Why is the sky blue?\n").unwrap();
    let global = ["--base-url".to_string(), mock.base_url()];
    let out = ailab(&dirs, &global, &prompts, &["--arms", "tree,solo"], &["--judge", "badjudge"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("the judge model \"badjudge\" is not served by"), "{err}");
    assert!(err.contains("--judge MODEL"), "{err}");
    assert_eq!(mock.chat_count(), 0, "nothing ran");
    assert!(out.stdout.is_empty(), "no scoreboard of nothing");
}

#[test]
fn judge_failures_are_not_ties_exit_non_zero_and_are_retried() {
    let mock = mock_with_judge();
    // Listed, but every chat with it fails (unloaded mid-eval, say).
    mock.respond_with(|req| (req.model() == "judge-model").then(|| Reply::model_not_found("judge-model")));
    let dirs = tempfile::tempdir().unwrap();
    let out = eval(&mock, &dirs, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("2 comparison(s) have no verdict: the judge (judge-model) failed"), "{err}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let row = stdout.lines().find(|l| l.starts_with("tree vs solo")).expect("a tree vs solo row");
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cells[3..6], ["0", "0", "0"], "no ties from a failed judge: {stdout}");
    assert!(row.contains("no data yet"), "{stdout}");
    assert!(stdout.contains("2 comparison(s) without the judge's verdict"), "{stdout}");
    let saved: i64 = db(&dirs).query_row("SELECT count(*) FROM judgements", [], |r| r.get(0)).unwrap();
    assert_eq!(saved, 0, "a failed call is not saved as a verdict");

    // The judge works again: the same command judges (and only judges).
    tree_loving_judge(&mock);
    let arm_calls = |m: &MockServer| m.chat_requests().iter().filter(|r| r.model() != "judge-model").count();
    let before = arm_calls(&mock);
    let again = eval(&mock, &dirs, &[]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(arm_calls(&mock), before, "the arms' answers were kept");
    let stdout = String::from_utf8_lossy(&again.stdout);
    let row = stdout.lines().find(|l| l.starts_with("tree vs solo")).unwrap();
    assert_eq!(&row.split_whitespace().collect::<Vec<_>>()[3..6], ["2", "0", "0"], "{stdout}");
}

#[test]
fn demo_results_are_not_reused_by_a_real_eval() {
    let mock = mock_with_judge();
    tree_loving_judge(&mock);
    let dirs = tempfile::tempdir().unwrap();
    let demo = eval(&mock, &dirs, &["--demo", "--limit", "1"]);
    assert_eq!(demo.status.code(), Some(0), "{}", stderr(&demo));
    assert!(stderr(&demo).contains("DEMO MODE"));
    assert_eq!(mock.chat_count(), 0, "the demo needs no server");

    let real = eval(&mock, &dirs, &["--limit", "1"]);
    assert_eq!(real.status.code(), Some(0), "{}", stderr(&real));
    assert!(!stderr(&real).contains("(saved)"), "nothing is resumed from the demo: {}", stderr(&real));
    assert!(mock.chat_count() > 0, "the real arms and judge ran");
    let backends: Vec<String> = db(&dirs)
        .prepare("SELECT backend FROM comparisons ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(backends, vec!["demo".to_string(), mock.base_url()]);
}

#[test]
fn limit_zero_is_refused_and_a_repeated_prompt_is_compared_once() {
    let mock = mock_with_judge();
    tree_loving_judge(&mock);
    let dirs = tempfile::tempdir().unwrap();
    let out = eval(&mock, &dirs, &["--limit", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--limit 0 would compare no prompt"), "{}", stderr(&out));
    assert_eq!(mock.chat_count(), 0);

    let prompts = dirs.path().join("twice.txt");
    std::fs::write(&prompts, "## a\nIs 17 prime?\n\n## b\nIs 17 prime?\n").unwrap();
    let global = ["--base-url".to_string(), mock.base_url()];
    let out = ailab(&dirs, &global, &prompts, &["--arms", "tree,solo"], &["--judge", "judge-model"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("repeats prompt 1"), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("1 comparison(s)"), "{stdout}");
}
