//! End-to-end: a model and a server that answer with terminal escape sequences (clear the screen,
//! retitle the window, write the clipboard with OSC 52, DCS, a C1 CSI, BEL). What the real binary
//! prints for people (`ask`, `history show|list|search|export --format md`, `check`, `eval`)
//! carries none of them, only the words around them; `--json`, the JSON export and the record
//! keep the exact text (issue 15).

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use support::{MockConfig, MockServer, Reply, StreamScript};

/// A reply full of escapes: what a hostile or broken model could write. Tabs stay in plain output.
const NASTY: &str = "Visible \x1b[2J\x1b[Hred\x1b[31m words\x1b[0m \x1b]0;pwned title\x07clip\
                     \x1b]52;c;aGFja2Vk\x1b\\board dcs\x1bP1$qm\x1b\\ c1\u{9b}2J bell\x07 end\tcol2";
/// NASTY as it must look on a terminal.
const SHOWN: &str = "Visible red words clipboard dcs c1 bell end\tcol2";
/// A server error with escapes: an OSC 52 clipboard write and a screen clear.
const NASTY_ERROR: &str = "server says \x1b]52;c;cm0gLXJmIH4=\x07no\x1b[2J way";
/// A model id with a title escape.
const NASTY_MODEL: &str = "evil\x1b]0;owned\x07-model";

