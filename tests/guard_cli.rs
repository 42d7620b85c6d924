//! End-to-end: the loop guard, the sampling knobs and the checks that name a refused knob, with the
//! real `ailab` binary against the in-process mock server.

mod support;

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::{MockConfig, MockServer, Reply, StreamScript};

fn ailab(mock: &MockServer, dirs: &tempfile::TempDir) -> Command {
    support::ailab_at(env!("CARGO_BIN_EXE_ailab"), &mock.base_url(), dirs.path())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("the binary runs")
}

const LINE: &str = "The insight: What are the factors that contribute to a cat's purring?";

/// Echo's reply: one sentence, then the same line 200 times, a word per chunk, 2 ms apart (a
/// model generating: the guard must stop it, not wait for its end).
fn echo_loops(mock: &MockServer) {
    mock.respond_with(|req| {
        let system = req.system_prompt().unwrap_or("");
        system.starts_with("You are Echo").then(|| {
            let body = format!("Cats purr when they are content. {}", format!("{LINE}\n").repeat(200));
            let words: Vec<&str> = body.split_inclusive(' ').collect();
            Reply::Stream(StreamScript::answer(&words).paced(Duration::from_millis(2)))
        })
    });
}

fn events(out: &Output) -> Vec<Value> {
    text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect()
}

#[test]
fn a_looping_leaf_is_stopped_within_64_tokens_and_the_run_is_done() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    echo_loops(&mock);
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).args(["ask", "--json", "Why do cats purr?"]));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let events = events(&out);
    let looped: Vec<&Value> = events.iter().filter(|e| e["type"] == "call_looped").collect();
    assert_eq!(looped.len(), 1, "{looped:?}");
    let after = looped[0]["tokens_after"].as_u64().unwrap_or(u64::MAX);
    // The figure of issue 14: tokens generated after the loop began.
    println!("tokens after the loop began: {after}");
    assert!(after <= 64, "{after} tokens after the loop began");
    let call = looped[0]["call"].clone();
    let finished = events.iter().find(|e| e["type"] == "call_finished" && e["call"] == call).unwrap();
    assert_eq!(finished["metrics"]["finish_reason"], "looped");
    assert_eq!(finished["error"], Value::Null, "a looped answer is an answer");
    assert_eq!(finished["text"], format!("Cats purr when they are content. {LINE}"));
    let tokens = events.iter().filter(|e| e["type"] == "token" && e["call"] == call).count();
    assert!(tokens < 6 + 12 * 8, "{tokens} of {} words streamed", 6 + 12 * 200);
    let last = events.last().unwrap();
    assert_eq!(last["status"], "done", "a run whose only trouble is a loop is done");
    assert_eq!(last["totals"]["looped_calls"], 1);
    assert_eq!(last["totals"]["failed_calls"], 0);
    assert!(mock.disconnects() >= 1, "the looping stream was closed, so the server stops generating");

    // The record says so.
    let run_id = last["run_id"].as_str().unwrap_or_default().to_string();
    let shown = run(ailab(&mock, &dirs).args(["history", "show", &run_id]));
    let shown = text(&shown.stdout);
    assert!(shown.contains("1 stopped repeating itself"), "{shown}");
    assert!(shown.contains("looped") && shown.contains("⟲ stopped: repeating itself"), "{shown}");
    let record = run(ailab(&mock, &dirs).args(["history", "show", &run_id, "--json"]));
    let record: Value = serde_json::from_slice(&record.stdout).expect("the record as JSON");
    let statuses: Vec<&str> =
        record["calls"].as_array().into_iter().flatten().filter_map(|c| c["status"].as_str()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == "looped").count(), 1, "{statuses:?}");
}

#[test]
fn ask_says_a_call_was_stopped_and_sums_it_up() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    echo_loops(&mock);
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).args(["ask", "Why do cats purr?"]));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("Echo  stopped: repeating itself"), "{stderr}");
    assert!(stderr.contains("run done: 9 calls (1 stopped repeating itself)"), "{stderr}");
    assert!(!stderr.contains("degraded"), "{stderr}");
}

