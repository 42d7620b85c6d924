//! The record: every run in SQLite, crash-safe.
//!
//! - [`Recorder`] is the write side: an actor thread that owns the write connection and consumes the
//!   engine's event stream (`sink.add(handle.listener())`). The engine never waits on it. It is the
//!   record's only writer: deletes, votes and the lab's results go to the same thread as jobs,
//!   through a [`RecordWriter`] (`handle.writer()`), and run after the events sent before them.
//! - [`Reader`] is the read side, on its own read-only connection: paged lists, full-text search, a
//!   run in full, a run's events for replay, the lab's stored rows.
//! - [`ReadWorker`] runs a `Reader` on its own thread, for a UI loop that must never wait on SQLite;
//!   each job gets the reader, or why there is none (the record could not be opened).
//! - [`Reader::conversation`] reads the turns of a conversation back for the engine's next turn.
//! - [`messages()`] reads a run as a conversation; [`export`] writes it as Markdown or JSON.
//!
//! Nothing here knows about terminals, and nothing here scores the lab: the lab reads its rows back
//! ([`Reader::lab_rows`]) and scores them itself.
//!
//! # For the History tab
//! ```text
//! let recorder = Recorder::start(&path)?;           // once, at startup; show recorder.notices()
//! sink.add(recorder.listener());                    // every run of this process is recorded
//! let writer = recorder.writer();                   // deletes and votes, as jobs on its thread
//! let reader = ReadWorker::start_in_background(&path, |opened| …)?;  // queries as jobs, answers as messages:
//! reader.submit(move |r| tx.send(Msg::Runs(r.map(|r| r.list_runs(None, 50)))));  // first page; r: Err(why) if unreadable
//! reader.submit(move |r| tx.send(Msg::Runs(r.list_runs(Some(&last.cursor()), 50))));  // next
//! reader.submit(move |r| tx.send(Msg::Found(r.search(&typed, 50))));  // Err(BadSearch(msg)): show msg
//! reader.submit(move |r| tx.send(Msg::Past(r.run_events(&id))));  // feed to the reducer; replay by at_ms
//! writer.submit(move |w| tx.send(Msg::Deleted(w.and_then(|w| w.delete_run(&id)))));
//! export::Format::Markdown.file_name(&id) / export::write(&record, format, &path)
//! recorder.shutdown()                               // at exit (dropping it does the same)
//! ```
//! Ids may be a unique prefix (or `last`); errors say what to do in their `Display`.

mod after_failure;
mod busy;
mod conversation;
mod error;
pub mod export;
pub mod lab;
pub mod messages;
mod model;
mod open;
mod read;
pub mod recorder;
pub mod recovery;
mod replay;
mod resolve;
pub mod schema;
mod search;
mod worker;
mod write;

use std::path::PathBuf;

pub use busy::BUSY_TIMEOUT;
pub use conversation::ConversationRow;
pub use error::StoreError;
pub use lab::{LabLink, LabRecord, LabScope, LabVersion};
pub use messages::{Message, MessageKind, messages};
pub use model::{
    CallRecord, CallStatus, NodeEventRecord, RunCounts, RunCursor, RunRecord, RunRow, RunScope, SearchHit,
    TREE_ARM, TaskRecord,
};
pub use read::Reader;
pub use recorder::{PendingWrites, RecordWriter, Recorder, RecorderHandle, RecorderStatus};
pub use replay::replay_events;
pub use search::fts_query;
pub use worker::ReadWorker;
pub use write::Writes;

/// File name of the record in the data dir.
pub const DB_FILE_NAME: &str = "ailab.db";

/// `ailab.db` in the platform data dir (or `AILAB_DATA_DIR`); `None` if the platform has no data dir.
pub fn default_db_path() -> Option<PathBuf> {
    crate::paths::data_dir().map(|dir| dir.join(DB_FILE_NAME))
}

/// The record to use: `--db`/`AILAB_DB` if given, else the default. An error message if neither exists.
pub fn db_path(explicit: Option<&std::path::Path>) -> Result<PathBuf, String> {
    match explicit {
        Some(path) => Ok(path.to_path_buf()),
        None => default_db_path().ok_or_else(|| {
            "cannot find a data folder for the record on this system; use --db FILE (or AILAB_DB)".to_string()
        }),
    }
}
