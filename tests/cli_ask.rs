//! End-to-end: the real `ailab` binary against the in-process mock server.

mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{MockConfig, MockServer, Reply};

/// The binary with a private config and data dir, pointed at `mock`.
fn ailab(mock: &MockServer, dirs: &tempfile::TempDir) -> Command {
    ailab_at(&mock.base_url(), dirs)
}

/// The binary with a private config and data dir, pointed at `base_url`.
fn ailab_at(base_url: &str, dirs: &tempfile::TempDir) -> Command {
    support::ailab_at(env!("CARGO_BIN_EXE_ailab"), base_url, dirs.path())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("the binary runs")
}

#[test]
fn ask_prints_the_answer_and_progress() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).args(["ask", "Why is the sky blue?"]));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("here. On"), "the root's synthesis is printed: {stdout}");
    let stderr = text(&out.stderr);
    for name in ["Atlas", "Nova", "Sage", "Echo", "Pixel", "Quantum"] {
        assert!(stderr.contains(name), "{name} missing from progress: {stderr}");
    }
    assert!(stderr.contains("run done: 9 calls"), "{stderr}");
    // Every split was asked for as a JSON schema with one item per child.
    let splits: Vec<usize> = mock.chat_requests().iter().filter_map(|r| r.split_count()).collect();
    assert_eq!(splits.len(), 3);
    assert!(splits.contains(&1) && splits.contains(&2));
    // Streamed with usage requested.
    assert!(
        mock.chat_requests()
            .iter()
            .all(|r| r.body["stream"] == true && r.body["stream_options"]["include_usage"] == true)
    );
}

#[test]
fn ask_json_streams_typed_events_with_one_run_id() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).args(["ask", "--json", "Hello team"]));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let events: Vec<Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    let run_id = events[0]["run_id"].clone();
    assert!(events.iter().all(|e| e["run_id"] == run_id));
    let types: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    for t in ["run_started", "node_state", "token", "call_finished", "run_finished"] {
        assert!(types.contains(&t), "missing {t}");
    }
    let token = events.iter().find(|e| e["type"] == "token").unwrap();
    assert!(token["node"].is_string() && token["phase"].is_string());
    let last = events.last().unwrap();
    assert_eq!(last["type"], "run_finished");
    assert_eq!(last["status"], "done");
    assert!(last["answer"].as_str().is_some_and(|a| !a.is_empty()));
}

#[test]
fn a_failing_leaf_degrades_the_run_with_a_warning() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    mock.respond_with(|req| {
        let system = req.system_prompt().unwrap_or("");
        system.starts_with("You are Quantum").then(|| Reply::error_object(400, "Quantum is broken", None))
    });
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).args(["ask", "What is time?"]));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("degraded"), "{stderr}");
    assert!(stderr.contains("Quantum is broken"), "{stderr}");
    assert!(!text(&out.stdout).trim().is_empty());
}

#[test]
fn an_unreachable_server_fails_the_run_with_advice() {
    let dirs = tempfile::tempdir().unwrap();
    // A port nobody listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = run(ailab_at(&format!("http://127.0.0.1:{port}/v1"), &dirs).args(["ask", "Hi"]));
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("cannot reach the server"), "{stderr}");
    assert!(stderr.contains("LM Studio"), "advice is given: {stderr}");
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).args(["ask", "   "]));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("the prompt is empty"));

    let bad = dirs.path().join("bad.toml");
    std::fs::write(&bad, "[[node]]\nid = \"a\"\nchildren = [\"b\"]\n").unwrap();
    let out = run(ailab(&mock, &dirs).arg("--hierarchy").arg(&bad).args(["ask", "Hi"]));
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("bad.toml:3:"), "file:line:col: {stderr}");
    assert_eq!(mock.chat_count(), 0, "nothing runs with a bad hierarchy");
}

#[test]
fn the_prompt_can_come_from_stdin() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let mut child = ailab(&mock, &dirs)
        .args(["ask", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"A piped question about tides\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let root_split = mock.chat_requests().into_iter().next().unwrap();
    assert!(root_split.last_user_message().unwrap_or("").contains("A piped question about tides"));
}

#[test]
fn ctrl_c_cancels_quickly_with_exit_130() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    // Leaves never answer: the run is stuck until cancelled.
    mock.respond_with(|req| req.split_count().is_none().then_some(Reply::Hang));
    let dirs = tempfile::tempdir().unwrap();
    let child = ailab(&mock, &dirs)
        .args(["ask", "Hang on"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the three leaves hang and nothing else is in flight: a split still streaming could
    // end on its own between this check and the signal, and would not count as closed.
    let hanging_leaves = || mock.chat_requests().iter().filter(|r| r.split_count().is_none()).count();
    let deadline = Instant::now() + Duration::from_secs(20);
    while (hanging_leaves() < 3 || mock.in_flight() != 3) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!((hanging_leaves(), mock.in_flight()), (3, 3), "the three leaves are waiting, nothing else");
    let sent = Instant::now();
    // SIGINT, as Ctrl-C in a terminal sends.
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert!(sent.elapsed() < Duration::from_secs(3), "took {:?}", sent.elapsed());
    assert_eq!(out.status.code(), Some(130), "stderr: {}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cancelled"));
    let deadline = Instant::now() + Duration::from_secs(2);
    while mock.disconnects() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(mock.disconnects() >= 3, "every call in flight was closed");
}

#[test]
fn check_reports_served_and_missing_models() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).arg("check"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("Ready"));

    let mock = MockServer::start_in_thread(MockConfig {
        models: vec!["other-model".into()],
        ..MockConfig::default()
    });
    let out = run(ailab(&mock, &dirs).arg("check"));
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("✗ Atlas"), "{stdout}");
    assert!(stdout.contains("In LM Studio, load phi-3.1-mini-4k-instruct"), "{stdout}");
}

