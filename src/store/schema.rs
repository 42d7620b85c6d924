//! The schema and its migrations, versioned by `PRAGMA user_version`.
//!
//! Migrations only ever go forward: each entry of `MIGRATIONS` moves the schema from version `i` to
//! `i + 1` inside one IMMEDIATE transaction, so a crash mid-migration leaves the old version intact.
//! A record from a newer ailab is refused, never migrated down.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::error::StoreError;

/// `PRAGMA application_id` of an ailab record ("ailb"), so we never take over someone else's database.
pub const APPLICATION_ID: i32 = 0x6169_6c62;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Version 1: runs, their calls, tasks and node states, the hierarchy snapshots, instances, search.
const V1: &str = r#"
-- One row per ailab process that records; runs point at their owner so a crash can be told
-- apart from a second instance that is still working.
CREATE TABLE instances (
    id            TEXT PRIMARY KEY,
    pid           INTEGER NOT NULL,
    host          TEXT,      -- Linux boot id: the pid below only means something on the same boot
    proc_start    TEXT,      -- the process's start time, so a reused pid is not taken for us
    app_version   TEXT NOT NULL,
    started_ms    INTEGER NOT NULL,
    heartbeat_ms  INTEGER NOT NULL
);

-- Resolved hierarchies, stored once per distinct content (runs share them).
CREATE TABLE hierarchies (
    digest  TEXT PRIMARY KEY,
    json    TEXT NOT NULL
);

CREATE TABLE runs (
    seq               INTEGER PRIMARY KEY,   -- also the high bits of the search index rowids
    id                TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL,
    prompt            TEXT NOT NULL,
    root              TEXT NOT NULL,
    status            TEXT NOT NULL,
    started_ms        INTEGER NOT NULL,
    ended_ms          INTEGER,
    answer            TEXT,
    note              TEXT,                  -- why a run was marked interrupted
    hierarchy_digest  TEXT NOT NULL REFERENCES hierarchies(digest),
    hierarchy_hash    TEXT NOT NULL,
    hierarchy_source  TEXT NOT NULL,
    app_version       TEXT NOT NULL,
    instance_id       TEXT,
    calls             INTEGER NOT NULL DEFAULT 0,
    failed_calls      INTEGER NOT NULL DEFAULT 0,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    wall_ms           INTEGER,
    finish_seq        INTEGER
);
CREATE INDEX runs_by_time ON runs(started_ms DESC, id DESC);
CREATE INDEX runs_by_hash ON runs(hierarchy_hash);
CREATE INDEX runs_by_digest ON runs(hierarchy_digest);
CREATE INDEX runs_running ON runs(instance_id) WHERE status = 'running';

