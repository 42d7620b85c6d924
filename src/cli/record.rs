//! Wiring the SQLite recorder onto a run's event stream.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::unbounded_channel;

use super::Settings;
use crate::engine::EventSink;
use crate::store::{self, Recorder, RecorderHandle};

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
            Ok(Err(err)) => eprintln!("ailab: warning: the run may not be fully recorded: {err}"),
            Err(err) => eprintln!("ailab: warning: the recorder stopped unexpectedly: {err}"),
        }
    }
}

/// How long the live view keeps trying a locked record before it says runs are not recorded.
const LIVE_VIEW_PATIENCE: Duration = Duration::from_secs(30);

/// How long a finished headless run waits for a record that is still locked before giving up.
pub const LOCKED_GRACE: Duration = Duration::from_secs(30);

/// A recorder opening in the background: it listens at once, and opens the record on a blocking
/// thread, trying again while another ailab holds it locked. Events sent meanwhile wait in the channel
/// and are all recorded once it is open.
pub struct Opening {
    task: tokio::task::JoinHandle<(Option<ActiveRecorder>, Vec<String>)>,
    give_up: Arc<AtomicBool>,
}

impl Opening {
    /// Waits for the record to open (giving a locked one up to `grace` more), prints its notices to
    /// stderr, and flushes and stops the recorder. A problem is reported, never fatal.
    pub async fn finish(self, grace: Duration) {
        let mut task = self.task;
        if !task.is_finished() {
            let waited = tokio::time::timeout(Duration::from_millis(300), &mut task).await;
            if let Ok(result) = waited {
                return finish_opened(result).await;
            }
            eprintln!(
                "ailab: the record is busy (another ailab is writing to it); waiting up to {} s to record this run…",
                grace.as_secs()
            );
            if let Ok(result) = tokio::time::timeout(grace, &mut task).await {
                return finish_opened(result).await;
            }
            self.give_up.store(true, Ordering::Relaxed);
        }
        finish_opened(task.await).await;
    }
}

async fn finish_opened(result: Result<(Option<ActiveRecorder>, Vec<String>), tokio::task::JoinError>) {
    let (recorder, notices) = result.unwrap_or_else(|err| {
        (None, vec![format!("warning: runs are not recorded: the recorder did not start: {err}")])
    });
    for notice in notices {
        eprintln!("ailab: {notice}");
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
    let task = open_in_background(settings, sink, move || !stop.load(Ordering::Relaxed));
    Opening { task, give_up }
}

/// Starts recording `sink`'s events unless `--no-record`, without waiting for the record to open. Opening checks the whole file
/// (a second or more on a record of thousands of runs), so the live view starts listening at once
/// and opens the record on a blocking thread: events sent meanwhile wait in the channel and are
/// recorded once it is open. A record locked by another ailab is tried again for 30 s. Await the
/// handle for the recorder and the notices.
pub fn start_in_background(
    settings: &Settings,
    sink: &EventSink,
) -> tokio::task::JoinHandle<(Option<ActiveRecorder>, Vec<String>)> {
    let deadline = Instant::now() + LIVE_VIEW_PATIENCE;
    open_in_background(settings, sink, move || Instant::now() < deadline)
}

fn open_in_background(
    settings: &Settings,
    sink: &EventSink,
    keep_trying: impl Fn() -> bool + Send + 'static,
) -> tokio::task::JoinHandle<(Option<ActiveRecorder>, Vec<String>)> {
    if settings.no_record {
        return tokio::spawn(async { (None, Vec::new()) });
    }
    let path = match store::db_path(settings.db_path.as_deref()) {
        Ok(path) => path,
        Err(message) => {
            let notice = format!("warning: runs are not recorded: {message}");
            return tokio::spawn(async move { (None, vec![notice]) });
        }
    };
    let (tx, rx) = unbounded_channel();
    sink.add(tx.clone());
    let opening = tokio::task::spawn_blocking(move || Recorder::start_retrying(&path, (tx, rx), keep_trying));
    tokio::spawn(async move {
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
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::config::HierarchySource;
    use crate::engine::testkit::{ScriptedBackend, six_node_tree};
    use crate::engine::{Backends, Engine, RunStatus};

    /// Settings for a real (not demo) run of `hierarchy`, recorded at `db_path`.
    fn settings(hierarchy: Arc<crate::config::Hierarchy>, db_path: Option<std::path::PathBuf>) -> Settings {
        Settings {
            hierarchy,
            hierarchy_source: HierarchySource::Embedded,
            demo: false,
            base_url_override: None,
            db_path,
            no_record: false,
            theme: None,
            judge: None,
        }
    }

    #[tokio::test]
    async fn a_run_started_while_the_record_opens_is_recorded_in_full() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ailab.db");
        let hierarchy = Arc::new(six_node_tree());
        let settings = settings(hierarchy.clone(), Some(path.clone()));
        let sink = EventSink::new();
        let opening = start_in_background(&settings, &sink);
        // The run goes at once, without waiting for the record.
        let engine = Engine::new(hierarchy, Backends::single(ScriptedBackend::echo(), 4));
        let summary = engine.run("why?".into(), &sink, CancellationToken::new()).await;
        let (recorder, notices) = opening.await.unwrap();
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
        let settings = settings(hierarchy.clone(), Some(path.clone()));
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
    async fn no_record_means_no_recorder() {
        let settings = Settings { no_record: true, ..settings(Arc::new(six_node_tree()), None) };
        let (recorder, notices) = start_in_background(&settings, &EventSink::new()).await.unwrap();
        assert!(recorder.is_none() && notices.is_empty());
    }
}
