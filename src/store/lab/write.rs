//! Writing the lab's side of the record, on the writer's connection (see [`Writes`]): comparisons,
//! arm answers and judge verdicts (the eval runner's store) and blind votes, each in its own
//! IMMEDIATE transaction. The eval runner's reads of its own work are here too, so it reads
//! exactly what it wrote.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::codec::{outcome_str, parse_pick, pick_str};
use super::read::arms_of;
use crate::clock::now_ms;
use crate::engine::PastTurn;
use crate::lab::levels::{LevelJudgement, LevelSide};
use crate::lab::verdict::Outcome;
use crate::lab::{Arm, ArmResult, Judgement, LabPrompt};
use crate::store::error::StoreError;
use crate::store::read::Reader;
use crate::store::write::Writes;

impl Writes<'_> {
    /// The comparison of (prompt, repeat, hierarchy version, backend), created if new. `backend` is
    /// [`crate::lab::DEMO_BACKEND`] or the server's base URL, so demo answers are never reused as real ones.
    pub fn comparison_id(
        &mut self,
        prompt: &LabPrompt,
        repeat: u32,
        hierarchy_hash: &str,
        backend: &str,
    ) -> Result<i64, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let earlier = super::codec::earlier_str(&prompt.earlier);
        tx.execute(
            "INSERT INTO comparisons (prompt, category, repeat, hierarchy_hash, backend, created_ms, reference, earlier)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (prompt, repeat, hierarchy_hash, backend, earlier) DO UPDATE SET reference = excluded.reference",
            params![
                prompt.text,
                prompt.category,
                repeat,
                hierarchy_hash,
                backend,
                now_ms(),
                prompt.reference,
                earlier
            ],
        )?;
        let id = tx.query_row(
            "SELECT id FROM comparisons
             WHERE prompt = ?1 AND repeat = ?2 AND hierarchy_hash = ?3 AND backend = ?4 AND earlier = ?5",
            params![prompt.text, repeat, hierarchy_hash, backend, earlier],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Records a blind vote. `outcome` is from `pair.0`'s side; `shown_first` is the arm shown as A.
    pub fn cast_vote(
        &mut self,
        comparison: i64,
        pair: &(Arm, Arm),
        shown_first: &Arm,
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

    /// What `arm` answered in `comparison`, if it ran.
    pub fn arm_result(&mut self, comparison: i64, arm: &Arm) -> Result<Option<ArmResult>, StoreError> {
        Ok(arms_of(self.conn, comparison)?.into_iter().find(|(a, _)| a == arm).map(|(_, r)| r))
    }

    /// Keeps what `arm` answered in `comparison`, replacing an earlier try.
    pub fn save_arm(&mut self, comparison: i64, arm: &Arm, result: &ArmResult) -> Result<(), StoreError> {
        self.conn
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
            .map_err(|e| self.err(e))
    }

    /// The verdict of `judge_model` on `pair` shown in this order, if it was given.
    pub fn judgement(
        &mut self,
        comparison: i64,
        pair: &(Arm, Arm),
        shown_first: &Arm,
        judge_model: &str,
    ) -> Result<Option<Judgement>, StoreError> {
        self.conn
            .query_row(
                "SELECT run_id, pick, reason FROM judgements
                 WHERE comparison_id = ?1 AND arm_x = ?2 AND arm_y = ?3 AND shown_first = ?4 AND judge_model = ?5",
                params![comparison, pair.0.as_str(), pair.1.as_str(), shown_first.as_str(), judge_model],
                |r| {
                    Ok(Judgement {
                        pair: pair.clone(),
                        shown_first: shown_first.clone(),
                        judge_model: judge_model.to_string(),
                        run_id: r.get(0)?,
                        pick: parse_pick(r.get(1)?),
                        reason: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Keeps a verdict, replacing an earlier one of the same judge on the same pair and order.
    pub fn save_judgement(&mut self, comparison: i64, j: &Judgement) -> Result<(), StoreError> {
        self.conn
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
            .map_err(|e| self.err(e))
    }

    /// A run as a turn of its conversation, read on a connection of its own (the writer's holds
    /// no reader of runs); the run's events were sent before this job, so they are written by now.
    /// `None` when the record no longer has the run.
    pub fn past_turn(&mut self, run_id: &str) -> Result<Option<PastTurn>, StoreError> {
        let reader = Reader::open_keeping_damage(self.path())?;
        match reader.load_run(run_id) {
            Ok(record) => Ok(Some(record.as_turn())),
            Err(StoreError::UnknownRun(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The verdict of `judge_model` on the parent `node` of the tree run `run_id` in one order.
    pub fn level_judgement(
        &mut self,
        run_id: &str,
        node: &str,
        shown_first: LevelSide,
        judge_model: &str,
    ) -> Result<Option<LevelJudgement>, StoreError> {
        self.conn
            .query_row(
                "SELECT judge_run, pick, reason FROM level_judgements
                 WHERE run_id = ?1 AND node = ?2 AND shown_first = ?3 AND judge_model = ?4",
                params![run_id, node, shown_first.as_str(), judge_model],
                |r| {
                    Ok(LevelJudgement {
                        run_id: run_id.to_string(),
                        node: node.to_string(),
                        shown_first,
                        judge_model: judge_model.to_string(),
                        judge_run: r.get(0)?,
                        pick: parse_pick(r.get(1)?),
                        reason: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Keeps a verdict on a parent of a tree run of `comparison` (replacing an earlier one of the
    /// same judge in the same order), under the organization version the comparison was made with.
    pub fn save_level_judgement(&mut self, comparison: i64, j: &LevelJudgement) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO level_judgements
                 (comparison_id, run_id, node, hierarchy_hash, shown_first, judge_model, judge_run, pick, reason, created_ms)
                 SELECT ?1, ?2, ?3, c.hierarchy_hash, ?4, ?5, ?6, ?7, ?8, ?9 FROM comparisons c WHERE c.id = ?1",
                params![
                    comparison,
                    j.run_id,
                    j.node,
                    j.shown_first.as_str(),
                    j.judge_model,
                    j.judge_run,
                    pick_str(j.pick),
                    j.reason,
                    now_ms()
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }
}
