//! How the lab's values are spelled in the record's columns, both ways.

use crate::lab::Arm;
use crate::lab::verdict::{Outcome, Pick};
use crate::store::error::StoreError;

/// A judge's pick as stored (`NULL` when it said nothing usable).
pub(super) fn pick_str(pick: Option<Pick>) -> Option<&'static str> {
    pick.map(|p| match p {
        Pick::A => "a",
        Pick::B => "b",
        Pick::Tie => "tie",
    })
}

/// A stored pick; anything else reads as no pick.
pub(super) fn parse_pick(s: Option<String>) -> Option<Pick> {
    match s.as_deref() {
        Some("a") => Some(Pick::A),
        Some("b") => Some(Pick::B),
        Some("tie") => Some(Pick::Tie),
        _ => None,
    }
}

/// A vote's outcome as stored.
pub(super) fn outcome_str(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::First => "first",
        Outcome::Second => "second",
        Outcome::Tie => "tie",
        Outcome::BothBad => "both_bad",
    }
}

/// A stored outcome; anything unknown reads as a tie.
pub(super) fn parse_outcome(s: &str) -> Outcome {
    match s {
        "first" => Outcome::First,
        "second" => Outcome::Second,
        "both_bad" => Outcome::BothBad,
        _ => Outcome::Tie,
    }
}

/// A stored arm; an unknown one makes the row unreadable rather than counted wrong.
pub(super) fn arm(s: &str) -> Result<Arm, StoreError> {
    Arm::parse(s).ok_or_else(|| StoreError::Unreadable { id: s.into(), reason: "unknown lab arm".into() })
}

/// The questions before a follow-up as stored: a JSON list, or '' for a first turn (part of the
/// comparison's key, so never NULL).
pub(super) fn earlier_str(earlier: &[String]) -> String {
    if earlier.is_empty() { String::new() } else { serde_json::to_string(earlier).unwrap_or_default() }
}

/// Stored questions before a follow-up; '' (or anything unreadable) is a first turn.
pub(super) fn parse_earlier(s: &str) -> Vec<String> {
    if s.is_empty() { Vec::new() } else { serde_json::from_str(s).unwrap_or_default() }
}
