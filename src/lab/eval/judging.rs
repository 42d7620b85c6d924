//! Judging one comparison's pairs, each in both orders; a follow-up's answers are shown after
//! each arm's own earlier turns.

use super::answers::turn_label;
use super::{Eval, Step, judge_failure, short};
use crate::engine::arms::{JudgeQuestion, Shown};
use crate::engine::new_run_id;
use crate::lab::arm::{Arm, ArmResult};
use crate::lab::data::{Judgement, Unscored};
use crate::lab::prompt_set::LabPrompt;
use crate::lab::verdict::{Outcome, combine, read_judgement};

/// What judging a comparison's pairs gave.
pub(super) struct Judged {
    pub outcomes: Vec<((Arm, Arm), Outcome)>,
    pub judgements: Vec<Judgement>,
    pub unscored: Vec<((Arm, Arm), Unscored)>,
}

impl Eval<'_> {
    /// Judges every pair of `arms` (both orders), reusing verdicts the store has.
    pub(super) async fn judge(
        &mut self,
        prompt: &LabPrompt,
        repeat: u32,
        comparison: i64,
        arms: &[(Arm, ArmResult)],
        pairs: &[(Arm, Arm)],
    ) -> Step<Judged> {
        let judge_model = self.options.judge_model.clone();
        let reference = prompt.reference.as_deref().map(crate::lab::reference::for_the_judge);
        let mut judged = Judged { outcomes: Vec::new(), judgements: Vec::new(), unscored: Vec::new() };
        for pair in pairs {
            let answer = |arm: &Arm| arms.iter().find(|(a, _)| a == arm).and_then(|(_, r)| r.answer.clone());
            let (Some(x), Some(y)) = (answer(&pair.0), answer(&pair.1)) else {
                let failed: Vec<Arm> = [&pair.0, &pair.1]
                    .into_iter()
                    .filter(|arm| !arms.iter().any(|(a, r)| a == *arm && r.answered()))
                    .cloned()
                    .collect();
                judged.unscored.push((pair.clone(), Unscored::ArmFailed(failed)));
                self.done += 2;
                continue;
            };
            // Each arm's own earlier turns, as the judge reads them before a follow-up's reply.
            let earlier = |eval: &mut Self, arm: &Arm| -> Result<Vec<(String, String)>, String> {
                let history = eval.history(prompt, repeat, arm)?.unwrap_or_default();
                Ok(history.into_iter().map(|(q, r)| (q, r.answer.unwrap_or_default())).collect())
            };
            let (earlier_x, earlier_y) = (earlier(self, &pair.0)?, earlier(self, &pair.1)?);
            let shown_x = Shown { answer: &x, earlier: &earlier_x };
            let shown_y = Shown { answer: &y, earlier: &earlier_y };
            let mut verdicts = Vec::new();
            let mut failure = None;
            for (shown_first, a, b) in [(&pair.0, shown_x, shown_y), (&pair.1, shown_y, shown_x)] {
                let label =
                    format!("{}{} · judge {} vs {}", turn_label(prompt), short(&prompt.text), pair.0, pair.1);
                if failure.is_some() {
                    // One order failed: the pair cannot be scored this time, so spare the other.
                    self.step(format!("{label} (skipped)"), false);
                    continue;
                }
                if let Some(judgement) = self.store.judgement(comparison, pair, shown_first, &judge_model)? {
                    self.step(label, true);
                    verdicts.push(judgement);
                    continue;
                }
                let question = JudgeQuestion { prompt: &prompt.text, reference: reference.as_deref() };
                let summary = self
                    .engine
                    .run_judge(
                        new_run_id(),
                        &judge_model,
                        question,
                        (a, b),
                        self.sink,
                        self.cancel.child_token(),
                    )
                    .await;
                if self.cancel.is_cancelled() {
                    return Ok(None);
                }
                match judge_failure(&summary) {
                    // A failed call is no verdict: nothing is saved, so a later run retries it.
                    Some(reason) => {
                        self.step(
                            format!("{label}: the judge failed: {}", crate::text::one_line(&reason, 80)),
                            false,
                        );
                        failure = Some(reason);
                    }
                    None => {
                        let reading = read_judgement(summary.answer.as_deref().unwrap_or(""));
                        let judgement = Judgement {
                            pair: pair.clone(),
                            shown_first: shown_first.clone(),
                            judge_model: judge_model.clone(),
                            run_id: summary.run_id.to_string(),
                            pick: reading.pick,
                            reason: reading.reason,
                        };
                        self.store.save_judgement(comparison, &judgement)?;
                        self.step(label, false);
                        verdicts.push(judgement);
                    }
                }
            }
            match (failure, verdicts.as_slice()) {
                (None, [first, second]) => {
                    judged.outcomes.push((pair.clone(), combine(first.pick, second.pick)));
                    judged.judgements.extend(verdicts);
                }
                (failure, _) => {
                    let reason = failure.unwrap_or_else(|| "the judge did not answer".into());
                    judged.unscored.push((pair.clone(), Unscored::NotJudged(reason)));
                }
            }
        }
        Ok(Some(judged))
    }
}