/// LM Studio keeps listing a model that failed to load or was unloaded, and every chat call then
/// answers "No models loaded": only a test message finds it.
#[test]
fn check_deep_sends_each_model_a_test_message_and_reports_the_one_that_does_not_answer() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).args(["check", "--deep"]));
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("✓ phi-3.1-mini-4k-instruct answered"), "{stdout}");
    assert!(
        stdout.contains("(Atlas, Nova, Sage, Echo, Pixel, Quantum)"),
        "one message for six members: {stdout}"
    );
    assert!(stdout.contains("Ready: every node's model answered"), "{stdout}");
    let sent = mock.chat_requests();
    assert_eq!(sent.len(), 1, "members on one model share one test message");
    assert!(sent[0].body["max_tokens"].as_u64().is_some_and(|n| n <= 8), "{}", sent[0].body);

    // Without --deep nothing is sent, and the listed model passes.
    mock.respond_with(|req| req.is_chat().then(Reply::no_models_loaded));
    let out = run(ailab(&mock, &dirs).arg("check"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("ailab check --deep"), "the deeper check is offered");
    assert_eq!(mock.chat_requests().len(), 1);

    let out = run(ailab(&mock, &dirs).args(["check", "--deep"]));
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("✗ phi-3.1-mini-4k-instruct at"), "{stdout}");
    assert!(stdout.contains("No models loaded"), "the server's own words: {stdout}");
    assert!(stdout.contains("In LM Studio: load"), "the fix: {stdout}");
    assert!(stdout.contains("Not ready yet"), "{stdout}");
}

#[test]
fn check_names_a_missing_api_key_and_the_nodes_of_a_dead_endpoint() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let file = dirs.path().join("two.toml");
    std::fs::write(
        &file,
        "[server]\napi_key_env = \"AILAB_TEST_KEY_THAT_IS_NOT_SET\"\n\
         [[node]]\nid = \"boss\"\nname = \"Boss\"\nchildren = [\"far\"]\n\
         [[node]]\nid = \"far\"\nname = \"Far\"\nendpoint = \"http://127.0.0.1:9/v1\"\n",
    )
    .unwrap();
    let out = run(ailab(&mock, &dirs).arg("--hierarchy").arg(&file).arg("check"));
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("AILAB_TEST_KEY_THAT_IS_NOT_SET is not set"), "{stdout}");
    assert!(stdout.contains("✗ Server http://127.0.0.1:9/v1 (used by Far)"), "{stdout}");
    assert!(stdout.contains("change their endpoint"), "{stdout}");
    assert!(stdout.contains("✓ Boss"), "{stdout}");
}

#[test]
fn check_reads_lm_studio_s_loaded_state_and_context_length() {
    let mock = MockServer::start_in_thread(MockConfig {
        models: vec!["phi-3.1-mini-4k-instruct".into(), "qwen2.5-7b-instruct".into()],
        ..MockConfig::default()
    });
    mock.set_native_models(serde_json::json!([
        {"id": "phi-3.1-mini-4k-instruct", "state": "loaded", "loaded_context_length": 2048},
        {"id": "qwen2.5-7b-instruct", "state": "not-loaded", "max_context_length": 32768},
    ]));
    let dirs = tempfile::tempdir().unwrap();
    let file = dirs.path().join("two.toml");
    std::fs::write(
        &file,
        "[[node]]\nid = \"boss\"\nname = \"Boss\"\nchildren = [\"other\"]\n\
         [[node]]\nid = \"other\"\nname = \"Other\"\nmodel = \"qwen2.5-7b-instruct\"\n",
    )
    .unwrap();
    let out = run(ailab(&mock, &dirs).arg("--hierarchy").arg(&file).arg("check"));
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("✓ Boss   phi-3.1-mini-4k-instruct (loaded)"), "{stdout}");
    assert!(stdout.contains("! loaded with 2048 tokens of context, but Boss counts on 4096"), "{stdout}");
    assert!(stdout.contains("✓ Other  qwen2.5-7b-instruct (not loaded yet"), "{stdout}");
    assert!(stdout.contains("use 2 different models"), "{stdout}");
}

#[test]
fn history_works_even_when_the_hierarchy_is_broken() {
    let dirs = tempfile::tempdir().unwrap();
    let bad = dirs.path().join("broken.toml");
    std::fs::write(&bad, "this is not toml [").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ailab"))
        .env("AILAB_DATA_DIR", dirs.path().join("data"))
        .env("AILAB_CONFIG_DIR", dirs.path().join("config"))
        .env("AILAB_HIERARCHY", &bad)
        .args(["history", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
}

#[test]
fn a_reader_that_goes_away_does_not_crash_the_output() {
    // `ailab check | head -1`: the pipe closes before ailab writes; the rest is dropped quietly.
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    for args in [&["check"][..], &["ask", "--quiet", "Short question"][..]] {
        let mut child = ailab(&mock, &dirs)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = text(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn the_live_view_without_a_terminal_says_what_to_use_instead() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    // No command: the live view, asked of a pipe (stdin and stdout are not a terminal).
    let out = run(&mut ailab(&mock, &dirs));
    assert_eq!(out.status.code(), Some(2), "stderr: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("ailab: the live view needs an interactive terminal"), "{stderr}");
    assert!(stderr.contains("ailab ask \"your prompt\""), "{stderr}");
    assert!(text(&out.stdout).is_empty(), "nothing drawn on a pipe");
}
