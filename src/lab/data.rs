//! The lab's plain data: a judge's verdict, a comparison's result, the rows the record keeps of
//! them, and the [`LabStore`] the record implements. Kept apart from the running ([`super::eval`])
//! and the scoring ([`super::score`], [`super::report`]) so the record can name what it stores
//! without reaching the code that computes it.

use serde::Serialize;

use crate::engine::PastTurn;

use super::arm::{Arm, ArmResult};
use super::levels::{LevelJudgement, LevelSide};
use super::prompt_set::LabPrompt;
use super::verdict::{Outcome, Pick};

/// One judge call's verdict on a pair, shown in one order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judgement {
    /// The pair as the report names it: (x, y) in "x vs y".
    pub pair: (Arm, Arm),
    /// Which arm was shown as answer A.
    pub shown_first: Arm,
    pub judge_model: String,
    pub run_id: String,
    pub pick: Option<Pick>,
    pub reason: String,
}

/// Where comparisons live (the SQLite record in the app; memory in tests).
pub trait LabStore: Send {
    /// The comparison for this prompt and repeat number, created if new.
    fn comparison(&mut self, prompt: &LabPrompt, repeat: u32) -> Result<i64, String>;
    /// What `arm` answered in `comparison`, if it ran.
    fn arm_result(&mut self, comparison: i64, arm: &Arm) -> Result<Option<ArmResult>, String>;
    /// Keeps what `arm` answered in `comparison` (replacing an earlier try).
    fn save_arm(&mut self, comparison: i64, arm: &Arm, result: &ArmResult) -> Result<(), String>;
    /// The verdict of `judge_model` on `pair` shown in this order, if it was given.
    fn judgement(
        &mut self,
        comparison: i64,
        pair: &(Arm, Arm),
        shown_first: &Arm,
        judge_model: &str,
    ) -> Result<Option<Judgement>, String>;
    /// Keeps a verdict.
    fn save_judgement(&mut self, comparison: i64, judgement: &Judgement) -> Result<(), String>;
    /// A tree run as a turn of its conversation (for a follow-up to read, and to judge its levels),
    /// or `None` when the store has no such run (it was deleted, or it kept no runs).
    fn past_turn(&mut self, run_id: &str) -> Result<Option<PastTurn>, String>;
    /// The verdict of `judge_model` on the parent `node` of the tree run `run_id`, shown in this
    /// order, if it was given.
    fn level_judgement(
        &mut self,
        run_id: &str,
        node: &str,
        shown_first: LevelSide,
        judge_model: &str,
    ) -> Result<Option<LevelJudgement>, String>;
    /// Keeps a verdict on a parent of a tree run answering in `comparison`.
    fn save_level_judgement(&mut self, comparison: i64, judgement: &LevelJudgement) -> Result<(), String>;
}

/// Why a pair of a comparison has no outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "why", content = "detail")]
pub enum Unscored {
    /// An arm of the pair gave no answer (its run failed), so there was nothing to judge.
    ArmFailed(Vec<Arm>),
    /// The judge gave no verdict in both orders (its call failed, or it has not run yet): not a
    /// tie, and retried when the evaluation runs again.
    NotJudged(String),
}

/// One prompt's comparison as it ended.
#[derive(Debug, Clone)]
pub struct ComparisonResult {
    pub comparison: i64,
    pub prompt: LabPrompt,
    pub repeat: u32,
    pub arms: Vec<(Arm, ArmResult)>,
    /// Per pair (x, y): the outcome after the swap rule, when both arms answered and were judged.
    pub outcomes: Vec<((Arm, Arm), Outcome)>,
    /// The judge's verdicts behind `outcomes`, both orders of each pair (none for human votes).
    pub judgements: Vec<Judgement>,
    /// Pairs with no outcome, and why: counted apart, never as ties.
    pub unscored: Vec<((Arm, Arm), Unscored)>,
    /// The judge's verdicts on the parents of the tree's run (`--levels`), both orders of each.
    pub levels: Vec<LevelJudgement>,
}

impl ComparisonResult {
    /// The two verdicts of `pair`, (first arm shown first, second arm shown first), if both exist.
    pub fn picks(&self, pair: &(Arm, Arm)) -> Option<(&Judgement, &Judgement)> {
        let order = |first: &Arm| self.judgements.iter().find(|j| j.pair == *pair && j.shown_first == *first);
        Some((order(&pair.0)?, order(&pair.1)?))
    }
}

/// A comparison as the record keeps it: its prompt and what each arm answered, arms in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    pub comparison: i64,
    pub prompt: LabPrompt,
    pub repeat: u32,
    pub arms: Vec<(Arm, ArmResult)>,
}

/// A blind vote as the record keeps it. `outcome` is from `pair.0`'s side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteRow {
    pub comparison: i64,
    pub pair: (Arm, Arm),
    pub outcome: Outcome,
}

/// A comparison waiting for the user's blind vote on one pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PendingVote {
    pub comparison: i64,
    pub prompt: LabPrompt,
    pub pair: (Arm, Arm),
    pub answers: (String, String),
}

/// Everything the record holds of some comparisons, read back as stored, for the scoring
/// ([`super::score`]) to turn into results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabRows {
    /// Every comparison, oldest first.
    pub comparisons: Vec<ComparisonRow>,
    /// The judge's verdicts with the comparison each belongs to, oldest first.
    pub judgements: Vec<(i64, Judgement)>,
    /// The blind votes, newest first (the latest vote on a pair is the one that counts).
    pub votes: Vec<VoteRow>,
    /// The judge's verdicts on the parents of the tree runs (`--levels`), oldest first.
    pub levels: Vec<LevelJudgement>,
    /// Every model a call of an arm's run asked for or was answered by, as (comparison, model),
    /// once each: who was under test, as recorded (another organization's members included).
    pub arm_models: Vec<(i64, String)>,
}
