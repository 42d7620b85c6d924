//! The schema and its migrations, versioned by `PRAGMA user_version`.
//!
//! Migrations only ever go forward: each entry of `MIGRATIONS` moves the schema from version `i` to
//! `i + 1` inside one IMMEDIATE transaction, so a crash mid-migration leaves the old version intact.
//! A record from a newer ailab is refused, never migrated down.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::error::StoreError;

mod migrations;

use migrations::MIGRATIONS;

/// `PRAGMA application_id` of an ailab record ("ailb"), so we never take over someone else's database.
pub const APPLICATION_ID: i32 = 0x6169_6c62;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the schema up to [`SCHEMA_VERSION`], or refuses a newer one.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let found = user_version(conn).map_err(|e| StoreError::from_sqlite_at(e, path))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema { path: path.to_path_buf(), found, supported: SCHEMA_VERSION });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    // Rebuilding a table (V4) must not cascade deletes to the rows that point at it; the pragma is a
    // no-op inside a transaction, so it is set around them, and the links are checked before commit.
    let foreign_keys: bool = conn.pragma_query_value(None, "foreign_keys", |row| row.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = apply_migrations(conn, path, found);
    conn.pragma_update(None, "foreign_keys", foreign_keys)?;
    result
}

fn apply_migrations(conn: &mut Connection, path: &Path, found: i64) -> Result<(), StoreError> {
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let to = index as i64 + 1;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::from_sqlite_at(e, path))?;
        // Another instance may have migrated while we waited for the lock.
        if user_version(&tx)? >= to {
            continue;
        }
        tx.execute_batch(sql)?;
        let broken: Option<String> =
            tx.query_row("PRAGMA foreign_key_check", [], |row| row.get(0)).optional()?;
        if let Some(table) = broken {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                reason: format!(
                    "upgrading the record to version {to} broke links in {table}; it was left as it was"
                ),
            });
        }
        if index == 0 {
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        tx.pragma_update(None, "user_version", to)?;
        tx.commit().map_err(|e| StoreError::from_sqlite_at(e, path))?;
        tracing::info!(version = to, path = %path.display(), "record schema migrated");
    }
    Ok(())
}

/// The schema version stored in the file (0 for a new file).
pub fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

#[cfg(test)]
mod tests {
    use super::migrations::{V1, V2, V3, V4, V5, V6, V7};
    use super::*;

