//! Writes other than the run events, as jobs for the recorder's thread: the record has one writer
//! (the thread that owns the write connection), and a job runs only once the run events sent
//! before it are written, so a lab arm's row never lands before its run and a delete sees the run
//! as it is.
//!
//! The queue exists before the record opens ([`RecordWriter::channel`]): jobs sent while it is
//! still opening wait for it. If it never opens, or the recorder stops, every job still waiting
//! is answered with why.

use std::sync::{Arc, OnceLock, mpsc};

use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::store::error::StoreError;
use crate::store::write::Writes;

/// What a job does with the write connection, or with why there is none.
type Work = Box<dyn FnOnce(Result<&mut Writes<'_>, StoreError>) + Send>;

/// Why writes are refused once the queue is closed, when nobody said.
const STOPPED: &str = "the recorder has stopped (see the log); restart ailab to change the record again";

/// A job waiting for the recorder's thread. Dropped without running (the queue closed), it is
/// told why, so no caller waits for an answer that will never come.
pub(crate) struct Job {
    work: Option<Work>,
    closed: Arc<OnceLock<String>>,
}

impl Job {
    /// Runs the job with the write connection, or with why it cannot be written now.
    pub(crate) fn run(mut self, writes: Result<&mut Writes<'_>, StoreError>) {
        if let Some(work) = self.work.take() {
            work(writes);
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if let Some(work) = self.work.take() {
            work(Err(refusal(&self.closed)));
        }
    }
}

fn refusal(closed: &OnceLock<String>) -> StoreError {
    StoreError::Unwritable(closed.get().map_or(STOPPED, String::as_str).to_string())
}

/// The one way to change the record besides the run events: a handle on the recorder's job queue.
/// Cheap to clone; every clone feeds the same queue, answered in order.
#[derive(Clone)]
pub struct RecordWriter {
    jobs: UnboundedSender<Job>,
    closed: Arc<OnceLock<String>>,
}

/// The other end of a [`RecordWriter`]'s queue, until a recorder takes it.
pub struct PendingWrites {
    pub(crate) jobs: UnboundedReceiver<Job>,
    /// A writer on the same queue, for the recorder's handle to lend out.
    pub(crate) writer: RecordWriter,
}

impl PendingWrites {
    /// Refuses every job, waiting or to come, with `why` (the record could not be opened).
    pub fn refuse(self, why: &StoreError) {
        let _ = self.writer.closed.set(why.to_string());
        // Dropping the queue answers its jobs with `why`.
    }

    /// Closes the queue (jobs from now on are refused as "stopped") and hands over every job
    /// still in it, down to one that a writer was putting in at that very moment.
    pub(crate) fn stop(&mut self, mut each: impl FnMut(Job)) {
        let _ = self.writer.closed.set(STOPPED.to_string());
        self.jobs.close();
        loop {
            match self.jobs.try_recv() {
                Ok(job) => each(job),
                Err(TryRecvError::Disconnected) => return,
                // A writer got in before the close and has not finished putting its job in: tokio
                // would keep that job, unanswered, for as long as any writer lives, and its caller
                // would wait forever. Finishing takes it a few instructions: wait for them.
                Err(TryRecvError::Empty) => std::thread::yield_now(),
            }
        }
    }
}

impl Drop for PendingWrites {
    /// Answers every job left in the queue (with why it was closed) before the queue goes.
    fn drop(&mut self) {
        self.stop(drop);
    }
}

impl RecordWriter {
    /// A writer whose jobs wait in a queue until a recorder takes the other end
    /// (see [`super::Recorder::start_retrying`]).
    pub fn channel() -> (RecordWriter, PendingWrites) {
        let (jobs, queue) = unbounded_channel();
        let writer = RecordWriter { jobs, closed: Arc::new(OnceLock::new()) };
        (writer.clone(), PendingWrites { jobs: queue, writer })
    }

    /// Queues `work` without waiting: it runs on the recorder's thread after the run events sent
    /// before it are written, with the write connection, or with why the record cannot be written.
    pub fn submit(&self, work: impl FnOnce(Result<&mut Writes<'_>, StoreError>) + Send + 'static) {
        let job = Job { work: Some(Box::new(work)), closed: self.closed.clone() };
        // A closed queue hands the job back; dropping it tells it why.
        let _ = self.jobs.send(job);
    }

    /// Runs `work` as [`RecordWriter::submit`] does and waits for its answer. Blocking: call it
    /// from a thread that may wait (on a multi-threaded tokio runtime, other tasks move off it).
    pub fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Writes<'_>) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (answer, answered) = mpsc::sync_channel(1);
        self.submit(move |writes| {
            let _ = answer.send(writes.and_then(work));
        });
        wait(answered).unwrap_or_else(|_| Err(self.unanswered()))
    }

    /// Why a job gave no answer: the queue closed (the recorder stopped, or the record never
    /// opened), or else the job itself failed on a bug (the recorder went on without it).
    fn unanswered(&self) -> StoreError {
        match self.closed.get() {
            Some(_) => refusal(&self.closed),
            None => StoreError::Unwritable(
                "the change failed on an internal error (a bug in ailab; the log has details) and was not made"
                    .into(),
            ),
        }
    }

    /// Waits until the record is open and every run event sent so far is written; `Err` says why
    /// the record cannot be written. Blocking, like [`RecordWriter::run`].
    pub fn ready(&self) -> Result<(), StoreError> {
        self.run(|_| Ok(()))
    }

    /// Deletes a conversation (see [`Writes::delete_conversation`]); returns its runs' ids. Blocking.
    pub fn delete_conversation(&self, id: &str) -> Result<Vec<String>, StoreError> {
        let id = id.to_string();
        self.run(move |w| w.delete_conversation(&id))
    }

    /// Deletes a run (see [`Writes::delete_run`]); returns its full id. Blocking.
    pub fn delete_run(&self, id: &str) -> Result<String, StoreError> {
        let id = id.to_string();
        self.run(move |w| w.delete_run(&id))
    }
}

/// Waits for an answer. On a multi-threaded tokio runtime the wait is announced, so the runtime
/// moves its other tasks to another thread instead of stalling behind a record that is opening.
fn wait<T>(answered: mpsc::Receiver<T>) -> Result<T, mpsc::RecvError> {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(|| answered.recv())
        }
        _ => answered.recv(),
    }
}
