//! The record's start-up for a session: the recorder listening to a run's event stream, and its
//! writer (deletes, votes, the lab's results), both available at once while the record opens on
//! another thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::unbounded_channel;

use super::settings::Settings;
use super::stderr::tell;
use crate::engine::EventSink;
use crate::store::{self, RecordWriter, Recorder, RecorderHandle};

/// Why a session started with `--no-record` cannot change the record, and what to do.
pub const RECORDING_OFF: &str = "recording is off (--no-record), so the record cannot be changed: \
start ailab without --no-record to delete runs or vote";

/// A recorder listening to the sink, if recording is on and the database opened.
pub struct ActiveRecorder {
    handle: RecorderHandle,
}

impl ActiveRecorder {
    /// Flushes everything recorded and stops. A problem is reported, never fatal: the answer stands.
    pub async fn finish(self) {
        let handle = self.handle;
        match tokio::task::spawn_blocking(move || handle.shutdown()).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => tell(format_args!("warning: the run may not be fully recorded: {err}")),
            Err(err) => tell(format_args!("warning: the recorder stopped unexpectedly: {err}")),
        }
    }
}

/// The recorder opening on its thread: once open (`None` if it could not), and what to tell the
/// user about it.
type Opened = tokio::task::JoinHandle<(Option<ActiveRecorder>, Vec<String>)>;

/// How long the live view keeps trying a locked record before it says runs are not recorded.
const LIVE_VIEW_PATIENCE: Duration = Duration::from_secs(30);

/// How long a finished headless run waits for a record that is still locked before giving up.
pub const LOCKED_GRACE: Duration = Duration::from_secs(30);

/// The record opening in the background for the live view: its writer at once (changes sent
/// before the record is open wait for it), the recorder and the notices once it is open.
pub struct Recording {
    /// The record's writer, or why there is none ([`RECORDING_OFF`], or no place for a record).
    pub writer: Result<RecordWriter, String>,
    /// The recorder once open (`None` if it could not open), and what to tell the user about it.
    pub opened: Opened,
}

/// A recorder opening in the background: it listens at once, and opens the record on a blocking
/// thread, trying again while another ailab holds it locked. Events sent meanwhile wait in the channel
/// and are all recorded once it is open; so do changes sent through its writer.
pub struct Opening {
    task: Opened,
    give_up: Arc<AtomicBool>,
    /// The record's writer, or why there is none ([`RECORDING_OFF`], or no place for a record).
    writer: Result<RecordWriter, String>,
}

impl Opening {
    /// Waits until the record is open and can be written, giving a locked one up to `grace` (said
    /// on stderr), and gives its writer. `Err` says why it cannot be used; the recorder then stops
    /// trying.
    pub async fn ready(&self, grace: Duration) -> Result<RecordWriter, String> {
        let result = self.wait_ready(grace).await;
        if result.is_err() {
            self.give_up.store(true, Ordering::Relaxed);
        }
        result
    }

    async fn wait_ready(&self, grace: Duration) -> Result<RecordWriter, String> {
        let writer = self.writer.clone()?;
        let mut check = tokio::task::spawn_blocking({
            let writer = writer.clone();
            move || writer.ready()
        });
        let busy = format!(
            "the record is busy (another ailab is writing to it); waiting up to {} s for it…",
            grace.as_secs()
        );
        let answered = wait_patiently(&mut check, grace, busy).await.ok_or_else(|| {
            format!(
                "the record is still locked by another ailab after {} s: close the other ailab, or use \
                 --db FILE for a separate record",
                grace.as_secs()
            )
        })?;
        match answered {
            Ok(result) => result.map(|()| writer).map_err(|err| err.to_string()),
            Err(err) => Err(format!("cannot open the record: {err}")),
        }
    }

    /// Waits for the record to open (giving a locked one up to `grace` more), prints its notices to
    /// stderr, and flushes and stops the recorder. A problem is reported, never fatal.
    pub async fn finish(self, grace: Duration) {
        let mut task = self.task;
        let busy = format!(
            "the record is busy (another ailab is writing to it); waiting up to {} s to record this run…",
            grace.as_secs()
        );
        match wait_patiently(&mut task, grace, busy).await {
            Some(result) => finish_opened(result).await,
            None => {
                self.give_up.store(true, Ordering::Relaxed);
                finish_opened(task.await).await;
            }
        }
    }
}

