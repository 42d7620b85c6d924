//! The experiment: is the tree better than one model alone, or than the same compute spent
//! another way? Arms, judging with the swap rule, and honest statistics.

pub mod agreement;
pub mod arm;
pub mod data;
pub mod eval;
pub mod judge_check;
pub mod lab_report;
pub mod levels;
pub mod mtbench;
pub mod organization;
pub mod parts;
pub mod plain;
pub mod prompt_set;
pub mod reference;
pub mod report;
pub mod score;
pub mod stats;
pub mod table;
pub mod trust;
pub mod verdict;

pub use arm::{Arm, ArmResult, ArmSpec, OrgKey};
pub use data::{
    ComparisonResult, ComparisonRow, Judgement, LabRows, LabStore, PendingVote, Unscored, VoteRow,
};
pub use eval::{EvalOptions, Progress, run_eval};
pub use judge_check::{CLI_ADVICE, JudgeAdvice, TUI_ADVICE, check_judge};
pub use prompt_set::{LabPrompt, PromptSet};
pub use report::{Scoreboard, scoreboard};
pub use score::{judged_comparisons, vote_queue, voted_comparisons};
pub use table::render_table;

/// The backend label of comparisons made by the offline demo (its endpoint's name).
pub const DEMO_BACKEND: &str = crate::llm::demo::DEMO_ENDPOINT;

/// Where a session's runs go, as the status bar shows it and as comparisons are keyed (besides the
/// prompt and the hierarchy): the demo, or the server's base URL. Demo answers and scripted
/// verdicts must never stand in for a real model's.
pub fn backend_label(demo: bool, hierarchy: &crate::config::Hierarchy) -> String {
    if demo { DEMO_BACKEND.to_string() } else { hierarchy.server.base_url.clone() }
}

/// True when `judge_model` is one of the tree's models (or another instance of one): its verdicts
/// on its own team are weak evidence, and every result says so.
pub fn self_judged(judge_model: &str, hierarchy: &crate::config::Hierarchy) -> bool {
    let models: Vec<&str> = hierarchy.nodes.iter().map(|n| n.model.as_str()).collect();
    trust::is_self_judge(judge_model, &models)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod turn_fixture;
