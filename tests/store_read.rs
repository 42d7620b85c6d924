//! Reading the record: paging at 10k runs, id prefixes, full-text search that no input can break,
//! deletion, and exports.

mod store_support;

use std::time::{Duration, Instant};

use ailab::engine::RunStatus;
use ailab::store::export::{to_json, to_markdown};
use ailab::store::{Reader, Recorder, StoreError};
use proptest::prelude::*;
use store_support::*;

/// Records the given runs through a real recorder.
fn record(path: &std::path::Path, runs: &[(&str, &str)]) {
    let recorder = Recorder::start(path).unwrap();
    for (i, (id, prompt)) in runs.iter().enumerate() {
        for e in tree_run(id, prompt, 1_767_268_800_000 + i as i64 * 60_000).events {
            recorder.listener().send(e).unwrap();
        }
    }
    recorder.shutdown().unwrap();
}

/// Adds `n` bare runs straight into the tables (the recorder is tested elsewhere; this is about size).
fn bulk_runs(path: &std::path::Path, n: i64) {
    drop(Reader::open(path).unwrap());
    let mut conn = raw(path);
    let tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO hierarchies (digest, json) VALUES ('d', '{}')", []).unwrap();
    for i in 0..n {
        // Every 10th run shares its start time with the next, so paging must use the id as a tie-break.
        let started = 1_700_000_000_000 + (i - i % 10 / 9) * 1000;
        tx.execute(
            "INSERT INTO runs (id, kind, prompt, root, status, started_ms, ended_ms, hierarchy_digest,
                               hierarchy_hash, hierarchy_source, app_version)
             VALUES (?1, 'tree', ?2, 'atlas', 'done', ?3, ?3 + 500, 'd', 'h', 'test', '0')",
            rusqlite::params![format!("run-{i:06}"), format!("prompt number {i}"), started],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO search_index (rowid, body) VALUES ((SELECT seq FROM runs WHERE id = ?1) << 20, ?2)",
            rusqlite::params![format!("run-{i:06}"), format!("prompt number {i}")],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

#[test]
fn paging_walks_ten_thousand_runs_newest_first_quickly() {
    let (_dir, path) = temp_db();
    bulk_runs(&path, 10_000);
    let reader = Reader::open(&path).unwrap();
    assert_eq!(reader.count_runs().unwrap(), 10_000);
    let mut seen = std::collections::HashSet::new();
    let mut cursor = None;
    let mut previous: Option<(i64, String)> = None;
    let mut slowest = Duration::ZERO;
    loop {
        let began = Instant::now();
        let page = reader.list_runs(cursor.as_ref(), 100).unwrap();
        slowest = slowest.max(began.elapsed());
        let Some(last) = page.last() else { break };
        cursor = Some(last.cursor());
        for run in &page {
            let key = (run.started_ms, run.id.clone());
            if let Some(prev) = &previous {
                assert!(key < *prev, "strictly newest first");
            }
            previous = Some(key);
            assert!(seen.insert(run.id.clone()), "{} listed twice", run.id);
        }
    }
    assert_eq!(seen.len(), 10_000);
    assert!(slowest < Duration::from_millis(100), "slowest page took {slowest:?}");
    // The page query walks the index instead of sorting the table.
    let plan: Vec<String> = {
        let conn = raw(&path);
        let mut stmt = conn
            .prepare(
                "EXPLAIN QUERY PLAN SELECT id FROM runs r
                 WHERE ?1 IS NULL OR r.started_ms < ?1 OR (r.started_ms = ?1 AND r.id < ?2)
                 ORDER BY r.started_ms DESC, r.id DESC LIMIT 100",
            )
            .unwrap();
        stmt.query_map(rusqlite::params![1i64, "x"], |r| r.get::<_, String>(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    assert!(plan.iter().any(|p| p.contains("runs_by_time")), "{plan:?}");
    assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
    // Search at this size is quick too.
    let began = Instant::now();
    let hits = reader.search("number 9999", 20).unwrap();
    assert_eq!(hits[0].run.id, "run-009999");
    assert!(began.elapsed() < Duration::from_millis(300), "search took {:?}", began.elapsed());
}

#[test]
fn ids_can_be_given_by_a_unique_prefix() {
    let (_dir, path) = temp_db();
    record(
        &path,
        &[
            ("20260101-120000-aaaa", "one"),
            ("20260101-120000-aabb", "two"),
            ("20260102-090000-cccc", "three"),
        ],
    );
    let reader = Reader::open(&path).unwrap();
    assert_eq!(reader.resolve_id("20260102").unwrap(), "20260102-090000-cccc");
    assert_eq!(reader.resolve_id("20260101-120000-aaaa").unwrap(), "20260101-120000-aaaa");
    assert_eq!(reader.resolve_id("  20260101-120000-aab ").unwrap(), "20260101-120000-aabb");
    assert_eq!(reader.resolve_id("last").unwrap(), "20260102-090000-cccc");
    let ambiguous = reader.resolve_id("20260101").unwrap_err();
    assert!(matches!(ambiguous, StoreError::AmbiguousRun { .. }));
    assert!(ambiguous.to_string().contains("20260101-120000-aaaa, 20260101-120000-aabb"), "{ambiguous}");
    let unknown = reader.resolve_id("1999").unwrap_err();
    assert!(matches!(unknown, StoreError::UnknownRun(_)) && unknown.is_bad_input());
    assert!(unknown.to_string().contains("ailab history list"));
    // Characters that mean something to LIKE or GLOB are just characters here.
    for odd in ["%", "_", "*", "2026%", "[", "'"] {
        assert!(matches!(reader.resolve_id(odd), Err(StoreError::UnknownRun(_))), "{odd}");
    }
}

#[test]
fn search_finds_prompts_and_answers_newest_first() {
    let (_dir, path) = temp_db();
    record(
        &path,
        &[
            ("20260101-120000-0001", "What is quantum tunnelling?"),
            ("20260101-120100-0002", "How do bees dance?"),
        ],
    );
    let reader = Reader::open(&path).unwrap();
    let ids = |text: &str| -> Vec<String> {
        reader.search(text, 10).unwrap().into_iter().map(|h| h.run.id).collect()
    };
    assert_eq!(ids("bees"), vec!["20260101-120100-0002"]);
    // The answers of both runs mention flash memory: newest first.
    assert_eq!(ids("flash memory"), vec!["20260101-120100-0002", "20260101-120000-0001"]);
    // The last word is a prefix, so results come while typing.
    assert_eq!(ids("danc"), vec!["20260101-120100-0002"]);
    assert!(ids("quantum giraffes").is_empty());
    let hit = &reader.search("microscopes", 10).unwrap()[0];
    assert!(hit.snippet.contains("[microscopes]"), "{}", hit.snippet);
    // Diacritics do not matter.
    assert_eq!(ids("bées").len(), 1);
}

#[test]
fn search_text_with_syntax_characters_never_breaks_the_query() {
    let (_dir, path) = temp_db();
    record(
        &path,
        &[("20260101-120000-0001", "Is \"AND\" a C++ keyword? -flag *star* (maybe) NEAR/3 col:x ^start")],
    );
    let reader = Reader::open(&path).unwrap();
    for input in [
        "\"",
        "\"\"",
        "*",
        "AND",
        "OR",
        "NOT",
        "-",
        "-flag",
        "(",
        ")",
        "NEAR(",
        "NEAR/3",
        "col:x",
        "^start",
        "a AND",
        "AND OR NOT",
        "C++",
        "'",
        "\\",
        "{}",
        "\u{0}",
        "🦀",
        "\"AND\"",
        "*star*",
        "body:quantum",
        "rowid",
        "'; DROP TABLE runs; --",
    ] {
        match reader.search(input, 10) {
            Ok(_) => {}
            Err(StoreError::BadSearch(message)) => assert!(!message.is_empty()),
            Err(other) => panic!("{input:?} gave {other}"),
        }
    }
    assert_eq!(reader.search("\"AND\" keyword", 10).unwrap().len(), 1);
    assert_eq!(reader.search("C++", 10).unwrap().len(), 1);
    assert_eq!(reader.search("-flag", 10).unwrap().len(), 1);
    // Nothing to search for is a message, not an error screen.
    let err = reader.search("  - * ( ", 10).unwrap_err();
    assert!(matches!(err, StoreError::BadSearch(_)) && err.is_bad_input(), "{err}");
    assert_eq!(reader.count_runs().unwrap(), 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn no_typed_text_makes_search_fail(input in "\\PC{0,40}") {
        let (_dir, path) = temp_db();
        let reader = Reader::open(&path).unwrap();
        match reader.search(&input, 5) {
            Ok(_) | Err(StoreError::BadSearch(_)) => {}
            Err(other) => panic!("{input:?} gave {other}"),
        }
        if let Some(q) = ailab::store::fts_query(&input) {
            // Every accepted query is valid FTS5 syntax.
            prop_assert!(reader.search(&input, 5).is_ok(), "{q}");
        }
    }
}

#[test]
fn deleting_a_run_removes_its_calls_tasks_and_search_entries() {
    let (_dir, path) = temp_db();
    record(&path, &[("20260101-120000-0001", "delete me please"), ("20260101-120100-0002", "keep me")]);
    // Deletes go through the record's one writer; the reader sees them on its own connection.
    let recorder = Recorder::start(&path).unwrap();
    let writer = recorder.writer();
    let reader = Reader::open(&path).unwrap();
    let ambiguous = writer.delete_run("2026").unwrap_err();
    assert!(ambiguous.is_bad_input() && ambiguous.to_string().contains("several"), "{ambiguous}");
    assert_eq!(writer.delete_run("20260101-120000-0001").unwrap(), "20260101-120000-0001");
    assert!(matches!(reader.load_run("20260101-120000-0001"), Err(StoreError::UnknownRun(_))));
    assert!(reader.search("delete", 10).unwrap().is_empty());
    assert_eq!(reader.search("flash", 10).unwrap().len(), 1, "the other run's entries stay");
    let conn = raw(&path);
    for table in ["calls", "tasks", "node_events"] {
        let left: i64 = conn
            .query_row(
                &format!("SELECT count(*) FROM {table} WHERE run_id = '20260101-120000-0001'"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(left, 0, "{table}");
    }
    // The shared hierarchy snapshot stays while a run uses it, and goes with the last one.
    writer.delete_run("20260101-120100-0002").unwrap();
    let snapshots: i64 = conn.query_row("SELECT count(*) FROM hierarchies", [], |r| r.get(0)).unwrap();
    assert_eq!(snapshots, 0);
    let fts_rows: i64 = conn.query_row("SELECT count(*) FROM search_index", [], |r| r.get(0)).unwrap();
    assert_eq!(fts_rows, 0);
}

#[test]
fn exports_read_as_the_conversation_and_carry_every_call() {
    let (_dir, path) = temp_db();
    record(&path, &[("20260101-120000-0001", "What is quantum tunnelling?")]);
    let record = Reader::open(&path).unwrap().load_run("20260101-120000-0001").unwrap();

    let md = to_markdown(&record);
    for expected in [
        "# ailab run 20260101-120000-0001",
        "| Status | done |",
        "### 1. Query · You → Atlas",
        "### 2. Delegation · Atlas → Nova",
        "Explain the tunnelling physics",
        "### 4. Response · Sage → Atlas (call #3)",
        "_Re #3 (delegation to Sage)_",
        "### 6. Synthesis · Atlas → You (call #4)",
        "## Final answer",
        ANSWER_TEXT,
        "| 2 | Nova | answer | #1 | phi-3.1-mini-4k-instruct | done |",
    ] {
        assert!(md.contains(expected), "missing {expected:?} in\n{md}");
    }
    let first = |needle: &str| md.find(needle).unwrap_or(usize::MAX);
    assert!(first("### 1. Query") < first("### 2. Delegation"));
    assert!(
        first("## Conversation") < first("## Final answer") && first("## Final answer") < first("## Calls")
    );

    let json = to_json(&record);
    assert_eq!(json["id"], "20260101-120000-0001");
    assert_eq!(json["status"], "done");
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["calls"].as_array().unwrap().len(), 4);
    assert_eq!(json["calls"][3]["parent_call"], 2);
    assert_eq!(json["calls"][1]["request"]["messages"][0]["content"], "system of nova");
    assert_eq!(json["calls"][1]["metrics"]["completion_tokens"], 20);
    assert_eq!(json["messages"][5]["kind"], "synthesis");
    assert_eq!(json["hierarchy"]["nodes"][0]["id"], "atlas");
    assert_eq!(record.run.status, RunStatus::Done);
}

#[test]
fn the_read_worker_answers_through_the_callers_channel() {
    let (_dir, path) = temp_db();
    record(&path, &[("20260101-120000-0001", "worker question")]);
    let worker = ailab::store::ReadWorker::start_in_background(&path, |_| {}).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    for text in ["worker", "-"] {
        let tx = tx.clone();
        assert!(worker.submit(move |reader| {
            let hits =
                reader.map_err(str::to_string).and_then(|r| r.search(text, 10).map_err(|e| e.to_string()));
            let _ = tx.send(hits.map(|hits| hits.len()));
        }));
    }
    assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), Ok(1));
    assert!(rx.recv_timeout(Duration::from_secs(5)).unwrap().unwrap_err().contains("no words"));
}

/// Adds `n` runs as a lab evaluation makes them, every one newer than the bulk runs: per prompt a
/// tree arm (kind "tree", told apart by its comparison), a solo arm and a judge.
fn bulk_lab_runs(path: &std::path::Path, prompts: i64) {
    let mut conn = raw(path);
    let tx = conn.transaction().unwrap();
    for i in 0..prompts {
        let started = 1_800_000_000_000 + i * 10_000;
        tx.execute(
            "INSERT INTO comparisons (id, prompt, category, repeat, hierarchy_hash, backend, created_ms)
             VALUES (?1, ?2, 'reasoning', 1, 'h', 'demo', ?3)",
            rusqlite::params![i + 1, format!("lab prompt {i}"), started],
        )
        .unwrap();
        for (arm, kind, at) in [("tree", "tree", 0), ("solo", "solo", 1_000), ("judge", "judge", 2_000)] {
            let id = format!("lab-{i:04}-{arm}");
            tx.execute(
                "INSERT INTO runs (id, kind, prompt, root, status, started_ms, ended_ms, hierarchy_digest,
                                   hierarchy_hash, hierarchy_source, app_version)
                 VALUES (?1, ?2, ?3, 'atlas', 'done', ?4, ?4 + 500, 'd', 'h', 'test', '0')",
                rusqlite::params![id, kind, format!("lab prompt {i} number"), started + at],
            )
            .unwrap();
            tx.execute(
                "INSERT INTO search_index (rowid, body) VALUES ((SELECT seq FROM runs WHERE id = ?1) << 20, ?2)",
                rusqlite::params![id, format!("lab prompt {i} number")],
            )
            .unwrap();
            if arm != "judge" {
                tx.execute(
                    "INSERT INTO comparison_arms VALUES (?1, ?2, ?3, 'done', 'a', 1, 10, 100)",
                    rusqlite::params![i + 1, arm, id],
                )
                .unwrap();
            }
        }
    }
    tx.commit().unwrap();
}

#[test]
fn the_users_own_runs_page_and_search_without_the_lab_runs_in_sql() {
    use ailab::store::{RunCounts, RunScope};
    let (_dir, path) = temp_db();
    bulk_runs(&path, 10_000);
    // 3 000 lab runs, all newer than the user's: a filter applied after paging would leave pages empty.
    bulk_lab_runs(&path, 1_000);
    let reader = Reader::open(&path).unwrap();
    assert_eq!(reader.count_runs_by_scope().unwrap(), RunCounts { own: 10_000, lab: 3_000 });
    assert_eq!(reader.count_runs().unwrap(), 13_000);

    let first = reader.list_runs_in(RunScope::Own, None, 100).unwrap();
    assert_eq!(first.len(), 100, "a full page of the user's runs");
    assert_eq!(first[0].id, "run-009999");
    assert!(first.iter().all(|r| !r.is_lab()));
    let mut cursor = None;
    let mut own = 0;
    let mut slowest = Duration::ZERO;
    loop {
        let began = Instant::now();
        let page = reader.list_runs_in(RunScope::Own, cursor.as_ref(), 100).unwrap();
        slowest = slowest.max(began.elapsed());
        let Some(last) = page.last() else { break };
        cursor = Some(last.cursor());
        assert!(page.iter().all(|r| r.kind == "tree" && r.id.starts_with("run-")), "no lab run listed");
        own += page.len();
    }
    assert_eq!(own, 10_000);
    assert!(slowest < Duration::from_millis(200), "slowest page took {slowest:?}");

    // Every run, with the lab's told apart by kind (the tree arm included).
    let all = reader.list_runs_in(RunScope::All, None, 3).unwrap();
    let kinds: Vec<&str> = all.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["judge", "solo", "tree-arm"]);

    // Searching: "number" is in every run; the user's own come first page after page.
    let hits = reader.search_page_in(RunScope::Own, "number", None, 20).unwrap();
    assert_eq!(hits.len(), 20);
    assert_eq!(hits[0].run.id, "run-009999");
    assert!(hits.iter().all(|h| !h.run.is_lab()));
    let next = reader.search_page_in(RunScope::Own, "number", Some(&hits[19].run.cursor()), 20).unwrap();
    assert_eq!(next[0].run.id, "run-009979");
    let lab_only = reader.search_page_in(RunScope::Own, "lab prompt", None, 20).unwrap();
    assert!(lab_only.is_empty(), "{lab_only:?}");
    let with_lab = reader.search_page_in(RunScope::All, "lab prompt 999", None, 20).unwrap();
    assert_eq!(with_lab.len(), 3);
    let began = Instant::now();
    reader.search_page_in(RunScope::Own, "number 9999", None, 20).unwrap();
    assert!(began.elapsed() < Duration::from_millis(300), "search took {:?}", began.elapsed());
}
