//! The blind vote screen: two answers shown as "A" and "B" in an order drawn by the shell, a
//! choice, an optional one-line reason, then the reveal of which arm was which.

use ratatui_textarea::TextArea;

use crate::lab::Arm;
use crate::lab::verdict::Outcome;
use crate::tui::msg::lab::QueuedVote;

/// What the user chose, in the terms they saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    A,
    B,
    Tie,
    BothBad,
}

impl Choice {
    /// The outcome from the pair's first arm's side, knowing which arm was shown as "A".
    pub fn outcome(self, pair: &(Arm, Arm), shown_first: &Arm) -> Outcome {
        let a_is_first = *shown_first == pair.0;
        match self {
            Choice::A if a_is_first => Outcome::First,
            Choice::A => Outcome::Second,
            Choice::B if a_is_first => Outcome::Second,
            Choice::B => Outcome::First,
            Choice::Tie => Outcome::Tie,
            Choice::BothBad => Outcome::BothBad,
        }
    }

    /// How the choice reads after the vote.
    pub fn label(self) -> &'static str {
        match self {
            Choice::A => "A is better",
            Choice::B => "B is better",
            Choice::Tie => "a tie",
            Choice::BothBad => "both bad",
        }
    }
}

/// Where storing the vote stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saving {
    Pending,
    Saved,
    /// Not stored: why (the same choice can be sent again).
    Failed(String),
}

/// Before or after the vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VotePhase {
    /// Names hidden; waiting for a choice.
    Choosing,
    /// Names revealed.
    Revealed { choice: Choice, saving: Saving },
}

/// The vote screen.
#[derive(Debug, Clone)]
pub struct VoteScreen {
    /// The pair on screen (`None`: nothing waits for a vote).
    pub item: Option<QueuedVote>,
    /// Its place in the queue when shown (1-based) and how many waited then.
    pub position: usize,
    pub waiting: usize,
    pub reason: TextArea<'static>,
    pub editing_reason: bool,
    pub phase: VotePhase,
    /// First row the user scrolled both panes to (drawn no further than their last page).
    pub scroll: usize,
}

fn reason_box() -> TextArea<'static> {
    let mut reason = TextArea::default();
    reason.set_placeholder_text("optional: why, in a few words");
    reason
}

impl VoteScreen {
    /// A screen showing `item` (the `position`th of `waiting` pairs), or the empty state.
    pub fn new(item: Option<QueuedVote>, position: usize, waiting: usize) -> VoteScreen {
        VoteScreen {
            item,
            position,
            waiting,
            reason: reason_box(),
            editing_reason: false,
            phase: VotePhase::Choosing,
            scroll: 0,
        }
    }

    /// The reason typed, on one line.
    pub fn reason_text(&self) -> String {
        self.reason.lines().join(" ").trim().to_string()
    }

    pub fn is_revealed(&self) -> bool {
        matches!(self.phase, VotePhase::Revealed { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_and_b_map_to_the_pair_whichever_was_shown_first() {
        let pair = (Arm::Tree, Arm::Solo);
        assert_eq!(Choice::A.outcome(&pair, &Arm::Tree), Outcome::First);
        assert_eq!(Choice::B.outcome(&pair, &Arm::Tree), Outcome::Second);
        assert_eq!(Choice::A.outcome(&pair, &Arm::Solo), Outcome::Second);
        assert_eq!(Choice::B.outcome(&pair, &Arm::Solo), Outcome::First);
        assert_eq!(Choice::Tie.outcome(&pair, &Arm::Solo), Outcome::Tie);
        assert_eq!(Choice::BothBad.outcome(&pair, &Arm::Tree), Outcome::BothBad);
    }
}
