//! Opening the record: migrations, a newer schema refused, a damaged file set aside, a foreign
//! database left alone, a locked record reported.

mod store_support;

use std::time::{Duration, Instant};

use ailab::store::schema::{APPLICATION_ID, SCHEMA_VERSION};
use ailab::store::{Reader, Recorder, StoreError};
use store_support::*;

#[test]
fn a_new_record_is_created_at_the_current_schema_with_full_text_search() {
    let (dir, _) = temp_db();
    // The folder is created too.
    let path = dir.path().join("nested/deeper/ailab.db");
    let reader = Reader::open(&path).unwrap();
    assert!(reader.notices().is_empty());
    drop(reader);
    let conn = raw(&path);
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!((version, app_id, mode.as_str()), (SCHEMA_VERSION, APPLICATION_ID, "wal"));
    // FTS5 is compiled into the bundled SQLite.
    let hits: i64 = conn
        .query_row("SELECT count(*) FROM search_index WHERE search_index MATCH '\"anything\"'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(hits, 0);
    let fts5: i64 =
        conn.query_row("SELECT sqlite_compileoption_used('ENABLE_FTS5')", [], |r| r.get(0)).unwrap();
    assert_eq!(fts5, 1);
}

#[test]
fn reopening_keeps_data_and_does_not_migrate_again() {
    let (_dir, path) = temp_db();
    let recorder = Recorder::start(&path).unwrap();
    for e in tree_run("20260101-120000-0001", "keep me", 1_767_268_800_000).events {
        recorder.listener().send(e).unwrap();
    }
    recorder.shutdown().unwrap();
    for _ in 0..2 {
        let reader = Reader::open(&path).unwrap();
        assert_eq!(reader.count_runs().unwrap(), 1);
    }
    let version: i64 = raw(&path).query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn a_record_from_a_newer_ailab_is_refused_and_left_as_it_was() {
    let (_dir, path) = temp_db();
    drop(Reader::open(&path).unwrap());
    raw(&path).pragma_update(None, "user_version", SCHEMA_VERSION + 3).unwrap();
    let before = std::fs::read(&path).unwrap();

    let err = Recorder::start(&path).err().expect("a newer schema is refused");
    assert!(matches!(err, StoreError::NewerSchema { found, .. } if found == SCHEMA_VERSION + 3));
    let message = err.to_string();
    assert!(message.contains("newer ailab") && message.contains("--db"), "{message}");
    assert!(Reader::open(&path).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), before, "never migrated down");
}

#[test]
fn another_programs_database_is_not_touched() {
    let (_dir, path) = temp_db();
    raw(&path)
        .execute_batch("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Reader::open(&path).err().expect("a foreign database is refused");
    assert!(matches!(err, StoreError::NotARecord { .. }), "{err}");
    assert!(err.to_string().contains("not an ailab record"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_file_that_is_not_sqlite_at_all_is_refused_and_left_untouched() {
    let (dir, path) = temp_db();
    let notes = "my shopping list: eggs, milk, bread\n".repeat(200);
    std::fs::write(&path, &notes).unwrap();
    for err in
        [Recorder::start(&path).err(), Reader::open(&path).err(), Reader::open_keeping_damage(&path).err()]
    {
        let err = err.expect("refused");
        assert!(matches!(err, StoreError::NotSqlite { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains("not an ailab record") && message.contains("left untouched"), "{message}");
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), notes, "the user's file is as it was");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into())
        .collect();
    assert_eq!(names, vec!["ailab.db".to_string()], "nothing moved, nothing created");
}

#[test]
fn an_sqlite_file_damaged_at_its_start_is_kept_aside_and_a_new_record_started() {
    let (dir, path) = temp_db();
    drop(Reader::open(&path).unwrap());
    {
        let conn = raw(&path);
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    // The SQLite header stays; the rest of the first page (page size, schema) is scribbled over.
    let mut damaged = std::fs::read(&path).unwrap();
    for b in &mut damaged[16..100] {
        *b = 0xA5;
    }
    std::fs::write(&path, &damaged).unwrap();

    // A read-only command says so and changes nothing.
    let err = Reader::open_keeping_damage(&path).err().expect("damage is reported");
    assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), damaged);

    // The recorder, which must record, sets it aside and starts afresh.
    let recorder = Recorder::start(&path).unwrap();
    let notice = recorder.notices().join("\n");
    assert!(notice.contains("damaged") && notice.contains("kept aside"), "{notice}");
    recorder.shutdown().unwrap();
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("ailab.db.corrupt-"))
        .collect();
    assert_eq!(kept.len(), 1, "one quarantined file");
    assert_eq!(std::fs::read(kept[0].path()).unwrap(), damaged, "the damaged file is kept as it was");
    assert!(notice.contains(&kept[0].file_name().to_string_lossy().to_string()));
    assert_eq!(Reader::open(&path).unwrap().count_runs().unwrap(), 0);
}

#[test]
fn a_record_damaged_inside_is_caught_by_the_integrity_check() {
    let (dir, path) = temp_db();
    let recorder = Recorder::start(&path).unwrap();
    for i in 0..40 {
        for e in
            tree_run(&format!("20260101-1200{i:02}-0001"), &"long prompt ".repeat(50), 1_767_268_800_000 + i)
                .events
        {
            recorder.listener().send(e).unwrap();
        }
    }
    recorder.shutdown().unwrap();
    {
        // Fold the WAL into the file so the damage below hits real pages.
        let conn = raw(&path);
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 16 * 4096);
    // Scribble over pages 3 to 12 (the header and schema page stay intact).
    for b in &mut bytes[2 * 4096..12 * 4096] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();

    let reader = Reader::open(&path).unwrap();
    assert_eq!(reader.notices().len(), 1, "{:?}", reader.notices());
    assert_eq!(reader.count_runs().unwrap(), 0);
    let kept = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().starts_with("ailab.db.corrupt-"));
    assert!(kept);
}

#[test]
fn a_record_locked_by_another_writer_waits_then_says_so() {
    let (_dir, path) = temp_db();
    drop(Reader::open(&path).unwrap());
    let holder = raw(&path);
    holder.execute_batch("BEGIN EXCLUSIVE; INSERT INTO hierarchies VALUES ('x', '{}');").unwrap();

    let began = Instant::now();
    let err = Recorder::start(&path).err().expect("a locked record is reported");
    let waited = began.elapsed();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert!(err.to_string().contains("locked by another ailab"), "{err}");
    assert!(waited >= Duration::from_secs(4), "waited only {waited:?} before giving up");
    holder.execute_batch("ROLLBACK").unwrap();
    Recorder::start(&path).unwrap().shutdown().unwrap();
}

#[test]
fn a_new_record_opened_by_several_connections_at_once_opens_for_all() {
    // The live view's first start: the recorder and two readers open the same brand-new file at
    // the same moment; none may fail with "locked".
    for _ in 0..40 {
        let (_dir, path) = temp_db();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(3));
        let opener = |recorder: bool| {
            let (path, barrier) = (path.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                if recorder {
                    Recorder::start(&path).map(|r| r.shutdown().map(|_| ())).map_err(|e| e.to_string())
                } else {
                    Reader::open(&path).map(|_| Ok(())).map_err(|e| e.to_string())
                }
            })
        };
        let threads = [opener(true), opener(false), opener(false)];
        for thread in threads {
            let result = thread.join().unwrap();
            assert!(matches!(result, Ok(Ok(()))), "{result:?}");
        }
    }
}
