//! Reading the record on a connection of its own (WAL lets it read while the recorder writes).
//! The connection is read-only (`PRAGMA query_only`): every change goes through the recorder's
//! writer ([`super::recorder::RecordWriter`]), so the record has one writer.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::error::StoreError;
use super::model::{
    CallRecord, CallStatus, NodeEventRecord, RunCounts, RunCursor, RunRecord, RunRow, RunScope, TaskRecord,
};
use super::open::{OnDamage, Opened, open_db_with};
use super::resolve::resolve_id;
use crate::config::Phase;
use crate::engine::{CallMetrics, ReflectionRound, RunStatus, SplitMethod, TurnKind};

/// The columns of a [`RunRow`], in the order [`run_row`] reads them.
/// A tree run that answered as a lab arm reads as kind [`super::model::TREE_ARM`] (the engine records every tree
/// run as "tree"; the comparison it belongs to tells them apart).
pub(crate) const RUN_COLUMNS: &str = "r.id, \
     CASE WHEN r.kind = 'tree' AND EXISTS (SELECT 1 FROM comparison_arms a WHERE a.run_id = r.id) \
     THEN 'tree-arm' ELSE r.kind END, r.prompt, r.root, r.status, r.started_ms, r.ended_ms, r.calls, \
     r.failed_calls, r.prompt_tokens, r.completion_tokens, r.hierarchy_hash, r.note, \
     coalesce(r.conversation_id, r.id), r.turn, r.turn_kind, r.parent_run";

/// True for a run of `r` the lab made: an arm that is not a tree run (solo, compute), a judge, or a
/// tree run that answered as an arm (see [`super::model::RunRow::is_lab`]).
pub(crate) const IS_LAB_RUN: &str =
    "(r.kind <> 'tree' OR EXISTS (SELECT 1 FROM comparison_arms a WHERE a.run_id = r.id))";

/// The SQL condition on `r` for the runs of `scope`.
fn scope_condition(scope: RunScope) -> String {
    match scope {
        RunScope::All => "1".into(),
        RunScope::Own => format!("NOT {IS_LAB_RUN}"),
    }
}

/// A read connection to the record. Not `Sync`: give each thread its own.
pub struct Reader {
    pub(crate) conn: Connection,
    path: PathBuf,
    notices: Vec<String>,
}

impl Reader {
    /// Opens the record at `path` (creating an empty one if there is none yet), read-only.
    pub fn open(path: &Path) -> Result<Reader, StoreError> {
        Reader::read_only(path, open_db_with(path, OnDamage::SetAside)?)
    }

    /// Like [`Reader::open`], but a damaged record is reported ([`StoreError::Damaged`]) and left
    /// where it is, for commands that only read the history and must not swap in an empty record.
    pub fn open_keeping_damage(path: &Path) -> Result<Reader, StoreError> {
        Reader::read_only(path, open_db_with(path, OnDamage::Refuse)?)
    }

    /// The opened connection, refusing writes from now on. Opening may still have created or
    /// migrated the schema (the same steps as the writer's, idempotent), before this.
    fn read_only(path: &Path, opened: Opened) -> Result<Reader, StoreError> {
        opened
            .conn
            .pragma_update(None, "query_only", true)
            .map_err(|e| StoreError::from_sqlite_at(e, path))?;
        Ok(Reader { conn: opened.conn, path: path.to_path_buf(), notices: opened.notices })
    }

    /// Things the user should be told about opening the record (a damaged file set aside).
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// A page of runs, newest first: the first page with `before: None`, then pass the last row's
    /// [`RunRow::cursor`]. Uses the `(started_ms, id)` index, so any page is fast at any size.
    pub fn list_runs(&self, before: Option<&RunCursor>, limit: usize) -> Result<Vec<RunRow>, StoreError> {
        self.list_runs_in(RunScope::All, before, limit)
    }

    /// Like [`Reader::list_runs`], for the runs of `scope` only. The filter is part of the query, so
    /// a page is a full page of the runs wanted and still walks the `(started_ms, id)` index.
    pub fn list_runs_in(
        &self,
        scope: RunScope,
        before: Option<&RunCursor>,
        limit: usize,
    ) -> Result<Vec<RunRow>, StoreError> {
        let limit = limit.min(i64::MAX as usize) as i64;
        let wanted = scope_condition(scope);
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM runs r
             WHERE (?1 IS NULL OR r.started_ms < ?1 OR (r.started_ms = ?1 AND r.id < ?2)) AND {wanted}
             ORDER BY r.started_ms DESC, r.id DESC LIMIT ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![before.map(|c| c.started_ms), before.map(|c| c.id.as_str()), limit], run_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// How many runs there are.
    pub fn count_runs(&self) -> Result<u64, StoreError> {
        let n: i64 =
            self.conn.query_row("SELECT count(*) FROM runs", [], |r| r.get(0)).map_err(|e| self.err(e))?;
        Ok(n as u64)
    }

    /// How many runs are the user's own and how many the lab made.
    pub fn count_runs_by_scope(&self) -> Result<RunCounts, StoreError> {
        let sql = format!("SELECT count(*), coalesce(sum({IS_LAB_RUN}), 0) FROM runs r");
        let (all, lab): (i64, i64) =
            self.conn.query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| self.err(e))?;
        let lab = lab.max(0) as u64;
        Ok(RunCounts { own: (all.max(0) as u64).saturating_sub(lab), lab })
    }