/// Waits for `task`: quietly when it ends soon, else after saying `busy` on stderr, up to `grace`
/// more. `None`: it had not ended by then.
async fn wait_patiently<T>(
    task: &mut tokio::task::JoinHandle<T>,
    grace: Duration,
    busy: String,
) -> Option<Result<T, tokio::task::JoinError>> {
    if let Ok(result) = tokio::time::timeout(Duration::from_millis(300), &mut *task).await {
        return Some(result);
    }
    tell(busy);
    tokio::time::timeout(grace, task).await.ok()
}

async fn finish_opened(result: Result<(Option<ActiveRecorder>, Vec<String>), tokio::task::JoinError>) {
    let (recorder, notices) = result.unwrap_or_else(|err| {
        (None, vec![format!("warning: runs are not recorded: the recorder did not start: {err}")])
    });
    for notice in notices {
        tell(&notice);
    }
    if let Some(recorder) = recorder {
        recorder.finish().await;
    }
}

/// Starts recording `sink`'s events without waiting for the record (see [`Opening`]); nothing is
/// recorded with `--no-record`. For `ask` and `eval`: a locked record never holds up the run.
pub fn start_opening(settings: &Settings, sink: &EventSink) -> Opening {
    let give_up = Arc::new(AtomicBool::new(false));
    let stop = give_up.clone();
    let (writer, task) = open_in_background(settings, sink, move || !stop.load(Ordering::Relaxed));
    Opening { task, give_up, writer }
}

/// Starts recording `sink`'s events unless `--no-record`, without waiting for the record to open.
/// Opening checks the whole file (a second or more on a record of thousands of runs), so the live
/// view starts listening at once and opens the record on a blocking thread: events sent meanwhile
/// wait in the channel and are recorded once it is open, and so do changes sent through the writer.
/// A record locked by another ailab is tried again for 30 s.
pub fn start_in_background(settings: &Settings, sink: &EventSink) -> Recording {
    let deadline = Instant::now() + LIVE_VIEW_PATIENCE;
    let (writer, opened) = open_in_background(settings, sink, move || Instant::now() < deadline);
    Recording { writer, opened }
}

