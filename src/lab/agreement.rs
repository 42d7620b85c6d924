//! How often the judge agreed with the user's own blind votes on the same pairs, as Cohen's kappa
//! (agreement beyond what chance alone would give). "Both bad" votes are counted apart: the judge
//! cannot say that, so they are neither agreement nor disagreement.

use std::collections::BTreeMap;

use serde::Serialize;

use super::arm::Arm;
use super::data::ComparisonResult;
use super::verdict::Outcome;

/// The judge against the user, over pairs both have scored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Agreement {
    /// Pairs with both a judge outcome and a vote other than "both bad".
    pub pairs: u32,
    pub agreed: u32,
    /// Cohen's kappa over first / tie / second, when it is defined.
    pub kappa: Option<f64>,
    /// Pairs the user called both bad (left out of the above).
    pub both_bad: u32,
}

impl Agreement {
    /// Landis and Koch's words for a kappa, as a reader would want them.
    pub fn strength(kappa: f64) -> &'static str {
        match kappa {
            k if k < 0.0 => "worse than chance",
            k if k < 0.2 => "slight",
            k if k < 0.4 => "fair",
            k if k < 0.6 => "moderate",
            k if k < 0.8 => "substantial",
            _ => "almost perfect",
        }
    }
}

fn class(outcome: Outcome) -> usize {
    match outcome {
        Outcome::First => 0,
        Outcome::Tie | Outcome::BothBad => 1,
        Outcome::Second => 2,
    }
}

/// Agreement between the judge's outcomes and the user's votes, or `None` with no pair in common.
pub fn agreement(judged: &[ComparisonResult], voted: &[ComparisonResult]) -> Option<Agreement> {
    let judge: BTreeMap<(i64, &(Arm, Arm)), Outcome> = judged
        .iter()
        .flat_map(|r| r.outcomes.iter().map(move |(pair, o)| ((r.comparison, pair), *o)))
        .collect();
    let mut both = Vec::new();
    let mut both_bad = 0;
    for result in voted {
        for (pair, vote) in &result.outcomes {
            let Some(judge) = judge.get(&(result.comparison, pair)) else { continue };
            if *vote == Outcome::BothBad {
                both_bad += 1;
            } else {
                both.push((class(*judge), class(*vote)));
            }
        }
    }
    if both.is_empty() && both_bad == 0 {
        return None;
    }
    let n = both.len() as f64;
    let agreed = both.iter().filter(|(a, b)| a == b).count();
    let kappa = (n > 0.0)
        .then(|| {
            let observed = agreed as f64 / n;
            let expected: f64 = (0..3)
                .map(|k| {
                    let judge = both.iter().filter(|(a, _)| *a == k).count() as f64 / n;
                    let user = both.iter().filter(|(_, b)| *b == k).count() as f64 / n;
                    judge * user
                })
                .sum();
            // With every rating in one class chance agreement is 1 and kappa is undefined.
            (expected < 1.0).then(|| (observed - expected) / (1.0 - expected))
        })
        .flatten();
    Some(Agreement { pairs: both.len() as u32, agreed: agreed as u32, kappa, both_bad })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::prompt_set::LabPrompt;

    fn result(comparison: i64, outcome: Outcome) -> ComparisonResult {
        ComparisonResult {
            comparison,
            prompt: LabPrompt {
                category: "c".into(),
                text: format!("p{comparison}"),
                reference: None,
                earlier: Vec::new(),
            },
            repeat: 1,
            arms: Vec::new(),
            outcomes: vec![((Arm::Tree, Arm::Solo), outcome)],
            judgements: Vec::new(),
            unscored: Vec::new(),
            levels: Vec::new(),
        }
    }

    #[test]
    fn kappa_matches_a_worked_example() {
        use Outcome::*;
        // Judge: F F S S T F; user: F S S S T T. Observed 4/6; chance (F 3·1 + S 2·3 + T 1·2)/36 = 11/36;
        // kappa = (24/36 − 11/36) / (25/36) = 13/25.
        let judge: Vec<_> = [First, First, Second, Second, Tie, First]
            .iter()
            .enumerate()
            .map(|(i, o)| result(i as i64, *o))
            .collect();
        let user: Vec<_> = [First, Second, Second, Second, Tie, Tie]
            .iter()
            .enumerate()
            .map(|(i, o)| result(i as i64, *o))
            .collect();
        let a = agreement(&judge, &user).unwrap();
        assert_eq!((a.pairs, a.agreed, a.both_bad), (6, 4, 0));
        assert!((a.kappa.unwrap() - 0.52).abs() < 1e-9, "{a:?}");
        assert_eq!(Agreement::strength(0.5), "moderate");
    }

    #[test]
    fn both_bad_is_counted_apart_and_unshared_pairs_are_ignored() {
        let judge = vec![result(1, Outcome::First), result(2, Outcome::First)];
        let user = vec![result(1, Outcome::BothBad), result(3, Outcome::First)];
        let a = agreement(&judge, &user).unwrap();
        assert_eq!((a.pairs, a.both_bad, a.kappa), (0, 1, None));
        assert_eq!(agreement(&judge, &[result(9, Outcome::Tie)]), None);
        // Everyone always says "first": agreement is total but kappa is undefined.
        let a = agreement(&judge, &[result(1, Outcome::First), result(2, Outcome::First)]).unwrap();
        assert_eq!((a.pairs, a.agreed, a.kappa), (2, 2, None));
    }
}
