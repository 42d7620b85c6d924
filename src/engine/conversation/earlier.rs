//! What a member reads of the earlier turns: one framed block, bounded to its share of the
//! context window, oldest turns shortened first, then left out, each with a marker.

use super::{Conversation, Earlier, PastTurn, TurnKind};

/// Each text of a turn that had to be shortened keeps this many characters.
const SHORTENED_CHARS: usize = 240;

impl Conversation {
    /// The block `node` reads before its prompt, at most `budget` characters: its own earlier
    /// tasks and answers (the root's answer is the team's), with the questions and the team's
    /// final answers. When it does not fit, the oldest turns are shortened first, then left out.
    pub fn earlier_for(&self, node: &str, is_root: bool, budget: usize) -> Earlier {
        if self.turns.is_empty() {
            return Earlier::default();
        }
        // A member that took no part (new to the team since, or never reached) is told so, and
        // so is the record (the request holds it).
        let newcomer = !is_root && !self.took_part(node);
        let frame = |parts: &[String], left_out: usize| frame(parts, left_out, newcomer);
        let framed_len = |parts: &[String], left_out: usize| frame(parts, left_out).chars().count();
        let full: Vec<String> =
            self.turns.iter().enumerate().map(|(i, t)| render_turn(i + 1, t, node, is_root, None)).collect();
        let mut parts = full.clone();
        let mut shortened = false;
        // Shorten the oldest first, until it fits.
        for (i, turn) in self.turns.iter().enumerate() {
            if framed_len(&parts, 0) <= budget {
                break;
            }
            parts[i] = render_turn(i + 1, turn, node, is_root, Some(SHORTENED_CHARS));
            shortened = true;
        }
        // Then leave the oldest out.
        let mut left_out = 0;
        while left_out < parts.len() && framed_len(&parts[left_out..], left_out) > budget {
            left_out += 1;
            shortened = true;
        }
        let text = if left_out == parts.len() {
            // Not even the last turn, shortened, fits: cut it.
            let last = parts.last().map_or("", String::as_str);
            shorten(&frame(&[last.to_string()], parts.len() - 1), budget)
        } else {
            frame(&parts[left_out..], left_out)
        };
        Earlier { text, shortened }
    }
}

/// Says how the earlier turns are given, and where the new request starts.
const HEADER: &str = "Earlier in this conversation (context for the new request below):";
const FOOTER: &str = "--- The new request ---";

/// A member that took no part in these turns reads this first.
const NEWCOMER: &str = "(You took no part in these turns: they are the team's work, not yours.)";

fn frame(parts: &[String], left_out: usize, newcomer: bool) -> String {
    let mut out = String::from(HEADER);
    out.push_str("\n\n");
    if newcomer {
        out.push_str(NEWCOMER);
        out.push_str("\n\n");
    }
    if left_out > 0 {
        let turns =
            if left_out == 1 { "turn 1 was".to_string() } else { format!("turns 1–{left_out} were") };
        out.push_str(&format!("[{turns} left out to fit the model's context window]\n\n"));
    }
    for part in parts {
        out.push_str(part);
        out.push_str("\n\n");
    }
    out.push_str(FOOTER);
    out
}

fn render_turn(number: usize, turn: &PastTurn, node: &str, is_root: bool, limit: Option<usize>) -> String {
    let text = |text: &str| -> String {
        let trimmed = text.trim();
        match limit {
            Some(max) => shorten(trimmed, max),
            None => trimmed.to_string(),
        }
    };
    let mut out = format!("[Turn {number}]");
    if !turn.complete {
        out.push_str(" (this turn did not finish: what it holds is incomplete)");
    }
    if turn.kind == TurnKind::Expansion {
        // One member was asked alone: the others read what it was asked and said.
        let member = turn.member.as_deref().unwrap_or("one member");
        let asked = if member == node { "you" } else { member };
        out.push_str(&format!("\nThe user asked {asked} directly: {}", text(&turn.question)));
        let who = if member == node { "You".to_string() } else { member.to_string() };
        match &turn.answer {
            Some(answer) => out.push_str(&format!("\n{who} answered: {}", text(answer))),
            None => out.push_str(&format!("\n{who} gave no answer.")),
        }
        return out;
    }
    if turn.kind == TurnKind::Resynthesis {
        let member = turn.member.as_deref().unwrap_or("one member");
        out.push_str(&format!(
            "\nThe team revised its answer to an earlier question with {member}'s expansion."
        ));
    }
    out.push_str(&format!("\nThe user asked: {}", text(&turn.question)));
    let own = turn.members.get(node);
    if !is_root && let Some(own) = own {
        out.push_str(&format!("\nYou were asked: {}", text(&own.task)));
        match &own.answer {
            Some(answer) => out.push_str(&format!("\nYou answered: {}", text(answer))),
            None => out.push_str("\nYou gave no answer on that turn."),
        }
    }
    match &turn.answer {
        Some(answer) if is_root => {
            out.push_str(&format!("\nYou answered (the team's final answer): {}", text(answer)))
        }
        Some(answer) => out.push_str(&format!("\nThe team's final answer: {}", text(answer))),
        None => out.push_str("\nThe team gave no final answer on that turn."),
    }
    out
}

