//! The recorder: an actor that owns the write connection on its own thread and records the engine's
//! event stream. The engine only ever pushes into an unbounded channel, so it never waits on the disk.
//!
//! Writes are batched: structured events (a call started, a call finished, …) are written as soon as
//! the queue is drained, token text is buffered per call and written at most [`FLUSH_AFTER`] after it
//! arrived and at the call's end. A crash therefore loses at most half a second of streamed text and
//! nothing that had finished.
//!
//! The same thread is the record's only writer for everything else too (deleting a run, the lab's
//! comparisons and votes): [`RecordWriter`] queues those as jobs, run after the events sent before
//! them are written.

mod jobs;
pub mod marks;
mod ops;
mod tracker;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::time::{Instant as TokioInstant, MissedTickBehavior};

use super::error::StoreError;
use super::open::{self, OnDamage, open_db_with};
use super::recovery::{self, HEARTBEAT_EVERY_MS, Instance};
use crate::engine::RunEvent;
use jobs::Job;
pub use jobs::{PendingWrites, RecordWriter};
use writer::Writer;
pub use writer::{FLUSH_AFTER, RecorderStatus};

/// How long `flush` and `shutdown` wait for the recorder thread before giving up on it.
const STOP_TIMEOUT: Duration = Duration::from_secs(15);
/// Events taken from the channel before a write, at most (a write per huge burst, not per event).
const BATCH: usize = 4096;
/// After a batch of streamed text only, how long the recorder lets the next events gather before
/// it takes them: text is written up to [`FLUSH_AFTER`] later anyway, and waking once per piece of
/// several streams would cost the machine a thread switch each. Jobs and flushes do not wait.
const TEXT_PACE: Duration = Duration::from_millis(20);

/// Starts recorders.
pub struct Recorder;

impl Recorder {
    /// Opens (creating, checking and migrating) the record at `path`, marks runs of a dead ailab as
    /// interrupted, and starts the writer thread with its heartbeat. Blocks while opening (the
    /// integrity check reads the whole file), so async callers may prefer `spawn_blocking`.
    pub fn start(path: &Path) -> Result<RecorderHandle, StoreError> {
        Self::start_with_channel(path, unbounded_channel())
    }

    /// Like [`Recorder::start`], but a damaged record is reported ([`StoreError::Damaged`]) and left
    /// where it is: for the history commands, which must never swap in an empty record, and write
    /// only to recover and delete.
    pub fn start_keeping_damage(path: &Path) -> Result<RecorderHandle, StoreError> {
        let (conn, notices, me) = open_for_recording(path, OnDamage::Refuse)?;
        spawn_writer(path, conn, notices, me, unbounded_channel(), RecordWriter::channel().1)
    }

    /// Like [`Recorder::start`], recording the events of a channel made (and listened to) beforehand,
    /// so that a caller can listen at once and open the record on another thread: events sent
    /// meanwhile wait in the channel and are recorded once it is open.
    pub fn start_with_channel(
        path: &Path,
        channel: (UnboundedSender<RunEvent>, UnboundedReceiver<RunEvent>),
    ) -> Result<RecorderHandle, StoreError> {
        let (conn, notices, me) = open_for_recording(path, OnDamage::SetAside)?;
        spawn_writer(path, conn, notices, me, channel, RecordWriter::channel().1)
    }

    /// Like [`Recorder::start_with_channel`], trying again while the record is locked by another
    /// process (another ailab in the middle of a long write), for as long as `keep_trying` says so.
    /// Events wait in the channel meanwhile, so a run that started during the wait is recorded in
    /// full once the lock goes. Any other failure ends the attempts at once. Jobs of `writes` (made
    /// with [`RecordWriter::channel`]) wait likewise, and are refused with the reason if it never opens.
    pub fn start_retrying(
        path: &Path,
        channel: (UnboundedSender<RunEvent>, UnboundedReceiver<RunEvent>),
        writes: PendingWrites,
        keep_trying: impl Fn() -> bool,
    ) -> Result<RecorderHandle, StoreError> {
        let opened = loop {
            match open_for_recording(path, OnDamage::SetAside) {
                Err(StoreError::Locked { .. }) if keep_trying() => {
                    tracing::info!(path = %path.display(), "the record is locked; trying again");
                    std::thread::sleep(RETRY_LOCKED_AFTER);
                }
                result => break result,
            }
        };
        match opened {
            Ok((conn, notices, me)) => spawn_writer(path, conn, notices, me, channel, writes),
            Err(err) => {
                writes.refuse(&err);
                Err(err)
            }
        }
    }
}

/// The pause between two attempts to open a locked record (each attempt already waits
/// [`BUSY_TIMEOUT`](crate::store::BUSY_TIMEOUT) for the lock).
const RETRY_LOCKED_AFTER: Duration = Duration::from_millis(200);

