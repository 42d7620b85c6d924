//! Value added at each level (`--levels`): each parent of the tree's run judged against its
//! children's replies joined, on its own task, in both orders.

use super::{Eval, Step, judge_failure};
use crate::engine::arms::{JudgeQuestion, Shown};
use crate::engine::new_run_id;
use crate::lab::arm::{Arm, ArmResult};
use crate::lab::levels::{self, LevelJudgement, LevelSide};
use crate::lab::verdict::read_judgement;

impl Eval<'_> {
    /// The verdicts on the parents of the tree's run in `arms` (none without `levels`). A verdict
    /// the store has is reused; a failed judge call is not saved, so a later eval asks again.
    pub(super) async fn judge_levels(
        &mut self,
        comparison: i64,
        arms: &[(Arm, ArmResult)],
    ) -> Step<Vec<LevelJudgement>> {
        let parents = self.parents();
        if parents == 0 {
            return Ok(Some(Vec::new()));
        }
        let steps = 2 * parents;
        let tree = arms.iter().find(|(arm, r)| *arm == Arm::Tree && !r.run_id.is_empty()).map(|(_, r)| r);
        let turn = match tree {
            Some(tree) => match self.turns.get(&tree.run_id).cloned() {
                Some(turn) => Some(turn),
                None => self.store.past_turn(&tree.run_id)?,
            },
            None => None,
        };
        let Some((tree, turn)) = tree.zip(turn) else {
            self.done += steps;
            return Ok(Some(Vec::new()));
        };
        let inputs = levels::inputs(self.engine.hierarchy(), &turn);
        // Parents that gave no synthesis, or whose children all failed, have nothing to compare.
        self.done += steps.saturating_sub(2 * inputs.len());
        let judge_model = self.options.judge_model.clone();
        let mut out = Vec::new();
        for input in &inputs {
            for shown_first in LevelSide::BOTH {
                let label = format!("{} · judge {} against its parts", super::short(&input.task), input.name);
                let stored =
                    self.store.level_judgement(&tree.run_id, &input.node, shown_first, &judge_model)?;
                if let Some(judgement) = stored {
                    self.step(label, true);
                    out.push(judgement);
                    continue;
                }
                let (a, b) = match shown_first {
                    LevelSide::Synthesis => (&input.synthesis, &input.parts),
                    LevelSide::Parts => (&input.parts, &input.synthesis),
                };
                let question = JudgeQuestion { prompt: &input.task, reference: None };
                let answers = (Shown::alone(a), Shown::alone(b));
                let summary = self
                    .engine
                    .run_judge(
                        new_run_id(),
                        &judge_model,
                        question,
                        answers,
                        self.sink,
                        self.cancel.child_token(),
                    )
                    .await;
                if self.cancel.is_cancelled() {
                    return Ok(None);
                }
                if let Some(reason) = judge_failure(&summary) {
                    self.step(
                        format!("{label}: the judge failed: {}", crate::text::one_line(&reason, 80)),
                        false,
                    );
                    continue;
                }
                let reading = read_judgement(summary.answer.as_deref().unwrap_or(""));
                let judgement = LevelJudgement {
                    run_id: tree.run_id.clone(),
                    node: input.node.clone(),
                    shown_first,
                    judge_model: judge_model.clone(),
                    judge_run: summary.run_id.to_string(),
                    pick: reading.pick,
                    reason: reading.reason,
                };
                self.store.save_level_judgement(comparison, &judgement)?;
                self.step(label, false);
                out.push(judgement);
            }
        }
        Ok(Some(out))
    }
}
