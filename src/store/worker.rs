//! A reader on a thread of its own, for interactive callers (the live view's tabs): queries go in
//! as jobs, answers go out through whatever channel the job sends them on, so a UI loop never
//! waits on SQLite. Every job is answered once: with the reader, or with why there is none (the
//! record could not be opened, or the thread has stopped), like the recorder's writer jobs.

use std::path::Path;
use std::sync::{Arc, OnceLock, mpsc};

use super::error::StoreError;
use super::read::Reader;

/// What a job does with the reader, or with why there is none.
type Work = Box<dyn FnOnce(Result<&mut Reader, &str>) + Send>;

/// Why a job is refused when nobody said.
const STOPPED: &str = "the reader of the record stopped (see the log); restart ailab to read it again.";

/// A job on its way to the reader. Dropped without running (the thread ended), it is told why.
struct Job {
    work: Option<Work>,
    why: Arc<OnceLock<String>>,
}

impl Job {
    fn run(mut self, reader: &mut Reader) {
        if let Some(work) = self.work.take() {
            work(Ok(reader));
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if let Some(work) = self.work.take() {
            work(Err(self.why.get().map_or(STOPPED, String::as_str)));
        }
    }
}

/// A thread that owns a [`Reader`] and runs jobs on it in order. Dropping it ends the thread once
/// the jobs already submitted are done.
pub struct ReadWorker {
    jobs: mpsc::Sender<Job>,
    /// Why the record could not be opened, once known.
    why: Arc<OnceLock<String>>,
}

impl ReadWorker {
    /// Opens the record (see [`Reader::open`]) on the worker's own thread, so the caller never
    /// waits (opening checks the whole file: seconds on a record of thousands of runs). Jobs submitted
    /// meanwhile wait for it. `opened` is called on that thread with the notices of opening, or with
    /// why the record cannot be read (every job is then answered with it). `Err` only if no thread
    /// can start.
    pub fn start_in_background(
        path: &Path,
        opened: impl FnOnce(Result<Vec<String>, StoreError>) + Send + 'static,
    ) -> Result<ReadWorker, StoreError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let why = Arc::new(OnceLock::new());
        let failed = why.clone();
        let owned = path.to_path_buf();
        std::thread::Builder::new()
            .name("ailab-reader".into())
            .spawn(move || {
                let mut reader = match Reader::open(&owned) {
                    Ok(reader) => {
                        opened(Ok(reader.notices().to_vec()));
                        reader
                    }
                    Err(err) => {
                        // Set before the queue is dropped, so the jobs waiting in it are told this.
                        let _ = failed.set(err.to_string());
                        return opened(Err(err));
                    }
                };
                serve(&queue, &mut reader);
            })
            .map_err(|e| StoreError::Open {
                path: path.to_path_buf(),
                reason: format!("cannot start the reader thread: {e}"),
            })?;
        Ok(ReadWorker { jobs, why })
    }

    /// Queues a job, e.g. `worker.submit(move |r| { let _ = tx.send(Msg::Runs(r.map(…))); })`. It
    /// runs with the reader, or with why there is none. Returns false if the thread is gone (the
    /// record could not open); the job has then been answered with why.
    pub fn submit(&self, job: impl FnOnce(Result<&mut Reader, &str>) + Send + 'static) -> bool {
        // A job the thread refuses is handed back and dropped, which tells it why.
        self.jobs.send(Job { work: Some(Box::new(job)), why: self.why.clone() }).is_ok()
    }

    /// True once the record is known not to open: a new worker is needed to try again.
    pub fn failed(&self) -> bool {
        self.why.get().is_some()
    }
}

/// Runs the jobs in order until every sender is gone. A job that panics is a bug in it, not in
/// the reader: it is logged, and the jobs after it still run (the tabs sharing the reader keep it).
fn serve(queue: &mpsc::Receiver<Job>, reader: &mut Reader) {
    while let Ok(job) = queue.recv() {
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run(reader)));
        if let Err(payload) = ran {
            let message = crate::panic::message(payload.as_ref());
            tracing::error!(%message, "a query of the record panicked; the reader goes on");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_opening_in_the_background_runs_the_jobs_queued_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ailab.db");
        let (told_tx, told) = mpsc::channel();
        let worker = ReadWorker::start_in_background(&path, move |opened| {
            let _ = told_tx.send(opened.map_err(|e| e.to_string()));
        })
        .unwrap();
        let (answer_tx, answer) = mpsc::channel();
        assert!(worker.submit(move |reader| {
            let _ = answer_tx
                .send(reader.map_err(str::to_string).and_then(|r| r.count_runs().map_err(|e| e.to_string())));
        }));
        assert_eq!(told.recv().unwrap(), Ok(Vec::new()));
        assert_eq!(answer.recv().unwrap(), Ok(0));
    }

    #[test]
    fn a_job_that_panics_leaves_the_reader_serving_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let worker = ReadWorker::start_in_background(&dir.path().join("ailab.db"), |_| {}).unwrap();
        assert!(worker.submit(|_| panic!("a bug in one query")));
        let (answer_tx, answer) = mpsc::channel();
        assert!(worker.submit(move |reader| {
            let _ = answer_tx
                .send(reader.map_err(str::to_string).and_then(|r| r.count_runs().map_err(|e| e.to_string())));
        }));
        assert_eq!(answer.recv_timeout(std::time::Duration::from_secs(10)).unwrap(), Ok(0));
    }

    #[test]
    fn a_record_that_cannot_open_is_reported_and_its_jobs_answered_with_why() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should be: SQLite cannot open it.
        let path = dir.path().join("ailab.db");
        std::fs::create_dir(&path).unwrap();
        let (told_tx, told) = mpsc::channel();
        let worker = ReadWorker::start_in_background(&path, move |opened| {
            let _ = told_tx.send(opened.is_err());
        })
        .unwrap();
        assert!(told.recv().unwrap(), "the failure is reported");
        assert!(worker.failed());
        // The thread ends right after reporting; from then on jobs are refused, and told why.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let (answer_tx, answer) = mpsc::channel();
            let accepted = worker.submit(move |reader| {
                let _ = answer_tx.send(reader.map(|_| ()).map_err(str::to_string));
            });
            let why = answer.recv_timeout(std::time::Duration::from_secs(10)).unwrap().unwrap_err();
            assert!(why.contains("cannot open"), "{why}");
            if !accepted {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "jobs are still accepted");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}