/// The binary with a private config and data dir, pointed at `mock`.
fn ailab(mock: &MockServer, dirs: &tempfile::TempDir) -> Command {
    let mut cmd = support::ailab_at(env!("CARGO_BIN_EXE_ailab"), &mock.base_url(), dirs.path());
    cmd.stdin(Stdio::null());
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// No byte of `bytes` can start an escape or ring the bell: no ESC, no BEL, no C1 control.
fn assert_inert(what: &str, bytes: &[u8]) {
    let shown = text(bytes);
    assert!(!bytes.contains(&0x1b), "{what} has ESC: {shown:?}");
    assert!(!bytes.contains(&0x07), "{what} has BEL: {shown:?}");
    let c1 = shown.chars().find(|c| ('\u{80}'..='\u{9f}').contains(c));
    assert!(c1.is_none(), "{what} has C1 {c1:?}: {shown:?}");
}

/// A mock whose model writes NASTY (and NASTY tasks when it splits), whose answers say they came
/// from NASTY_MODEL, and whose Quantum fails with NASTY_ERROR.
fn hostile_mock() -> MockServer {
    let mock = MockServer::start_in_thread(MockConfig::default());
    mock.respond_with(|req| {
        if req.system_prompt().unwrap_or("").starts_with("You are Quantum") {
            return Some(Reply::error_object(400, NASTY_ERROR, None));
        }
        let script = match req.split_count() {
            Some(count) => {
                let tasks: Vec<String> = (1..=count).map(|i| format!("task {i} \x1b]0;t\x07done")).collect();
                StreamScript::answer(&[&Value::from(tasks).to_string()])
            }
            None => StreamScript::answer(&[NASTY]),
        };
        Some(Reply::Stream(script.answering_model(NASTY_MODEL)))
    });
    mock
}

#[test]
fn ask_prints_no_escape_but_json_keeps_the_exact_text() {
    let mock = hostile_mock();
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).args(["ask", "Why is the sky blue?"]));
    assert_eq!(out.status.code(), Some(0), "degraded, not failed: {}", text(&out.stderr));
    assert_inert("ask's answer", &out.stdout);
    assert_inert("ask's progress", &out.stderr);
    assert_eq!(text(&out.stdout).trim_end(), SHOWN, "the words and the tab stay");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("server says no way"), "the server's error, without its escapes: {stderr}");
    assert!(stderr.contains("task 1 done"), "the split's tasks, without their escapes: {stderr}");

    let out = run(ailab(&mock, &dirs).args(["ask", "--json", "Why is the sky blue?"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_inert("ask --json", &out.stdout);
    let events: Vec<Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    let last = events.last().expect("events");
    assert_eq!(last["type"], "run_finished");
    assert_eq!(last["answer"].as_str(), Some(NASTY), "--json keeps the exact answer");
    let failed = events.iter().find(|e| e["type"] == "call_finished" && e["error"].is_string());
    let error = failed.and_then(|e| e["error"].as_str()).unwrap_or_default();
    assert!(error.contains(NASTY_ERROR), "--json keeps the server's exact words: {error:?}");
}

#[test]
fn history_shows_and_exports_a_hostile_run_without_escapes() {
    let mock = hostile_mock();
    let dirs = tempfile::tempdir().unwrap();
    // The prompt itself carries a title escape: the record keeps it, the tables must not print it.
    let prompt = "Why is the \x1b]0;x\x07sky blue?";
    let out = run(ailab(&mock, &dirs).args(["ask", "--quiet", prompt]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let history = |args: &[&str]| {
        let out = run(ailab(&mock, &dirs).arg("history").args(args));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out.stderr));
        assert_inert(&format!("history {args:?} (stderr)"), &out.stderr);
        out.stdout
    };
    let runs: Value = serde_json::from_slice(&history(&["list", "--json"])).expect("JSON");
    let id = runs[0]["id"].as_str().expect("a run id").to_string();
    assert_eq!(runs[0]["prompt"].as_str(), Some(prompt), "the record keeps the exact prompt");

    let list = history(&["list"]);
    assert_inert("history list", &list);
    assert!(text(&list).contains("Why is the sky blue?"), "{}", text(&list));
    let found = history(&["search", "sky"]);
    assert_inert("history search", &found);
    assert!(text(&found).contains(&id), "{}", text(&found));

    let shown = history(&["show", &id]);
    assert_inert("history show", &shown);
    let shown = text(&shown);
    assert!(shown.contains(SHOWN), "the answer's words: {shown}");
    assert!(shown.contains("evil-model"), "the answering model's name: {shown}");
    assert!(shown.contains("server says no way"), "the failed call's error: {shown}");
    assert!(shown.contains("task 1 done"), "the tasks: {shown}");

    let exact: Value = serde_json::from_slice(&history(&["show", &id, "--json"])).expect("JSON");
    assert_eq!(exact["answer"].as_str(), Some(NASTY), "show --json keeps the exact answer");

    let file = dirs.path().join("run.md");
    let out =
        run(ailab(&mock, &dirs).args(["history", "export", &id, "--format", "md", "--output"]).arg(&file));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_inert("export's message", &out.stderr);
    let md = std::fs::read(&file).expect("the export is written");
    assert_inert("the Markdown file", &md);
    assert!(text(&md).contains(SHOWN), "{}", text(&md));
    assert!(text(&md).contains("server says no way"), "{}", text(&md));
    let to_stdout = history(&["export", &id, "--format", "md", "--output", "-"]);
    assert_eq!(to_stdout, md, "the same document on stdout");

    let json = history(&["export", &id, "--format", "json", "--output", "-"]);
    assert_inert("the JSON export", &json);
    let json: Value = serde_json::from_slice(&json).expect("JSON");
    assert_eq!(json["answer"].as_str(), Some(NASTY), "the JSON export keeps the exact answer");
}

#[test]
fn check_prints_no_escape_from_model_ids_or_server_errors() {
    let mut config = MockConfig::default();
    config.models.push(NASTY_MODEL.into());
    let mock = MockServer::start_in_thread(config);
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).arg("check"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_inert("check", &out.stdout);
    assert!(text(&out.stdout).contains("    evil-model\n"), "{}", text(&out.stdout));

    mock.set_models_reply(Some(Reply::error_object(500, NASTY_ERROR, None)));
    let out = run(ailab(&mock, &dirs).arg("check"));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert_inert("check of a failing server", &out.stdout);
    assert_inert("check of a failing server (stderr)", &out.stderr);
    assert!(text(&out.stdout).contains("server says no way"), "{}", text(&out.stdout));
}

#[test]
fn eval_prints_no_escape_from_a_failing_judge_or_a_category() {
    let mut config = MockConfig::default();
    config.models.push("judge-model".into());
    let mock = MockServer::start_in_thread(config);
    // The judge answers about the sky and about 17, and fails on time with NASTY_ERROR.
    mock.respond_with(|req| {
        if req.model() != "judge-model" {
            return None;
        }
        Some(match req.last_user_message().unwrap_or("").contains("What is time") {
            true => Reply::error_object(400, NASTY_ERROR, None),
            false => Reply::text(&["{\"winner\": \"A\", \"reason\": \"clearer\"}"]),
        })
    });
    let dirs = tempfile::tempdir().unwrap();
    let prompts = dirs.path().join("prompts.txt");
    let file = "## expl\x1b]0;t\x07ained\nWhy is the sky blue?\n\n## reasoning\nIs 17 prime?\n\n\
                ## open\nWhat is time?\n";
    std::fs::write(&prompts, file).expect("a prompt file");
    let out = eval(&mock, &dirs, &prompts, &[]);
    assert_eq!(out.status.code(), Some(1), "one comparison has no verdict: {}", text(&out.stderr));
    assert_inert("eval's scoreboard", &out.stdout);
    assert_inert("eval's progress and messages", &out.stderr);
    assert!(text(&out.stdout).contains("\n  explained "), "the category: {}", text(&out.stdout));
    assert!(text(&out.stderr).contains("server says no way"), "{}", text(&out.stderr));

    let out = eval(&mock, &dirs, &prompts, &["--json"]);
    assert_inert("eval --json", &out.stdout);
    let json: Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    let category = json["comparisons"][0]["prompt"]["category"].as_str();
    assert_eq!(category, Some("expl\x1b]0;t\x07ained"), "--json keeps the exact category");
}

fn eval(mock: &MockServer, dirs: &tempfile::TempDir, prompts: &Path, extra: &[&str]) -> Output {
    let mut cmd = ailab(mock, dirs);
    cmd.arg("eval").arg(prompts).args(["--arms", "tree,solo", "--judge", "judge-model"]).args(extra);
    run(&mut cmd)
}
