//! How far a judge's verdicts can be trusted: whether it agreed with itself when the two answers
//! swapped places (a judge that picks whichever came first is measuring position, not quality),
//! and whether a win survives among answers of similar length (judges favour longer answers, which
//! is why AlpacaEval reports a length-controlled rate).

use std::collections::BTreeSet;

use super::data::LabRows;
use super::verdict::{Pick, TieKind, tie_kind};

/// Below this share of agreeing pairs a judge is reported as unreliable.
pub const MIN_CONSISTENCY: f64 = 0.6;

/// Two answers are "of similar length" when they differ by less than this share of the longer.
pub const SIMILAR_LENGTH: f64 = 0.25;

/// True when the judge's two verdicts on a pair agree: the same arm won in both orders, or both
/// called it a tie. An unreadable reply is not agreement.
pub fn agreed(first_order: Option<Pick>, swapped: Option<Pick>) -> bool {
    matches!(tie_kind(first_order, swapped), None | Some(TieKind::Explicit))
}

/// True when two answers' word counts differ by less than [`SIMILAR_LENGTH`] of the longer one.
pub fn similar_length(x_words: usize, y_words: usize) -> bool {
    let longer = x_words.max(y_words);
    if longer == 0 {
        return true;
    }
    (longer - x_words.min(y_words)) as f64 / (longer as f64) < SIMILAR_LENGTH
}

/// Share of `agreed` over `judged`, or `None` with nothing judged.
pub fn share(agreed: u32, judged: u32) -> Option<f64> {
    (judged > 0).then(|| f64::from(agreed) / f64::from(judged))
}

/// The judge is a model under test: the same model, or another instance of it on the server
/// (LM Studio lists a second copy as `name:2`).
pub fn is_self_judge(judge: &str, models_under_test: &[&str]) -> bool {
    let base = |model: &str| -> String {
        let model = model.trim();
        match model.rsplit_once(':') {
            Some((name, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => name.to_string(),
            _ => model.to_string(),
        }
    };
    let judge = base(judge);
    models_under_test.iter().any(|m| base(m).eq_ignore_ascii_case(&judge))
}

/// The comparisons of `rows` that `judge` judged although its model (or another instance of it)
/// answered a call of one of their arms' runs. Read from the record's calls, not from the hierarchy
/// loaded now, because another organization's arm (`tree@NAME`) runs members the tree does not
/// name, and a version shown may not be the one loaded.
pub fn self_judged_comparisons(rows: &LabRows, judge: &str) -> BTreeSet<i64> {
    let judged: BTreeSet<i64> =
        rows.judgements.iter().filter(|(_, j)| j.judge_model == judge).map(|(c, _)| *c).collect();
    rows.arm_models
        .iter()
        .filter(|(comparison, model)| judged.contains(comparison) && is_self_judge(judge, &[model.as_str()]))
        .map(|(comparison, _)| *comparison)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_is_the_same_winner_or_a_tie_both_times() {
        assert!(agreed(Some(Pick::A), Some(Pick::B)), "A first, then B: the same arm both times");
        assert!(agreed(Some(Pick::Tie), Some(Pick::Tie)));
        assert!(!agreed(Some(Pick::A), Some(Pick::A)), "whichever came first");
        assert!(!agreed(Some(Pick::Tie), Some(Pick::B)));
        assert!(!agreed(None, Some(Pick::B)));
    }

    #[test]
    fn similar_length_is_within_a_quarter_of_the_longer() {
        assert!(similar_length(100, 80));
        assert!(!similar_length(100, 75), "exactly 25% apart is not similar");
        assert!(!similar_length(40, 200));
        assert!(similar_length(0, 0));
        assert!(!similar_length(0, 3));
    }

    #[test]
    fn another_instance_of_the_same_model_is_a_self_judge() {
        let tree = ["phi-3.1-mini-4k-instruct", "phi-3.1-mini-4k-instruct:2"];
        assert!(is_self_judge("phi-3.1-mini-4k-instruct:6", &tree));
        assert!(is_self_judge("PHI-3.1-mini-4k-instruct", &tree));
        assert!(!is_self_judge("qwen2.5-7b-instruct", &tree));
        // A colon that is not an instance number is part of the name (Ollama's tags).
        assert!(!is_self_judge("llama3:8b", &["llama3:70b"]));
        assert_eq!(share(3, 4), Some(0.75));
        assert_eq!(share(0, 0), None);
    }

    #[test]
    fn a_comparison_is_self_judged_when_the_judge_answered_in_any_arm() {
        use crate::lab::{Arm, Judgement};
        let judgement = |comparison: i64, judge: &str| {
            let j = Judgement {
                pair: (Arm::Tree, Arm::Solo),
                shown_first: Arm::Tree,
                judge_model: judge.into(),
                run_id: "judge-run".into(),
                pick: Some(Pick::A),
                reason: String::new(),
            };
            (comparison, j)
        };
        let rows = LabRows {
            // 1: another organization's member ran the judge's model (a second instance of it);
            // 2: only the tree's model ran; 3: the judge's model ran but this judge did not judge it.
            judgements: vec![judgement(1, "qwen-7b"), judgement(2, "qwen-7b"), judgement(3, "other-judge")],
            arm_models: vec![
                (1, "phi-3.1".into()),
                (1, "qwen-7b:2".into()),
                (2, "phi-3.1".into()),
                (3, "qwen-7b".into()),
            ],
            ..LabRows::default()
        };
        assert_eq!(self_judged_comparisons(&rows, "qwen-7b"), BTreeSet::from([1]));
        assert!(self_judged_comparisons(&rows, "llama-3").is_empty());
    }
}