-- `seq` columns number a run's events in the order they happened, so a replay is exact.
CREATE TABLE tasks (
    run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    at_ms         INTEGER NOT NULL,
    node          TEXT NOT NULL,
    task          TEXT NOT NULL,
    from_call     INTEGER,
    split_method  TEXT,
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE node_events (
    run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    at_ms   INTEGER NOT NULL,
    node    TEXT NOT NULL,
    state   TEXT,      -- JSON of the node's new state; NULL for a node failure
    reason  TEXT,      -- the failure reason of a node failure
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE calls (
    run_id             TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    call               INTEGER NOT NULL,
    start_seq          INTEGER NOT NULL,
    finish_seq         INTEGER,
    node               TEXT NOT NULL,
    phase              TEXT NOT NULL,
    parent_call        INTEGER,
    endpoint           TEXT NOT NULL,
    request            TEXT NOT NULL,        -- the exact ChatRequest as JSON
    truncated_input    INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL,        -- streaming | done | failed | interrupted | stopped
    opened_ms          INTEGER NOT NULL,     -- when CallStarted was emitted
    closed_ms          INTEGER,              -- when CallFinished was emitted
    last_token_ms      INTEGER,
    text               TEXT NOT NULL DEFAULT '',
    reasoning          TEXT NOT NULL DEFAULT '',
    marks              TEXT NOT NULL DEFAULT '',  -- streaming pace, see recorder::marks
    split_method       TEXT,
    error              TEXT,
    requested_model    TEXT NOT NULL,
    answering_model    TEXT,
    started_ms         INTEGER,
    first_token_ms     INTEGER,
    ended_ms           INTEGER,
    prompt_tokens      INTEGER,
    completion_tokens  INTEGER,
    usage_from_server  INTEGER,
    tokens_per_sec     REAL,
    finish_reason      TEXT,
    retries            INTEGER,
    PRIMARY KEY (run_id, call)
);

-- Full-text search over prompts (rowid = run seq << 20) and call texts (rowid = run seq << 20 | call).
CREATE VIRTUAL TABLE search_index USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
"#;

/// Version 2: the lab's comparisons, their arms, the judge's verdicts and the user's blind votes.
const V2: &str = r#"
-- One prompt answered by several arms. Keyed by prompt, repeat number and the hierarchy version,
-- so `ailab eval` resumes finished work but never reuses answers from other prompts.
CREATE TABLE comparisons (
    id              INTEGER PRIMARY KEY,
    prompt          TEXT NOT NULL,
    category        TEXT NOT NULL,
    repeat          INTEGER NOT NULL,
    hierarchy_hash  TEXT NOT NULL,
    created_ms      INTEGER NOT NULL,
    UNIQUE (prompt, repeat, hierarchy_hash)
);

-- What each arm answered; run_id points into runs (the run may be deleted later, the result stays).
CREATE TABLE comparison_arms (
    comparison_id  INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    arm            TEXT NOT NULL,
    run_id         TEXT NOT NULL,
    status         TEXT NOT NULL,
    answer         TEXT,
    calls          INTEGER NOT NULL,
    tokens         INTEGER NOT NULL,
    wall_ms        INTEGER NOT NULL,
    PRIMARY KEY (comparison_id, arm)
);

-- One judge call: the pair (arm_x vs arm_y), which arm was shown as A, and what the judge said.
CREATE TABLE judgements (
    comparison_id  INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    arm_x          TEXT NOT NULL,
    arm_y          TEXT NOT NULL,
    shown_first    TEXT NOT NULL,
    judge_model    TEXT NOT NULL,
    run_id         TEXT NOT NULL,
    pick           TEXT,          -- a | b | tie, NULL when the judge said nothing usable
    reason         TEXT NOT NULL,
    created_ms     INTEGER NOT NULL,
    PRIMARY KEY (comparison_id, arm_x, arm_y, shown_first, judge_model)
);

-- A blind human vote on a pair; shown_first records the order the answers were shown in.
CREATE TABLE votes (
    id             INTEGER PRIMARY KEY,
    comparison_id  INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
    arm_x          TEXT NOT NULL,
    arm_y          TEXT NOT NULL,
    shown_first    TEXT NOT NULL,
    outcome        TEXT NOT NULL,  -- first | second | tie | both_bad, from arm_x's side
    reason         TEXT NOT NULL DEFAULT '',
    created_ms     INTEGER NOT NULL
);
CREATE INDEX votes_by_comparison ON votes(comparison_id);
"#;

/// Version 3: the search index gets prefix indexes for 1, 2 and 3 characters. Search matches the last
/// word typed as a prefix (results while typing); without these, a short or common prefix ("t", "the")
/// merges the postings of every word it starts, which took 30 to 300 ms on a 10,000-run record
/// instead of about 1 ms (see benches/README.md). The index grows by about 2.4×.
const V3: &str = r#"
CREATE VIRTUAL TABLE search_index_v2 USING fts5(body, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
INSERT INTO search_index_v2 (rowid, body) SELECT rowid, body FROM search_index;
DROP TABLE search_index;
ALTER TABLE search_index_v2 RENAME TO search_index;
"#;

/// Version 4: comparisons remember the backend that answered them ('demo' for the offline demo, else
/// the server's base URL) and are keyed by it, so scripted demo answers are never resumed as real ones
/// nor mixed into real scores. A UNIQUE constraint cannot be altered, so the table is rebuilt (the
/// 12-step way: [`migrate`] turns foreign keys off around it, or dropping the old table would cascade
/// to every arm, verdict and vote). Older comparisons are labelled from what they hold: demo answers
/// start with "[demo]"; otherwise the base URL of the hierarchy their runs used ('' if those runs
/// were deleted). Verdicts saved from judge calls that failed (an old bug: they counted as ties) are
/// dropped, so the next `ailab eval` asks the judge again. Runs get indexed links to the comparisons
/// they answered or judged, so the history can label lab runs.
const V4: &str = r#"
CREATE TABLE comparisons_v4 (
    id              INTEGER PRIMARY KEY,
    prompt          TEXT NOT NULL,
    category        TEXT NOT NULL,
    repeat          INTEGER NOT NULL,
    hierarchy_hash  TEXT NOT NULL,
    backend         TEXT NOT NULL,   -- 'demo', or the server's base URL
    created_ms      INTEGER NOT NULL,
    UNIQUE (prompt, repeat, hierarchy_hash, backend)
);
INSERT INTO comparisons_v4 (id, prompt, category, repeat, hierarchy_hash, backend, created_ms)
SELECT c.id, c.prompt, c.category, c.repeat, c.hierarchy_hash,
       CASE
           WHEN EXISTS (SELECT 1 FROM comparison_arms a WHERE a.comparison_id = c.id AND a.answer LIKE '[demo]%')
               OR EXISTS (SELECT 1 FROM judgements j WHERE j.comparison_id = c.id AND j.reason LIKE '[demo]%')
           THEN 'demo'
           ELSE coalesce((SELECT json_extract(h.json, '$.server.base_url')
                          FROM comparison_arms a
                          JOIN runs r ON r.id = a.run_id
                          JOIN hierarchies h ON h.digest = r.hierarchy_digest
                          WHERE a.comparison_id = c.id AND a.arm = 'tree'), '')
       END,
       c.created_ms
FROM comparisons c;
DROP TABLE comparisons;
ALTER TABLE comparisons_v4 RENAME TO comparisons;
DELETE FROM judgements
WHERE pick IS NULL AND run_id IN (SELECT id FROM runs WHERE status NOT IN ('done', 'degraded'));
-- The history tells a lab run from the user's own by these.
CREATE INDEX comparison_arms_by_run ON comparison_arms(run_id);
CREATE INDEX judgements_by_run ON judgements(run_id);
"#;

/// Version 5: conversations. A run is one turn of a conversation (the id of its first run), so a
/// follow-up knows what came before; an expansion or a resynthesis links to the turn it follows from. Every existing run becomes the one turn of its own conversation.
const V5: &str = r#"
ALTER TABLE runs ADD COLUMN conversation_id TEXT;
ALTER TABLE runs ADD COLUMN turn INTEGER NOT NULL DEFAULT 1;
ALTER TABLE runs ADD COLUMN turn_kind TEXT NOT NULL DEFAULT 'question';
ALTER TABLE runs ADD COLUMN parent_run TEXT;  -- the turn an expansion expands, the expansion a resynthesis sends up
UPDATE runs SET conversation_id = id;
CREATE INDEX runs_by_conversation ON runs(conversation_id, turn);
"#;

/// Version 6: why a child got the fallback instead of its sub-task (the sub-task was rejected by the
/// checks, or the split failed), and a flag on a call whose answer mostly repeated its instructions.
/// Older rows have neither: nothing was checked then.
const V6: &str = r#"
ALTER TABLE tasks ADD COLUMN fallback_reason TEXT;
ALTER TABLE calls ADD COLUMN flag TEXT;
"#;

/// Version 7: a comparison's reference answer (the known right answer, when the prompt set gives
/// one), so the Lab can grade every arm against it long after the eval ran. Older comparisons have
/// none.
const V7: &str = r#"
ALTER TABLE comparisons ADD COLUMN reference TEXT;
"#;

/// Every migration, in order. Never edit a shipped entry: add a new one.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7];

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
