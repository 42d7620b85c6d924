//! End-to-end: `--preset NAME` and `ailab presets` on the real binary, against the mock server.

mod support;

use serde_json::Value;
use support::{MockConfig, MockServer, run, text};

fn ailab(mock: &MockServer, dirs: &tempfile::TempDir) -> std::process::Command {
    support::ailab_at(env!("CARGO_BIN_EXE_ailab"), &mock.base_url(), dirs.path())
}

#[test]
fn preset_seed_makes_its_29_calls_with_quantums_levels_in_order_and_writes_nothing() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).args(["ask", "--preset", "seed", "--json", "What is time?"]));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_eq!(mock.chat_count(), 29, "the count `ailab presets` promises for seed");
    let events: Vec<Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    let started: Vec<&Value> = events.iter().filter(|e| e["type"] == "call_started").collect();
    assert_eq!(started.len(), 29);
    let last = events.last().unwrap();
    assert_eq!((last["type"].as_str(), last["status"].as_str()), (Some("run_finished"), Some("done")));
    assert_eq!(last["totals"]["calls"], 29);

    // Quantum's reflection calls carry their level, in order, each critique before its rewrite.
    let quantum: Vec<(String, Value)> = started
        .iter()
        .filter(|e| e["node"] == "quantum" && e["phase"] != "answer")
        .map(|e| (e["phase"].as_str().unwrap_or("").to_string(), e["reflection"].clone()))
        .collect();
    let level = |round: u32, name: &str| serde_json::json!({ "round": round, "of": 3, "name": name });
    assert_eq!(
        quantum,
        vec![
            ("reflect".to_string(), level(1, "check the facts")),
            ("revise".to_string(), level(1, "check the facts")),
            ("reflect".to_string(), level(2, "draw out implications")),
            ("revise".to_string(), level(2, "draw out implications")),
            ("reflect".to_string(), level(3, "the single deepest insight")),
            ("revise".to_string(), level(3, "the single deepest insight")),
        ]
    );
    // And each level's own prompt went to the server, in that order.
    let asked: Vec<String> = mock
        .chat_requests()
        .iter()
        .filter(|r| r.system_prompt().is_some_and(|s| s.starts_with("You are Quantum")))
        .map(|r| r.last_user_message().unwrap_or("").to_string())
        .collect();
    let first_with = |needle: &str| asked.iter().position(|m| m.contains(needle));
    let facts = first_with("Check the draft's facts").expect("level 1 sent");
    let implications = first_with("implications the draft leaves unsaid").expect("level 2 sent");
    let insight = first_with("Which single insight").expect("level 3 sent");
    assert!(facts < implications && implications < insight, "{asked:#?}");
    // A preset runs as it is: no hierarchy.toml was written anywhere.
    assert!(!dirs.path().join("config").join("hierarchy.toml").exists());
}

#[test]
fn an_unknown_preset_exits_2_listing_the_presets() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).args(["ask", "--preset", "seeds", "Hi"]));
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("there is no preset called \"seeds\""), "{stderr}");
    assert!(stderr.contains("lean, seed, flat, duo"), "{stderr}");
    assert_eq!(mock.chat_count(), 0);
}

#[test]
fn preset_and_hierarchy_together_exit_2() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).args(["check", "--preset", "duo", "--hierarchy", "hierarchy.toml"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--preset and --hierarchy cannot be used together"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn presets_lists_each_with_its_calls_and_marks_the_one_in_use() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).args(["presets", "--preset", "flat"]));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for (name, calls) in [("lean", 9), ("seed", 29), ("flat", 7), ("duo", 4)] {
        let line = stdout.lines().find(|l| l.trim_start().starts_with(name)).unwrap_or_default();
        assert!(line.contains(&format!("{calls} calls per question")), "{name}: {stdout}");
    }
    let flat = stdout.lines().find(|l| l.trim_start().starts_with("flat")).unwrap_or_default();
    assert!(flat.ends_with("(in use)"), "{stdout}");
    let help = text(&run(ailab(&mock, &dirs).arg("--help")).stdout);
    assert!(help.contains("presets") && help.contains("--preset <NAME>"), "{help}");
}

#[test]
fn check_names_the_preset_in_use() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let out = run(ailab(&mock, &dirs).args(["check", "--preset", "duo"]));
    assert!(
        text(&out.stdout).starts_with("Hierarchy: preset duo (3 nodes, root Atlas)"),
        "{}",
        text(&out.stdout)
    );
}
