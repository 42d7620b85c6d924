//! The scoreboard: per arm pair wins/ties/losses, adjusted win rate with its Wilson interval and
//! verdict; beside it each arm's cost and answer length (judges favour length, so it is shown).

use std::collections::BTreeMap;

use serde::Serialize;

use super::arm::{Arm, ArmResult};
use super::data::{ComparisonResult, Unscored};
use super::stats::{Tally, Verdict};
use super::verdict::{Outcome, TieKind, tie_kind};

/// One "x vs y" line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairScore {
    pub x: Arm,
    pub y: Arm,
    pub tally: Tally,
    pub win_rate: Option<f64>,
    pub interval: Option<(f64, f64)>,
    pub verdict: Verdict,
    /// Comparisons left out of the tally because an arm of the pair gave no answer.
    pub arm_failed: u32,
    /// Comparisons left out because the judge gave no verdict (a failed call): not ties.
    pub not_judged: u32,
    /// Why the judge's ties are ties.
    pub judge_ties: TieCounts,
    /// Share of the judge's pairs where both orders agreed (`None` for human votes only).
    pub consistency: Option<f64>,
    /// The outcomes of pairs whose answers were of similar length (see [`super::trust`]).
    pub length_matched: Tally,
    pub length_matched_rate: Option<f64>,
}

impl PairScore {
    /// A pair's score from its tally alone: nothing left out, no judge's picks behind it.
    pub fn from_tally(pair: (Arm, Arm), tally: Tally) -> PairScore {
        score(pair, &PairCounts { tally, ..PairCounts::default() })
    }

    /// True when the judge agreed with itself too rarely for its verdicts to mean much.
    pub fn unreliable_judge(&self) -> bool {
        self.consistency.is_some_and(|c| c < super::trust::MIN_CONSISTENCY)
    }
}

/// "tree vs solo", "tree vs tree@seed#1a2b3c4d".
pub fn pair_name(p: &PairScore) -> String {
    format!("{} vs {}", p.x, p.y)
}

/// The judge's ties by kind (human votes are not counted here).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TieCounts {
    /// Called a tie in both orders.
    pub explicit: u32,
    /// The judge's picks changed with the order shown (it disagreed with itself).
    pub disagreed: u32,
    /// A reply the lab could not read as A, B or tie.
    pub unreadable: u32,
}

/// Average cost and length of one arm's answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmCost {
    pub arm: Arm,
    pub runs: usize,
    pub failed: usize,
    /// Runs that answered: the averages are over these only (a failed run's zeros would
    /// make the arm look cheaper and terser than it is).
    pub answered: usize,
    pub avg_calls: f64,
    pub avg_tokens: f64,
    pub avg_wall_s: f64,
    pub avg_words: f64,
    /// Answers flagged as no answer across the arm's runs (they mostly repeated their
    /// instructions; a tree counts its members' answers too).
    pub flagged: u32,
}

/// How often one arm's answers stated the reference, over the prompts with a short reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArmAccuracy {
    pub arm: Arm,
    pub correct: u32,
    /// Prompts graded: every run of the arm on a prompt with a short reference. A run that gave
    /// no answer counts as not correct: that is what the user would have got.
    pub graded: u32,
}

/// The whole scoreboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scoreboard {
    pub pairs: Vec<PairScore>,
    pub costs: Vec<ArmCost>,
    /// Per category, per pair.
    pub categories: BTreeMap<String, Vec<PairScore>>,
    /// Per turn of a conversation (1 for first questions, 2 for MT-Bench's follow-ups), per pair.
    pub turns: BTreeMap<u32, Vec<PairScore>>,
    /// Per arm, against the short reference answers (empty when no prompt had one).
    pub accuracy: Vec<ArmAccuracy>,
    // Small types: two scoreboards travel in every Lab tab message.
    pub comparisons: u32,
    /// The highest repeat number among the comparisons (above 1: some prompts were asked again).
    pub max_repeat: u16,
    /// Made by the offline demo: scripted answers and verdicts (set by whoever read them).
    pub demo: bool,
    /// The judge is a model under test (set by whoever knows the tree): weak evidence.
    pub self_judged: bool,
}

/// Adds one outcome of (x, y) to a tally kept from x's side.
pub fn count(tally: &mut Tally, outcome: Outcome) {
    match outcome {
        Outcome::First => tally.wins += 1,
        Outcome::Second => tally.losses += 1,
        Outcome::Tie | Outcome::BothBad => tally.ties += 1,
    }
}

/// What a pair gathers before it is scored.
#[derive(Default)]
struct PairCounts {
    tally: Tally,
    arm_failed: u32,
    not_judged: u32,
    judge_ties: TieCounts,
    /// Outcomes with the judge's picks in both orders, and how many of them agreed.
    judged: u32,
    agreed: u32,
    length_matched: Tally,
}

fn score((x, y): (Arm, Arm), counts: &PairCounts) -> PairScore {
    let tally = counts.tally;
    PairScore {
        x,
        y,
        tally,
        win_rate: tally.adjusted_win_rate(),
        interval: tally.interval(),
        verdict: tally.verdict(),
        arm_failed: counts.arm_failed,
        not_judged: counts.not_judged,
        judge_ties: counts.judge_ties,
        consistency: super::trust::share(counts.agreed, counts.judged),
        length_matched: counts.length_matched,
        length_matched_rate: counts.length_matched.adjusted_win_rate(),
    }
}

