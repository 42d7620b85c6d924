//! The live view's access to the record: one reader thread, opened in the background at start and
//! shared by the History, Prompts and Lab tabs, beside the recorder's writer (shared likewise). The
//! UI loop never waits on either: jobs go in, answers come back as messages.

use std::sync::{Arc, OnceLock};

use tokio::sync::mpsc::UnboundedSender;

use crate::session::Settings;
use crate::store::{self, ReadWorker, Reader, StoreError};
use crate::tui::msg::{HistoryMsg, Msg};

/// What a job is told when the reader is gone without saying why.
const STOPPED: &str = "the reader of the record stopped (see the log); restart ailab to read it again.";

/// The record's reader thread, shared. Cheap to clone.
#[derive(Clone)]
pub struct SharedReader {
    worker: Option<Arc<ReadWorker>>,
    /// Why the record cannot be read, once known.
    why: Arc<OnceLock<String>>,
}

impl SharedReader {
    /// Starts opening the record of `settings` on the reader's own thread, so the first frame never
    /// waits for its integrity check; jobs sent meanwhile wait for it. What to tell the user about
    /// opening (notices, or why the record cannot be read) arrives as History messages.
    pub fn start(settings: &Settings, tx: &UnboundedSender<Msg>) -> SharedReader {
        let why = Arc::new(OnceLock::new());
        let unavailable = |reason: String| {
            let _ = why.set(reason.clone());
            let _ = tx.send(Msg::History(HistoryMsg::Unavailable(reason)));
            SharedReader { worker: None, why: why.clone() }
        };
        let path = match store::db_path(settings.db_path.as_deref()) {
            Err(message) => return unavailable(message),
            Ok(path) if settings.no_record && !path.exists() => {
                return unavailable(format!(
                    "recording is off (--no-record) and there is no record yet at {}.",
                    path.display()
                ));
            }
            Ok(path) => path,
        };
        match ReadWorker::start_in_background(&path, opened(why.clone(), tx.clone())) {
            Ok(worker) => SharedReader { worker: Some(Arc::new(worker)), why },
            Err(err) => unavailable(err.to_string()),
        }
    }

    /// Queues `job` on the reader's thread. It gets the reader, or why the record cannot be read
    /// (it never opened, or the reader stopped): every job is answered once.
    pub fn submit(&self, job: impl FnOnce(Result<&mut Reader, &str>) + Send + 'static) {
        let mut pending = Pending { job: Some(job), why: self.why.clone() };
        match &self.worker {
            // A job the thread refuses is handed back and dropped, which tells it why.
            Some(worker) => {
                worker.submit(move |reader| {
                    if let Some(job) = pending.job.take() {
                        job(Ok(reader));
                    }
                });
            }
            None => drop(pending),
        }
    }
}

/// The reader's answer to opening: notices to show, or why it cannot read (kept for the jobs).
fn opened(
    why: Arc<OnceLock<String>>,
    tx: UnboundedSender<Msg>,
) -> impl FnOnce(Result<Vec<String>, StoreError>) + Send + 'static {
    move |result| {
        let msg = match result {
            Ok(notices) if notices.is_empty() => return,
            Ok(notices) => HistoryMsg::Notices(notices),
            Err(err) => {
                tracing::warn!(%err, "cannot read the record");
                // Set before the thread ends, so the jobs dropped with it are told this.
                let _ = why.set(err.to_string());
                HistoryMsg::Unavailable(err.to_string())
            }
        };
        let _ = tx.send(Msg::History(msg));
    }
}

/// A job on its way to the reader. Dropped without running, it is told why.
struct Pending<F: FnOnce(Result<&mut Reader, &str>)> {
    job: Option<F>,
    why: Arc<OnceLock<String>>,
}

impl<F: FnOnce(Result<&mut Reader, &str>)> Drop for Pending<F> {
    fn drop(&mut self) {
        if let Some(job) = self.job.take() {
            job(Err(self.why.get().map_or(STOPPED, String::as_str)));
        }
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
        let why = Arc::new(OnceLock::new());
        let worker = ReadWorker::start_in_background(&path, opened(why.clone(), tx)).unwrap();
        let reader = SharedReader { worker: Some(Arc::new(worker)), why };
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
}
