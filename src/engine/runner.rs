//! The engine as its callers hold it: a hierarchy and its backends, ready to run prompts. The
//! cascade itself is in `cascade`; the lab's other arms add their own runs in `arms`.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::backends::Backends;
use super::call::RunContext;
use super::cascade;
use super::conversation::Conversation;
use super::events::{RunId, RunSummary};
use super::ids::new_run_id;
use super::sink::EventSink;
use crate::config::Hierarchy;

/// Runs prompts through a hierarchy. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    hierarchy: Arc<Hierarchy>,
    backends: Backends,
    streaming_delegation: bool,
}

impl Engine {
    /// An engine for `hierarchy`, calling the servers in `backends`, with streaming delegation on.
    pub fn new(hierarchy: Arc<Hierarchy>, backends: Backends) -> Self {
        Self { hierarchy, backends, streaming_delegation: true }
    }

    /// Whether children may start while their parent's split still streams (on by default).
    pub fn with_streaming_delegation(mut self, on: bool) -> Self {
        self.streaming_delegation = on;
        self
    }

    /// The tree every run started from this engine uses.
    pub fn hierarchy(&self) -> &Arc<Hierarchy> {
        &self.hierarchy
    }

    /// The servers the tree's endpoints are called through.
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
        self.run_turn(run_id, prompt, &Conversation::default(), sink, cancel).await
    }

    /// Runs `prompt` as the next turn of `conversation`: every member reads the earlier turns (the
    /// questions, the team's final answers, its own earlier tasks and answers) before its prompt.
    pub async fn run_turn(
        &self,
        run_id: RunId,
        prompt: String,
        conversation: &Conversation,
        sink: &EventSink,
        cancel: CancellationToken,
    ) -> RunSummary {
        // The cascade gets the run's context, not the engine: it needs what one run shares, and
        // so never has to name the handle that starts it.
        let ctx = RunContext::new(
            self.hierarchy.clone(),
            self.backends.clone(),
            sink.for_run(run_id),
            prompt,
            self.streaming_delegation,
        )
        .with_conversation(conversation);
        cascade::run_tree(Arc::new(ctx), cancel).await
    }
}
