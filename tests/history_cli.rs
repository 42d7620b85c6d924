//! `ailab history …` as a user sees it (run in-process on a temporary record; the binary end-to-end
//! tests are in history_e2e.rs).

mod store_support;

use std::path::Path;

use ailab::cli::args::{ExportFormat, HistoryCommand};
use ailab::cli::history::execute;
use ailab::store::Recorder;
use store_support::*;

/// Runs a history command; returns (exit code, stdout, stderr).
fn history(path: &Path, cmd: HistoryCommand) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = execute(path, cmd, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

fn recorded(path: &Path) {
    let recorder = Recorder::start(path).unwrap();
    for (i, (id, prompt)) in [
        ("20260101-120000-aaaa", "What is quantum tunnelling?"),
        ("20260101-130000-bbbb", "How do bees dance?\nIn detail."),
    ]
    .iter()
    .enumerate()
    {
        for e in tree_run(id, prompt, 1_767_268_800_000 + i as i64 * 3_600_000).events {
            recorder.listener().send(e).unwrap();
        }
    }
    recorder.shutdown().unwrap();
}

#[test]
fn an_empty_history_says_so_without_creating_a_file() {
    let (_dir, path) = temp_db();
    let (code, out, _) =
        history(&path, HistoryCommand::List { limit: 20, conversations: false, json: false });
    assert_eq!(code, 0);
    assert!(out.contains("No runs recorded yet"), "{out}");
    let (code, out, _) = history(&path, HistoryCommand::List { limit: 20, conversations: false, json: true });
    assert_eq!((code, out.trim()), (0, "[]"));
    let (code, _, err) = history(&path, HistoryCommand::Show { id: "2026".into(), json: false });
    assert_eq!(code, 2);
    assert!(err.contains("nothing has been recorded yet"), "{err}");
    assert!(!path.exists(), "a read command does not create the record");
}

#[test]
fn list_and_search_show_the_runs_newest_first() {
    let (_dir, path) = temp_db();
    recorded(&path);
    let (code, out, _) =
        history(&path, HistoryCommand::List { limit: 20, conversations: false, json: false });
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("ID") && lines[0].contains("PROMPT"), "{out}");
    assert!(lines[1].starts_with("20260101-130000-bbbb") && lines[1].contains("How do bees dance?"), "{out}");
    assert!(!lines[1].contains("In detail"), "only the first line of the prompt");
    assert!(lines[1].contains("done") && lines[1].contains("510"), "status and tokens: {out}");
    assert!(lines[2].starts_with("20260101-120000-aaaa"), "{out}");

    let (_, out, _) = history(&path, HistoryCommand::List { limit: 1, conversations: false, json: false });
    assert!(out.contains("1 older run(s) not shown; use --limit 2"), "{out}");

    let (code, out, _) = history(&path, HistoryCommand::List { limit: 20, conversations: false, json: true });
    assert_eq!(code, 0);
    let runs: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 2);
    assert_eq!(runs[0]["id"], "20260101-130000-bbbb");
    assert_eq!(runs[0]["status"], "done");

    let (code, out, _) =
        history(&path, HistoryCommand::Search { text: "tunnel".into(), limit: 20, json: false });
    assert_eq!(code, 0);
    // Both answers mention tunnelling; only one prompt does. Snippets show where.
    assert!(out.contains("20260101-120000-aaaa") && out.contains("[tunnelling]"), "{out}");
    assert!(!out.contains("… …"), "one ellipsis where a snippet is cut: {out}");
    let (code, out, _) =
        history(&path, HistoryCommand::Search { text: "bees".into(), limit: 20, json: true });
    assert_eq!(code, 0);
    let hits: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 1);
    assert!(hits[0]["snippet"].as_str().unwrap().contains("[bees]"));
    let (code, out, _) =
        history(&path, HistoryCommand::Search { text: "zebra".into(), limit: 20, json: false });
    assert_eq!(code, 0);
    assert!(out.contains("No run mentions \"zebra\""), "{out}");
    let (code, _, err) =
        history(&path, HistoryCommand::Search { text: "\"*-".into(), limit: 20, json: false });
    assert_eq!(code, 2);
    assert!(err.contains("cannot search for that") && err.contains("letters or digits"), "{err}");
}

#[test]
fn show_gives_the_run_with_every_call_and_its_parent_link() {
    let (_dir, path) = temp_db();
    recorded(&path);
    let (code, out, _) = history(&path, HistoryCommand::Show { id: "20260101-12".into(), json: true });
    assert_eq!(code, 0);
    let run: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(run["id"], "20260101-120000-aaaa");
    assert_eq!(run["answer"], ANSWER_TEXT);
    let calls = run["calls"].as_array().unwrap();
    let links: Vec<(u64, Option<u64>)> =
        calls.iter().map(|c| (c["call"].as_u64().unwrap(), c["parent_call"].as_u64())).collect();
    assert_eq!(links, vec![(1, None), (2, Some(1)), (3, Some(1)), (4, Some(2))]);
    assert_eq!(calls[0]["request"]["model"], "phi-3.1-mini-4k-instruct");
    assert_eq!(calls[0]["metrics"]["tokens_per_sec"], 25.5);
    assert_eq!(run["messages"][0]["kind"], "query");

    let (code, out, _) = history(&path, HistoryCommand::Show { id: "last".into(), json: false });
    assert_eq!(code, 0);
    for expected in [
        "Run 20260101-130000-bbbb · tree · done",
        "Prompt",
        "Tasks",
        "Calls",
        "synthesize",
        "Final answer",
        ANSWER_TEXT,
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }

    let (code, _, err) = history(&path, HistoryCommand::Show { id: "2026".into(), json: false });
    assert_eq!(code, 2);
    assert!(err.contains("matches several runs"), "{err}");
    let (code, _, err) = history(&path, HistoryCommand::Show { id: "nope".into(), json: true });
    assert_eq!(code, 2);
    assert!(err.contains("no run with id \"nope\""), "{err}");
}

