//! Changing the record outside the run events: deleting a run, marking a dead ailab's runs
//! interrupted (and, in [`super::lab`], the lab's comparisons and votes). These run only as jobs on
//! the recorder's thread ([`super::recorder::RecordWriter`]), on its write connection, after the run
//! events queued before them, so the record has one writer and a row never lands before its run.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::error::StoreError;
use super::recovery;
use super::resolve::resolve_id;
use crate::engine::RunStatus;

/// The write connection, lent to one job on the recorder's thread.
pub struct Writes<'a> {
    pub(crate) conn: &'a mut Connection,
    path: &'a Path,
}

impl<'a> Writes<'a> {
    pub(crate) fn new(conn: &'a mut Connection, path: &'a Path) -> Writes<'a> {
        Writes { conn, path }
    }

    /// Deletes a run with its calls, tasks and search entries; returns its full id (`id` may be a
    /// unique prefix). Refuses a run that is still running.
    pub fn delete_run(&mut self, id: &str) -> Result<String, StoreError> {
        let id = resolve_id(self.conn, self.path, id)?;
        let path = self.path;
        let at = |e| StoreError::from_sqlite_at(e, path);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(at)?;
        let found: Option<(i64, String, String)> = tx
            .query_row("SELECT seq, status, hierarchy_digest FROM runs WHERE id = ?1", [&id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(at)?;
        let Some((seq, status, digest)) = found else { return Err(StoreError::UnknownRun(id)) };
        if status == RunStatus::Running.as_str() {
            return Err(StoreError::StillRunning(id));
        }
        tx.execute(
            "DELETE FROM search_index WHERE rowid >= ?1 AND rowid < ?2",
            params![seq << 20, (seq + 1) << 20],
        )
        .map_err(at)?;
        tx.execute("DELETE FROM runs WHERE id = ?1", [&id]).map_err(at)?;
        tx.execute(
            "DELETE FROM hierarchies WHERE digest = ?1
               AND NOT EXISTS (SELECT 1 FROM runs WHERE hierarchy_digest = ?1)",
            [&digest],
        )
        .map_err(at)?;
        tx.commit().map_err(at)?;
        Ok(id)
    }

    /// Marks the runs of an ailab that is gone as interrupted (as the recorder does at its start).
    /// Returns their ids.
    pub fn recover(&mut self) -> Result<Vec<String>, StoreError> {
        recovery::recover(self.conn).map_err(|e| self.err(e))
    }

    /// A SQLite error as the user should read it (a busy record is "locked by another ailab").
    pub(crate) fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite_at(e, self.path)
    }
}
