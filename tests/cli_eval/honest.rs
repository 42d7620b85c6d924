//! The experiment's honesty: a judge under test is refused unless allowed (and then said), the
//! parts arm, reference answers graded without a judge, the verdict in plain words and the report.

use super::support::{MockServer, Reply};
use super::{ailab, mock_with_judge, stderr};

const SOLO_SYSTEM_START: &str = "You are a helpful, careful assistant.";

/// A judge that names the answer stating "5 cents" (where neither does, it says B both times: it
/// disagrees with itself), Echo that gets it right, and solo that gets it wrong.
fn scripted(mock: &MockServer) {
    mock.respond_with(|req| {
        if req.model() == "judge-model" {
            let user = req.last_user_message().unwrap_or("");
            let a = user.find("[Answer A]").unwrap_or(0);
            let b = user.find("[Answer B]").unwrap_or(0);
            let right = user.rfind("5 cents").unwrap_or(0);
            let winner = if right > a && right < b { "A" } else { "B" };
            return Some(Reply::text(&[&format!("{{\"winner\": \"{winner}\", \"reason\": \"correct\"}}")]));
        }
        if req.split_count().is_some() {
            return None;
        }
        let system = req.system_prompt().unwrap_or("");
        if system.starts_with(SOLO_SYSTEM_START) {
            return Some(Reply::text(&["The ball costs 10 cents."]));
        }
        if system.starts_with("You are Echo") {
            return Some(Reply::text(&["Yes: the ball costs 5 cents, and the bat 1.05."]));
        }
        None
    });
}

fn prompts(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("prompts.toml");
    std::fs::write(
        &path,
        "[[prompt]]\ncategory = \"reasoning\"\ntext = \"A bat and a ball cost 1.10 in total. The bat costs 1.00 more \
         than the ball. How much does the ball cost?\"\nreference = \"5 cents|0.05\"\n",
    )
    .unwrap();
    path
}

#[test]
fn a_judge_under_test_is_refused_before_any_call_unless_allowed_and_then_said() {
    let mock = MockServer::start_in_thread(super::support::MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let file = prompts(dirs.path());
    let global = ["--base-url".to_string(), mock.base_url()];
    let out = ailab(&dirs, &global, &file, &["--arms", "tree,solo"], &[], &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("the judge (phi-3.1-mini-4k-instruct) is one of the models under test"), "{err}");
    assert!(err.contains("--judge MODEL") && err.contains("--allow-self-judge"), "{err}");
    assert_eq!(mock.chat_count(), 0, "nothing was spent");

    // Another LM Studio instance of the same model is the same judge.
    let out = ailab(
        &dirs,
        &global,
        &file,
        &["--arms", "tree,solo"],
        &["--judge", "phi-3.1-mini-4k-instruct:3"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    let out = ailab(&dirs, &global, &file, &["--arms", "tree,solo"], &["--allow-self-judge"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("SELF-JUDGED: the judge (phi-3.1-mini-4k-instruct) is a model under test"),
        "{stdout}"
    );
    assert!(stdout.contains("(self-judged): weak evidence"), "the verdict says it too: {stdout}");
}

#[test]
fn parts_references_the_verdict_and_the_report_tell_the_whole_story() {
    let mock = mock_with_judge();
    scripted(&mock);
    let dirs = tempfile::tempdir().unwrap();
    let file = prompts(dirs.path());
    let report = dirs.path().join("report.md");
    let global = ["--base-url".to_string(), mock.base_url()];
    let out = ailab(
        &dirs,
        &global,
        &file,
        &["--arms", "tree,parts,solo"],
        &["--judge", "judge-model"],
        &["--report", report.to_str().unwrap()],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let stdout = String::from_utf8_lossy(&out.stdout);

    // The parts cost no calls of their own: one tree run, one solo run, and the judge.
    let requests = mock.chat_requests();
    let solo_runs =
        requests.iter().filter(|r| r.system_prompt().is_some_and(|s| s.starts_with(SOLO_SYSTEM_START)));
    assert_eq!(solo_runs.count(), 1);
    let judge: Vec<_> = requests.iter().filter(|r| r.model() == "judge-model").collect();
    assert_eq!(judge.len(), 4, "the tree against parts and against solo, both orders");
    // The judge grades against the reference, its alternatives spelled out.
    let asked = judge[0].last_user_message().unwrap_or("");
    assert!(asked.contains("[Reference answer]\n5 cents, or 0.05\n"), "{asked}");

    // Echo said 5 cents: the parts carry it, the team's synthesis (the mock's filler) does not.
    let row = |arm: &str| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with(arm) && l.contains(" of "))
            .unwrap_or_default()
            .to_string()
    };
    assert!(row("parts").contains("1 of 1"), "{stdout}");
    assert!(row("tree").contains("0 of 1") && row("solo").contains("0 of 1"), "{stdout}");
    let parts_row = stdout.lines().find(|l| l.starts_with("tree vs parts")).expect("a tree vs parts row");
    assert_eq!(&parts_row.split_whitespace().collect::<Vec<_>>()[3..6], ["0", "0", "1"], "{stdout}");
    assert!(stdout.contains("judge agreed with itself in 100% of pairs"), "{stdout}");

    assert!(stdout.contains("In plain words:"), "{stdout}");
    assert!(stdout.contains("over the members' own answers in 0 of 1 (worse in 1, 0 even)"), "{stdout}");
    assert!(stdout.contains("the team was right in 0 of 1, phi-3.1-mini-4k-instruct alone in 0 of 1, the members' own answers in 1 of 1"), "{stdout}");

    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.starts_with("# ailab lab report"), "{text}");
    assert!(text.contains("| Judge | judge-model, both orders of every pair |"), "{text}");
    assert!(text.contains("| Arms | tree, parts, solo |"), "{text}");
    assert!(text.contains("- On this question the team's answers were"), "{text}");
    assert!(text.contains("right answers (the answer states"), "{text}");
    assert!(err.contains("lab report written to /"), "{err}");

    // The history names the tree's run for the tree (the parts share it).
    let list = super::history(&dirs, &["list", "--limit", "50"]);
    assert_eq!(list.lines().filter(|l| l.contains("lab tree")).count(), 1, "{list}");
    assert!(!list.contains("lab parts"), "{list}");
}
