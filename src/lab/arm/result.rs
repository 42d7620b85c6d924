//! What one arm's run produced for one prompt.

use serde::{Deserialize, Serialize};

use crate::engine::{RunStatus, RunSummary};

/// What one arm produced for one prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmResult {
    pub run_id: String,
    pub status: RunStatus,
    pub answer: Option<String>,
    pub calls: u32,
    pub tokens: u64,
    pub wall_ms: i64,
    /// Answers of the run flagged as no answer (they mostly repeated their instructions).
    #[serde(default)]
    pub flagged: u32,
}

impl ArmResult {
    pub fn from_summary(summary: &RunSummary) -> Self {
        Self {
            run_id: summary.run_id.to_string(),
            status: summary.status,
            answer: summary.answer.clone(),
            calls: summary.totals.calls,
            tokens: summary.totals.prompt_tokens + summary.totals.completion_tokens,
            wall_ms: summary.totals.wall_ms,
            flagged: summary.totals.flagged_answers,
        }
    }

    /// An arm that could not run at all (nothing recorded).
    pub fn no_run() -> Self {
        Self {
            run_id: String::new(),
            status: RunStatus::Failed,
            answer: None,
            calls: 0,
            tokens: 0,
            wall_ms: 0,
            flagged: 0,
        }
    }

    /// True when the arm produced an answer worth judging.
    pub fn answered(&self) -> bool {
        matches!(self.status, RunStatus::Done | RunStatus::Degraded) && self.answer.is_some()
    }

    /// Answer length in words (judges favour length, so it is shown beside win rates).
    pub fn words(&self) -> usize {
        self.answer.as_deref().map_or(0, |a| a.split_whitespace().count())
    }
}