    /// A version 3 record with a real comparison, a demo one, a vote, and a judge call that failed.
    fn version_3_lab() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        for sql in [V1, V2, V3] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        conn.execute_batch(
            r#"
            INSERT INTO hierarchies VALUES ('d1', '{"server":{"base_url":"http://127.0.0.1:1234/v1"},"nodes":[]}');
            INSERT INTO runs (id, kind, prompt, root, status, started_ms, hierarchy_digest, hierarchy_hash,
                              hierarchy_source, app_version)
            VALUES ('t1', 'tree', 'Is 17 prime?', 'atlas', 'done', 1, 'd1', 'h', 'x', '0'),
                   ('j1', 'judge', 'Is 17 prime?', 'judge', 'failed', 1, 'd1', 'h', 'x', '0'),
                   ('j2', 'judge', 'Is 17 prime?', 'judge', 'done', 1, 'd1', 'h', 'x', '0');
            INSERT INTO comparisons VALUES (1, 'Is 17 prime?', 'reasoning', 1, 'h', 1),
                                           (2, 'Why?', 'explanation', 1, 'h', 2);
            INSERT INTO comparison_arms VALUES (1, 'tree', 't1', 'done', 'Yes.', 9, 90, 900),
                                               (1, 'solo', 's1', 'done', 'Yes', 1, 10, 100),
                                               (2, 'tree', 't2', 'done', '[demo] ## On why', 9, 90, 900);
            INSERT INTO judgements VALUES (1, 'tree', 'solo', 'tree', 'judge', 'j1', NULL, 'model not found', 1),
                                          (1, 'tree', 'solo', 'solo', 'judge', 'j2', 'b', 'clearer', 1);
            INSERT INTO votes (comparison_id, arm_x, arm_y, shown_first, outcome, created_ms)
            VALUES (1, 'tree', 'solo', 'tree', 'first', 1);
            "#,
        )
        .unwrap();
        conn
    }

    #[test]
    fn version_3_comparisons_learn_their_backend_and_keep_their_arms_and_votes() {
        let mut conn = version_3_lab();
        migrate(&mut conn, Path::new("test.db")).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        let backends: Vec<(i64, String)> = conn
            .prepare("SELECT id, backend FROM comparisons ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(backends, vec![(1, "http://127.0.0.1:1234/v1".into()), (2, "demo".into())]);
        let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        // Rebuilding the table did not cascade to the rows that point at it.
        assert_eq!(count("SELECT count(*) FROM comparison_arms"), 3);
        assert_eq!(count("SELECT count(*) FROM votes"), 1);
        // The verdict of the judge call that failed is gone (it was never a tie); the good one stays.
        assert_eq!(count("SELECT count(*) FROM judgements"), 1);
        assert_eq!(count("SELECT count(*) FROM judgements WHERE run_id = 'j2'"), 1);
        // Foreign keys are back on, and the same prompt may now exist once per backend.
        assert_eq!(count("PRAGMA foreign_keys"), 1);
        conn.execute(
            "INSERT INTO comparisons (prompt, category, repeat, hierarchy_hash, backend, created_ms)
             VALUES ('Is 17 prime?', 'reasoning', 1, 'h', 'demo', 3)",
            [],
        )
        .unwrap();
        conn.execute("DELETE FROM comparisons WHERE id = 1", []).unwrap();
        assert_eq!(count("SELECT count(*) FROM comparison_arms"), 1, "deletes still cascade");
    }

    #[test]
    fn version_4_runs_become_one_turn_conversations_of_their_own() {
        let mut conn = version_3_lab();
        conn.execute_batch(V4).unwrap();
        conn.pragma_update(None, "user_version", 4).unwrap();
        migrate(&mut conn, Path::new("test.db")).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        let turns: Vec<(String, String, i64, String)> = conn
            .prepare("SELECT id, conversation_id, turn, turn_kind FROM runs ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(turns.len(), 3);
        for (id, conversation, turn, kind) in turns {
            assert_eq!((conversation.as_str(), turn, kind.as_str()), (id.as_str(), 1, "question"));
        }
    }

    #[test]
    fn version_5_tasks_and_calls_gain_empty_reasons_and_flags() {
        let mut conn = version_3_lab();
        conn.execute_batch(V4).unwrap();
        conn.execute_batch(V5).unwrap();
        conn.pragma_update(None, "user_version", 5).unwrap();
        conn.execute_batch(
            "INSERT INTO tasks (run_id, seq, at_ms, node, task, from_call, split_method)
             VALUES ('t1', 1, 1, 'nova', 'task_1', 1, 'json');
             INSERT INTO calls (run_id, call, start_seq, node, phase, endpoint, request, status, opened_ms,
                                requested_model)
             VALUES ('t1', 1, 2, 'atlas', 'split', 'x', '{}', 'done', 1, 'm');",
        )
        .unwrap();
        migrate(&mut conn, Path::new("test.db")).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        let (task, reason): (String, Option<String>) = conn
            .query_row("SELECT task, fallback_reason FROM tasks", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!((task.as_str(), reason), ("task_1", None), "old tasks keep their text, with no reason");
        let flag: Option<String> = conn.query_row("SELECT flag FROM calls", [], |r| r.get(0)).unwrap();
        assert_eq!(flag, None);
        conn.execute("UPDATE calls SET flag = 'echo' WHERE call = 1", []).unwrap();
        conn.execute("UPDATE tasks SET fallback_reason = 'placeholder'", []).unwrap();
    }

    #[test]
    fn version_7_calls_gain_no_reflection_round_and_new_ones_can_record_it() {
        let mut conn = version_3_lab();
        for sql in [V4, V5, V6, V7] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 7).unwrap();
        conn.execute_batch(
            "INSERT INTO calls (run_id, call, start_seq, node, phase, endpoint, request, status, opened_ms,
                                requested_model)
             VALUES ('t1', 1, 2, 'quantum', 'reflect', 'x', '{}', 'done', 1, 'm');",
        )
        .unwrap();
        migrate(&mut conn, Path::new("test.db")).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        let old: (Option<i64>, Option<i64>, Option<String>) = conn
            .query_row("SELECT reflection_round, reflection_rounds, reflection_name FROM calls", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(old, (None, None, None), "an older call is not numbered after the fact");
        conn.execute(
            "UPDATE calls SET reflection_round = 2, reflection_rounds = 3, reflection_name = 'implications'",
            [],
        )
        .unwrap();
    }

    #[test]
    fn a_migration_that_fails_leaves_the_old_version_whole() {
        let mut conn = version_3_lab();
        conn.execute_batch(V4).unwrap();
        conn.pragma_update(None, "user_version", 4).unwrap();
        // Something in the way of the new index: the migration fails half-way through its steps.
        conn.execute_batch("CREATE TABLE runs_by_conversation (x)").unwrap();
        assert!(migrate(&mut conn, Path::new("test.db")).is_err());
        assert_eq!(user_version(&conn).unwrap(), 4);
        let columns: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'conversation_id'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(columns, 0, "the columns added before the failure were rolled back");
    }

    #[test]
    fn version_1_records_gain_prefix_search_and_keep_their_entries() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(V1).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO search_index (rowid, body) VALUES (1048576, 'Quantum tunnelling explained')",
            [],
        )
        .unwrap();
        migrate(&mut conn, Path::new("test.db")).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        let sql: String = conn
            .query_row("SELECT sql FROM sqlite_schema WHERE name = 'search_index'", [], |r| r.get(0))
            .unwrap();
        assert!(sql.contains("prefix = '1 2 3'"), "{sql}");
        for query in ["\"t\"*", "\"tun\"*", "\"quantum\""] {
            let found: i64 = conn
                .query_row("SELECT rowid FROM search_index WHERE search_index MATCH ?1", [query], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(found, 1 << 20, "{query}");
        }
    }
}
