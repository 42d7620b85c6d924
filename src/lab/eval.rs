//! Running an evaluation: every prompt through every arm, each pair judged twice with the order
//! swapped. Resumable: work already in the store (an arm's answer, a verdict) is never redone.

use tokio_util::sync::CancellationToken;

use super::arm::{Arm, ArmResult};
use super::data::{ComparisonResult, Judgement, LabStore, Unscored};
use super::prompt_set::LabPrompt;
use super::verdict::{combine, read_judgement};
use crate::config::Hierarchy;
use crate::engine::{Engine, EventSink, new_run_id};

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
        return arms.iter().filter(|a| **a != Arm::Tree).map(|a| (Arm::Tree, *a)).collect();
    }
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
    h.calls_per_question()
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
            // The parts are read out of the tree's run as it ends: a tree kept from an earlier eval
            // without its parts runs again rather than leave the parts unknown.
            let parts_missing = options.arms.contains(&Arm::Parts)
                && store.arm_result(comparison, Arm::Parts)?.filter(ArmResult::answered).is_none();
            let mut fresh_parts: Option<ArmResult> = None;
            for arm in order {
                // (result, found in the record): the parts made just now are not resumed.
                let stored = match arm {
                    Arm::Tree if parts_missing => None,
                    Arm::Parts => match fresh_parts.take() {
                        Some(parts) => Some((parts, false)),
                        // Kept from an earlier eval (the tree did not run again).
                        None => store.arm_result(comparison, arm)?.map(|r| (r, true)),
                    },
                    _ => store.arm_result(comparison, arm)?.filter(ArmResult::answered).map(|r| (r, true)),
                };
                let resumed = stored.as_ref().is_some_and(|(_, resumed)| *resumed);
                let result = match stored {
                    Some((result, _)) => result,
                    // Only reached without a tree arm to read them from (the options refuse that).
                    None if arm == Arm::Parts => ArmResult::no_run(),
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
                        if arm == Arm::Tree && options.arms.contains(&Arm::Parts) {
                            let parts = parts_result(engine.hierarchy(), &summary);
                            store.save_arm(comparison, Arm::Parts, &parts)?;
                            fresh_parts = Some(parts);
                        }
                        result
                    }
                };
                done += 1;
                let failed = if result.answered() {
                    String::new()
                } else {
                    format!(" (no answer: the run {})", result.status.as_str())
                };
                progress(Progress {
                    done,
                    total,
                    label: format!("{} · {arm}{failed}", short(&prompt.text)),
                    resumed,
                });
                arms.push((arm, result));
            }
            arms.sort_by_key(|(a, _)| options.arms.iter().position(|x| x == a));

            let judge_reference = prompt.reference.as_deref().map(super::reference::for_the_judge);
            let mut outcomes = Vec::new();
            let mut judgements = Vec::new();
            let mut unscored = Vec::new();
            for pair in &pairs {
                let answer =
                    |arm: Arm| arms.iter().find(|(a, _)| *a == arm).and_then(|(_, r)| r.answer.clone());
                let (Some(x), Some(y)) = (answer(pair.0), answer(pair.1)) else {
                    let failed: Vec<Arm> = [pair.0, pair.1]
                        .into_iter()
                        .filter(|arm| !arms.iter().any(|(a, r)| a == arm && r.answered()))
                        .collect();
                    unscored.push((*pair, Unscored::ArmFailed(failed)));
                    done += 2;
                    continue;
                };
                let mut verdicts = Vec::new();
                let mut failure = None;
                for (shown_first, a, b) in [(pair.0, &x, &y), (pair.1, &y, &x)] {
                    let label = format!("{} · judge {} vs {}", short(&prompt.text), pair.0, pair.1);
                    done += 1;
                    if failure.is_some() {
                        // One order failed: the pair cannot be scored this time, so spare the other.
                        progress(Progress {
                            done,
                            total,
                            label: format!("{label} (skipped)"),
                            resumed: false,
                        });
                        continue;
                    }
                    if let Some(judgement) =
                        store.judgement(comparison, *pair, shown_first, &options.judge_model)?
                    {
                        progress(Progress { done, total, label, resumed: true });
                        verdicts.push(judgement);
                        continue;
                    }
                    let summary = engine
                        .run_judge(
                            new_run_id(),
                            &options.judge_model,
                            crate::engine::arms::JudgeQuestion {
                                prompt: &prompt.text,
                                reference: judge_reference.as_deref(),
                            },
                            (a, b),
                            sink,
                            cancel.child_token(),
                        )
                        .await;
                    if cancel.is_cancelled() {
                        return Ok(results);
                    }
                    match judge_failure(&summary) {
                        // A failed call is no verdict: nothing is saved, so a later run retries it.
                        Some(reason) => {
                            progress(Progress {
                                done,
                                total,
                                label: format!(
                                    "{label}: the judge failed: {}",
                                    crate::text::one_line(&reason, 80)
                                ),
                                resumed: false,
                            });
                            failure = Some(reason);
                        }
                        None => {
                            let reading = read_judgement(summary.answer.as_deref().unwrap_or(""));
                            let judgement = Judgement {
                                pair: *pair,
                                shown_first,
                                judge_model: options.judge_model.clone(),
                                run_id: summary.run_id.to_string(),
                                pick: reading.pick,
                                reason: reading.reason,
                            };
                            store.save_judgement(comparison, &judgement)?;
                            progress(Progress { done, total, label, resumed: false });
                            verdicts.push(judgement);
                        }
                    }
                }
                match (failure, verdicts.as_slice()) {
                    (None, [first, second]) => {
                        outcomes.push((*pair, combine(first.pick, second.pick)));
                        judgements.extend(verdicts);
                    }
                    (failure, _) => {
                        let reason = failure.unwrap_or_else(|| "the judge did not answer".into());
                        unscored.push((*pair, Unscored::NotJudged(reason)));
                    }
                }
            }
            results.push(ComparisonResult {
                comparison,
                prompt: prompt.clone(),
                repeat,
                arms,
                outcomes,
                judgements,
                unscored,
            });
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
        // The parts never run on their own (see `parts_result`); asked to, they are the tree's run.
        Arm::Tree | Arm::Parts => engine.run_with_id(run_id, prompt.to_string(), sink, cancel).await,
        Arm::Solo => engine.run_solo(run_id, prompt.to_string(), sink, cancel).await,
        // N samples (N = the tree's call count) plus one aggregating call, as Self-MoA does.
        Arm::Compute => engine.run_compute(run_id, prompt.to_string(), budget.max(1), sink, cancel).await,
    }
}

/// The parts arm of a tree run: the leaves' answers joined, at the tree's cost (they came out of
/// its run). No leaf answer (the run failed before any) is a failed arm, never an empty answer.
fn parts_result(hierarchy: &Hierarchy, tree: &crate::engine::RunSummary) -> ArmResult {
    let mut result = ArmResult::from_summary(tree);
    result.answer = tree.turn.as_ref().and_then(|turn| super::parts::parts_answer(hierarchy, turn));
    if result.answer.is_none() {
        result.status = crate::engine::RunStatus::Failed;
    }
    result
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