#[test]
fn with_the_guard_off_a_loop_runs_to_its_end() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    echo_loops(&mock);
    let dirs = tempfile::tempdir().unwrap();
    let file = dirs.path().join("h.toml");
    let shipped = include_str!("../hierarchy.toml");
    std::fs::write(&file, shipped.replace("loop_guard = true", "loop_guard = false")).unwrap();
    let out = run(ailab(&mock, &dirs).arg("--hierarchy").arg(&file).args(["ask", "--json", "Q?"]));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let events = events(&out);
    assert!(!events.iter().any(|e| e["type"] == "call_looped"));
    assert_eq!(events.last().unwrap()["totals"].get("looped_calls"), None);
}

/// The shipped tree with knobs: top_k for everyone, min_p and repeat_penalty for Echo.
fn with_knobs(dirs: &tempfile::TempDir) -> (std::path::PathBuf, usize) {
    let shipped = include_str!("../hierarchy.toml");
    let text = shipped.replace("# top_k = 40", "top_k = 40");
    let echo = text.find("id = \"echo\"").expect("the shipped tree has Echo");
    let line_end = echo + text[echo..].find('\n').unwrap_or(0) + 1;
    let text = format!("{}min_p = 0.05\nrepeat_penalty = 1.1\n{}", &text[..line_end], &text[line_end..]);
    let top_k_line = text[..text.find("top_k = 40").unwrap_or(0)].matches('\n').count() + 1;
    let file = dirs.path().join("knobs.toml");
    std::fs::write(&file, text).unwrap();
    (file, top_k_line)
}

#[test]
fn the_request_carries_exactly_the_knobs_that_are_set() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let (file, _) = with_knobs(&dirs);
    let out = run(ailab(&mock, &dirs).arg("--hierarchy").arg(&file).args(["ask", "Q?"]));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let knobs = ["frequency_penalty", "presence_penalty", "repeat_penalty", "min_p", "top_k"];
    for request in mock.chat_requests() {
        let sent: Vec<&str> = knobs.iter().copied().filter(|k| request.body.get(*k).is_some()).collect();
        if request.system_prompt().unwrap_or("").starts_with("You are Echo") {
            assert_eq!(sent, ["repeat_penalty", "min_p", "top_k"], "{}", request.body);
            assert_eq!(request.body["min_p"].as_f64().map(|p| (p * 100.0).round()), Some(5.0));
            assert_eq!(request.body["top_k"], 40);
        } else {
            assert_eq!(sent, ["top_k"], "{}", request.body);
        }
    }
    // Without any, none is sent.
    let plain = MockServer::start_in_thread(MockConfig::default());
    let out = run(ailab(&plain, &dirs).args(["ask", "Q?"]));
    assert_eq!(out.status.code(), Some(0));
    assert!(plain.chat_requests().iter().all(|r| knobs.iter().all(|k| r.body.get(*k).is_none())));
}

#[test]
fn check_deep_names_the_knob_the_server_refuses_and_its_line() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    // A server that knows min_p and repeat_penalty but not top_k.
    mock.respond_with(|req| {
        req.body
            .get("top_k")
            .is_some()
            .then(|| Reply::error_object(400, "Unrecognized request argument supplied: top_k", None))
    });
    let dirs = tempfile::tempdir().unwrap();
    let (file, line) = with_knobs(&dirs);
    let out = run(ailab(&mock, &dirs).arg("--hierarchy").arg(&file).args(["check", "--deep"]));
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let expected = "rejected `top_k` for Atlas, Nova, Sage, Pixel, Quantum: the server answered HTTP 400: \
                    Unrecognized request argument supplied: top_k";
    assert!(stdout.contains(expected), "{stdout}");
    assert!(stdout.contains(&format!("Remove it from {} (line {line})", file.display())), "{stdout}");
    assert!(stdout.contains("rejected `top_k` for Echo"), "{stdout}");
    assert!(!stdout.contains("rejected `min_p`"), "min_p is fine: {stdout}");
    assert!(!stdout.contains("rejected `repeat_penalty`"), "{stdout}");
}
