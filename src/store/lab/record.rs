//! Writing the lab's side of the record: comparisons, arm answers and judge verdicts (the eval
//! runner's store) and blind votes, each in its own IMMEDIATE transaction.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{outcome_str, parse_pick, pick_str};
use crate::engine::now_ms;
use crate::lab::verdict::Outcome;
use crate::lab::{Arm, ArmResult, Judgement, LabPrompt, LabStore};
use crate::store::error::StoreError;
use crate::store::read::Reader;

impl Reader {
    /// The comparison of (prompt, repeat, hierarchy version, backend), created if new. `backend` is
    /// [`crate::lab::DEMO_BACKEND`] or the server's base URL, so demo answers are never reused as real ones.
    pub(crate) fn comparison_id(
        &mut self,
        prompt: &LabPrompt,
        repeat: u32,
        hierarchy_hash: &str,
        backend: &str,
    ) -> Result<i64, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO comparisons (prompt, category, repeat, hierarchy_hash, backend, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (prompt, repeat, hierarchy_hash, backend) DO NOTHING",
            params![prompt.text, prompt.category, repeat, hierarchy_hash, backend, now_ms()],
        )?;
        let id = tx.query_row(
            "SELECT id FROM comparisons WHERE prompt = ?1 AND repeat = ?2 AND hierarchy_hash = ?3 AND backend = ?4",
            params![prompt.text, repeat, hierarchy_hash, backend],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Records a blind vote. `outcome` is from `pair.0`'s side; `shown_first` is the arm shown as A.
    pub fn cast_vote(
        &mut self,
        comparison: i64,
        pair: (Arm, Arm),
        shown_first: Arm,
        outcome: Outcome,
        reason: &str,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO votes (comparison_id, arm_x, arm_y, shown_first, outcome, reason, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                comparison,
                pair.0.as_str(),
                pair.1.as_str(),
                shown_first.as_str(),
                outcome_str(outcome),
                reason,
                now_ms()
            ],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// The record as the eval runner's store, for one hierarchy version on one backend.
pub struct LabRecord<'a> {
    pub reader: &'a mut Reader,
    pub hierarchy_hash: String,
    /// [`crate::lab::DEMO_BACKEND`] or the server's base URL (see [`crate::lab::backend_label`]).
    pub backend: String,
}

fn text(e: StoreError) -> String {
    e.to_string()
}

impl LabStore for LabRecord<'_> {
    fn comparison(&mut self, prompt: &LabPrompt, repeat: u32) -> Result<i64, String> {
        let (hash, backend) = (self.hierarchy_hash.clone(), self.backend.clone());
        self.reader.comparison_id(prompt, repeat, &hash, &backend).map_err(text)
    }

    fn arm_result(&mut self, comparison: i64, arm: Arm) -> Result<Option<ArmResult>, String> {
        Ok(self
            .reader
            .arms_of(comparison)
            .map_err(text)?
            .into_iter()
            .find(|(a, _)| *a == arm)
            .map(|(_, r)| r))
    }

    fn save_arm(&mut self, comparison: i64, arm: Arm, result: &ArmResult) -> Result<(), String> {
        self.reader
            .conn
            .execute(
                "INSERT OR REPLACE INTO comparison_arms (comparison_id, arm, run_id, status, answer, calls, tokens, wall_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    comparison,
                    arm.as_str(),
                    result.run_id,
                    result.status.as_str(),
                    result.answer,
                    result.calls,
                    result.tokens as i64,
                    result.wall_ms
                ],
            )
            .map(|_| ())
            .map_err(|e| text(self.reader.err(e)))
    }

    fn judgement(
        &mut self,
        comparison: i64,
        pair: (Arm, Arm),
        shown_first: Arm,
        judge_model: &str,
    ) -> Result<Option<Judgement>, String> {
        self.reader
            .conn
            .query_row(
                "SELECT run_id, pick, reason FROM judgements
                 WHERE comparison_id = ?1 AND arm_x = ?2 AND arm_y = ?3 AND shown_first = ?4 AND judge_model = ?5",
                params![comparison, pair.0.as_str(), pair.1.as_str(), shown_first.as_str(), judge_model],
                |r| {
                    Ok(Judgement {
                        pair,
                        shown_first,
                        judge_model: judge_model.to_string(),
                        run_id: r.get(0)?,
                        pick: parse_pick(r.get(1)?),
                        reason: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| text(self.reader.err(e)))
    }

    fn save_judgement(&mut self, comparison: i64, j: &Judgement) -> Result<(), String> {
        self.reader
            .conn
            .execute(
                "INSERT OR REPLACE INTO judgements
                 (comparison_id, arm_x, arm_y, shown_first, judge_model, run_id, pick, reason, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    comparison,
                    j.pair.0.as_str(),
                    j.pair.1.as_str(),
                    j.shown_first.as_str(),
                    j.judge_model,
                    j.run_id,
                    pick_str(j.pick),
                    j.reason,
                    now_ms()
                ],
            )
            .map(|_| ())
            .map_err(|e| text(self.reader.err(e)))
    }
}