/// The writer connection's page cache, in KiB.
const WRITER_CACHE_KIB: i64 = 512;

/// Opens the record, registers this process and marks the runs of a dead ailab as interrupted.
fn open_for_recording(
    path: &Path,
    on_damage: OnDamage,
) -> Result<(rusqlite::Connection, Vec<String>, Instance), StoreError> {
    let opened = open_db_with(path, on_damage)?;
    let mut conn = opened.conn;
    // The writer appends: its page cache holds the index pages a run's writes touch, far below
    // SQLite's default 2 MiB. Capped, a long session (the TUI, an eval) stops growing once the cache
    // is warm, after a few runs instead of fifty.
    conn.pragma_update(None, "cache_size", -WRITER_CACHE_KIB)
        .map_err(|e| StoreError::from_sqlite_at(e, path))?;
    let mut notices = opened.notices;
    let me = Instance::current();
    recovery::register(&conn, &me).map_err(|e| StoreError::from_sqlite_at(e, path))?;
    let interrupted = recovery::recover(&mut conn).map_err(|e| StoreError::from_sqlite_at(e, path))?;
    if !interrupted.is_empty() {
        notices.push(format!(
            "{} run(s) of an ailab that stopped mid-run were marked interrupted (their text so far is kept): {}",
            interrupted.len(),
            interrupted.join(", ")
        ));
    }
    Ok((conn, notices, me))
}

/// Starts the writer thread on an opened record.
fn spawn_writer(
    path: &Path,
    conn: rusqlite::Connection,
    notices: Vec<String>,
    me: Instance,
    (events, events_rx): (UnboundedSender<RunEvent>, UnboundedReceiver<RunEvent>),
    writes: PendingWrites,
) -> Result<RecorderHandle, StoreError> {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_time().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            let err = StoreError::Open {
                path: path.to_path_buf(),
                reason: format!("cannot start the recorder: {e}"),
            };
            writes.refuse(&err);
            return Err(err);
        }
    };
    let (control, control_rx) = unbounded_channel();
    let status = Arc::new(Mutex::new(RecorderStatus::default()));
    let instance_id = me.id.clone();
    let record_writer = writes.writer.clone();
    let writer = Writer::new(conn, path, me, status.clone());
    let (done_tx, done_rx) = mpsc::channel();
    // If the thread cannot start, the closure (and the queue in it) is dropped: its jobs are
    // refused as "stopped".
    let thread = std::thread::Builder::new()
        .name("ailab-recorder".into())
        .spawn(move || {
            let result = runtime.block_on(run_writer(writer, events_rx, control_rx, writes));
            let _ = done_tx.send(result);
        })
        .map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            reason: format!("cannot start the recorder thread: {e}"),
        })?;
    open::guard(path);
    Ok(RecorderHandle {
        writer: record_writer,
        events,
        control,
        done: Some(done_rx),
        thread: Some(thread),
        status,
        notices,
        path: path.to_path_buf(),
        instance_id,
    })
}

enum Control {
    /// Write everything received so far, then answer.
    Flush(mpsc::Sender<Result<(), String>>),
    Shutdown,
}

/// A running recorder. Dropping it flushes and stops it, like [`RecorderHandle::shutdown`].
pub struct RecorderHandle {
    events: UnboundedSender<RunEvent>,
    writer: RecordWriter,
    control: UnboundedSender<Control>,
    done: Option<mpsc::Receiver<Result<(), String>>>,
    thread: Option<std::thread::JoinHandle<()>>,
    status: Arc<Mutex<RecorderStatus>>,
    notices: Vec<String>,
    path: PathBuf,
    instance_id: String,
}

impl RecorderHandle {
    /// A sender to add to the engine's `EventSink` (`sink.add(handle.listener())`).
    pub fn listener(&self) -> UnboundedSender<RunEvent> {
        self.events.clone()
    }

    /// The record's writer for everything but the run events (deletes, votes, the lab's results):
    /// its jobs run on this recorder's thread, after the events sent before them.
    pub fn writer(&self) -> RecordWriter {
        self.writer.clone()
    }

    /// Things the user should be told about opening the record (a damaged file set aside, runs
    /// marked interrupted). Empty most of the time.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// The database file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This process's instance id in the record.
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// How recording is going (a write error to show, say).
    pub fn status(&self) -> RecorderStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Writes every event sent so far and waits until it is on disk (up to 15 s). Blocking.
    pub fn flush(&self) -> Result<(), StoreError> {
        let (tx, rx) = mpsc::channel();
        self.control
            .send(Control::Flush(tx))
            .map_err(|_| StoreError::RecorderGone("it has stopped".into()))?;
        match rx.recv_timeout(STOP_TIMEOUT) {
            Ok(result) => result.map_err(StoreError::RecorderGone),
            Err(_) => Err(StoreError::RecorderGone("it did not answer within 15 s".into())),
        }
    }

