//! Value added at each level (`ailab eval --levels`): for every parent of a tree run, did its
//! synthesis improve on what its children said? The judge compares the parent's answer with its
//! children's replies joined, on the parent's own task, in both orders (the swap rule), and each
//! member gets a plain tally: "Nova: better than its parts in 6 of 10, 3 ties, 1 worse".

use std::collections::BTreeMap;

use serde::Serialize;

use super::stats::Tally;
use super::verdict::{Outcome, Pick, TieKind, combine, tie_kind};
use crate::config::Hierarchy;
use crate::engine::PastTurn;

/// Which side of a level comparison was shown to the judge as answer A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelSide {
    /// The parent's own answer, made from its children's replies.
    Synthesis,
    /// The children's replies joined, not combined.
    Parts,
}

impl LevelSide {
    pub const BOTH: [LevelSide; 2] = [LevelSide::Synthesis, LevelSide::Parts];

    pub fn as_str(self) -> &'static str {
        match self {
            LevelSide::Synthesis => "synthesis",
            LevelSide::Parts => "parts",
        }
    }

    pub fn parse(text: &str) -> Option<LevelSide> {
        match text {
            "synthesis" => Some(LevelSide::Synthesis),
            "parts" => Some(LevelSide::Parts),
            _ => None,
        }
    }
}

/// One judge call on one parent of one tree run, in one order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelJudgement {
    /// The tree run whose parent was judged.
    pub run_id: String,
    /// The parent's node id.
    pub node: String,
    pub shown_first: LevelSide,
    pub judge_model: String,
    /// The judge's own run.
    pub judge_run: String,
    pub pick: Option<Pick>,
    pub reason: String,
}

/// What the judge is shown for one parent of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelInput {
    pub node: String,
    pub name: String,
    /// The parent's own task (for the root, the user's question).
    pub task: String,
    pub synthesis: String,
    /// The children's replies joined under their names, in the order the tree lists them.
    pub parts: String,
}

/// The parents of `hierarchy` that answered in `turn` with at least one child's reply to compare
/// against, in the order the tree lists its nodes.
pub fn inputs(hierarchy: &Hierarchy, turn: &PastTurn) -> Vec<LevelInput> {
    let said = |id: &str| {
        let exchange = turn.members.get(id)?;
        exchange.answer.as_deref().map(str::trim).filter(|a| !a.is_empty()).map(|a| (exchange, a))
    };
    hierarchy
        .nodes
        .iter()
        .filter(|node| node.is_parent())
        .filter_map(|node| {
            let (exchange, synthesis) = said(&node.id)?;
            let sections: Vec<String> = node
                .children
                .iter()
                .filter_map(|id| {
                    let child = hierarchy.node(id)?;
                    let (_, answer) = said(id)?;
                    Some(format!("{} ({}):\n{answer}", child.name, child.role))
                })
                .collect();
            (!sections.is_empty()).then(|| LevelInput {
                node: node.id.clone(),
                name: node.name.clone(),
                task: exchange.task.clone(),
                synthesis: synthesis.to_string(),
                parts: sections.join("\n\n"),
            })
        })
        .collect()
}

/// One member's value added, over the runs judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberValue {
    pub node: String,
    pub name: String,
    /// From the synthesis's side: wins = better than its parts, losses = worse.
    pub tally: Tally,
}

impl MemberValue {
    /// "Nova: better than its parts in 6 of 10, 3 ties, 1 worse".
    pub fn line(&self) -> String {
        let t = self.tally;
        let ties = if t.ties == 1 { "1 tie".to_string() } else { format!("{} ties", t.ties) };
        format!(
            "{}: better than its parts in {} of {}, {ties}, {} worse",
            self.name,
            t.wins,
            t.total(),
            t.losses
        )
    }
}

/// The members of `hierarchy` as (id, name), in its order: how a tally names and orders them.
pub fn members(hierarchy: &Hierarchy) -> Vec<(String, String)> {
    hierarchy.nodes.iter().map(|n| (n.id.clone(), n.name.clone())).collect()
}

