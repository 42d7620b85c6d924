//! One comparison's answers: each arm run (or found in the store), a follow-up after the arm's
//! own earlier turns.

use std::collections::BTreeMap;

use super::{Eval, Step, short};
use crate::config::Hierarchy;
use crate::engine::{Conversation, Exchange, PastTurn, RunStatus, RunSummary, new_run_id};
use crate::lab::arm::{Arm, ArmResult};
use crate::lab::prompt_set::LabPrompt;

/// What one arm answered on the turns before a follow-up, oldest first: (question, its result).
pub(super) type History = Vec<(String, ArmResult)>;

impl Eval<'_> {
    /// Every arm's answer to `prompt` in `comparison`, in the order the arms were given.
    pub(super) async fn answer(
        &mut self,
        prompt: &LabPrompt,
        repeat: u32,
        comparison: i64,
    ) -> Step<Vec<(Arm, ArmResult)>> {
        let options = self.options;
        let mut arms: Vec<(Arm, ArmResult)> = Vec::new();
        // The tree runs first so the compute arm can match its actual call count.
        let mut order = options.arms.clone();
        order.sort_by_key(|a| *a != Arm::Tree);
        // The parts are read out of the tree's run as it ends: a tree kept from an earlier eval
        // without its parts runs again rather than leave the parts unknown.
        let parts_missing = options.arms.contains(&Arm::Parts)
            && self.store.arm_result(comparison, &Arm::Parts)?.filter(ArmResult::answered).is_none();
        let mut fresh_parts: Option<ArmResult> = None;
        for arm in order {
            // (result, found in the record): the parts made just now are not resumed.
            let stored = match arm {
                Arm::Tree if parts_missing => None,
                Arm::Parts => match fresh_parts.take() {
                    Some(parts) => Some((parts, false)),
                    // Kept from an earlier eval (the tree did not run again).
                    None => self.store.arm_result(comparison, &arm)?.map(|r| (r, true)),
                },
                _ => self.store.arm_result(comparison, &arm)?.filter(ArmResult::answered).map(|r| (r, true)),
            };
            let resumed = stored.as_ref().is_some_and(|(_, resumed)| *resumed);
            let mut note = String::new();
            let result = match stored {
                Some((result, _)) => result,
                // Only reached without a tree arm to read them from (the options refuse that).
                None if arm == Arm::Parts => ArmResult::no_run(),
                None => match self.conversation(prompt, repeat, &arm)? {
                    // Not saved: once the earlier turn is answered, a later eval asks this one.
                    None => {
                        note = " (not asked: its earlier turn has no answer)".into();
                        ArmResult::no_run()
                    }
                    Some(conversation) => {
                        let budget = arms
                            .iter()
                            .find(|(a, _)| *a == Arm::Tree)
                            .map_or(self.engine.hierarchy().calls_per_question(), |(_, r)| r.calls as usize);
                        let Some(summary) = self.run_arm(&arm, &prompt.text, budget, &conversation).await
                        else {
                            return Ok(None);
                        };
                        let result = ArmResult::from_summary(&summary);
                        self.store.save_arm(comparison, &arm, &result)?;
                        if arm == Arm::Tree && options.arms.contains(&Arm::Parts) {
                            let parts = parts_result(self.engine.hierarchy(), &summary);
                            self.store.save_arm(comparison, &Arm::Parts, &parts)?;
                            fresh_parts = Some(parts);
                        }
                        if arm.runs_a_tree()
                            && let Some(turn) = summary.turn
                        {
                            self.turns.insert(result.run_id.clone(), turn);
                        }
                        result
                    }
                },
            };
            if note.is_empty() && !result.answered() {
                note = format!(" (no answer: the run {})", result.status.as_str());
            }
            self.step(format!("{}{} · {arm}{note}", turn_label(prompt), short(&prompt.text)), resumed);
            arms.push((arm, result));
        }
        arms.sort_by_key(|(a, _)| options.arms.iter().position(|x| x == a));
        Ok(Some(arms))
    }

    /// What `arm` answered on the turns before `prompt` (none for a first turn), or `None` when
    /// some earlier turn has no answer from it (or was not in the set: `--limit` cut it).
    pub(super) fn history(
        &mut self,
        prompt: &LabPrompt,
        repeat: u32,
        arm: &Arm,
    ) -> Result<Option<History>, String> {
        let mut chain = Vec::new();
        let mut earlier = prompt.previous();
        while let Some(turn) = earlier {
            earlier = turn.previous();
            chain.push(turn);
        }
        let mut out = Vec::new();
        for turn in chain.into_iter().rev() {
            // The set lists a question's turns in order, so the earlier ones were met first.
            let Some(&comparison) = self.seen.get(&(turn.earlier.clone(), turn.text.clone(), repeat)) else {
                return Ok(None);
            };
            match self.store.arm_result(comparison, arm)?.filter(ArmResult::answered) {
                Some(result) => out.push((turn.text, result)),
                None => return Ok(None),
            }
        }
        Ok(Some(out))
    }

    /// The conversation `arm` answers `prompt` in: empty for a first turn; for a follow-up, the
    /// arm's own earlier turns (the tree's as its runs recorded them, members and all). `None`
    /// when an earlier turn has no answer, or the tree's run of it is gone from the record.
    fn conversation_of(&mut self, history: History, arm: &Arm) -> Result<Option<Conversation>, String> {
        let mut conversation = Conversation::default();
        for (question, result) in history {
            let turn = if arm.runs_a_tree() {
                let known = self.turns.get(&result.run_id).cloned();
                match known {
                    Some(turn) => turn,
                    None => match self.store.past_turn(&result.run_id)? {
                        Some(turn) => turn,
                        None => return Ok(None),
                    },
                }
            } else {
                single_turn(arm, question, &result)
            };
            conversation.push(turn);
        }
        Ok(Some(conversation))
    }

    fn conversation(
        &mut self,
        prompt: &LabPrompt,
        repeat: u32,
        arm: &Arm,
    ) -> Result<Option<Conversation>, String> {
        let Some(history) = self.history(prompt, repeat, arm)? else { return Ok(None) };
        self.conversation_of(history, arm)
    }

    /// Runs one arm; `None` when the evaluation was cancelled meanwhile.
    async fn run_arm(
        &mut self,
        arm: &Arm,
        prompt: &str,
        budget: usize,
        conversation: &Conversation,
    ) -> Option<RunSummary> {
        let (engine, sink) = (self.engine, self.sink);
        let run_id = new_run_id();
        let cancel = self.cancel.child_token();
        let prompt = prompt.to_string();
        let summary = match arm {
            // The parts never run on their own (see `parts_result`); asked to, they are the tree's run.
            Arm::Tree | Arm::Parts => engine.run_turn(run_id, prompt, conversation, sink, cancel).await,
            Arm::Solo => engine.run_solo(run_id, prompt, conversation, sink, cancel).await,
            // N samples (N = the tree's call count) plus one aggregating call, as Self-MoA does.
            Arm::Compute => {
                engine.run_compute(run_id, prompt, budget.max(1), conversation, sink, cancel).await
            }
            // Another organization, run whole by its own engine (checked present by `run_eval`).
            Arm::Org(_) => {
                let org = self.options.orgs.iter().find(|o| o.arm == *arm).map_or(engine, |o| &o.engine);
                org.run_turn(run_id, prompt, conversation, sink, cancel).await
            }
        };
        (!self.cancel.is_cancelled()).then_some(summary)
    }
}

