//! Wiring the SQLite recorder onto a run's event stream. (The store lands with issue 4.)

use super::Settings;
use crate::engine::EventSink;

/// A recorder listening to the sink, if recording is on and the database opened.
pub struct ActiveRecorder;

impl ActiveRecorder {
    /// Flushes everything recorded and stops.
    pub async fn finish(self) {}
}

/// Starts recording `sink`'s events unless `--no-record`; problems are reported, never fatal.
pub fn start(_settings: &Settings, _sink: &EventSink) -> Option<ActiveRecorder> {
    None
}
