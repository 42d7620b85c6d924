//! The live view's access to the record: one reader thread, opened in the background at start and
//! shared by the History, Prompts and Lab tabs, beside the recorder's writer (shared likewise). The
//! UI loop never waits on either: jobs go in, answers come back as messages.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc::UnboundedSender;

use crate::session::Settings;
use crate::store::{self, ReadWorker, Reader, StoreError};
use crate::tui::msg::{HistoryMsg, Msg};

/// The record's reader thread, shared. Cheap to clone.
#[derive(Clone)]
pub struct SharedReader {
    /// The record's file, or why there is none to read (recording off with no record yet, no
    /// data folder): a reason that no new attempt changes.
    path: Result<PathBuf, String>,
    /// The current attempt at reading it: its worker, or why none could start.
    current: Arc<Mutex<Result<ReadWorker, String>>>,
    tx: UnboundedSender<Msg>,
}

impl SharedReader {
    /// Starts opening the record of `settings` on the reader's own thread, so the first frame never
    /// waits for its integrity check; jobs sent meanwhile wait for it. What to tell the user about
    /// opening (notices, or why the record cannot be read) arrives as History messages.
    pub fn start(settings: &Settings, tx: &UnboundedSender<Msg>) -> SharedReader {
        let path = match store::db_path(settings.db_path.as_deref()) {
            Ok(path) if settings.no_record && !path.exists() => Err(format!(
                "recording is off (--no-record) and there is no record yet at {}.",
                path.display()
            )),
            other => other,
        };
        let current = open(&path, tx);
        SharedReader { path, current: Arc::new(Mutex::new(current)), tx: tx.clone() }
    }

    /// Queues `job` on the reader's thread. It gets the reader, or why the record cannot be read:
    /// every job is answered once. After an attempt that could not open the record (locked by
    /// another ailab for longer than the wait, say), the next job starts a new one, so a tab's
    /// refresh reads the record once it can be read again.
    pub fn submit(&self, job: impl FnOnce(Result<&mut Reader, &str>) + Send + 'static) {
        // A poisoned lock still holds a worker or a reason, each as good as before.
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let failed = match &*current {
            Ok(worker) => worker.failed(),
            // No thread could start: worth another try, unless there is no record to read.
            Err(_) => self.path.is_ok(),
        };
        if failed {
            *current = open(&self.path, &self.tx);
        }
        match &*current {
            Ok(worker) => {
                worker.submit(job);
            }
            Err(why) => job(Err(why)),
        }
    }
}

/// Starts an attempt at opening the record at `path` (or says why there is none to open).
fn open(path: &Result<PathBuf, String>, tx: &UnboundedSender<Msg>) -> Result<ReadWorker, String> {
    let opened = path.clone().and_then(|path| {
        ReadWorker::start_in_background(&path, opened(tx.clone())).map_err(|e| e.to_string())
    });
    if let Err(reason) = &opened {
        let _ = tx.send(Msg::History(HistoryMsg::Unavailable(reason.clone())));
    }
    opened
}

/// The reader's answer to opening: notices to show, or why it cannot read.
fn opened(tx: UnboundedSender<Msg>) -> impl FnOnce(Result<Vec<String>, StoreError>) + Send + 'static {
    move |result| {
        let msg = match result {
            Ok(notices) if notices.is_empty() => return,
            Ok(notices) => HistoryMsg::Notices(notices),
            Err(err) => {
                tracing::warn!(%err, "cannot read the record");
                HistoryMsg::Unavailable(err.to_string())
            }
        };
        let _ = tx.send(Msg::History(msg));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_is_answered_even_when_the_record_cannot_open() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should be: SQLite cannot open it.
        let path = dir.path().join("ailab.db");
        std::fs::create_dir(&path).unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let settings = Settings::for_tests(Arc::new(crate::engine::testkit::six_node_tree()), Some(path));
        let reader = SharedReader::start(&settings, &tx);
        let (answers, answered) = std::sync::mpsc::channel();
        for _ in 0..3 {
            let answers = answers.clone();
            reader.submit(move |r| {
                let _ = answers.send(r.map(|_| ()).map_err(str::to_string));
            });
        }
        for _ in 0..3 {
            let answer = answered.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
            assert!(answer.as_ref().is_err_and(|why| why.contains("cannot open")), "{answer:?}");
        }
        let told = rx.blocking_recv().unwrap();
        assert!(matches!(told, Msg::History(HistoryMsg::Unavailable(_))), "{told:?}");
    }

    #[test]
    fn a_record_that_could_not_open_is_tried_again_by_the_next_job() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ailab.db");
        // A folder where the file should be: the first attempt cannot open it.
        std::fs::create_dir(&path).unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let settings =
            Settings::for_tests(Arc::new(crate::engine::testkit::six_node_tree()), Some(path.clone()));
        let reader = SharedReader::start(&settings, &tx);
        let told = rx.blocking_recv().unwrap();
        assert!(matches!(told, Msg::History(HistoryMsg::Unavailable(_))), "{told:?}");
        // The cause goes away (another ailab let go of it, say): the next job reads the record.
        std::fs::remove_dir(&path).unwrap();
        let (answers, answered) = std::sync::mpsc::channel();
        reader.submit(move |r| {
            let _ = answers
                .send(r.map_err(str::to_string).and_then(|r| r.count_runs().map_err(|e| e.to_string())));
        });
        let answer = answered.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        assert_eq!(answer, Ok(0));
    }
}
