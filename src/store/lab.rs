//! The lab's side of the record: comparisons, arm answers, judge verdicts and blind votes.
//!
//! Written through a [`Reader`]'s connection: these are a handful of small writes between runs
//! (never on the token path), each in its own IMMEDIATE transaction, so they do not need the
//! recorder's actor; WAL and the busy timeout let them share the file with it.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::error::StoreError;
use super::read::Reader;
use crate::engine::{RunStatus, now_ms};
use crate::lab::eval::{ComparisonResult, Unscored, pairs};
use crate::lab::verdict::{Outcome, Pick, combine};
use crate::lab::{Arm, ArmResult, DEMO_BACKEND, Judgement, LabPrompt, LabStore};

/// Which comparisons a scoreboard reads: the offline demo's scripted ones, or real models' ones.
/// The two never mix: demo verdicts are scripted and mean nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabScope {
    Real,
    Demo,
}

impl LabScope {
    /// The scope of comparisons made by a session in demo mode or not.
    pub fn of(demo: bool) -> LabScope {
        if demo { LabScope::Demo } else { LabScope::Real }
    }

    fn is_demo(self) -> bool {
        self == LabScope::Demo
    }
}

/// A comparison waiting for the user's blind vote on one pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PendingVote {
    pub comparison: i64,
    pub prompt: LabPrompt,
    pub pair: (Arm, Arm),
    pub answers: (String, String),
}

/// (comparison, arm x, arm y, judge model): the key of a pair's two verdicts, one per order.
type JudgedPair = (i64, Arm, Arm, String);

fn pick_str(pick: Option<Pick>) -> Option<&'static str> {
    pick.map(|p| match p {
        Pick::A => "a",
        Pick::B => "b",
        Pick::Tie => "tie",
    })
}

fn parse_pick(s: Option<String>) -> Option<Pick> {
    match s.as_deref() {
        Some("a") => Some(Pick::A),
        Some("b") => Some(Pick::B),
        Some("tie") => Some(Pick::Tie),
        _ => None,
    }
}

fn outcome_str(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::First => "first",
        Outcome::Second => "second",
        Outcome::Tie => "tie",
        Outcome::BothBad => "both_bad",
    }
}

fn parse_outcome(s: &str) -> Outcome {
    match s {
        "first" => Outcome::First,
        "second" => Outcome::Second,
        "both_bad" => Outcome::BothBad,
        _ => Outcome::Tie,
    }
}

fn arm(s: &str) -> Result<Arm, StoreError> {
    Arm::parse(s).ok_or_else(|| StoreError::Unreadable { id: s.into(), reason: "unknown lab arm".into() })
}

/// What a lab run was for: one arm's answer, or one judge verdict, in a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabLink {
    pub comparison: i64,
    pub prompt: String,
    pub category: String,
    pub repeat: u32,
    /// [`DEMO_BACKEND`] or the server's base URL.
    pub backend: String,
    /// "the tree arm", or "the judge of tree vs solo, tree shown as A".
    pub role: String,
}

impl Reader {
    /// The comparison the run `run_id` answered or judged, if it is a lab run.
    pub fn lab_link(&self, run_id: &str) -> Result<Option<LabLink>, StoreError> {
        let link = self
            .conn
            .query_row(
                "SELECT c.id, c.prompt, c.category, c.repeat, c.backend, l.role
                 FROM (SELECT comparison_id, 'the ' || arm || ' arm' AS role FROM comparison_arms WHERE run_id = ?1
                       UNION ALL
                       SELECT comparison_id, 'the judge of ' || arm_x || ' vs ' || arm_y || ', ' || shown_first
                              || ' shown as A' FROM judgements WHERE run_id = ?1) l
                 JOIN comparisons c ON c.id = l.comparison_id LIMIT 1",
                [run_id],
                |r| {
                    Ok(LabLink {
                        comparison: r.get(0)?,
                        prompt: r.get(1)?,
                        category: r.get(2)?,
                        repeat: r.get(3)?,
                        backend: r.get(4)?,
                        role: r.get(5)?,
                    })
                },
            )
            .optional()?;
        Ok(link)
    }

    /// The comparison of (prompt, repeat, hierarchy version, backend), created if new. `backend` is
    /// [`DEMO_BACKEND`] or the server's base URL, so demo answers are never reused as real ones.
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

