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

    /// The record's file (for a job that must read it on a connection of its own).
    pub(crate) fn path(&self) -> &'a Path {
        self.path
    }

    /// Deletes a run with its calls, tasks and search entries; returns its full id (`id` may be a
    /// unique prefix). Refuses a run that is still running, and a turn that later turns of its
    /// conversation build on (they read it as context): the whole conversation goes instead.
    pub fn delete_run(&mut self, id: &str) -> Result<String, StoreError> {
        let id = resolve_id(self.conn, self.path, id)?;
        let path = self.path;
        let at = |e| StoreError::from_sqlite_at(e, path);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(at)?;
        let (conversation, turn): (String, i64) = tx
            .query_row("SELECT coalesce(conversation_id, id), turn FROM runs WHERE id = ?1", [&id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(at)?
            .ok_or_else(|| StoreError::UnknownRun(id.clone()))?;
        let later: i64 = tx
            .query_row(
                "SELECT count(*) FROM runs WHERE id <> ?1 AND (parent_run = ?1
                    OR (coalesce(conversation_id, id) = ?2 AND turn > ?3))",
                params![id, conversation, turn],
                |r| r.get(0),
            )
            .map_err(at)?;
        if later > 0 {
            return Err(StoreError::LaterTurns { id, later: later as usize });
        }
        delete_one(&tx, &id).map_err(|e| e.at(path))?;
        tx.commit().map_err(at)?;
        Ok(id)
    }

    /// Deletes every turn of the conversation the run `id` belongs to; returns their ids, in
    /// order. Refuses (and deletes nothing) while one of them is still running.
    pub fn delete_conversation(&mut self, id: &str) -> Result<Vec<String>, StoreError> {
        let id = resolve_id(self.conn, self.path, id)?;
        let path = self.path;
        let at = |e| StoreError::from_sqlite_at(e, path);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(at)?;
        let ids: Vec<String> = tx
            .prepare(super::conversation::TURNS_OF_CONVERSATION)
            .and_then(|mut stmt| stmt.query_map([&id], |r| r.get(0))?.collect())
            .map_err(at)?;
        for run in &ids {
            delete_one(&tx, run).map_err(|e| e.at(path))?;
        }
        tx.commit().map_err(at)?;
        Ok(ids)
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

/// Why one run could not be deleted inside a transaction.
enum DeleteError {
    Sqlite(rusqlite::Error),
    Refused(StoreError),
}

impl DeleteError {
    fn at(self, path: &Path) -> StoreError {
        match self {
            DeleteError::Sqlite(e) => StoreError::from_sqlite_at(e, path),
            DeleteError::Refused(e) => e,
        }
    }
}

impl From<rusqlite::Error> for DeleteError {
    fn from(e: rusqlite::Error) -> Self {
        DeleteError::Sqlite(e)
    }
}

/// Deletes the run `id` (its calls, tasks and node events go with it), its search entries, and
/// its hierarchy snapshot when no other run uses it.
fn delete_one(tx: &rusqlite::Transaction<'_>, id: &str) -> Result<(), DeleteError> {
    let found: Option<(i64, String, String)> = tx
        .query_row("SELECT seq, status, hierarchy_digest FROM runs WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((seq, status, digest)) = found else {
        return Err(DeleteError::Refused(StoreError::UnknownRun(id.to_string())));
    };
    if status == RunStatus::Running.as_str() {
        return Err(DeleteError::Refused(StoreError::StillRunning(id.to_string())));
    }
    tx.execute(
        "DELETE FROM search_index WHERE rowid >= ?1 AND rowid < ?2",
        params![seq << 20, (seq + 1) << 20],
    )?;
    tx.execute("DELETE FROM runs WHERE id = ?1", [id])?;
    tx.execute(
        "DELETE FROM hierarchies WHERE digest = ?1 AND NOT EXISTS (SELECT 1 FROM runs WHERE hierarchy_digest = ?1)",
        [&digest],
    )?;
    Ok(())
}
