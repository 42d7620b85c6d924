//! Another organization as an arm: `--arms tree,tree@flat` runs the flat preset beside the tree
//! under test (the built-in lean tree) and judges them against each other; bad `tree@` arms are
//! refused before any call.

use serde_json::Value;

use super::support::{MockServer, Reply};
use super::{ailab, db, mock_with_judge, stderr};

/// Atlas's final answer says which team wrote it (flat's Atlas reads Pixel's reply itself; lean's
/// reads only Nova's and Sage's), and the judge prefers the flat team's.
fn flat_loving(mock: &MockServer) {
    mock.respond_with(|req| {
        let user = req.last_user_message().unwrap_or("");
        if req.model() == "judge-model" {
            let a = user.find("[Answer A]").unwrap_or(0);
            let b = user.find("[Answer B]").unwrap_or(0);
            let flat = user.find("FLAT-TEAM").unwrap_or(usize::MAX);
            let winner = if flat > a && flat < b { "A" } else { "B" };
            return Some(Reply::text(&[&format!("{{\"winner\": \"{winner}\", \"reason\": \"broader\"}}")]));
        }
        let atlas = req.system_prompt().unwrap_or("").starts_with("You are Atlas");
        if !atlas || req.split_count().is_some() || !user.contains("Your team's replies") {
            return None;
        }
        let team = if user.contains("Pixel (") { "FLAT-TEAM" } else { "LEAN-TEAM" };
        Some(Reply::text(&[&format!("{team} answer: the sky scatters blue light most.")]))
    });
}

fn prompts(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("prompts.txt");
    std::fs::write(&path, "Why is the sky blue?\n\nIs 17 prime?\n").unwrap();
    path
}

#[test]
fn a_preset_runs_as_its_own_arm_is_judged_against_the_tree_and_is_named_everywhere() {
    let mock = mock_with_judge();
    flat_loving(&mock);
    let dirs = tempfile::tempdir().unwrap();
    let file = prompts(dirs.path());
    let report = dirs.path().join("report.md");
    let global = ["--base-url".to_string(), mock.base_url()];
    let judge = ["--judge", "judge-model"];
    let arms = ["--arms", "tree,tree@flat"];
    let out = ailab(&dirs, &global, &file, &arms, &judge, &["--report", report.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);

    // The key the record keeps: the preset's name and its version.
    let conn = db(&dirs);
    let arms: Vec<String> = conn
        .prepare("SELECT DISTINCT arm FROM comparison_arms ORDER BY arm")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(arms.len(), 2, "{arms:?}");
    assert_eq!(arms[0], "tree");
    let key = arms[1].clone();
    let version = key.strip_prefix("tree@flat#").expect("tree@flat#VERSION");
    assert!(version.len() == 8 && version.chars().all(|c| c.is_ascii_hexdigit()), "{key}");
    let judged: i64 = conn
        .query_row("SELECT count(*) FROM judgements WHERE arm_x = 'tree' AND arm_y = ?1", [&key], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(judged, 4, "two prompts, both orders");
    // Its runs recorded the flat team (its own hierarchy) on the same server.
    let flat_nodes: i64 = conn
        .query_row(
            "SELECT count(DISTINCT c.node) FROM calls c JOIN comparison_arms a ON a.run_id = c.run_id
             WHERE a.arm = ?1",
            [&key],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(flat_nodes, 6, "Atlas and its five direct reports");

    // The table names the organizations, and the flat team won both questions.
    assert!(stdout.contains("organizations compared:"), "{stdout}");
    let named = format!("  {key}  the flat's organization (preset flat), on the same server");
    assert!(stdout.lines().any(|l| l == named), "{named}\n{stdout}");
    assert!(
        stdout.lines().any(|l| l.starts_with("  tree ") && l.contains("the lean tree, version ")),
        "{stdout}"
    );
    let row = stdout.lines().find(|l| l.starts_with(&format!("tree vs {key}"))).expect("the pair's row");
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cells[3..6], ["0", "0", "2"], "{stdout}");
    let cost = stdout.lines().find(|l| l.starts_with(&key)).expect("its cost row");
    assert_eq!(cost.split_whitespace().nth(2), Some("7.0"), "flat takes 7 calls per question: {stdout}");
    let verdict = format!(
        "Against the flat's organization ({key}), the lean tree was not clearly better or worse on these 2 \
         questions"
    );
    assert!(stdout.contains(&verdict), "{stdout}");

    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("| Organization under test | the lean tree (arm `tree`), version `"), "{text}");
    let compared =
        format!("| Compared with | the flat's organization (arm `{key}`, preset flat), version `{version}");
    assert!(text.contains(&compared), "{text}");
    assert!(text.contains("; members: Atlas: phi-3.1-mini-4k-instruct, Nova: "), "{text}");
    assert!(text.contains(&format!("tree vs {key}")), "the scores: {text}");
    assert!(text.contains("read from the tree under test only"), "{text}");

    // Again, as JSON: everything is resumed, and the arm reads as its key.
    let before = mock.chat_count();
    let again = ailab(&dirs, &global, &file, &["--arms", "tree,tree@flat"], &judge, &["--json"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(mock.chat_count(), before, "finished work is not redone");
    let json: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(json["scoreboard"]["pairs"][0]["y"], key.as_str());
    let orgs = json["organizations"].as_array().unwrap();
    assert_eq!((orgs[0]["arm"].as_str(), orgs[0]["name"].as_str()), (Some("tree"), Some("the lean tree")));
    assert_eq!(orgs[1]["arm"], key.as_str());
    assert_eq!(
        (orgs[1]["name"].as_str(), orgs[1]["origin"].as_str()),
        (Some("the flat's organization"), Some("preset flat"))
    );
    assert!(orgs[1]["version"].as_str().is_some_and(|v| v.starts_with(version) && v.len() == 64));
}

#[test]
fn bad_tree_at_arms_are_refused_before_any_call_with_what_to_do() {
    let mock = mock_with_judge();
    let dirs = tempfile::tempdir().unwrap();
    let file = prompts(dirs.path());
    let global = ["--base-url".to_string(), mock.base_url()];
    let refused = |arms: &str| {
        let out = ailab(&dirs, &global, &file, &["--arms", arms], &["--judge", "judge-model"], &[]);
        assert_eq!(out.status.code(), Some(2), "{arms}: {}", stderr(&out));
        stderr(&out)
    };
    let err = refused("tree,tree@sead");
    assert!(
        err.contains("tree@sead: there is no preset called \"sead\"; the presets are: lean, seed, flat, duo"),
        "{err}"
    );
    let err = refused("tree,tree@lean");
    assert!(err.contains("is the same organization as the tree under test"), "{err}");
    let missing = dirs.path().join("nowhere.toml");
    let err = refused(&format!("tree,tree@{}", missing.display()));
    assert!(err.contains(&format!("there is no file at {}", missing.display())), "{err}");
    let broken = dirs.path().join("broken.toml");
    std::fs::write(&broken, "[server]\nbase_url = \"http://localhost:1234/v1\"\n\n[[node]]\nid = 3\n")
        .unwrap();
    let err = refused(&format!("tree,tree@{}", broken.display()));
    assert!(err.contains(&format!("{}:5:", broken.display())), "file:line:col: {err}");
    let err = refused("tree,tree@seed,tree@seed");
    assert!(err.contains("the arm tree@seed is listed twice"), "{err}");
    assert_eq!(mock.chat_count(), 0, "nothing was sent");
}