/// The per-member tally of `judgements` (any number of runs), by the swap rule: a run's parent
/// counts once it was judged in both orders. Members are named from `members` ([`members`]; their
/// id when it no longer has them) and listed in its order.
pub fn tally(members: &[(String, String)], judgements: &[LevelJudgement]) -> Vec<MemberValue> {
    // (node, run, judge) → the pick in each order, once given (a pick may itself be unreadable).
    type Orders<'a> = BTreeMap<(&'a str, &'a str, &'a str), [Option<Option<Pick>>; 2]>;
    let mut orders: Orders = BTreeMap::new();
    for j in judgements {
        let slot = orders.entry((j.node.as_str(), j.run_id.as_str(), j.judge_model.as_str())).or_default();
        slot[usize::from(j.shown_first == LevelSide::Parts)] = Some(j.pick);
    }
    let mut by_node: BTreeMap<&str, Tally> = BTreeMap::new();
    for ((node, _, _), picks) in orders {
        let [Some(first), Some(swapped)] = picks else { continue };
        let tally = by_node.entry(node).or_default();
        match combine(first, swapped) {
            Outcome::First => tally.wins += 1,
            Outcome::Second => tally.losses += 1,
            Outcome::Tie | Outcome::BothBad => tally.ties += 1,
        }
    }
    let position = |id: &str| members.iter().position(|(m, _)| m == id).unwrap_or(usize::MAX);
    let mut out: Vec<MemberValue> = by_node
        .into_iter()
        .map(|(node, tally)| MemberValue {
            node: node.to_string(),
            name: members
                .iter()
                .find(|(id, _)| id == node)
                .map_or_else(|| node.to_string(), |(_, n)| n.clone()),
            tally,
        })
        .collect();
    out.sort_by_key(|m| position(&m.node));
    out
}

/// What the judge said about one parent of one run, its two orders taken together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunLevel {
    /// The synthesis won in both orders.
    Better,
    /// The children's replies won in both orders.
    Worse,
    /// Called a tie in both orders.
    Tie,
    /// The pick changed with the order shown: no winner.
    Disagreed,
    /// A reply named neither answer.
    Unreadable,
    /// Judged in one order so far (a failed call is asked again by the next eval).
    OneOrder,
}

/// One parent of one run, as one judge saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentVerdict {
    pub node: String,
    pub judge_model: String,
    pub verdict: RunLevel,
}

impl ParentVerdict {
    /// "Nova: better than its parts (judge: both orders agree)"; with `name_judge`, the judge is
    /// named (a run several judges judged).
    pub fn line(&self, name: &str, name_judge: bool) -> String {
        let judge = if name_judge { format!("judge {}", self.judge_model) } else { "judge".into() };
        match self.verdict {
            RunLevel::Better => format!("{name}: better than its parts ({judge}: both orders agree)"),
            RunLevel::Worse => format!("{name}: worse than its parts ({judge}: both orders agree)"),
            RunLevel::Tie => format!("{name}: a tie with its parts ({judge}: a tie in both orders)"),
            RunLevel::Disagreed => {
                format!("{name}: no winner over its parts ({judge}: the orders disagree, counted as a tie)")
            }
            RunLevel::Unreadable => {
                format!("{name}: no winner over its parts ({judge}: a reply named neither, counted as a tie)")
            }
            RunLevel::OneOrder => format!("{name}: judged in one order only ({judge}: no verdict yet)"),
        }
    }
}

/// The verdict on each parent of one run from its `judgements` (any judges, oldest first: a
/// verdict given again replaces the earlier), in the order the parents were first judged.
pub fn of_run(judgements: &[LevelJudgement]) -> Vec<ParentVerdict> {
    // (node, judge) → the pick in each order, once given (a pick may itself be unreadable).
    type Orders<'a> = Vec<((&'a str, &'a str), [Option<Option<Pick>>; 2])>;
    let mut orders: Orders = Vec::new();
    for j in judgements {
        let key = (j.node.as_str(), j.judge_model.as_str());
        let at = match orders.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                orders.push((key, [None, None]));
                orders.len() - 1
            }
        };
        orders[at].1[usize::from(j.shown_first == LevelSide::Parts)] = Some(j.pick);
    }
    orders
        .into_iter()
        .map(|((node, judge), picks)| {
            let verdict = match picks {
                [Some(first), Some(swapped)] => match tie_kind(first, swapped) {
                    None if combine(first, swapped) == Outcome::First => RunLevel::Better,
                    None => RunLevel::Worse,
                    Some(TieKind::Explicit) => RunLevel::Tie,
                    Some(TieKind::Disagreed) => RunLevel::Disagreed,
                    Some(TieKind::Unreadable) => RunLevel::Unreadable,
                },
                _ => RunLevel::OneOrder,
            };
            ParentVerdict { node: node.to_string(), judge_model: judge.to_string(), verdict }
        })
        .collect()
}

