//! MT-Bench's format as it is: two turns per question, the second asked as a follow-up in each
//! arm's own conversation and judged on its own, reference answers from the question file and
//! from FastChat's answer file, and the bad inputs that stop an eval before it runs.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::support::{MockServer, Reply};
use super::{ailab, db, mock_with_judge, stderr};

const SOLO_SYSTEM_START: &str = "You are a helpful, careful assistant.";

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("data").join(name)
}

/// The text of the block `[<label> A]` … `[End of A]` of a judge's request.
fn block_a(user: &str) -> &str {
    let start = user.find("[Answer A]").or_else(|| user.find("[Conversation A]")).unwrap_or(0);
    let end = user.find("[End of A]").unwrap_or(user.len());
    &user[start..end.max(start)]
}

/// Solo always says the same; the judge prefers whichever answer is solo's, in both orders.
fn solo_loving(mock: &MockServer) {
    mock.respond_with(|req| {
        if req.model() == "judge-model" {
            let user = req.last_user_message().unwrap_or("");
            let winner = if block_a(user).contains("Solo says") { "A" } else { "B" };
            return Some(Reply::text(&[&format!("{{\"winner\": \"{winner}\", \"reason\": \"solo's\"}}")]));
        }
        let system = req.system_prompt().unwrap_or("");
        (system.starts_with(SOLO_SYSTEM_START) && req.split_count().is_none())
            .then(|| Reply::text(&["Solo says: 51."]))
    });
}