    /// Writes everything, closes runs still open as interrupted, and stops the thread. Blocking.
    pub fn shutdown(mut self) -> Result<(), StoreError> {
        self.stop()
    }

    fn stop(&mut self) -> Result<(), StoreError> {
        let Some(done) = self.done.take() else { return Ok(()) };
        let _ = self.control.send(Control::Shutdown);
        open::unguard(&self.path);
        let result = match done.recv_timeout(STOP_TIMEOUT) {
            Ok(result) => {
                if let Some(thread) = self.thread.take() {
                    let _ = thread.join();
                }
                let dropped = self.status().dropped_ops;
                match result {
                    Err(message) => Err(StoreError::RecorderGone(message)),
                    Ok(()) if dropped > 0 => Err(StoreError::RecorderGone(format!(
                        "{dropped} write(s) were refused by the database (see the log for why)"
                    ))),
                    Ok(()) => Ok(()),
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                Err(StoreError::RecorderGone("it did not finish writing within 15 s".into()))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err(StoreError::RecorderGone("its thread ended unexpectedly (see the log)".into()))
            }
        };
        if let Err(err) = &result {
            tracing::error!(error = %err, "recorder did not shut down cleanly");
        }
        result
    }
}

impl Drop for RecorderHandle {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// The recorder thread's loop.
async fn run_writer(
    mut writer: Writer,
    mut events: UnboundedReceiver<RunEvent>,
    mut control: UnboundedReceiver<Control>,
    mut writes: PendingWrites,
) -> Result<(), String> {
    let mut heartbeat = tokio::time::interval(Duration::from_millis(HEARTBEAT_EVERY_MS as u64));
    heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // Set after a batch of text only: events wait in the channel until then.
    let mut gathering: Option<TokioInstant> = None;
    loop {
        let deadline = writer.next_deadline().map(TokioInstant::from_std);
        tokio::select! {
            biased;
            message = control.recv() => match message {
                Some(Control::Flush(reply)) => {
                    drain(&mut writer, &mut events, usize::MAX);
                    let _ = reply.send(writer.commit(true));
                }
                Some(Control::Shutdown) | None => break,
            },
            // Before the events, so a stream of tokens never keeps a job waiting; the job takes the
            // events queued before it first. The handle keeps a sender, so the queue stays open.
            Some(job) = writes.jobs.recv() => run_job(&mut writer, &mut events, job),
            _ = sleep_until(gathering), if gathering.is_some() => gathering = None,
            event = events.recv(), if gathering.is_none() => {
                let Some(event) = event else { break };
                let mut urgent = writer.take(event);
                urgent |= drain(&mut writer, &mut events, BATCH);
                if urgent {
                    let _ = writer.commit(false);
                } else {
                    gathering = Some(TokioInstant::now() + TEXT_PACE);
                }
            }
            _ = sleep_until(deadline), if deadline.is_some() => {
                let _ = writer.commit(false);
            }
            _ = heartbeat.tick() => writer.heartbeat(),
        }
    }
    // Jobs already queued still run; any sent from now on are refused.
    writes.stop(|job| run_job(&mut writer, &mut events, job));
    drain(&mut writer, &mut events, usize::MAX);
    writer.close()
}

/// Runs one job, once every event queued before it is written (a locked record answers the job
/// with why, rather than letting its rows land before their run's).
fn run_job(writer: &mut Writer, events: &mut UnboundedReceiver<RunEvent>, job: Job) {
    drain(writer, events, usize::MAX);
    let ready = writer.catch_up();
    // A job that panics is a bug in that job: its transaction rolls back as it unwinds, its caller
    // is told, and the recorder goes on recording the runs.
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match ready {
        Ok(()) => job.run(Ok(&mut writer.writes())),
        Err(err) => job.run(Err(err)),
    }));
    if let Err(payload) = ran {
        let message = crate::panic::message(payload.as_ref());
        tracing::error!(%message, "a write job panicked; the recorder goes on");
    }
}

/// Takes every event already queued (up to `max`); true if any needs writing soon.
fn drain(writer: &mut Writer, events: &mut UnboundedReceiver<RunEvent>, max: usize) -> bool {
    let mut urgent = false;
    for _ in 0..max {
        match events.try_recv() {
            Ok(event) => urgent |= writer.take(event),
            Err(_) => break,
        }
    }
    urgent
}

async fn sleep_until(deadline: Option<TokioInstant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
