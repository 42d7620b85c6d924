//! What can go wrong with the record, each message written for the person at the keyboard.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::busy::{BUSY_TIMEOUT, is_busy};

/// A failure of the record. `Display` says what happened and what to do.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot open the record at {}: {reason}", path.display())]
    Open { path: PathBuf, reason: String },
    #[error(
        "the record at {} was written by a newer ailab (schema {found}; this ailab knows up to {supported}). \
         Update ailab, or use --db FILE to keep a separate record",
        path.display()
    )]
    NewerSchema { path: PathBuf, found: i64, supported: i64 },
    #[error(
        "{} is an SQLite database but not an ailab record; it was left untouched. \
         Use --db FILE to choose another file",
        path.display()
    )]
    NotARecord { path: PathBuf },
    #[error(
        "{} is not an ailab record (it is not an SQLite database at all); it was left untouched. \
         Use --db FILE to choose another file, or leave --db out for the default record",
        path.display()
    )]
    NotSqlite { path: PathBuf },
    #[error(
        "the record at {} is damaged ({reason}); nothing was changed. Starting ailab (or `ailab ask`) \
         keeps it aside as {}.corrupt-DATE and begins a new record; sqlite3's .recover command may \
         rescue runs from the damaged file",
        path.display(),
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    )]
    Damaged { path: PathBuf, reason: String },
    #[error(
        "the record at {} is locked by another ailab (waited {waited_secs} s). \
         Close the other ailab, or use --db FILE for a separate record",
        path.display()
    )]
    Locked { path: PathBuf, waited_secs: u64 },
    #[error("no run with id \"{0}\" (see `ailab history list`)")]
    UnknownRun(String),
    #[error("the record has no runs yet (run `ailab ask` or the live view first)")]
    NoRuns,
    #[error("\"{prefix}\" matches several runs ({}); type more of the id", candidates.join(", "))]
    AmbiguousRun { prefix: String, candidates: Vec<String> },
    #[error("run {0} is still running; wait for it to finish or cancel it first")]
    StillRunning(String),
    #[error(
        "run {id} is a turn that {later} later turn(s) of its conversation build on; delete the whole \
         conversation instead (`ailab history delete --conversation {id}`, or D in the History tab)"
    )]
    LaterTurns { id: String, later: usize },
    #[error("cannot search for that: {0}")]
    BadSearch(String),
    #[error("run {id} cannot be reopened: {reason}")]
    Unreadable { id: String, reason: String },
    #[error("the record failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the recorder stopped: {0}")]
    RecorderGone(String),
    /// A change (a delete, a vote, the lab's results) the record's writer cannot make: it never
    /// opened, or it has stopped. The text says why.
    #[error("cannot change the record: {0}")]
    Unwritable(String),
}

impl StoreError {
    /// True when the user asked for something that is not there (an unknown id, a bad search):
    /// the CLI exits with "bad input" rather than "failure".
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            StoreError::UnknownRun(_)
                | StoreError::NoRuns
                | StoreError::AmbiguousRun { .. }
                | StoreError::BadSearch(_)
                | StoreError::StillRunning(_)
                | StoreError::LaterTurns { .. }
        )
    }

    /// Turns a busy/locked SQLite error into [`StoreError::Locked`]; any other error passes through.
    pub(crate) fn from_sqlite_at(err: rusqlite::Error, path: &Path) -> StoreError {
        if is_busy(&err) {
            StoreError::Locked { path: path.to_path_buf(), waited_secs: BUSY_TIMEOUT.as_secs() }
        } else {
            StoreError::Sqlite(err)
        }
    }
}