#[test]
fn mt_bench_questions_run_two_turns_as_follow_ups_judged_on_their_own_with_references() {
    let mock = mock_with_judge();
    solo_loving(&mock);
    let dirs = tempfile::tempdir().unwrap();
    let global = ["--base-url".to_string(), mock.base_url()];
    let references = data("mtbench_references.jsonl");
    let refs = ["--references", references.to_str().unwrap()];
    let judge = ["--judge", "judge-model"];
    let file = data("mtbench_sample.jsonl");
    let out = ailab(&dirs, &global, &file, &["--arms", "tree,solo"], &judge, &refs);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("reference answers for question id(s) not in") && err.contains(": 904 (left out)"),
        "{err}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Three questions of two turns: six comparisons, every one judged for solo in both orders.
    assert!(stdout.contains("6 comparison(s)"), "{stdout}");
    let row = stdout.lines().find(|l| l.starts_with("tree vs solo")).expect("a tree vs solo row");
    assert_eq!(&row.split_whitespace().collect::<Vec<_>>()[3..6], ["0", "0", "6"], "{stdout}");
    let turn =
        |n: u32| stdout.lines().find(|l| l.trim_start().starts_with(&format!("turn {n} "))).unwrap_or("");
    assert!(
        turn(1).contains("tree vs solo 0% (n=3)") && turn(2).contains("tree vs solo 0% (n=3)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("by category") && stdout.contains("  math ") && stdout.contains("  writing "),
        "{stdout}"
    );

    let requests = mock.chat_requests();
    // Solo's second turn reads its own first turn before the follow-up.
    let solo_follow_up = requests
        .iter()
        .filter(|r| r.system_prompt().is_some_and(|s| s.starts_with(SOLO_SYSTEM_START)))
        .filter_map(|r| r.last_user_message())
        .find(|u| u.contains("Rewrite the note as a limerick."))
        .expect("solo was asked the follow-up");
    assert!(solo_follow_up.contains("Earlier in this conversation"), "{solo_follow_up}");
    assert!(solo_follow_up.contains("Write a two-sentence note inviting a neighbour"), "{solo_follow_up}");
    assert!(solo_follow_up.contains("Solo says: 51."), "its own earlier answer: {solo_follow_up}");
    // So does every member of the tree.
    let tree_follow_up = requests
        .iter()
        .filter(|r| r.system_prompt().is_some_and(|s| s.starts_with("You are Atlas")))
        .filter_map(|r| r.last_user_message())
        .find(|u| u.contains("Now subtract 12 from that result."))
        .expect("the tree was asked the follow-up");
    assert!(tree_follow_up.contains("Earlier in this conversation"), "{tree_follow_up}");

    let judge: Vec<&str> = requests
        .iter()
        .filter(|r| r.model() == "judge-model")
        .filter_map(|r| r.last_user_message())
        .collect();
    assert_eq!(judge.len(), 12, "six comparisons in both orders");
    // The follow-up is judged on each arm's conversation, against its own turn's reference.
    let follow_up = judge.iter().find(|u| u.contains("Now subtract 12")).expect("the math follow-up judged");
    assert!(follow_up.contains("[Conversation A]\nUser: What is 17 times 3?\nAssistant: "), "{follow_up}");
    assert!(follow_up.contains("[Reference answer to the last question]\n39\n"), "{follow_up}");
    // The reference file's answer replaces none and adds one: question 903's first turn.
    let train = judge.iter().find(|u| u.contains("9:40") && !u.contains("20 minutes late")).unwrap();
    assert!(train.contains("[Reference answer]\n11:05\n"), "{train}");
    // Solo stated 51, the first turn's short reference, and nothing else right.
    assert!(stdout.lines().any(|l| l.trim_start().starts_with("solo") && l.contains("1 of 4")), "{stdout}");

    // The tree's second turns are turns of the first turns' conversations in the record.
    let conn = db(&dirs);
    let linked: i64 = conn
        .query_row(
            "SELECT count(*) FROM runs t JOIN runs f ON f.id = t.conversation_id
             WHERE t.kind = 'tree' AND t.turn = 2 AND f.turn = 1 AND f.kind = 'tree'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(linked, 3);
    // Each turn keeps its own reference in the record (the Lab grades from it later).
    let reference = |prompt: &str| -> Option<String> {
        conn.query_row("SELECT reference FROM comparisons WHERE prompt = ?1", [prompt], |r| r.get(0)).unwrap()
    };
    assert_eq!(reference("What is 17 times 3?").as_deref(), Some("51"));
    assert_eq!(reference("Now subtract 12 from that result.").as_deref(), Some("39"));

    // Run again: all of it is found in the record.
    let before = mock.chat_count();
    let again = ailab(
        &dirs,
        &global,
        &file,
        &["--arms", "tree,solo"],
        &judge_args(),
        &[&refs[..], &["--json"]].concat(),
    );
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(mock.chat_count(), before, "finished work is not redone");
    let json: Value = serde_json::from_slice(&again.stdout).unwrap();
    let comparisons = json["comparisons"].as_array().unwrap();
    assert_eq!(comparisons.len(), 6);
    assert_eq!(
        comparisons[1]["prompt"]["earlier"][0],
        "Write a two-sentence note inviting a neighbour to a garden party."
    );
    assert!(comparisons[0]["prompt"].get("earlier").is_none(), "{}", comparisons[0]);
    assert_eq!(json["scoreboard"]["turns"]["2"][0]["tally"]["losses"], 3);
}

fn judge_args() -> [&'static str; 2] {
    ["--judge", "judge-model"]
}

#[test]
fn bad_question_files_and_options_stop_the_eval_before_any_call() {
    let mock = mock_with_judge();
    let dirs = tempfile::tempdir().unwrap();
    let global = ["--base-url".to_string(), mock.base_url()];
    let bad = dirs.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"question_id\": 1, \"category\": \"x\", \"turns\": [\"Hi\"]}\n{\"question_id\": 2, \"turns\": 3}\n")
        .unwrap();
    let out = ailab(&dirs, &global, &bad, &["--arms", "tree,solo"], &judge_args(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("bad.jsonl:2: not an MT-Bench question"), "{err}");

    let text = dirs.path().join("prompts.txt");
    std::fs::write(&text, "Why is the sky blue?\n").unwrap();
    let references = data("mtbench_references.jsonl");
    let out = ailab(
        &dirs,
        &global,
        &text,
        &["--arms", "tree,solo"],
        &judge_args(),
        &["--references", references.to_str().unwrap()],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("it needs an MT-Bench question file (.jsonl)"), "{err}");

    let bad_references = dirs.path().join("ref.jsonl");
    std::fs::write(&bad_references, "{\"question_id\": 901, \"choices\": []}\n").unwrap();
    let sample = data("mtbench_sample.jsonl");
    let out = ailab(
        &dirs,
        &global,
        &sample,
        &["--arms", "tree,solo"],
        &judge_args(),
        &["--references", bad_references.to_str().unwrap()],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("ref.jsonl:1: question 901 has no choices"), "{err}");

    let out = ailab(&dirs, &global, &text, &["--arms", "solo,compute"], &judge_args(), &["--levels"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--levels judges the tree's members against their parts: add tree to --arms"),
        "{err}"
    );
    assert_eq!(mock.chat_count(), 0, "nothing was spent");
}

#[test]
fn a_follow_up_left_for_a_later_eval_reads_the_tree_turn_from_the_record() {
    let mock = mock_with_judge();
    solo_loving(&mock);
    let dirs = tempfile::tempdir().unwrap();
    let global = ["--base-url".to_string(), mock.base_url()];
    let file = data("mtbench_sample.jsonl");
    // The first turn only (the eval was stopped there), then the whole question.
    let first = ailab(&dirs, &global, &file, &["--arms", "tree,solo"], &judge_args(), &["--limit", "1"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = mock.chat_count();
    let out = ailab(&dirs, &global, &file, &["--arms", "tree,solo"], &judge_args(), &["--limit", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let asked: Vec<String> = mock.chat_requests()[before..]
        .iter()
        .filter(|r| r.system_prompt().is_some_and(|s| s.starts_with("You are Atlas")))
        .filter_map(|r| r.last_user_message().map(str::to_string))
        .collect();
    assert!(!asked.is_empty() && asked.iter().all(|u| !u.contains("What is 17")), "{asked:?}");
    assert!(
        asked.iter().all(|u| u.contains("Rewrite the note as a limerick.")),
        "only turn 2 ran: {asked:?}"
    );
    let earlier = asked.iter().find(|u| u.contains("Earlier in this conversation")).expect("turn 1 read");
    assert!(earlier.contains("Write a two-sentence note inviting a neighbour"), "{earlier}");
    let linked: i64 = db(&dirs)
        .query_row(
            "SELECT count(*) FROM runs t JOIN runs f ON f.id = t.conversation_id
             WHERE t.kind = 'tree' AND t.turn = 2 AND f.kind = 'tree' AND f.turn = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(linked, 1, "the follow-up continues the recorded run's conversation");
}

#[test]
fn with_levels_each_turns_tree_run_is_judged_on_that_turn_alone_and_the_report_says_so() {
    let mock = mock_with_judge();
    solo_loving(&mock);
    let dirs = tempfile::tempdir().unwrap();
    let global = ["--base-url".to_string(), mock.base_url()];
    let file = data("mtbench_sample.jsonl");
    let report = dirs.path().join("report.md");
    let extra = ["--limit", "2", "--levels", "--report", report.to_str().unwrap()];
    let out = ailab(&dirs, &global, &file, &["--arms", "tree,solo"], &judge_args(), &extra);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Both turns' tree runs had their parents judged.
    let judged_turns: Vec<i64> = db(&dirs)
        .prepare(
            "SELECT DISTINCT r.turn FROM level_judgements l JOIN runs r ON r.id = l.run_id ORDER BY r.turn",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(judged_turns, [1, 2]);
    // A parent of turn 2 was judged on its task of that turn, without the first turn shown.
    let turn_2 = mock
        .chat_requests()
        .into_iter()
        .filter(|r| r.model() == "judge-model")
        .filter_map(|r| r.last_user_message().map(str::to_string))
        .filter(|u| u.contains("[Answer A]") && u.contains("limerick"))
        .collect::<Vec<_>>();
    assert!(!turn_2.is_empty(), "turn 2's parents were judged");
    assert!(
        turn_2.iter().all(|u| !u.contains("Conversation A") && !u.contains("two-sentence note")),
        "{turn_2:?}"
    );
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(
        text.contains("- The value added at each level counts every turn's tree run together."),
        "{text}"
    );
    assert!(text.contains("with the earlier turns not shown to the judge"), "{text}");
}