    /// The full id of the run `id_or_prefix` names: a whole id, a unique prefix of one (like git), or
    /// `last` for the newest run.
    pub fn resolve_id(&self, id_or_prefix: &str) -> Result<String, StoreError> {
        resolve_id(&self.conn, &self.path, id_or_prefix)
    }

    /// One run in full: the run, its tasks, its calls (with parent links, requests and metrics) and
    /// its node events. `id` may be a unique prefix.
    pub fn load_run(&self, id: &str) -> Result<RunRecord, StoreError> {
        let id = self.resolve_id(id)?;
        let sql = format!(
            "SELECT {RUN_COLUMNS}, r.answer, r.app_version, r.hierarchy_source, h.json, r.wall_ms, r.finish_seq
             FROM runs r LEFT JOIN hierarchies h ON h.digest = r.hierarchy_digest WHERE r.id = ?1"
        );
        let record = self
            .conn
            .query_row(&sql, [&id], |row| {
                let hierarchy: Option<String> = row.get(20)?;
                Ok(RunRecord {
                    run: run_row(row)?,
                    answer: row.get(17)?,
                    app_version: row.get(18)?,
                    hierarchy_source: row.get(19)?,
                    hierarchy: hierarchy
                        .and_then(|json| serde_json::from_str(&json).ok())
                        .unwrap_or(serde_json::Value::Null),
                    wall_ms: row.get(21)?,
                    finish_seq: row.get(22)?,
                    tasks: Vec::new(),
                    calls: Vec::new(),
                    node_events: Vec::new(),
                })
            })
            .optional()
            .map_err(|e| self.err(e))?;
        let mut record = record.ok_or_else(|| StoreError::UnknownRun(id.clone()))?;
        record.tasks = self.tasks(&id)?;
        record.calls = self.calls(&id)?;
        record.node_events = self.node_events(&id)?;
        Ok(record)
    }