/// Marks text shortened to fit.
pub const SHORTENED_MARKER: &str = " [… shortened to fit the model's context window]";

/// `text` in at most `max` characters (the marker included), cut on a character boundary.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let keep = max.saturating_sub(SHORTENED_MARKER.chars().count());
    let end = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    format!("{}{SHORTENED_MARKER}", &text[..end])
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::engine::conversation::Exchange;

    fn turn(n: usize, answer_len: usize) -> PastTurn {
        let mut members = BTreeMap::new();
        members.insert(
            "echo".to_string(),
            Exchange {
                task: format!("Echo's task {n}"),
                answer: Some(format!("Echo said {n}. {}", "e".repeat(answer_len))),
            },
        );
        PastTurn {
            run_id: format!("run-{n}"),
            question: format!("Question {n}?"),
            answer: Some(format!("Final {n}. {}", "f".repeat(answer_len))),
            complete: true,
            members,
            ..PastTurn::default()
        }
    }

    fn conversation(turns: Vec<PastTurn>) -> Conversation {
        let mut conversation = Conversation::default();
        for t in turns {
            conversation.push(t);
        }
        conversation
    }

    #[test]
    fn a_first_turn_has_nothing_earlier_and_starts_a_conversation() {
        let new = Conversation::default();
        assert_eq!(new.earlier_for("echo", false, 10_000), Earlier::default());
        let info = new.next_turn_info("run-1");
        assert_eq!((info.id.as_str(), info.turn), ("run-1", 1));
        let two = conversation(vec![turn(1, 10)]);
        let info = two.next_turn_info("run-2");
        assert_eq!((info.id.as_str(), info.turn), ("run-1", 2));
    }

    #[test]
    fn a_member_reads_the_questions_its_own_exchanges_and_the_final_answers() {
        let earlier = conversation(vec![turn(1, 10), turn(2, 10)]).earlier_for("echo", false, 10_000);
        assert!(!earlier.shortened);
        let text = &earlier.text;
        for part in ["Question 1?", "Echo's task 1", "You answered: Echo said 1.", "final answer: Final 2."] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
        assert!(text.find("Question 1?") < text.find("Question 2?"), "oldest first");
        assert!(text.ends_with(FOOTER));
        // The root's own answer is the team's: said once.
        let root = conversation(vec![turn(1, 10)]).earlier_for("atlas", true, 10_000).text;
        assert!(
            root.contains("You answered (the team's final answer): Final 1.") && !root.contains("Echo"),
            "{root}"
        );
    }

    #[test]
    fn the_oldest_turns_are_shortened_first_then_left_out_and_it_always_fits() {
        let talk = conversation(vec![turn(1, 2000), turn(2, 2000), turn(3, 300)]);
        let full = talk.earlier_for("echo", false, 100_000).text.chars().count();
        let budget = full - 2000;
        let earlier = talk.earlier_for("echo", false, budget);
        assert!(earlier.shortened && earlier.text.chars().count() <= budget);
        assert!(earlier.text.contains(SHORTENED_MARKER.trim()), "{}", earlier.text);
        // Turn 1 was shortened, the newer ones kept whole.
        assert_eq!(earlier.text.matches(&"e".repeat(2000)).count(), 1, "only turn 2's answer is whole");
        assert!(earlier.text.contains("Question 1?") && earlier.text.contains(&"f".repeat(300)));
        for budget in [1500, 600, 200, 40] {
            let earlier = talk.earlier_for("echo", false, budget);
            assert!(earlier.text.chars().count() <= budget.max(60), "{budget}: {}", earlier.text);
            assert!(earlier.shortened);
        }
        let tight = talk.earlier_for("echo", false, 1500).text;
        assert!(tight.contains("left out to fit") && tight.contains("Question 3?"), "{tight}");
    }

    #[test]
    fn a_member_that_took_no_part_in_the_earlier_turns_is_told_so() {
        let talk = conversation(vec![turn(1, 10)]);
        assert!(talk.earlier_for("kim", false, 10_000).text.contains(NEWCOMER));
        assert!(!talk.earlier_for("echo", false, 10_000).text.contains(NEWCOMER));
        assert!(
            !talk.earlier_for("atlas", true, 10_000).text.contains(NEWCOMER),
            "the root answered every turn"
        );
    }

    #[test]
    fn an_unfinished_turn_says_its_text_is_incomplete() {
        let mut failed = turn(1, 10);
        failed.complete = false;
        failed.answer = None;
        let text = conversation(vec![failed]).earlier_for("echo", false, 10_000).text;
        assert!(text.contains("did not finish") && text.contains("no final answer"), "{text}");
    }
}
