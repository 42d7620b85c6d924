//! Scoring what the record keeps: its rows ([`LabRows`]) become [`ComparisonResult`]s, by the
//! swap rule for the judge's verdicts and by the latest vote for the user's. The record only reads
//! the rows back; pairing, the swap rule and what counts as unscored are decided here.

use std::collections::{BTreeMap, HashSet};

use super::arm::Arm;
use super::data::{ComparisonResult, ComparisonRow, Judgement, LabRows, PendingVote, Unscored};
use super::eval::pairs;
use super::levels::LevelJudgement;
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
        let (x, y) = judgement.pair.clone();
        let swapped = judgement.shown_first != x;
        let slot = verdicts.entry((*comparison, x, y, judgement.judge_model.clone())).or_default();
        // Oldest first: a verdict given again later replaces the earlier one.
        slot[usize::from(swapped)] = Some(judgement);
    }
    for ((comparison, x, y, _), [first, second]) in verdicts {
        let (Some(first), Some(second)) = (first, second) else { continue };
        if let Some(result) = results.get_mut(&comparison) {
            if !result.outcomes.iter().any(|(pair, _)| pair.0 == x && pair.1 == y) {
                result.outcomes.push(((x, y), combine(first.pick, second.pick)));
                result.judgements.extend([first.clone(), second.clone()]);
            }
        }
    }
    for result in results.values_mut() {
        let present: Vec<Arm> = result.arms.iter().map(|(a, _)| a.clone()).collect();
        for pair in pairs(&present) {
            if result
                .outcomes
                .iter()
                .any(|((x, y), _)| (*x == pair.0 && *y == pair.1) || (*x == pair.1 && *y == pair.0))
            {
                continue;
            }
            let failed: Vec<Arm> = [&pair.0, &pair.1]
                .into_iter()
                .filter(|a| result.arms.iter().any(|(arm, r)| arm == *a && !r.answered()))
                .cloned()
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
                result.outcomes.push((vote.pair.clone(), vote.outcome));
            }
        }
    }
    results.into_values().filter(|r| !r.outcomes.is_empty()).collect()
}

/// Pairs of answered arms the user has not voted on yet, oldest comparison first, at most
/// `limit`.
pub fn vote_queue(rows: &LabRows, limit: usize) -> Vec<PendingVote> {
    // Looked up once per pair of every comparison: a set, not a scan of every vote each time.
    let voted: HashSet<(i64, &(Arm, Arm))> = rows.votes.iter().map(|v| (v.comparison, &v.pair)).collect();
    let mut queue = Vec::new();
    for shell in &rows.comparisons {
        let answered: Vec<Arm> =
            shell.arms.iter().filter(|(_, r)| r.answered()).map(|(a, _)| a.clone()).collect();
        let answer =
            |arm: &Arm| shell.arms.iter().find(|(a, _)| a == arm).and_then(|(_, r)| r.answer.clone());
        for (x, y) in pairs(&answered) {
            if voted.contains(&(shell.comparison, &(x.clone(), y.clone()))) {
                continue;
            }
            if queue.len() >= limit {
                return queue;
            }
            queue.push(PendingVote {
                comparison: shell.comparison,
                prompt: shell.prompt.clone(),
                answers: (answer(&x).unwrap_or_default(), answer(&y).unwrap_or_default()),
                pair: (x, y),
            });
        }
    }
    queue
}

/// The comparisons with their arms, no outcomes yet, by id.
/// The verdicts on the parents of the comparison's tree run (`--levels`).
fn levels_of(rows: &LabRows, row: &ComparisonRow) -> Vec<LevelJudgement> {
    let Some((_, tree)) = row.arms.iter().find(|(arm, _)| *arm == Arm::Tree) else { return Vec::new() };
    rows.levels.iter().filter(|l| l.run_id == tree.run_id).cloned().collect()
}

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
                levels: levels_of(rows, row),
            };
            (row.comparison, result)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RunStatus;
    use crate::lab::arm::ArmResult;
    use crate::lab::data::VoteRow;
    use crate::lab::prompt_set::LabPrompt;
    use crate::lab::verdict::{Outcome, Pick};

    fn arm(status: RunStatus) -> ArmResult {
        let answer = (status == RunStatus::Done).then(|| "an answer".to_string());
        ArmResult { run_id: "r".into(), status, answer, calls: 1, tokens: 1, wall_ms: 1, flagged: 0 }
    }

    fn verdict(shown_first: Arm, pick: Pick) -> (i64, Judgement) {
        let judgement = Judgement {
            pair: (Arm::Tree, Arm::Solo),
            shown_first,
            judge_model: "judge".into(),
            run_id: "j".into(),
            pick: Some(pick),
            reason: String::new(),
        };
        (1, judgement)
    }

    fn rows() -> LabRows {
        let comparison = ComparisonRow {
            comparison: 1,
            prompt: LabPrompt {
                category: "c".into(),
                text: "p".into(),
                reference: None,
                earlier: Vec::new(),
            },
            repeat: 1,
            arms: vec![
                (Arm::Tree, arm(RunStatus::Done)),
                (Arm::Solo, arm(RunStatus::Done)),
                (Arm::Compute, arm(RunStatus::Failed)),
            ],
        };
        LabRows { comparisons: vec![comparison], ..LabRows::default() }
    }

    #[test]
    fn a_later_verdict_replaces_an_earlier_one_and_a_failed_arm_is_unscored() {
        let mut rows = rows();
        // Oldest first: the tree shown first lost, then the judge was asked again and it won.
        rows.judgements =
            vec![verdict(Arm::Tree, Pick::B), verdict(Arm::Solo, Pick::B), verdict(Arm::Tree, Pick::A)];
        let scored = judged_comparisons(&rows);
        assert_eq!(scored[0].outcomes, vec![((Arm::Tree, Arm::Solo), Outcome::First)]);
        assert_eq!(scored[0].judgements.len(), 2);
        let unscored: Vec<_> =
            scored[0].unscored.iter().map(|(pair, why)| (pair.clone(), why.clone())).collect();
        assert_eq!(
            unscored,
            vec![((Arm::Tree, Arm::Compute), Unscored::ArmFailed(vec![Arm::Compute]))],
            "with the tree among the arms, only its pairs are judged"
        );
    }

    #[test]
    fn the_latest_vote_on_a_pair_counts_and_unvoted_comparisons_are_left_out() {
        let mut rows = rows();
        assert!(voted_comparisons(&rows).is_empty());
        let vote = |outcome| VoteRow { comparison: 1, pair: (Arm::Tree, Arm::Solo), outcome };
        // Newest first.
        rows.votes = vec![vote(Outcome::Second), vote(Outcome::First)];
        let voted = voted_comparisons(&rows);
        assert_eq!(voted[0].outcomes, vec![((Arm::Tree, Arm::Solo), Outcome::Second)]);
    }
}
