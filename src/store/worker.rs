//! A reader on a thread of its own, for interactive callers (the History tab): queries go in as jobs,
//! answers go out through whatever channel the job sends them on, so a UI loop never waits on SQLite.

use std::path::Path;
use std::sync::mpsc;

use super::error::StoreError;
use super::read::Reader;

type Job = Box<dyn FnOnce(&mut Reader) + Send>;

/// A thread that owns a [`Reader`] and runs jobs on it in order. Dropping it ends the thread once
/// the jobs already submitted are done.
pub struct ReadWorker {
    jobs: mpsc::Sender<Job>,
    notices: Vec<String>,
}

impl ReadWorker {
    /// Opens the record (see [`Reader::open`]) and starts the thread. Blocks while opening.
    pub fn start(path: &Path) -> Result<ReadWorker, StoreError> {
        let mut reader = Reader::open(path)?;
        let notices = reader.notices().to_vec();
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("ailab-reader".into())
            .spawn(move || {
                while let Ok(job) = queue.recv() {
                    job(&mut reader);
                }
            })
            .map_err(|e| StoreError::Open {
                path: path.to_path_buf(),
                reason: format!("cannot start the reader thread: {e}"),
            })?;
        Ok(ReadWorker { jobs, notices })
    }

    /// Queues a job, e.g. `worker.submit(move |r| { let _ = tx.send(Msg::Runs(r.list_runs(None, 50))); })`.
    /// Returns false if the thread is gone (a job panicked); the job is then dropped.
    pub fn submit(&self, job: impl FnOnce(&mut Reader) + Send + 'static) -> bool {
        self.jobs.send(Box::new(job)).is_ok()
    }

    /// Notices from opening the record (a damaged file set aside).
    pub fn notices(&self) -> &[String] {
        &self.notices
    }
}