    fn tasks(&self, id: &str) -> Result<Vec<TaskRecord>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT node, task, from_call, split_method, at_ms, seq, fallback_reason
                 FROM tasks WHERE run_id = ?1 ORDER BY seq",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([id], |row| {
                Ok(TaskRecord {
                    node: row.get(0)?,
                    task: row.get(1)?,
                    from_call: row.get(2)?,
                    split: split_method(row.get::<_, Option<String>>(3)?),
                    at_ms: row.get(4)?,
                    seq: row.get(5)?,
                    fallback_reason: row.get(6)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    fn node_events(&self, id: &str) -> Result<Vec<NodeEventRecord>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT node, at_ms, state, reason, seq FROM node_events WHERE run_id = ?1 ORDER BY seq",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([id], |row| {
                let state: Option<String> = row.get(2)?;
                Ok(NodeEventRecord {
                    node: row.get(0)?,
                    at_ms: row.get(1)?,
                    state: state.and_then(|s| serde_json::from_str(&s).ok()),
                    reason: row.get(3)?,
                    seq: row.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    fn calls(&self, id: &str) -> Result<Vec<CallRecord>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT call, node, phase, parent_call, endpoint, request, truncated_input, status, text, reasoning,
                        split_method, error, requested_model, answering_model, started_ms, first_token_ms,
                        ended_ms, prompt_tokens, completion_tokens, usage_from_server, tokens_per_sec,
                        finish_reason, retries, opened_ms, closed_ms, marks, start_seq, finish_seq,
                        last_token_ms, flag, reflection_round, reflection_rounds, reflection_name
                 FROM calls WHERE run_id = ?1 ORDER BY call",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([id], call_record).map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
    }

    /// How many recorded runs used the hierarchy with this hash (a prompt version).
    pub fn version_usage(&self, hierarchy_hash: &str) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM runs WHERE hierarchy_hash = ?1", [hierarchy_hash], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok(n as u64)
    }

    pub(crate) fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite_at(e, &self.path)
    }
}

/// Reads a [`RunRow`] from the [`RUN_COLUMNS`].
pub(crate) fn run_row(row: &Row<'_>) -> rusqlite::Result<RunRow> {
    let status: String = row.get(4)?;
    Ok(RunRow {
        id: row.get(0)?,
        kind: row.get(1)?,
        prompt: row.get(2)?,
        root: row.get(3)?,
        // An unknown status (from a newer ailab) reads as failed rather than making the run unreadable.
        status: RunStatus::parse(&status).unwrap_or(RunStatus::Failed),
        started_ms: row.get(5)?,
        ended_ms: row.get(6)?,
        calls: row.get(7)?,
        failed_calls: row.get(8)?,
        prompt_tokens: row.get::<_, i64>(9)?.max(0) as u64,
        completion_tokens: row.get::<_, i64>(10)?.max(0) as u64,
        hierarchy_hash: row.get(11)?,
        note: row.get(12)?,
        conversation: row.get(13)?,
        turn: row.get::<_, i64>(14)?.max(1) as u32,
        // A kind from a newer ailab reads as a question rather than making the run unreadable.
        turn_kind: TurnKind::parse(&row.get::<_, String>(15)?).unwrap_or_default(),
        parent_run: row.get(16)?,
    })
}

fn call_record(row: &Row<'_>) -> rusqlite::Result<CallRecord> {
    let phase: String = row.get(2)?;
    let request: String = row.get(5)?;
    let status: String = row.get(7)?;
    let requested_model: String = row.get(12)?;
    let request = serde_json::from_str(&request).unwrap_or_else(|_| crate::llm::ChatRequest {
        model: requested_model.clone(),
        messages: Vec::new(),
        temperature: 0.0,
        top_p: 1.0,
        max_tokens: 0,
        seed: None,
        response_format: None,
        sampling: Default::default(),
    });
    let last_token_ms: Option<i64> = row.get(28)?;
    let opened_ms: i64 = row.get(23)?;
    Ok(CallRecord {
        call: row.get(0)?,
        node: row.get(1)?,
        phase: Phase::parse(&phase).unwrap_or(Phase::Answer),
        parent_call: row.get(3)?,
        endpoint: row.get(4)?,
        request,
        truncated_input: row.get(6)?,
        status: CallStatus::parse(&status).unwrap_or(CallStatus::Failed),
        text: row.get(8)?,
        reasoning: row.get(9)?,
        split: split_method(row.get(10)?),
        error: row.get(11)?,
        metrics: CallMetrics {
            started_ms: row.get::<_, Option<i64>>(14)?.unwrap_or(opened_ms),
            first_token_ms: row.get(15)?,
            ended_ms: row.get::<_, Option<i64>>(16)?.or(last_token_ms).unwrap_or(opened_ms),
            prompt_tokens: row.get(17)?,
            completion_tokens: row.get::<_, Option<u32>>(18)?.unwrap_or(0),
            usage_from_server: row.get::<_, Option<bool>>(19)?.unwrap_or(false),
            tokens_per_sec: row.get(20)?,
            finish_reason: row.get(21)?,
            requested_model,
            answering_model: row.get(13)?,
            retries: row.get::<_, Option<u32>>(22)?.unwrap_or(0),
        },
        opened_ms,
        closed_ms: row.get(24)?,
        marks: row.get(25)?,
        start_seq: row.get(26)?,
        finish_seq: row.get(27)?,
        flag: row.get(29)?,
        reflection: match (row.get::<_, Option<u32>>(30)?, row.get::<_, Option<u32>>(31)?) {
            (Some(round), Some(of)) => Some(ReflectionRound { round, of, name: row.get(32)? }),
            _ => None,
        },
    })
}

fn split_method(stored: Option<String>) -> Option<SplitMethod> {
    match stored.as_deref()? {
        "json" => Some(SplitMethod::Json),
        "list" => Some(SplitMethod::List),
        "fallback" => Some(SplitMethod::Fallback),
        "partial" => Some(SplitMethod::Partial),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_refuses_to_change_the_record() {
        let dir = tempfile::tempdir().unwrap();
        let reader = Reader::open(&dir.path().join("ailab.db")).unwrap();
        for write in [
            "INSERT INTO hierarchies (digest, json) VALUES ('d', '{}')",
            "DELETE FROM runs",
            "UPDATE instances SET pid = 1",
        ] {
            let err = reader.conn.execute(write, []).unwrap_err();
            assert_eq!(err.sqlite_error_code(), Some(rusqlite::ErrorCode::ReadOnly), "{write}: {err}");
        }
        // Reading still works.
        assert_eq!(reader.count_runs().unwrap(), 0);
    }
}
