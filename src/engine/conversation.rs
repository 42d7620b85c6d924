//! A conversation with the team: the earlier turns, and what each member reads of them on the next.
//!
//! Every member gets one framed block in front of its prompt (not earlier chat messages): the
//! questions asked so far, what it was asked and answered itself, and the team's final answers.
//! One block because a member's history holds other voices (the team's answer is not its own
//! words, so it cannot be its "assistant" turn), because a split must still answer in JSON (earlier
//! prose replies as assistant turns pull a small model towards prose), and because it works with any
//! chat template. The block is bounded: the oldest turns are shortened first, then left out, each
//! with a marker the model (and the record) can see.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a turn is, beside an ordinary question to the whole team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnKind {
    /// A question (the first, or a follow-up) to the whole team.
    #[default]
    Question,
}

impl TurnKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TurnKind::Question => "question",
        }
    }

    pub fn parse(text: &str) -> Option<TurnKind> {
        match text {
            "question" => Some(TurnKind::Question),
            _ => None,
        }
    }
}

/// Where a run sits in its conversation (carried by `RunStarted`, so `--json` and the record know).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnInfo {
    /// The conversation's id: the id of its first run.
    pub id: String,
    /// 1 for the first turn.
    pub turn: u32,
    #[serde(default)]
    pub kind: TurnKind,
}

/// What one member was asked and answered on an earlier turn.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Exchange {
    pub task: String,
    /// `None` when the member gave no answer (it failed, or the turn stopped first).
    pub answer: Option<String>,
}

/// One earlier turn, as the record or the live view knows it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PastTurn {
    pub run_id: String,
    pub question: String,
    /// The team's final answer, if the turn produced one.
    pub answer: Option<String>,
    /// False when the turn did not finish (failed, cancelled, interrupted): its text is partial.
    pub complete: bool,
    /// By node id.
    pub members: BTreeMap<String, Exchange>,
}

/// The turns so far. The default is a new conversation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conversation {
    /// The id of its first run; `None` before the first turn.
    pub id: Option<String>,
    pub turns: Vec<PastTurn>,
}

/// What a member reads of the earlier turns, in front of its prompt.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Earlier {
    /// Empty on a first turn.
    pub text: String,
    /// Some of it was shortened or left out to fit the member's context window.
    pub shortened: bool,
}

/// Each text of a turn that had to be shortened keeps this many characters.
const SHORTENED_CHARS: usize = 240;

impl Conversation {
    /// The number the next turn gets.
    pub fn next_turn(&self) -> u32 {
        self.turns.len() as u32 + 1
    }

    /// Where a run started as the next turn sits (its own id starts a new conversation).
    pub fn next_turn_info(&self, run_id: &str) -> TurnInfo {
        TurnInfo {
            id: self.id.clone().unwrap_or_else(|| run_id.to_string()),
            turn: self.next_turn(),
            kind: TurnKind::Question,
        }
    }

    /// Adds a finished turn (the conversation takes the id of its first run).
    pub fn push(&mut self, turn: PastTurn) {
        if self.id.is_none() {
            self.id = Some(turn.run_id.clone());
        }
        self.turns.push(turn);
    }

    /// The block `node` reads before its prompt, at most `budget` characters: its own earlier
    /// tasks and answers (the root's answer is the team's), with the questions and the team's
    /// final answers. When it does not fit, the oldest turns are shortened first, then left out.
    pub fn earlier_for(&self, node: &str, is_root: bool, budget: usize) -> Earlier {
        if self.turns.is_empty() {
            return Earlier::default();
        }
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

fn frame(parts: &[String], left_out: usize) -> String {
    let mut out = String::from(HEADER);
    out.push_str("\n\n");
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

fn framed_len(parts: &[String], left_out: usize) -> usize {
    frame(parts, left_out).chars().count()
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
    use super::*;

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
    fn an_unfinished_turn_says_its_text_is_incomplete() {
        let mut failed = turn(1, 10);
        failed.complete = false;
        failed.answer = None;
        let text = conversation(vec![failed]).earlier_for("echo", false, 10_000).text;
        assert!(text.contains("did not finish") && text.contains("no final answer"), "{text}");
    }
}