fn open_in_background(
    settings: &Settings,
    sink: &EventSink,
    keep_trying: impl Fn() -> bool + Send + 'static,
) -> (Result<RecordWriter, String>, Opened) {
    if settings.no_record {
        return (Err(RECORDING_OFF.into()), tokio::spawn(async { (None, Vec::new()) }));
    }
    let path = match store::db_path(settings.db_path.as_deref()) {
        Ok(path) => path,
        Err(message) => {
            let notice = format!("warning: runs are not recorded: {message}");
            return (Err(message), tokio::spawn(async move { (None, vec![notice]) }));
        }
    };
    let (tx, rx) = unbounded_channel();
    sink.add(tx.clone());
    let (writer, writes) = RecordWriter::channel();
    let opening =
        tokio::task::spawn_blocking(move || Recorder::start_retrying(&path, (tx, rx), writes, keep_trying));
    let opened = tokio::spawn(async move {
        match opening.await {
            Ok(Ok(handle)) => {
                let notices = handle.notices().to_vec();
                (Some(ActiveRecorder { handle }), notices)
            }
            Ok(Err(err)) => (None, vec![format!("warning: runs are not recorded: {err}")]),
            Err(err) => {
                (None, vec![format!("warning: runs are not recorded: the recorder did not start: {err}")])
            }
        }
    });
    (Ok(writer), opened)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::engine::testkit::{ScriptedBackend, six_node_tree};
    use crate::engine::{Backends, Engine, RunStatus};

    #[tokio::test]
    async fn a_run_started_while_the_record_opens_is_recorded_in_full() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ailab.db");
        let hierarchy = Arc::new(six_node_tree());
        let settings = Settings::for_tests(hierarchy.clone(), Some(path.clone()));
        let sink = EventSink::new();
        let opening = start_in_background(&settings, &sink);
        // The run goes at once, without waiting for the record.
        let engine = Engine::new(hierarchy, Backends::single(ScriptedBackend::echo(), 4));
        let summary = engine.run("why?".into(), &sink, CancellationToken::new()).await;
        let (recorder, notices) = opening.opened.await.unwrap();
        assert!(notices.is_empty(), "{notices:?}");
        recorder.expect("the record opened").finish().await;
        let record = store::Reader::open(&path).unwrap().load_run(&summary.run_id).unwrap();
        assert_eq!(record.run.status, RunStatus::Done);
        assert_eq!(record.calls.len(), 9);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_run_made_while_another_ailab_locks_the_record_is_recorded_once_the_lock_goes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ailab.db");
        drop(store::Reader::open(&path).unwrap());
        // Another process in the middle of a long write, for longer than one busy wait (5 s).
        let holder = rusqlite::Connection::open(&path).unwrap();
        holder.execute_batch("BEGIN EXCLUSIVE; INSERT INTO hierarchies VALUES ('x', '{}');").unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(store::BUSY_TIMEOUT + Duration::from_secs(1));
            holder.execute_batch("ROLLBACK").unwrap();
        });
        let hierarchy = Arc::new(six_node_tree());
        let settings = Settings::for_tests(hierarchy.clone(), Some(path.clone()));
        let sink = EventSink::new();
        let opening = start_opening(&settings, &sink);
        let started = Instant::now();
        let engine = Engine::new(hierarchy, Backends::single(ScriptedBackend::echo(), 4));
        let summary = engine.run("why?".into(), &sink, CancellationToken::new()).await;
        assert!(started.elapsed() < Duration::from_secs(3), "the run did not wait for the record");
        drop(sink);
        opening.finish(LOCKED_GRACE).await;
        release.join().unwrap();
        let record = store::Reader::open(&path).unwrap().load_run(&summary.run_id).unwrap();
        assert_eq!(record.run.status, RunStatus::Done);
        assert_eq!(record.calls.len(), 9);
    }

    #[tokio::test]
    async fn a_change_sent_while_the_record_opens_waits_for_it_and_for_the_run_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ailab.db");
        let hierarchy = Arc::new(six_node_tree());
        let sink = EventSink::new();
        let recording =
            start_in_background(&Settings::for_tests(hierarchy.clone(), Some(path.clone())), &sink);
        let engine = Engine::new(hierarchy, Backends::single(ScriptedBackend::echo(), 4));
        let summary = engine.run("why?".into(), &sink, CancellationToken::new()).await;
        // Sent at once: the delete waits for the record to open and for the run's events to land,
        // so it finds the run finished, not missing or still running.
        let writer = recording.writer.expect("recording is on");
        let id = summary.run_id.to_string();
        let deleted = tokio::task::spawn_blocking(move || writer.delete_run(&id)).await.unwrap();
        assert_eq!(deleted.unwrap(), summary.run_id.to_string());
        let (recorder, _) = recording.opened.await.unwrap();
        recorder.expect("the record opened").finish().await;
        let reader = store::Reader::open(&path).unwrap();
        assert!(matches!(reader.load_run(&summary.run_id), Err(store::StoreError::UnknownRun(_))));
    }

    #[tokio::test]
    async fn no_record_means_no_recorder_and_no_writer() {
        let settings = Settings { no_record: true, ..Settings::for_tests(Arc::new(six_node_tree()), None) };
        let recording = start_in_background(&settings, &EventSink::new());
        let (recorder, notices) = recording.opened.await.unwrap();
        assert!(recorder.is_none() && notices.is_empty());
        let why = recording.writer.err().expect("no writer");
        assert!(why.contains("--no-record") && why.contains("start ailab without --no-record"), "{why}");
    }

    #[tokio::test]
    async fn a_record_that_cannot_open_is_not_ready_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "not a database at all, just some notes ".repeat(10)).unwrap();
        let sink = EventSink::new();
        let opening = start_opening(&Settings::for_tests(Arc::new(six_node_tree()), Some(path)), &sink);
        let Err(why) = opening.ready(LOCKED_GRACE).await else { panic!("the record cannot be used") };
        assert!(why.contains("notes.txt is not an ailab record"), "{why}");
    }
}
