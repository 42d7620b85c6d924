//! How every kind of run ends (the cascade, the lab's other arms, a turn that asks one member or
//! sends its reply up): what its result means, then `RunFinished` with its totals, and its summary.

use std::sync::atomic::Ordering;
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::call::{CallOutput, RunContext};
use super::conversation::PastTurn;
use super::ending::CallFailure;
use super::events::{EventKind, RunStatus, RunSummary};

/// A run's status, its answer and, when it failed, why.
pub(super) struct Outcome {
    pub status: RunStatus,
    pub answer: Option<String>,
    pub error: Option<String>,
}

impl RunContext {
    /// What the run's final result means: a cancel wins; an answer after something failed on the
    /// way (a branch, a reflection) is degraded.
    pub(super) fn outcome(
        &self,
        result: Result<CallOutput, CallFailure>,
        cancel: &CancellationToken,
    ) -> Outcome {
        let (status, answer, error) = match result {
            _ if cancel.is_cancelled() => (RunStatus::Cancelled, None, None),
            Ok(out) if self.degraded.load(Ordering::Relaxed) => (RunStatus::Degraded, Some(out.text), None),
            Ok(out) => (RunStatus::Done, Some(out.text), None),
            Err(failure) => (RunStatus::Failed, None, Some(failure.reason())),
        };
        Outcome { status, answer, error }
    }

    /// Says the run is over (`RunFinished`, with its totals since `started`) and sums it up.
    pub(super) fn finish(&self, started: Instant, outcome: Outcome, turn: Option<PastTurn>) -> RunSummary {
        let Outcome { status, answer, error } = outcome;
        let mut totals = self.totals();
        totals.wall_ms = started.elapsed().as_millis() as i64;
        totals.flagged_answers = self.flagged_answers.load(Ordering::Relaxed);
        self.emitter.emit(EventKind::RunFinished { status, answer: answer.clone(), totals });
        RunSummary { run_id: self.emitter.run_id().clone(), status, answer, totals, error, turn }
    }
}
