//! Wiring the SQLite recorder onto a run's event stream.

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
