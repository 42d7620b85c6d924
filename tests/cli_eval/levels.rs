//! `--levels`: each parent of the tree's runs judged against its children's replies joined, on
//! its own task, in both orders; the tally per member in the output, the JSON, the report and the
//! record.

use serde_json::Value;

use super::support::{MockServer, Reply};
use super::{ailab, db, mock_with_judge, stderr};

/// The leaves answer with a mark; the judge prefers whichever answer carries it, and otherwise
/// says B (so where neither does, its picks follow the order: a tie).
fn parts_loving(mock: &MockServer) {
    mock.respond_with(|req| {
        if req.model() == "judge-model" {
            let user = req.last_user_message().unwrap_or("");
            let a = user.find("[Answer A]").unwrap_or(0);
            let end = user.find("[End of A]").unwrap_or(a);
            let winner = if user[a..end.max(a)].contains("LEAF-TEXT") { "A" } else { "B" };
            return Some(Reply::text(&[&format!("{{\"winner\": \"{winner}\", \"reason\": \"r\"}}")]));
        }
        let system = req.system_prompt().unwrap_or("");
        let leaf = ["You are Echo", "You are Pixel", "You are Quantum"].iter().any(|l| system.starts_with(l));
        (leaf && req.split_count().is_none()).then(|| Reply::text(&["LEAF-TEXT from a member."]))
    });
}

#[test]
fn levels_tally_each_parent_against_its_parts_and_resume() {
    let mock = mock_with_judge();
    parts_loving(&mock);
    let dirs = tempfile::tempdir().unwrap();
    let report = dirs.path().join("report.md");
    let prompts = dirs.path().join("prompts.txt");
    std::fs::write(&prompts, "Why is the sky blue?\n\nIs 17 prime?\n").unwrap();
    let global = ["--base-url".to_string(), mock.base_url()];
    let judge = ["--judge", "judge-model"];
    let extra = ["--levels", "--report", report.to_str().unwrap()];
    let out = ailab(&dirs, &global, &prompts, &["--arms", "tree,solo"], &judge, &extra);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("value added at each level"), "{stdout}");
    // Nova's and Sage's parts carry the mark and win in both orders; Atlas's parts are Nova's and
    // Sage's syntheses, without it: the judge's picks follow the order, a tie.
    for line in [
        "  Atlas: better than its parts in 0 of 2, 2 ties, 0 worse",
        "  Nova: better than its parts in 0 of 2, 0 ties, 2 worse",
        "  Sage: better than its parts in 0 of 2, 0 ties, 2 worse",
    ] {
        assert!(stdout.lines().any(|l| l == line), "{line}: {stdout}");
    }
    let judged =
        |mock: &MockServer| mock.chat_requests().into_iter().filter(|r| r.model() == "judge-model").count();
    assert_eq!(judged(&mock), 2 * 2 + 2 * 3 * 2, "two pairs and three parents per prompt, both orders");
    // Each parent is judged on its own task: Nova's is the sub-task Atlas gave it.
    let requests = mock.chat_requests();
    let nova_task = requests
        .iter()
        .filter(|r| r.model() == "judge-model")
        .filter_map(|r| r.last_user_message())
        .find(|u| u.contains("Echo (") && !u.contains("Nova ("))
        .expect("Nova judged against Echo's and Pixel's replies");
    let conn = db(&dirs);
    let nova_tasks: Vec<String> = conn
        .prepare("SELECT task FROM tasks WHERE node = 'nova'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(
        nova_tasks.iter().any(|task| nova_task.starts_with(&format!("Request:\n{task}\n\n[Answer A]"))),
        "its own task, as recorded ({nova_tasks:?}): {nova_task}"
    );

    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("## Value added at each level"), "{text}");
    assert!(text.contains("- Nova: better than its parts in 0 of 2, 0 ties, 2 worse"), "{text}");

    let rows: i64 = conn
        .query_row(
            "SELECT count(*) FROM level_judgements WHERE hierarchy_hash <> '' AND pick IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 12);

    // Again, as JSON: nothing is asked twice.
    let before = mock.chat_count();
    let again = ailab(&dirs, &global, &prompts, &["--arms", "tree,solo"], &judge, &["--levels", "--json"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(mock.chat_count(), before, "the levels are resumed from the record");
    let json: Value = serde_json::from_slice(&again.stdout).unwrap();
    let levels = json["levels"].as_array().unwrap();
    assert_eq!(levels.len(), 3);
    assert_eq!(levels[1]["name"], "Nova");
    assert_eq!(levels[1]["tally"]["losses"], 2);
    assert_eq!(json["comparisons"][0]["levels"].as_array().map(Vec::len), Some(6));

    // In the history, a level's judge run says what it judged.
    let judge_run = json["comparisons"][0]["levels"][0]["judge_run"].as_str().unwrap();
    let shown = super::history(&dirs, &["show", judge_run]);
    assert!(shown.contains("Lab: the judge of atlas against its parts, its "), "{shown}");
}