/// The value added per member as text for the terminal, or nothing when none was judged.
pub fn render(values: &[MemberValue]) -> String {
    if values.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "value added at each level (each parent's answer against its children's replies joined, judged in both orders):\n",
    );
    for value in values {
        out.push_str("  ");
        out.push_str(&value.line());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::turn_fixture::{shipped, turn};

    #[test]
    fn each_parent_with_a_synthesis_and_a_childs_reply_is_compared_on_its_own_task() {
        let hierarchy = shipped();
        let run = turn(&[
            ("atlas", Some("Atlas's synthesis")),
            ("nova", Some("Nova's synthesis")),
            ("sage", Some("Sage's synthesis")),
            ("echo", Some("Echo says")),
            ("pixel", None),
            ("quantum", Some("  ")),
        ]);
        let inputs = inputs(&hierarchy, &run);
        let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["Atlas", "Nova"], "Sage's only child said nothing");
        let nova = &inputs[1];
        assert_eq!(nova.task, "task of nova");
        assert_eq!(nova.synthesis, "Nova's synthesis");
        assert!(nova.parts.starts_with("Echo (") && nova.parts.ends_with("Echo says"), "{}", nova.parts);
        assert!(inputs[0].parts.contains("Nova's synthesis") && inputs[0].parts.contains("Sage's synthesis"));
    }

    fn judged(run: &str, node: &str, shown_first: LevelSide, pick: Option<Pick>) -> LevelJudgement {
        LevelJudgement {
            run_id: run.into(),
            node: node.into(),
            shown_first,
            judge_model: "judge".into(),
            judge_run: format!("j-{run}-{node}-{}", shown_first.as_str()),
            pick,
            reason: String::new(),
        }
    }

    #[test]
    fn the_tally_uses_the_swap_rule_counts_runs_judged_in_both_orders_and_reads_plainly() {
        use LevelSide::{Parts, Synthesis};
        let hierarchy = shipped();
        let judgements = vec![
            // r1: Nova's synthesis wins in both orders; Atlas's picks follow the order (a tie).
            judged("r1", "nova", Synthesis, Some(Pick::A)),
            judged("r1", "nova", Parts, Some(Pick::B)),
            judged("r1", "atlas", Synthesis, Some(Pick::A)),
            judged("r1", "atlas", Parts, Some(Pick::A)),
            // r2: Nova's parts win; Atlas judged in one order only (not counted).
            judged("r2", "nova", Synthesis, Some(Pick::B)),
            judged("r2", "nova", Parts, Some(Pick::A)),
            judged("r2", "atlas", Synthesis, Some(Pick::A)),
            // r3: Nova wins again.
            judged("r3", "nova", Parts, Some(Pick::B)),
            judged("r3", "nova", Synthesis, Some(Pick::A)),
        ];
        let values = tally(&members(&hierarchy), &judgements);
        let lines: Vec<String> = values.iter().map(MemberValue::line).collect();
        assert_eq!(
            lines,
            [
                "Atlas: better than its parts in 0 of 1, 1 tie, 0 worse",
                "Nova: better than its parts in 2 of 3, 0 ties, 1 worse",
            ]
        );
        assert!(render(&values).contains("  Nova: better"));
        assert_eq!(render(&[]), "");
    }

    #[test]
    fn one_runs_parents_each_get_a_line_saying_what_the_two_orders_gave() {
        use LevelSide::{Parts, Synthesis};
        let judgements = vec![
            judged("r1", "atlas", Synthesis, Some(Pick::A)),
            judged("r1", "nova", Synthesis, Some(Pick::A)),
            judged("r1", "nova", Parts, Some(Pick::B)),
            judged("r1", "atlas", Parts, Some(Pick::A)),
            judged("r1", "sage", Synthesis, Some(Pick::B)),
            judged("r1", "sage", Parts, Some(Pick::A)),
            judged("r1", "pixel", Parts, Some(Pick::Tie)),
            judged("r1", "pixel", Synthesis, Some(Pick::Tie)),
            judged("r1", "echo", Synthesis, None),
            judged("r1", "echo", Parts, Some(Pick::A)),
            judged("r1", "quantum", Synthesis, Some(Pick::A)),
        ];
        let verdicts = of_run(&judgements);
        let lines: Vec<String> = verdicts.iter().map(|v| v.line(&v.node, false)).collect();
        assert_eq!(
            lines,
            [
                "atlas: no winner over its parts (judge: the orders disagree, counted as a tie)",
                "nova: better than its parts (judge: both orders agree)",
                "sage: worse than its parts (judge: both orders agree)",
                "pixel: a tie with its parts (judge: a tie in both orders)",
                "echo: no winner over its parts (judge: a reply named neither, counted as a tie)",
                "quantum: judged in one order only (judge: no verdict yet)",
            ]
        );
        assert_eq!(
            verdicts[1].line("Nova", true),
            "Nova: better than its parts (judge judge: both orders agree)"
        );
    }
}
