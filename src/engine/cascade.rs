//! The cascade itself.

use tokio_util::sync::CancellationToken;

use super::{Engine, EventSink, RunId, RunStatus, RunSummary, RunTotals};

pub(super) async fn run_tree(
    _engine: &Engine,
    run_id: RunId,
    _prompt: String,
    _sink: EventSink,
    _cancel: CancellationToken,
) -> RunSummary {
    RunSummary { run_id, status: RunStatus::Failed, answer: None, totals: RunTotals::default(), error: None }
}
