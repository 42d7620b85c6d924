//! The write side of the recorder thread: a queue of ops written in IMMEDIATE transactions, kept and
//! retried when the database is locked, so a busy moment costs a delay, not data.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::{Connection, TransactionBehavior};

use super::ops::{self, Op};
use super::tracker::Tracker;
use crate::engine::RunEvent;
use crate::store::busy::{BUSY_TIMEOUT, is_busy};
use crate::store::error::StoreError;
use crate::store::recovery::{self, Instance};
use crate::store::write::Writes;

/// Unwritten text is written once its oldest part is this old (the bound is 500 ms; the
/// margin covers the time the write itself takes).
pub const FLUSH_AFTER: Duration = Duration::from_millis(400);
/// After a failed write, wait this long before trying again.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// If the database stays unusable, stop queueing after this many ops rather than fill memory.
const MAX_QUEUED_OPS: usize = 100_000;

/// How the recorder is doing, for a status line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecorderStatus {
    /// The last write failure, cleared by the next successful write.
    pub last_error: Option<String>,
    /// Ops waiting to be written (non-zero only while the database refuses writes).
    pub queued_ops: usize,
    /// Events that could not be recorded at all.
    pub dropped_ops: usize,
}

pub struct Writer {
    conn: Connection,
    path: PathBuf,
    me: Instance,
    tracker: Tracker,
    queue: Vec<Op>,
    retry_at: Option<Instant>,
    status: Arc<Mutex<RecorderStatus>>,
}

impl Writer {
    pub fn new(conn: Connection, path: &Path, me: Instance, status: Arc<Mutex<RecorderStatus>>) -> Self {
        let tracker = Tracker::new(me.id.clone());
        let path = path.to_path_buf();
        Writer { conn, path, me, tracker, queue: Vec::new(), retry_at: None, status }
    }

    /// Writes everything taken so far, now, for a job that must come after it.
    pub fn catch_up(&mut self) -> Result<(), StoreError> {
        self.write_now().map_err(|err| {
            if is_busy(&err) {
                StoreError::Locked { path: self.path.clone(), waited_secs: BUSY_TIMEOUT.as_secs() }
            } else {
                StoreError::Unwritable(err.to_string())
            }
        })
    }

    /// The write connection, lent to a job.
    pub fn writes(&mut self) -> Writes<'_> {
        Writes::new(&mut self.conn, &self.path)
    }

    /// Takes one event. Returns true if it should be written without waiting for the text timer.
    pub fn take(&mut self, event: RunEvent) -> bool {
        self.tracker.take(event, Instant::now(), &mut self.queue)
    }

    /// When the next write is due even without new events (text flush or retry), if ever.
    pub fn next_deadline(&self) -> Option<Instant> {
        let flush = self.tracker.oldest_pending().map(|t| t + FLUSH_AFTER);
        match (flush, self.retry_at) {
            (Some(f), Some(r)) => Some(f.max(r)),
            (Some(f), None) => Some(f),
            (None, r) => r.filter(|_| !self.queue.is_empty()),
        }
    }

    /// Writes everything waiting, text included, in one IMMEDIATE transaction. After a failure, waits
    /// for the retry time unless `now` (an explicit flush, the exit).
    pub fn commit(&mut self, now: bool) -> Result<(), String> {
        self.tracker.flush_text(&mut self.queue);
        if !now && !self.queue.is_empty() && self.retry_at.is_some_and(|at| Instant::now() < at) {
            return Err("waiting to retry".into());
        }
        self.write_now().map_err(|err| describe(&err))
    }

    /// [`Writer::commit`] at once; the error as SQLite gave it, so a caller can tell a lock apart.
    fn write_now(&mut self) -> Result<(), rusqlite::Error> {
        self.tracker.flush_text(&mut self.queue);
        if self.queue.is_empty() {
            return Ok(());
        }
        let result = self.write_queue();
        match &result {
            Ok(()) => {
                self.queue.clear();
                self.retry_at = None;
            }
            Err(err) => {
                tracing::warn!(error = %describe(err), queued = self.queue.len(), "recording delayed");
                self.retry_at = Some(Instant::now() + RETRY_AFTER);
                if self.queue.len() > MAX_QUEUED_OPS {
                    let dropped = self.queue.len();
                    self.queue.clear();
                    self.update_status(|s| s.dropped_ops += dropped);
                    tracing::error!(dropped, "the record stayed unusable; events were not recorded");
                }
            }
        }
        let queued = self.queue.len();
        let error = result.as_ref().err().map(describe);
        self.update_status(|s| {
            s.queued_ops = queued;
            s.last_error = error;
        });
        result
    }

    /// One transaction for the whole queue. A locked database aborts it (to be retried); an op the
    /// database rejects for any other reason is logged and skipped so one bad event cannot block the rest.
    fn write_queue(&mut self) -> Result<(), rusqlite::Error> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut skipped = 0;
        // Runs whose start was refused (their id is taken): nothing of theirs may touch the other run.
        let mut refused: HashSet<String> = HashSet::new();
        for op in &self.queue {
            if refused.contains(op.run()) {
                skipped += 1;
                continue;
            }
            if let Err(err) = ops::apply(&tx, op) {
                if is_busy(&err) {
                    return Err(err);
                }
                skipped += 1;
                if let Op::StartRun { run, .. } = op {
                    refused.insert(run.clone());
                }
                tracing::error!(error = %err, ?op, "a write was rejected and skipped");
            }
        }
        tx.commit()?;
        for run in &refused {
            self.tracker.forget(run);
        }
        if skipped > 0 {
            self.update_status(|s| s.dropped_ops += skipped);
        }
        Ok(())
    }

    /// Proves this instance is alive (its own small transaction).
    pub fn heartbeat(&mut self) {
        if let Err(err) = recovery::heartbeat(&self.conn, &self.me) {
            tracing::warn!(error = %err, "heartbeat not written");
        }
    }

    /// Final writes at exit: every run still open is closed as interrupted, the instance unregistered.
    pub fn close(mut self) -> Result<(), String> {
        self.tracker.flush_text(&mut self.queue);
        for run in self.tracker.open_runs() {
            self.queue.push(Op::InterruptRun { run });
        }
        self.tracker = Tracker::new(self.me.id.clone());
        // Try now, and once more after a short wait.
        let mut result = self.commit(true);
        if result.is_err() {
            std::thread::sleep(RETRY_AFTER);
            result = self.commit(true);
        }
        if let Err(err) = recovery::unregister(&self.conn, &self.me.id) {
            tracing::warn!(error = %err, "instance not unregistered");
        }
        result
    }

    fn update_status(&self, f: impl FnOnce(&mut RecorderStatus)) {
        if let Ok(mut status) = self.status.lock() {
            f(&mut status);
        }
    }
}

fn describe(err: &rusqlite::Error) -> String {
    if is_busy(err) { "the record is locked by another ailab; retrying".to_string() } else { err.to_string() }
}
