//! The words of a section's header row, in one function of what the section is (its part, its
//! round, its node and who else it concerns), so the wording lives in one place: reflection
//! levels with names, say, change only this file.

use crate::config::Phase;
use crate::engine::ReflectionRound;

/// What a section shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// What the node was asked.
    Asked,
    /// One of its calls.
    Call(Phase),
}

/// Everything a header's words depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading<'a> {
    pub part: Part,
    /// The call's number among the node's calls of the same phase (1, 2, …).
    pub round: u32,
    /// Rounds of reflection the node makes (0 when not known).
    pub rounds: u32,
    /// The reflection level's name, when the node reflects in named levels ("check the facts").
    pub level: Option<&'a str>,
    /// The node's name.
    pub node: &'a str,
    /// Whether the node has children: a parent's own answer is one it gave alone.
    pub parent: bool,
    /// Who else the section concerns: who asked (none: the user), the children a split is for,
    /// the child a critique reviews, the reviewer a revision answers.
    pub others: Vec<&'a str>,
}

/// The header's words: "Asked by Nova", "Split → Echo, Pixel", "Reflection 1 of 2".
pub fn title(h: &Heading) -> String {
    let first_other = h.others.first().copied();
    match h.part {
        Part::Asked => format!("Asked by {}", first_other.unwrap_or("you")),
        Part::Call(Phase::Split) if h.others.is_empty() => "Split".into(),
        Part::Call(Phase::Split) => format!("Split → {}", h.others.join(", ")),
        Part::Call(Phase::Answer) if h.parent => "Answer alone (its helpers failed)".into(),
        Part::Call(Phase::Answer) => numbered("Answer", h.round),
        Part::Call(Phase::Synthesize) => numbered("Synthesis", h.round),
        Part::Call(Phase::Reflect) if h.round <= h.rounds => {
            ReflectionRound { round: h.round, of: h.rounds, name: h.level.map(str::to_string) }.title()
        }
        Part::Call(Phase::Reflect) => format!("Reflection {}", h.round),
        Part::Call(Phase::Revise) => match first_other.filter(|o| *o != h.node) {
            Some(reviewer) => format!("Revision after {reviewer}'s review"),
            None => format!("Revision {}", h.round),
        },
        Part::Call(Phase::Critique) => match first_other {
            Some(child) => format!("Critique of {child}"),
            None => numbered("Critique", h.round),
        },
        Part::Call(Phase::Solo) => "Answer (alone, without the team)".into(),
        Part::Call(Phase::Sample) => format!("Sample {}", h.round),
        Part::Call(Phase::Aggregate) => "Combined samples".into(),
        Part::Call(Phase::Judge) => "Verdict".into(),
        Part::Call(Phase::Expand) => numbered("Answer (asked alone)", h.round),
    }
}

/// `what`, numbered from its second time on ("Synthesis", then "Synthesis 2").
fn numbered(what: &str, round: u32) -> String {
    if round > 1 { format!("{what} {round}") } else { what.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(part: Part, round: u32, others: &[&'static str]) -> Heading<'static> {
        Heading { part, round, rounds: 2, level: None, node: "Nova", parent: false, others: others.to_vec() }
    }

    fn call(phase: Phase, round: u32, others: &[&'static str]) -> String {
        title(&heading(Part::Call(phase), round, others))
    }

    #[test]
    fn each_part_reads_in_plain_words() {
        assert_eq!(title(&heading(Part::Asked, 1, &[])), "Asked by you");
        assert_eq!(title(&heading(Part::Asked, 1, &["Atlas"])), "Asked by Atlas");
        assert_eq!(call(Phase::Split, 1, &["Echo", "Pixel"]), "Split → Echo, Pixel");
        assert_eq!(call(Phase::Answer, 1, &[]), "Answer");
        assert_eq!(call(Phase::Synthesize, 1, &[]), "Synthesis");
        assert_eq!(call(Phase::Synthesize, 2, &[]), "Synthesis 2");
        assert_eq!(call(Phase::Critique, 1, &["Echo"]), "Critique of Echo");
        assert_eq!(call(Phase::Expand, 1, &[]), "Answer (asked alone)");
    }

    #[test]
    fn reflection_rounds_count_against_the_rounds_the_node_makes() {
        assert_eq!(call(Phase::Reflect, 1, &[]), "Reflection 1 of 2");
        assert_eq!(call(Phase::Reflect, 2, &[]), "Reflection 2 of 2");
        // More rounds than configured (the record of an older setting): no "of".
        assert_eq!(call(Phase::Reflect, 3, &[]), "Reflection 3");
        let named =
            Heading { level: Some("draw out implications"), ..heading(Part::Call(Phase::Reflect), 2, &[]) };
        assert_eq!(title(&named), "Reflection 2 of 2 · draw out implications");
        assert_eq!(call(Phase::Revise, 1, &["Nova"]), "Revision 1", "its own review");
        assert_eq!(call(Phase::Revise, 1, &["Atlas"]), "Revision after Atlas's review");
    }

    #[test]
    fn a_parents_own_answer_says_it_answered_alone() {
        let h = Heading { parent: true, ..heading(Part::Call(Phase::Answer), 1, &[]) };
        assert_eq!(title(&h), "Answer alone (its helpers failed)");
    }
}
