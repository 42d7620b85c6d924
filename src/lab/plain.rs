//! The verdict in plain words, for someone who does not read confidence intervals: did the team
//! beat one model alone, did combining add anything over the members' own answers, what did it
//! cost, and how far the judge can be trusted. No winner is declared when the interval spans 50%.

use super::arm::Arm;
use super::report::{PairScore, Scoreboard};
use super::stats::{Tally, Verdict};

/// What the verdict needs besides the scores.
#[derive(Debug, Clone, Copy)]
pub struct Setting<'a> {
    /// The model the solo arm ran (the root's), named in "better than Phi-3.1 alone".
    pub solo_model: &'a str,
    /// The judge is a model under test.
    pub self_judged: bool,
    /// The tree under test in words, set against another organization: "the lean tree".
    pub tree_name: &'a str,
}

/// A pair's score seen from `arm`'s side (flipped when the pair was listed the other way round).
struct Side {
    tally: Tally,
    rate: Option<f64>,
    interval: Option<(f64, f64)>,
    verdict: Verdict,
    length_matched: Tally,
}

fn side(board: &Scoreboard, arm: &Arm, other: &Arm) -> Option<Side> {
    let p: &PairScore =
        board.pairs.iter().find(|p| (p.x == *arm && p.y == *other) || (p.x == *other && p.y == *arm))?;
    let flip =
        |t: Tally| if p.x == *arm { t } else { Tally { wins: t.losses, ties: t.ties, losses: t.wins } };
    let tally = flip(p.tally);
    Some(Side {
        tally,
        rate: tally.adjusted_win_rate(),
        interval: tally.interval(),
        verdict: tally.verdict(),
        length_matched: flip(p.length_matched),
    })
}

