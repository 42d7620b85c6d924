//! Wiring the SQLite recorder onto a run's event stream.

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

/// Starts recording `sink`'s events unless `--no-record`; problems and notices (a damaged record set
/// aside, runs marked interrupted) are printed to stderr, never fatal.
pub fn start(settings: &Settings, sink: &EventSink) -> Option<ActiveRecorder> {
    let (recorder, messages) = start_with_notices(settings, sink);
    for message in messages {
        eprintln!("ailab: {message}");
    }
    recorder
}

/// Like [`start`], but returns the messages instead of printing them (for the live view, which owns
/// the terminal and shows them as notifications).
pub fn start_with_notices(settings: &Settings, sink: &EventSink) -> (Option<ActiveRecorder>, Vec<String>) {
    if settings.no_record {
        return (None, Vec::new());
    }
    let path = match store::db_path(settings.db_path.as_deref()) {
        Ok(path) => path,
        Err(message) => return (None, vec![format!("warning: runs are not recorded: {message}")]),
    };
    match Recorder::start(&path) {
        Ok(handle) => {
            let notices = handle.notices().to_vec();
            sink.add(handle.listener());
            (Some(ActiveRecorder { handle }), notices)
        }
        Err(err) => (None, vec![format!("warning: runs are not recorded: {err}")]),
    }
}

/// Like [`start_with_notices`], without waiting for the record to open. Opening checks the whole file
/// (a second or more on a record of thousands of runs), so the live view starts listening at once
/// and opens the record on a blocking thread: events sent meanwhile wait in the channel and are
/// recorded once it is open. Await the handle for the recorder and the notices.
pub fn start_in_background(
    settings: &Settings,
    sink: &EventSink,
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
    let opening = tokio::task::spawn_blocking(move || Recorder::start_with_channel(&path, (tx, rx)));
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

    #[tokio::test]
    async fn a_run_started_while_the_record_opens_is_recorded_in_full() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ailab.db");
        let hierarchy = Arc::new(six_node_tree());
        let settings = Settings {
            hierarchy: hierarchy.clone(),
            hierarchy_source: HierarchySource::Embedded,
            demo: false,
            base_url_override: None,
            db_path: Some(path.clone()),
            no_record: false,
            theme: None,
            judge: None,
        };
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

    #[tokio::test]
    async fn no_record_means_no_recorder() {
        let settings = Settings {
            hierarchy: Arc::new(six_node_tree()),
            hierarchy_source: HierarchySource::Embedded,
            demo: false,
            base_url_override: None,
            db_path: None,
            no_record: true,
            theme: None,
            judge: None,
        };
        let (recorder, notices) = start_in_background(&settings, &EventSink::new()).await.unwrap();
        assert!(recorder.is_none() && notices.is_empty());
    }
}
