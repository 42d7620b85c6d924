//! Scoring what the record keeps: its rows ([`LabRows`]) become [`ComparisonResult`]s, by the
//! swap rule for the judge's verdicts and by the latest vote for the user's. The record only reads
//! the rows back; pairing, the swap rule and what counts as unscored are decided here.

use std::collections::BTreeMap;

use super::arm::Arm;
use super::data::{ComparisonResult, Judgement, LabRows, Unscored};
use super::eval::pairs;
use super::verdict::combine;

/// (comparison, arm x, arm y, judge model): the key of a pair's two verdicts, one per order.
type JudgedPair = (i64, Arm, Arm, String);

/// Every comparison of `rows` with at least two arms, scored by the judge (whichever judge judged
/// each pair in both orders; the record reads one judge's verdicts when asked to). A pair with a
/// failed arm, or without a verdict in both orders, is listed in `unscored`: counted apart, never
/// as a tie.
pub fn judged_comparisons(rows: &LabRows) -> Vec<ComparisonResult> {
    let mut results = shells(rows);
    let mut verdicts: BTreeMap<JudgedPair, [Option<&Judgement>; 2]> = BTreeMap::new();
    for (comparison, judgement) in &rows.judgements {
        if !results.contains_key(comparison) {
            continue;
        }
        let (x, y) = judgement.pair;
        let slot = verdicts.entry((*comparison, x, y, judgement.judge_model.clone())).or_default();
        // Oldest first: a verdict given again later replaces the earlier one.
        slot[usize::from(judgement.shown_first != x)] = Some(judgement);
    }
    for ((comparison, x, y, _), [first, second]) in verdicts {
        let (Some(first), Some(second)) = (first, second) else { continue };
        if let Some(result) = results.get_mut(&comparison) {
            if !result.outcomes.iter().any(|(pair, _)| *pair == (x, y)) {
                result.outcomes.push(((x, y), combine(first.pick, second.pick)));
                result.judgements.extend([first.clone(), second.clone()]);
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
    results.into_values().filter(|r| r.arms.len() >= 2).collect()
}

/// Every comparison of `rows` with a human vote, scored by the latest vote per pair.
pub fn voted_comparisons(rows: &LabRows) -> Vec<ComparisonResult> {
    let mut results = shells(rows);
    // Newest first, so the first vote met on a pair is the one that counts.
    for vote in &rows.votes {
        if let Some(result) = results.get_mut(&vote.comparison) {
            if !result.outcomes.iter().any(|(p, _)| *p == vote.pair) {
                result.outcomes.push((vote.pair, vote.outcome));
            }
        }
    }
    results.into_values().filter(|r| !r.outcomes.is_empty()).collect()
}

/// The comparisons with their arms, no outcomes yet, by id.
fn shells(rows: &LabRows) -> BTreeMap<i64, ComparisonResult> {
    rows.comparisons
        .iter()
        .map(|row| {
            let result = ComparisonResult {
                comparison: row.comparison,
                prompt: row.prompt.clone(),
                repeat: row.repeat,
                arms: row.arms.clone(),
                outcomes: Vec::new(),
                judgements: Vec::new(),
                unscored: Vec::new(),
            };
            (row.comparison, result)
        })
        .collect()
}
