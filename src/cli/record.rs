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

/// Starts recording `sink`'s events unless `--no-record`; problems are reported, never fatal.
pub fn start(settings: &Settings, sink: &EventSink) -> Option<ActiveRecorder> {
    if settings.no_record {
        return None;
    }
    let path = match store::db_path(settings.db_path.as_deref()) {
        Ok(path) => path,
        Err(message) => {
            eprintln!("ailab: warning: this run is not recorded: {message}");
            return None;
        }
    };
    match Recorder::start(&path) {
        Ok(handle) => {
            for notice in handle.notices() {
                eprintln!("ailab: {notice}");
            }
            sink.add(handle.listener());
            Some(ActiveRecorder { handle })
        }
        Err(err) => {
            eprintln!("ailab: warning: this run is not recorded: {err}");
            None
        }
    }
}