#[test]
fn export_writes_markdown_or_json_where_asked() {
    let (dir, path) = temp_db();
    recorded(&path);
    let md_path = dir.path().join("run.md");
    let (code, _, err) = history(
        &path,
        HistoryCommand::Export {
            id: "20260101-13".into(),
            format: ExportFormat::Md,
            conversation: false,
            output: Some(md_path.clone()),
        },
    );
    assert_eq!(code, 0);
    assert!(err.contains("Exported run 20260101-130000-bbbb to") && err.contains("run.md"), "{err}");
    let shown = err.trim().rsplit(" to ").next().unwrap();
    assert!(Path::new(shown).is_absolute(), "the path is shown in full: {err}");

    // A folder as the output: the file goes into it, under its usual name.
    let folder = dir.path().join("exports");
    std::fs::create_dir(&folder).unwrap();
    let (code, _, err) = history(
        &path,
        HistoryCommand::Export {
            id: "20260101-13".into(),
            format: ExportFormat::Json,
            conversation: false,
            output: Some(folder.clone()),
        },
    );
    assert_eq!(code, 0, "{err}");
    let written: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(written.len(), 1, "{err}");
    assert!(written[0].extension().is_some_and(|e| e == "json"), "{written:?}");
    assert!(err.contains(&written[0].canonicalize().unwrap().display().to_string()), "{err}");
    let md = std::fs::read_to_string(&md_path).unwrap();
    assert!(md.starts_with("# ailab run 20260101-130000-bbbb") && md.contains("## Final answer"), "{md}");

    let (code, out, _) = history(
        &path,
        HistoryCommand::Export {
            id: "20260101-13".into(),
            format: ExportFormat::Json,
            conversation: false,
            output: Some("-".into()),
        },
    );
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["calls"].as_array().unwrap().len(), 4);

    let (code, _, err) = history(
        &path,
        HistoryCommand::Export {
            id: "20260101-13".into(),
            format: ExportFormat::Md,
            conversation: false,
            output: Some(dir.path().join("no/such/folder/run.md")),
        },
    );
    assert_eq!(code, 1);
    assert!(err.contains("cannot write"), "{err}");
}

#[test]
fn delete_with_yes_removes_the_run() {
    let (_dir, path) = temp_db();
    recorded(&path);
    let (code, out, _) =
        history(&path, HistoryCommand::Delete { id: "20260101-12".into(), conversation: false, yes: true });
    assert_eq!(code, 0);
    assert!(out.contains("Deleted run 20260101-120000-aaaa"), "{out}");
    let (_, out, _) = history(&path, HistoryCommand::List { limit: 20, conversations: false, json: true });
    let runs: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 1);
    let (code, _, _) =
        history(&path, HistoryCommand::Delete { id: "20260101-12".into(), conversation: false, yes: true });
    assert_eq!(code, 2);
}

#[test]
fn a_file_that_is_not_a_record_is_refused_and_left_alone() {
    let (dir, _) = temp_db();
    let notes = dir.path().join("notes.txt");
    let text = "definitely not a database ".repeat(100);
    std::fs::write(&notes, &text).unwrap();
    let (code, out, err) =
        history(&notes, HistoryCommand::List { limit: 20, conversations: false, json: false });
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("notes.txt is not an ailab record") && err.contains("left untouched"), "{err}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), text);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "nothing renamed or created");
}

#[test]
fn a_damaged_record_is_reported_not_replaced_by_an_empty_one() {
    let (dir, path) = temp_db();
    recorded(&path);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    for b in &mut bytes[16..100] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let (code, out, err) =
        history(&path, HistoryCommand::List { limit: 20, conversations: false, json: false });
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("No runs recorded yet"), "an empty new record is not passed off as the history");
    assert!(err.contains("is damaged") && err.contains("nothing was changed"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    let quarantined = std::fs::read_dir(dir.path())
        .unwrap()
        .any(|e| e.unwrap().file_name().to_string_lossy().contains(".corrupt-"));
    assert!(!quarantined);
}

#[test]
fn with_recording_off_a_delete_is_refused_and_says_what_to_do() {
    let (_dir, path) = temp_db();
    recorded(&path);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let delete = HistoryCommand::Delete { id: "20260101-12".into(), conversation: false, yes: true };
    let code = ailab::cli::history::execute_with(&path, delete, false, &mut out, &mut err);
    let err = String::from_utf8(err).unwrap();
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("was not deleted: recording is off (--no-record)"), "{err}");
    assert!(err.contains("Leave out --no-record to delete it"), "{err}");
    let (_, out, _) = history(&path, HistoryCommand::List { limit: 20, conversations: false, json: true });
    let runs: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 2, "nothing was deleted");
}