    pub(crate) fn arms_of(&self, comparison: i64) -> Result<Vec<(Arm, ArmResult)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT arm, run_id, status, answer, calls, tokens, wall_ms FROM comparison_arms WHERE comparison_id = ?1",
        )?;
        let rows = stmt.query_map([comparison], |r| {
            Ok((
                r.get::<_, String>(0)?,
                ArmResult {
                    run_id: r.get(1)?,
                    status: RunStatus::parse(&r.get::<_, String>(2)?).unwrap_or(RunStatus::Failed),
                    answer: r.get(3)?,
                    calls: r.get(4)?,
                    tokens: r.get::<_, i64>(5)? as u64,
                    wall_ms: r.get(6)?,
                },
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, result) = row?;
            out.push((arm(&name)?, result));
        }
        out.sort_by_key(|(a, _)| *a);
        Ok(out)
    }

    /// Every comparison of `scope` with at least two arms, scored by the judge (`judge_model`, or
    /// whichever judge judged each pair in both orders). A pair with a failed arm, or without a
    /// verdict in both orders, is listed in `unscored`: counted apart, never as a tie.
    pub fn judged_comparisons(
        &self,
        judge_model: Option<&str>,
        scope: LabScope,
    ) -> Result<Vec<ComparisonResult>, StoreError> {
        let mut results = self.comparison_shells(scope)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT comparison_id, arm_x, arm_y, shown_first, judge_model, run_id, pick, reason FROM judgements
             WHERE ?1 IS NULL OR judge_model = ?1 ORDER BY created_ms",
        )?;
        let mut verdicts: BTreeMap<JudgedPair, [Option<Judgement>; 2]> = BTreeMap::new();
        let rows = stmt.query_map([judge_model], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        for row in rows {
            let (comparison, x, y, first, judge, run_id, pick, reason) = row?;
            if !results.contains_key(&comparison) {
                continue;
            }
            let (x, y, first) = (arm(&x)?, arm(&y)?, arm(&first)?);
            let judgement = Judgement {
                pair: (x, y),
                shown_first: first,
                judge_model: judge.clone(),
                run_id,
                pick: parse_pick(pick),
                reason,
            };
            let slot = verdicts.entry((comparison, x, y, judge)).or_default();
            slot[usize::from(first != x)] = Some(judgement);
        }
        for ((comparison, x, y, _), [first, second]) in verdicts {
            let (Some(first), Some(second)) = (first, second) else { continue };
            if let Some(result) = results.get_mut(&comparison) {
                if !result.outcomes.iter().any(|(pair, _)| *pair == (x, y)) {
                    result.outcomes.push(((x, y), combine(first.pick, second.pick)));
                    result.judgements.extend([first, second]);
                }
            }
        }
        for result in results.values_mut() {
            let present: Vec<Arm> = result.arms.iter().map(|(a, _)| *a).collect();
            for pair in pairs(&present) {
                if result.outcomes.iter().any(|(p, _)| *p == pair || *p == (pair.1, pair.0)) {
                    continue;
                }
                let failed: Vec<Arm> = [pair.0, pair.1]
                    .into_iter()
                    .filter(|a| result.arms.iter().any(|(arm, r)| arm == a && !r.answered()))
                    .collect();
                let why = if failed.is_empty() {
                    Unscored::NotJudged("no verdict in both orders yet".into())
                } else {
                    Unscored::ArmFailed(failed)
                };
                result.unscored.push((pair, why));
            }
        }
        Ok(results.into_values().filter(|r| r.arms.len() >= 2).collect())
    }

    /// Every comparison of `scope` with a human vote, scored by the latest vote per pair.
    pub fn voted_comparisons(&self, scope: LabScope) -> Result<Vec<ComparisonResult>, StoreError> {
        let mut results = self.comparison_shells(scope)?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT comparison_id, arm_x, arm_y, outcome FROM votes ORDER BY id DESC")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        for row in rows {
            let (comparison, x, y, outcome) = row?;
            let pair = (arm(&x)?, arm(&y)?);
            if let Some(result) = results.get_mut(&comparison) {
                if !result.outcomes.iter().any(|(p, _)| *p == pair) {
                    result.outcomes.push((pair, parse_outcome(&outcome)));
                }
            }
        }
        Ok(results.into_values().filter(|r| !r.outcomes.is_empty()).collect())
    }

    /// All comparisons of `scope` with their arms, no outcomes yet.
    fn comparison_shells(&self, scope: LabScope) -> Result<BTreeMap<i64, ComparisonResult>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, prompt, category, repeat FROM comparisons WHERE (backend = ?1) = ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![DEMO_BACKEND, scope.is_demo()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, u32>(3)?))
        })?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (id, text, category, repeat) = row?;
            let arms = self.arms_of(id)?;
            out.insert(
                id,
                ComparisonResult {
                    comparison: id,
                    prompt: LabPrompt { category, text },
                    repeat,
                    arms,
                    outcomes: Vec::new(),
                    judgements: Vec::new(),
                    unscored: Vec::new(),
                },
            );
        }
        Ok(out)
    }

    /// Pairs of answered arms the user has not voted on yet, oldest first.
    pub fn vote_queue(&self, limit: usize, scope: LabScope) -> Result<Vec<PendingVote>, StoreError> {
        let mut queue = Vec::new();
        for (id, shell) in self.comparison_shells(scope)? {
            let answered: Vec<&(Arm, ArmResult)> = shell.arms.iter().filter(|(_, r)| r.answered()).collect();
            for (i, (x, rx)) in answered.iter().enumerate() {
                for (y, ry) in &answered[i + 1..] {
                    let voted: Option<i64> = self
                        .conn
                        .query_row(
                            "SELECT 1 FROM votes WHERE comparison_id = ?1 AND arm_x = ?2 AND arm_y = ?3",
                            params![id, x.as_str(), y.as_str()],
                            |r| r.get(0),
                        )
                        .optional()?;
                    if voted.is_none() {
                        queue.push(PendingVote {
                            comparison: id,
                            prompt: shell.prompt.clone(),
                            pair: (*x, *y),
                            answers: (
                                rx.answer.clone().unwrap_or_default(),
                                ry.answer.clone().unwrap_or_default(),
                            ),
                        });
                        if queue.len() >= limit {
                            return Ok(queue);
                        }
                    }
                }
            }
        }
        Ok(queue)
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
    /// [`DEMO_BACKEND`] or the server's base URL (see [`crate::lab::backend_label`]).
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
