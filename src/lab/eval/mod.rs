//! Running an evaluation: every prompt through every arm, each pair judged twice with the order
//! swapped, and with `levels` each parent of the tree's run judged against its children's replies.
//! Resumable: work already in the store (an arm's answer, a verdict) is never redone.
//!
//! A follow-up prompt (MT-Bench's second turn) is asked in the same conversation of each arm: the
//! arm reads its own earlier turns first, and the judge reads each arm's conversation but judges
//! the last reply only ([`crate::engine::arms::JUDGE_FOLLOW_UP_TEMPLATE`]).

mod answers;
mod judging;
mod parents;

use std::collections::HashMap;

use tokio_util::sync::CancellationToken;

use super::arm::Arm;
use super::data::{ComparisonResult, LabStore};
use super::prompt_set::LabPrompt;
use crate::engine::{Engine, EventSink, PastTurn};

/// What to run.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    pub arms: Vec<Arm>,
    /// The engine of each other organization among `arms` (`tree@seed`): every `Arm::Org` needs
    /// one here.
    pub orgs: Vec<OrgEngine>,
    pub repeat: u32,
    pub judge_model: String,
    /// Also judge each parent of the tree's runs against its children's replies (value added at
    /// each level). Needs the tree among the arms.
    pub levels: bool,
}

/// Another organization's arm and the engine that runs it (its own hierarchy, on the same server).
#[derive(Clone)]
pub struct OrgEngine {
    pub arm: Arm,
    pub engine: Engine,
}

impl std::fmt::Debug for OrgEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrgEngine").field("arm", &self.arm).finish_non_exhaustive()
    }
}

/// A step finished, for progress display.
#[derive(Debug, Clone)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    /// What the step was, on one line with terminal controls removed (it quotes the prompt and a
    /// server's error): ready to show as it is.
    pub label: String,
    /// True when the step was found in the store and not run again.
    pub resumed: bool,
}

/// The pairs to judge: with the tree among the arms, the tree against each other arm (the user's
/// question is always about the team; judging the alternatives against each other would double
/// the judge's calls and answer nothing asked). Without it, every unordered pair, in the order the
/// arms were given.
pub fn pairs(arms: &[Arm]) -> Vec<(Arm, Arm)> {
    if arms.contains(&Arm::Tree) {
        return arms.iter().filter(|a| **a != Arm::Tree).map(|a| (Arm::Tree, a.clone())).collect();
    }
    let mut out = Vec::new();
    for (i, x) in arms.iter().enumerate() {
        for y in &arms[i + 1..] {
            out.push((x.clone(), y.clone()));
        }
    }
    out
}

/// What one evaluation shares across its steps.
struct Eval<'a> {
    engine: &'a Engine,
    sink: &'a EventSink,
    store: &'a mut dyn LabStore,
    options: &'a EvalOptions,
    progress: &'a mut (dyn FnMut(Progress) + Send),
    cancel: &'a CancellationToken,
    done: usize,
    total: usize,
    /// The tree's runs made by this evaluation, as turns by run id: a follow-up and the levels
    /// read them here rather than from the store.
    turns: HashMap<String, PastTurn>,
    /// The comparison of each (questions before, prompt, repeat) met so far: a follow-up finds its
    /// earlier turns' here (asking the store again would create or rewrite them).
    seen: HashMap<(Vec<String>, String, u32), i64>,
}

/// A step's answer, or the evaluation was cancelled meanwhile (what finished is kept).
type Step<T> = Result<Option<T>, String>;

impl Eval<'_> {
    /// Reports one finished step.
    fn step(&mut self, label: String, resumed: bool) {
        self.done += 1;
        (self.progress)(Progress { done: self.done, total: self.total, label, resumed });
    }

    /// The parents whose levels each tree run gets judged on (none without `levels`).
    fn parents(&self) -> usize {
        let judged = self.options.levels && self.options.arms.contains(&Arm::Tree);
        if judged { self.engine.hierarchy().nodes.iter().filter(|n| n.is_parent()).count() } else { 0 }
    }
}

/// Runs the evaluation; stops early (keeping what finished) when `cancel` fires.
pub async fn run_eval(
    engine: &Engine,
    sink: &EventSink,
    store: &mut dyn LabStore,
    prompts: &[LabPrompt],
    options: &EvalOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
    cancel: &CancellationToken,
) -> Result<Vec<ComparisonResult>, String> {
    let pairs = pairs(&options.arms);
    if let Some(arm) =
        options.arms.iter().find(|a| matches!(a, Arm::Org(_)) && !options.orgs.iter().any(|o| o.arm == **a))
    {
        return Err(format!(
            "the arm {arm} was given no engine to run it (a bug in ailab: please report it)"
        ));
    }
    let mut eval = Eval {
        engine,
        sink,
        store,
        options,
        progress,
        cancel,
        done: 0,
        total: 0,
        turns: HashMap::new(),
        seen: HashMap::new(),
    };
    let per_prompt = options.arms.len() + 2 * pairs.len() + 2 * eval.parents();
    eval.total = prompts.len() * options.repeat as usize * per_prompt;
    let mut results = Vec::new();
    for prompt in prompts {
        for repeat in 1..=options.repeat {
            if cancel.is_cancelled() {
                return Ok(results);
            }
            let comparison = eval.store.comparison(prompt, repeat)?;
            eval.seen.insert((prompt.earlier.clone(), prompt.text.clone(), repeat), comparison);
            let Some(arms) = eval.answer(prompt, repeat, comparison).await? else { return Ok(results) };
            let Some(judged) = eval.judge(prompt, repeat, comparison, &arms, &pairs).await? else {
                return Ok(results);
            };
            let Some(levels) = eval.judge_levels(comparison, &arms).await? else { return Ok(results) };
            results.push(ComparisonResult {
                comparison,
                prompt: prompt.clone(),
                repeat,
                arms,
                outcomes: judged.outcomes,
                judgements: judged.judgements,
                unscored: judged.unscored,
                levels,
            });
        }
    }
    Ok(results)
}

/// Why a judge run gave no verdict, or `None` when it answered.
fn judge_failure(summary: &crate::engine::RunSummary) -> Option<String> {
    use crate::engine::RunStatus;
    match (&summary.status, &summary.answer) {
        (RunStatus::Done | RunStatus::Degraded, Some(_)) => None,
        _ => Some(
            summary
                .error
                .clone()
                .unwrap_or_else(|| format!("the judge's run ended {}", summary.status.as_str())),
        ),
    }
}

fn short(text: &str) -> String {
    crate::text::one_line(text, 40)
}