/// An earlier turn of a one-node arm (solo, compute, parts) as its next turn reads it: the
/// question and the arm's answer.
fn single_turn(arm: &Arm, question: String, result: &ArmResult) -> PastTurn {
    let exchange = Exchange { task: question.clone(), answer: result.answer.clone() };
    PastTurn {
        run_id: result.run_id.clone(),
        question,
        answer: result.answer.clone(),
        complete: true,
        members: BTreeMap::from([(arm.as_str().to_string(), exchange)]),
        ..PastTurn::default()
    }
}

/// "turn 2 · " before a follow-up's label; nothing for a first turn.
pub(super) fn turn_label(prompt: &LabPrompt) -> String {
    if prompt.earlier.is_empty() { String::new() } else { format!("turn {} · ", prompt.turn()) }
}

/// The parts arm of a tree run: the leaves' answers joined, at the tree's cost (they came out of
/// its run). No leaf answer (the run failed before any) is a failed arm, never an empty answer.
fn parts_result(hierarchy: &Hierarchy, tree: &RunSummary) -> ArmResult {
    let mut result = ArmResult::from_summary(tree);
    result.answer = tree.turn.as_ref().and_then(|turn| crate::lab::parts::parts_answer(hierarchy, turn));
    if result.answer.is_none() {
        result.status = RunStatus::Failed;
    }
    result
}
