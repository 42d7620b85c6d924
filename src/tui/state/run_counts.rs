//! Counting a run's calls from what the UI saw: how each ended (a cancel is not a failure) and
//! the tokens it used (streamed ones count when the server gave no figure).

use super::run_view::{CallView, RunView};

/// How a call ended, as the UI saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    Running,
    Done,
    Failed,
    /// Stopped by a cancel (or never finished before the run ended).
    Cancelled,
}

/// The run's calls counted from what the UI saw: cancelled calls are not failures, and tokens
/// streamed before a cancel count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallCounts {
    pub calls: u32,
    pub failed: u32,
    pub cancelled: u32,
    /// Prompt tokens plus completion tokens (the server's count, else the pieces streamed).
    pub tokens: u64,
}

impl CallView {
    /// How the call ended.
    pub fn outcome(&self) -> CallOutcome {
        match (&self.error, self.ended_ms, &self.metrics) {
            (_, None, _) => CallOutcome::Running,
            (Some(error), _, _) if error.trim() == "cancelled" => CallOutcome::Cancelled,
            (Some(_), _, _) => CallOutcome::Failed,
            // Ended by the run's end without a finish of its own.
            (None, Some(_), None) => CallOutcome::Cancelled,
            (None, Some(_), Some(_)) => CallOutcome::Done,
        }
    }
}

impl RunView {
    /// The calls counted from what this view saw.
    pub fn call_counts(&self) -> CallCounts {
        let mut counts = CallCounts::default();
        for call in &self.calls {
            counts.calls += 1;
            match call.outcome() {
                CallOutcome::Failed => counts.failed += 1,
                CallOutcome::Cancelled => counts.cancelled += 1,
                CallOutcome::Running | CallOutcome::Done => {}
            }
            let prompt = call.metrics.as_ref().and_then(|m| m.prompt_tokens).unwrap_or(0);
            counts.tokens += u64::from(prompt) + u64::from(call.tokens());
        }
        counts
    }
}