/// Builds the scoreboard from finished comparisons.
pub fn scoreboard(results: &[ComparisonResult]) -> Scoreboard {
    let mut pairs: BTreeMap<(Arm, Arm), PairCounts> = BTreeMap::new();
    let mut categories: BTreeMap<String, BTreeMap<(Arm, Arm), PairCounts>> = BTreeMap::new();
    let mut turns: BTreeMap<u32, BTreeMap<(Arm, Arm), PairCounts>> = BTreeMap::new();
    let mut costs: BTreeMap<Arm, Vec<&ArmResult>> = BTreeMap::new();
    let mut accuracy: BTreeMap<Arm, ArmAccuracy> = BTreeMap::new();
    for result in results {
        if let Some(reference) = result.prompt.reference.as_deref() {
            for (arm, run) in &result.arms {
                let correct = match &run.answer {
                    Some(answer) if run.answered() => super::reference::states(answer, reference),
                    _ => super::reference::states("", reference),
                };
                if let Some(correct) = correct {
                    let tally = accuracy.entry(arm.clone()).or_insert(ArmAccuracy {
                        arm: arm.clone(),
                        correct: 0,
                        graded: 0,
                    });
                    tally.graded += 1;
                    tally.correct += u32::from(correct);
                }
            }
        }
        let turn = u32::try_from(result.prompt.turn()).unwrap_or(u32::MAX);
        let words = |arm: &Arm| result.arms.iter().find(|(a, _)| a == arm).map_or(0, |(_, r)| r.words());
        for (pair, outcome) in &result.outcomes {
            let picks = result.picks(pair).map(|(first, second)| (first.pick, second.pick));
            let kind = picks.and_then(|(first, second)| tie_kind(first, second));
            let similar = super::trust::similar_length(words(&pair.0), words(&pair.1));
            for counts in [
                pairs.entry(pair.clone()).or_default(),
                categories
                    .entry(result.prompt.category.clone())
                    .or_default()
                    .entry(pair.clone())
                    .or_default(),
                turns.entry(turn).or_default().entry(pair.clone()).or_default(),
            ] {
                count(&mut counts.tally, *outcome);
                if similar {
                    count(&mut counts.length_matched, *outcome);
                }
                if let Some((first, second)) = picks {
                    counts.judged += 1;
                    counts.agreed += u32::from(super::trust::agreed(first, second));
                }
                match kind {
                    Some(TieKind::Explicit) => counts.judge_ties.explicit += 1,
                    Some(TieKind::Disagreed) => counts.judge_ties.disagreed += 1,
                    Some(TieKind::Unreadable) => counts.judge_ties.unreadable += 1,
                    None => {}
                }
            }
        }
        for (pair, why) in &result.unscored {
            let counts = pairs.entry(pair.clone()).or_default();
            match why {
                Unscored::ArmFailed(_) => counts.arm_failed += 1,
                Unscored::NotJudged(_) => counts.not_judged += 1,
            }
        }
        for (arm, run) in &result.arms {
            costs.entry(arm.clone()).or_default().push(run);
        }
    }
    let costs = costs
        .into_iter()
        .map(|(arm, runs)| {
            let answered: Vec<&&ArmResult> = runs.iter().filter(|r| r.answered()).collect();
            let n = answered.len().max(1) as f64;
            let mean = |f: &dyn Fn(&ArmResult) -> f64| answered.iter().map(|r| f(r)).sum::<f64>() / n;
            ArmCost {
                arm,
                runs: runs.len(),
                failed: runs.len() - answered.len(),
                answered: answered.len(),
                avg_calls: mean(&|r| f64::from(r.calls)),
                avg_tokens: mean(&|r| r.tokens as f64),
                avg_wall_s: mean(&|r| r.wall_ms as f64 / 1000.0),
                avg_words: mean(&|r| r.words() as f64),
                flagged: runs.iter().map(|r| r.flagged).sum(),
            }
        })
        .collect();
    Scoreboard {
        pairs: pairs.iter().map(|(pair, counts)| score(pair.clone(), counts)).collect(),
        costs,
        categories: categories
            .into_iter()
            .map(|(cat, pairs)| {
                (cat, pairs.iter().map(|(pair, counts)| score(pair.clone(), counts)).collect())
            })
            .collect(),
        turns: turns
            .into_iter()
            .map(|(turn, pairs)| {
                (turn, pairs.iter().map(|(pair, counts)| score(pair.clone(), counts)).collect())
            })
            .collect(),
        accuracy: accuracy.into_values().collect(),
        comparisons: u32::try_from(results.len()).unwrap_or(u32::MAX),
        max_repeat: results.iter().map(|r| u16::try_from(r.repeat).unwrap_or(u16::MAX)).max().unwrap_or(0),
        demo: false,
        self_judged: false,
    }
}

impl Scoreboard {
    /// Judge verdicts missing across all pairs (the judge failed or has not run).
    pub fn not_judged(&self) -> u32 {
        self.pairs.iter().map(|p| p.not_judged).sum()
    }
}
