//! The arms of a comparison and what one arm's run produced.

use serde::{Deserialize, Serialize};

use crate::engine::{RunStatus, RunSummary};

/// A way of answering a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arm {
    /// The configured hierarchy.
    Tree,
    /// The root's model alone, same sampling.
    Solo,
    /// The tree's call budget as N samples plus one aggregating call.
    Compute,
    /// The tree's leaves' own answers, joined without synthesis (read out of the tree's run).
    Parts,
}

impl Arm {
    pub const ALL: [Arm; 4] = [Arm::Tree, Arm::Solo, Arm::Compute, Arm::Parts];

    pub fn as_str(self) -> &'static str {
        match self {
            Arm::Tree => "tree",
            Arm::Solo => "solo",
            Arm::Compute => "compute",
            Arm::Parts => "parts",
        }
    }

    pub fn parse(s: &str) -> Option<Arm> {
        match s.trim() {
            "tree" => Some(Arm::Tree),
            "solo" => Some(Arm::Solo),
            "compute" | "same-compute" | "same_compute" => Some(Arm::Compute),
            "parts" => Some(Arm::Parts),
            _ => None,
        }
    }

    /// Parses `tree,solo,compute`, keeping the order given and refusing repeats and unknowns.
    pub fn parse_list(s: &str) -> Result<Vec<Arm>, String> {
        let mut arms = Vec::new();
        for part in s.split(',').filter(|p| !p.trim().is_empty()) {
            let arm = Arm::parse(part).ok_or_else(|| {
                format!("unknown arm \"{}\": the arms are tree, parts, solo and compute", part.trim())
            })?;
            if arms.contains(&arm) {
                return Err(format!("the arm {} is listed twice", arm.as_str()));
            }
            arms.push(arm);
        }
        if arms.contains(&Arm::Parts) && !arms.contains(&Arm::Tree) {
            return Err(
                "the parts arm is read out of the tree's run: add tree to --arms (e.g. tree,parts)".into()
            );
        }
        if arms.len() < 2 {
            return Err("a comparison needs at least two arms, e.g. --arms tree,solo".into());
        }
        Ok(arms)
    }
}

impl std::fmt::Display for Arm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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
