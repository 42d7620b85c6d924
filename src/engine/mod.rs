//! The cascade: the root splits the query, children run concurrently, parents synthesize.
//!
//! The engine knows nothing of terminals or databases. It takes a hierarchy, a set of backends
//! and an [`EventSink`], and reports everything it does as [`RunEvent`]s.

pub mod arms;
pub mod backends;
mod call;
mod cascade;
mod early;
mod ending;
pub mod events;
pub mod prompts;
mod restart;
pub mod sink;
pub mod split;
pub mod split_stream;
pub mod testkit;
#[cfg(test)]
mod tests;
pub mod timeline;

use std::sync::Arc;

use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

pub use backends::Backends;
pub use call::describe as describe_error;
pub use ending::{RESTARTED, SCHEMA_REFUSED, STOPPED_FOR_RESTART, is_not_a_failure};
pub use events::{
    CallId, CallMetrics, EventKind, NodeStatus, RunEvent, RunId, RunStatus, RunTotals, SplitMethod,
};
pub use sink::{EventSink, RunEmitter};
// Time is the clock's (below every room); kept reachable here so callers of `engine::now_ms` still compile.
pub use crate::clock::{civil_from_unix, now_ms};

use crate::config::Hierarchy;

/// How a run ended, as returned to whoever started it (the same facts as its `RunFinished` event).
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub run_id: RunId,
    pub status: RunStatus,
    pub answer: Option<String>,
    pub totals: RunTotals,
    /// Why the root failed, when it did.
    pub error: Option<String>,
}

/// Runs prompts through a hierarchy. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    hierarchy: Arc<Hierarchy>,
    backends: Backends,
    streaming_delegation: bool,
}

impl Engine {
    pub fn new(hierarchy: Arc<Hierarchy>, backends: Backends) -> Self {
        Self { hierarchy, backends, streaming_delegation: true }
    }

    /// Whether children may start while their parent's split still streams (on by default).
    pub fn with_streaming_delegation(mut self, on: bool) -> Self {
        self.streaming_delegation = on;
        self
    }

    pub fn streaming_delegation(&self) -> bool {
        self.streaming_delegation
    }

    pub fn hierarchy(&self) -> &Arc<Hierarchy> {
        &self.hierarchy
    }

    pub fn backends(&self) -> &Backends {
        &self.backends
    }

    /// Runs one prompt through the tree, emitting events to `sink`, until done or `cancel` fires.
    /// The run keeps the hierarchy it started with even if the engine is replaced meanwhile.
    pub async fn run(&self, prompt: String, sink: &EventSink, cancel: CancellationToken) -> RunSummary {
        self.run_with_id(new_run_id(), prompt, sink, cancel).await
    }

    /// Like [`Engine::run`], with a run id chosen by the caller (so it can be known before any event).
    pub async fn run_with_id(
        &self,
        run_id: RunId,
        prompt: String,
        sink: &EventSink,
        cancel: CancellationToken,
    ) -> RunSummary {
        cascade::run_tree(self, run_id, prompt, sink.clone(), cancel).await
    }
}

/// A fresh run id: UTC start time plus 4 random hex digits, so ids sort by time and stay short.
pub fn new_run_id() -> RunId {
    let secs = now_ms() / 1000;
    let (y, mo, d, h, mi, s) = civil_from_unix(secs);
    let suffix: u16 = rand::random();
    format!("{y:04}{mo:02}{d:02}-{h:02}{mi:02}{s:02}-{suffix:04x}").into()
}

/// SHA-256 of the hierarchy's canonical JSON: two runs with the same hash used the same prompts.
pub fn hierarchy_hash(hierarchy: &Hierarchy) -> String {
    let mut canonical = hierarchy.clone();
    // Where the file lives does not change what the models were told.
    canonical.source = String::new();
    let json = serde_json::to_vec(&canonical).unwrap_or_default();
    let digest = Sha256::digest(&json);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