fn pct(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

/// "48% wins, could be anywhere from 33% to 63%".
fn rate_phrase(s: &Side) -> String {
    match (s.rate, s.interval) {
        (Some(rate), Some((lo, hi))) => {
            format!("{} wins, could be anywhere from {} to {}", pct(rate), pct(lo), pct(hi))
        }
        _ => "no verdicts".into(),
    }
}

/// "these 6 questions"; with follow-ups among them (MT-Bench's second turns), each is counted as
/// what it is.
fn questions(n: u32, board: &Scoreboard) -> String {
    match (n, board.turns.len() > 1) {
        (1, _) => "this question".into(),
        (n, true) => format!("these {n} questions and follow-ups (each turn judged on its own)"),
        (n, false) => format!("these {n} questions"),
    }
}

/// How many times `arm`'s average tokens are `other`'s, when both answered.
fn token_ratio(board: &Scoreboard, arm: &Arm, other: &Arm) -> Option<f64> {
    let tokens = |a: &Arm| board.costs.iter().find(|c| c.arm == *a && c.answered > 0).map(|c| c.avg_tokens);
    let (mine, theirs) = (tokens(arm)?, tokens(other)?);
    (theirs > 0.0).then(|| mine / theirs)
}

/// "Against the seed's organization (tree@seed#1a2b3c4d), the lean tree was better on these 6
/// questions (…)": one sentence per other organization judged against the tree under test.
fn against_organizations(board: &Scoreboard, setting: Setting<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for other in board.costs.iter().map(|c| &c.arm).filter(|a| matches!(a, Arm::Org(_))) {
        let Some(s) = side(board, &Arm::Tree, other) else { continue };
        let (tree, them) = (setting.tree_name, other.describe());
        let n = s.tally.total();
        let mut sentence = match s.verdict {
            Verdict::NoData => {
                format!("No question has been judged yet between {tree} and {them} ({other}).")
            }
            Verdict::Better | Verdict::Worse => format!(
                "Against {them} ({other}), {tree} was {} on {} ({}).",
                if s.verdict == Verdict::Better { "better" } else { "worse" },
                questions(n, board),
                rate_phrase(&s)
            ),
            Verdict::NoSignificantDifference => format!(
                "Against {them} ({other}), {tree} was not clearly better or worse on {} ({}); more questions \
                 would be needed to tell.",
                questions(n, board),
                rate_phrase(&s)
            ),
        };
        if let Some(ratio) = token_ratio(board, &Arm::Tree, other).filter(|_| n > 0) {
            sentence.push_str(&format!(" {} used {ratio:.1} times the tokens {} did.", capital(tree), them));
        }
        out.push(sentence);
    }
    out
}

/// "The lean tree" at the start of a sentence.
fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// The verdict as a few sentences, most important first.
pub fn verdict(board: &Scoreboard, setting: Setting<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if board.demo {
        out.push(
            "These are the demo's scripted answers and verdicts: they say nothing about real models.".into(),
        );
    }
    if let Some(s) = side(board, &Arm::Tree, &Arm::Solo) {
        let model = setting.solo_model;
        let n = s.tally.total();
        let mut sentence = match s.verdict {
            Verdict::NoData => format!("No question has been judged yet between the team and {model} alone."),
            Verdict::Better => format!(
                "On {} the team's answers were better than {model} alone ({}).",
                questions(n, board),
                rate_phrase(&s)
            ),
            Verdict::Worse => format!(
                "On {} the team's answers were worse than {model} alone ({}).",
                questions(n, board),
                rate_phrase(&s)
            ),
            Verdict::NoSignificantDifference => format!(
                "On {} the team's answers were not clearly better or worse than {model} alone ({}); \
                 more questions would be needed to tell.",
                questions(n, board),
                rate_phrase(&s)
            ),
        };
        if let Some(ratio) = token_ratio(board, &Arm::Tree, &Arm::Solo).filter(|_| n > 0) {
            sentence.push_str(&format!(" The team used {ratio:.1} times the tokens."));
        }
        out.push(sentence);
        let matched = s.length_matched;
        if let (Some(all), Some(similar)) = (s.rate, matched.adjusted_win_rate()) {
            if (all - similar).abs() >= 0.15 {
                out.push(format!(
                    "Judges tend to prefer longer answers: among the {} pairs of similar length the team won {}, \
                     against {} overall.",
                    matched.total(),
                    pct(similar),
                    pct(all)
                ));
            }
        }
    }
    if let Some(s) = side(board, &Arm::Tree, &Arm::Parts) {
        let t = s.tally;
        if t.total() > 0 {
            let how = match s.verdict {
                Verdict::Better => "a clear gain",
                Verdict::Worse => "combining lost more than it added",
                _ => "not a clear difference either way",
            };
            out.push(format!(
                "Combining added something over the members' own answers in {} of {} (worse in {}, {} even): {how}.",
                t.wins,
                t.total(),
                t.losses,
                t.ties
            ));
        }
    }
    if let Some(s) = side(board, &Arm::Tree, &Arm::Compute) {
        if s.tally.total() > 0 {
            let how = match s.verdict {
                Verdict::Better => "better than",
                Verdict::Worse => "worse than",
                _ => "not clearly different from",
            };
            out.push(format!(
                "Against the same number of calls spent on drafts by one model, combined, the team was {how} \
                 them ({}).",
                rate_phrase(&s)
            ));
        }
    }
    out.extend(against_organizations(board, setting));
    let right = |arm: &Arm| board.accuracy.iter().find(|a| a.arm == *arm && a.graded > 0);
    if let Some(tree) = right(&Arm::Tree) {
        let mut sentence = format!(
            "On the questions with a known answer, the team was right in {} of {}",
            tree.correct, tree.graded
        );
        if let Some(solo) = right(&Arm::Solo) {
            sentence
                .push_str(&format!(", {} alone in {} of {}", setting.solo_model, solo.correct, solo.graded));
        }
        if let Some(parts) = right(&Arm::Parts) {
            sentence
                .push_str(&format!(", the members' own answers in {} of {}", parts.correct, parts.graded));
        }
        for other in board.accuracy.iter().filter(|a| matches!(a.arm, Arm::Org(_)) && a.graded > 0) {
            sentence.push_str(&format!(
                ", {} in {} of {}",
                other.arm.describe(),
                other.correct,
                other.graded
            ));
        }
        sentence.push('.');
        out.push(sentence);
    }
    let consistency = board
        .pairs
        .iter()
        .filter_map(|p| p.consistency)
        .fold(None, |low: Option<f64>, c| Some(low.map_or(c, |l| l.min(c))));
    if let Some(c) = consistency.filter(|c| *c < super::trust::MIN_CONSISTENCY) {
        out.push(format!(
            "Caution: the judge agreed with itself only {} of the time when the two answers swapped places, \
             so its verdicts are unreliable; a stronger judge (--judge) would say more.",
            pct(c)
        ));
    }
    if setting.self_judged && !board.demo {
        out.push(
            "The judge is one of the models under test (self-judged): weak evidence. A different, stronger \
             judge model (--judge) makes this stronger."
                .into(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::report::ArmCost;

    fn pair(x: Arm, y: Arm, wins: u32, ties: u32, losses: u32, consistency: f64) -> PairScore {
        let tally = Tally { wins, ties, losses };
        PairScore {
            consistency: Some(consistency),
            length_matched: tally,
            length_matched_rate: tally.adjusted_win_rate(),
            ..PairScore::from_tally((x, y), tally)
        }
    }

    fn cost(arm: Arm, tokens: f64) -> ArmCost {
        ArmCost {
            arm,
            runs: 20,
            failed: 0,
            answered: 20,
            avg_calls: 1.0,
            avg_tokens: tokens,
            avg_wall_s: 1.0,
            avg_words: 100.0,
            flagged: 0,
        }
    }

    fn board(pairs: Vec<PairScore>) -> Scoreboard {
        Scoreboard {
            pairs,
            costs: vec![cost(Arm::Tree, 9000.0), cost(Arm::Solo, 1000.0)],
            categories: Default::default(),
            turns: Default::default(),
            accuracy: Vec::new(),
            comparisons: 20,
            max_repeat: 1,
            demo: false,
            self_judged: false,
        }
    }

    const PHI: Setting<'static> =
        Setting { solo_model: "Phi-3.1", self_judged: false, tree_name: "the lean tree" };

    #[test]
    fn an_interval_across_half_declares_no_winner_and_gives_the_cost() {
        let text = verdict(&board(vec![pair(Arm::Tree, Arm::Solo, 8, 3, 9, 0.8)]), PHI).join(" ");
        assert!(text.contains("not clearly better or worse than Phi-3.1 alone (48% wins"), "{text}");
        assert!(text.contains("could be anywhere from"), "{text}");
        assert!(text.contains("9.0 times the tokens"), "{text}");
        assert!(!text.contains("were better"), "{text}");
        assert!(text.contains("On these 20 questions the team"), "{text}");
        // With MT-Bench's follow-ups among them, the turns are not called questions.
        let mut multi_turn = board(vec![pair(Arm::Tree, Arm::Solo, 8, 3, 9, 0.8)]);
        multi_turn.turns = [(1, Vec::new()), (2, Vec::new())].into_iter().collect();
        let text = verdict(&multi_turn, PHI).join(" ");
        assert!(
            text.contains("On these 20 questions and follow-ups (each turn judged on its own) the team"),
            "{text}"
        );
    }

    #[test]
    fn a_pair_listed_the_other_way_round_is_read_from_the_teams_side() {
        // solo vs tree: solo lost 18 of 20, so the team won them.
        let text = verdict(&board(vec![pair(Arm::Solo, Arm::Tree, 1, 1, 18, 0.9)]), PHI).join(" ");
        assert!(text.contains("the team's answers were better than Phi-3.1 alone (92% wins"), "{text}");
    }

    #[test]
    fn parts_self_judging_and_an_inconsistent_judge_are_said() {
        let pairs =
            vec![pair(Arm::Tree, Arm::Solo, 2, 16, 2, 0.3), pair(Arm::Tree, Arm::Parts, 6, 10, 4, 0.5)];
        let text = verdict(&board(pairs), Setting { self_judged: true, ..PHI }).join(" ");
        assert!(text.contains("over the members' own answers in 6 of 20 (worse in 4, 10 even)"), "{text}");
        assert!(text.contains("agreed with itself only 30%"), "{text}");
        assert!(text.contains("self-judged"), "{text}");
    }

    #[test]
    fn another_organization_is_named_and_set_against_the_tree_under_test() {
        let seed = Arm::Org(crate::lab::OrgKey::preset("seed", "1a2b3c4d5e6f"));
        let mut against = board(vec![pair(Arm::Tree, seed.clone(), 14, 2, 4, 0.9)]);
        against.costs.push(cost(seed.clone(), 27000.0));
        let text = verdict(&against, PHI).join(" ");
        assert!(
            text.contains("Against the seed's organization (tree@seed#1a2b3c4d), the lean tree was better on these 20 questions (75% wins"),
            "{text}"
        );
        assert!(
            text.contains("The lean tree used 0.3 times the tokens the seed's organization did."),
            "{text}"
        );
        // Listed the other way round, and not yet judged.
        let text = verdict(&board(vec![pair(seed.clone(), Arm::Tree, 0, 0, 0, 1.0)]), PHI).join(" ");
        assert!(!text.contains("Against the seed's"), "no cost row, no arm to name: {text}");
        let mut unjudged = board(vec![pair(seed.clone(), Arm::Tree, 0, 0, 0, 1.0)]);
        unjudged.costs.push(cost(seed, 1.0));
        let text = verdict(&unjudged, PHI).join(" ");
        assert!(
            text.contains(
                "No question has been judged yet between the lean tree and the seed's organization"
            ),
            "{text}"
        );
    }
}
