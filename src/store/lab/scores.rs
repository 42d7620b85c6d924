//! Reading the lab's comparisons back: which comparison a run belongs to, the judged and voted
//! comparisons the scoreboards count, and the queue of pairs waiting for a blind vote.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};

use super::{JudgedPair, LabLink, LabScope, PendingVote, arm, parse_outcome, parse_pick};
use crate::engine::RunStatus;
use crate::lab::eval::{ComparisonResult, Unscored, pairs};
use crate::lab::verdict::combine;
use crate::lab::{Arm, ArmResult, DEMO_BACKEND, Judgement, LabPrompt};
use crate::store::error::StoreError;
use crate::store::read::Reader;

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
}
