//! The experiment: is the tree better than one model alone, or than the same compute spent
//! another way? Arms, judging with the swap rule, and honest statistics.

pub mod arm;
pub mod eval;
pub mod prompt_set;
pub mod report;
pub mod stats;
pub mod verdict;

pub use arm::{Arm, ArmResult};
pub use eval::{EvalOptions, Judgement, LabStore, Progress, run_eval};
pub use prompt_set::LabPrompt;
pub use report::{Scoreboard, render_table, scoreboard};
#[cfg(test)]
mod tests;
