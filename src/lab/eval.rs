//! Running an evaluation: every prompt through every arm, each pair judged twice with the order
//! swapped. Resumable: work already in the store (an arm's answer, a verdict) is never redone.

use tokio_util::sync::CancellationToken;

use super::arm::{Arm, ArmResult};
use super::prompt_set::LabPrompt;
use super::verdict::{Outcome, Pick, combine, read_judgement};
use crate::config::Hierarchy;
use crate::engine::{Engine, EventSink, new_run_id};

/// One judge call's verdict on a pair, shown in one order.
#[derive(Debug, Clone, PartialEq)]
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
    fn arm_result(&mut self, comparison: i64, arm: Arm) -> Result<Option<ArmResult>, String>;
    fn save_arm(&mut self, comparison: i64, arm: Arm, result: &ArmResult) -> Result<(), String>;
    fn judgement(
        &mut self,
        comparison: i64,
        pair: (Arm, Arm),
        shown_first: Arm,
        judge_model: &str,
    ) -> Result<Option<Judgement>, String>;
    fn save_judgement(&mut self, comparison: i64, judgement: &Judgement) -> Result<(), String>;
}

/// What to run.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    pub arms: Vec<Arm>,
    pub repeat: u32,
    pub judge_model: String,
}

/// A step finished, for progress display.
#[derive(Debug, Clone)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub label: String,
    /// True when the step was found in the store and not run again.
    pub resumed: bool,
}

/// One prompt's comparison as it ended.
#[derive(Debug, Clone)]
pub struct ComparisonResult {
    pub comparison: i64,
    pub prompt: LabPrompt,
    pub repeat: u32,
    pub arms: Vec<(Arm, ArmResult)>,
    /// Per pair (x, y): the outcome after the swap rule, when both arms answered.
    pub outcomes: Vec<((Arm, Arm), Outcome)>,
}

/// Every unordered pair of arms, in the order the arms were given.
pub fn pairs(arms: &[Arm]) -> Vec<(Arm, Arm)> {
    let mut out = Vec::new();
    for (i, x) in arms.iter().enumerate() {
        for y in &arms[i + 1..] {
            out.push((*x, *y));
        }
    }
    out
}

/// Calls one run of the tree makes, before any failure (the compute arm's default budget).
pub fn expected_calls(h: &Hierarchy) -> usize {
    h.nodes
        .iter()
        .map(|n| {
            let own = if n.is_parent() { 2 + 2 * n.children.len() * usize::from(n.critique) } else { 1 };
            own + 2 * n.reflect as usize
        })
        .sum()
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
    let per_prompt = options.arms.len() + 2 * pairs.len();
    let total = prompts.len() * options.repeat as usize * per_prompt;
    let mut done = 0;
    let mut results = Vec::new();
    for prompt in prompts {
        for repeat in 1..=options.repeat {
            if cancel.is_cancelled() {
                return Ok(results);
            }
            let comparison = store.comparison(prompt, repeat)?;
            let mut arms: Vec<(Arm, ArmResult)> = Vec::new();
            // The tree runs first so the compute arm can match its actual call count.
            let mut order = options.arms.clone();
            order.sort_by_key(|a| *a != Arm::Tree);
            for arm in order {
                let stored = store.arm_result(comparison, arm)?.filter(ArmResult::answered);
                let resumed = stored.is_some();
                let result = match stored {
                    Some(result) => result,
                    None => {
                        let budget = arms
                            .iter()
                            .find(|(a, _)| *a == Arm::Tree)
                            .map_or(expected_calls(engine.hierarchy()), |(_, r)| r.calls as usize);
                        let summary = run_arm(engine, sink, arm, &prompt.text, budget, cancel).await;
                        if cancel.is_cancelled() {
                            return Ok(results);
                        }
                        let result = ArmResult::from_summary(&summary);
                        store.save_arm(comparison, arm, &result)?;
                        result
                    }
                };
                done += 1;
                progress(Progress {
                    done,
                    total,
                    label: format!("{} · {arm}", short(&prompt.text)),
                    resumed,
                });
                arms.push((arm, result));
            }
            arms.sort_by_key(|(a, _)| options.arms.iter().position(|x| x == a));

            let mut outcomes = Vec::new();
            for pair in &pairs {
                let answer =
                    |arm: Arm| arms.iter().find(|(a, _)| *a == arm).and_then(|(_, r)| r.answer.clone());
                let (Some(x), Some(y)) = (answer(pair.0), answer(pair.1)) else {
                    done += 2;
                    continue;
                };
                let mut picks = Vec::new();
                for (shown_first, a, b) in [(pair.0, &x, &y), (pair.1, &y, &x)] {
                    let stored = store.judgement(comparison, *pair, shown_first, &options.judge_model)?;
                    let resumed = stored.is_some();
                    let judgement = match stored {
                        Some(j) => j,
                        None => {
                            let run_id = new_run_id();
                            let summary = engine
                                .run_judge(
                                    run_id,
                                    &options.judge_model,
                                    &prompt.text,
                                    (a, b),
                                    sink,
                                    cancel.child_token(),
                                )
                                .await;
                            if cancel.is_cancelled() {
                                return Ok(results);
                            }
                            let reading = read_judgement(summary.answer.as_deref().unwrap_or(""));
                            let judgement = Judgement {
                                pair: *pair,
                                shown_first,
                                judge_model: options.judge_model.clone(),
                                run_id: summary.run_id.to_string(),
                                pick: reading.pick,
                                reason: summary.error.unwrap_or(reading.reason),
                            };
                            store.save_judgement(comparison, &judgement)?;
                            judgement
                        }
                    };
                    done += 1;
                    progress(Progress {
                        done,
                        total,
                        label: format!("{} · judge {} vs {}", short(&prompt.text), pair.0, pair.1),
                        resumed,
                    });
                    picks.push(judgement.pick);
                }
                outcomes.push((*pair, combine(picks[0], picks[1])));
            }
            results.push(ComparisonResult { comparison, prompt: prompt.clone(), repeat, arms, outcomes });
        }
    }
    Ok(results)
}

async fn run_arm(
    engine: &Engine,
    sink: &EventSink,
    arm: Arm,
    prompt: &str,
    budget: usize,
    cancel: &CancellationToken,
) -> crate::engine::RunSummary {
    let run_id = new_run_id();
    let cancel = cancel.child_token();
    match arm {
        Arm::Tree => engine.run_with_id(run_id, prompt.to_string(), sink, cancel).await,
        Arm::Solo => engine.run_solo(run_id, prompt.to_string(), sink, cancel).await,
        // N samples (N = the tree's call count) plus one aggregating call, as Self-MoA does.
        Arm::Compute => engine.run_compute(run_id, prompt.to_string(), budget.max(1), sink, cancel).await,
    }
}

fn short(text: &str) -> String {
    crate::text::one_line(text, 40)
}
