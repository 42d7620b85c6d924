//! The lab's side of the record: comparisons, arm answers, judge verdicts and blind votes.
//!
//! Written through a [`Reader`](crate::store::Reader)'s connection: these are a handful of small writes between runs
//! (never on the token path), each in its own IMMEDIATE transaction, so they do not need the
//! recorder's actor; WAL and the busy timeout let them share the file with it.
//!
//! `scores` reads the comparisons back for the scoreboards and the vote queue; `record` writes
//! them (the eval runner's [`LabRecord`], blind votes).

mod record;
mod scores;

pub use record::LabRecord;

use serde::Serialize;

use super::error::StoreError;
use crate::lab::verdict::{Outcome, Pick};
use crate::lab::{Arm, LabPrompt};

/// Which comparisons a scoreboard reads: the offline demo's scripted ones, or real models' ones.
/// The two never mix: demo verdicts are scripted and mean nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabScope {
    Real,
    Demo,
}

impl LabScope {
    /// The scope of comparisons made by a session in demo mode or not.
    pub fn of(demo: bool) -> LabScope {
        if demo { LabScope::Demo } else { LabScope::Real }
    }

    fn is_demo(self) -> bool {
        self == LabScope::Demo
    }
}

/// A comparison waiting for the user's blind vote on one pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PendingVote {
    pub comparison: i64,
    pub prompt: LabPrompt,
    pub pair: (Arm, Arm),
    pub answers: (String, String),
}

/// (comparison, arm x, arm y, judge model): the key of a pair's two verdicts, one per order.
type JudgedPair = (i64, Arm, Arm, String);

fn pick_str(pick: Option<Pick>) -> Option<&'static str> {
    pick.map(|p| match p {
        Pick::A => "a",
        Pick::B => "b",
        Pick::Tie => "tie",
    })
}

fn parse_pick(s: Option<String>) -> Option<Pick> {
    match s.as_deref() {
        Some("a") => Some(Pick::A),
        Some("b") => Some(Pick::B),
        Some("tie") => Some(Pick::Tie),
        _ => None,
    }
}

fn outcome_str(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::First => "first",
        Outcome::Second => "second",
        Outcome::Tie => "tie",
        Outcome::BothBad => "both_bad",
    }
}

fn parse_outcome(s: &str) -> Outcome {
    match s {
        "first" => Outcome::First,
        "second" => Outcome::Second,
        "both_bad" => Outcome::BothBad,
        _ => Outcome::Tie,
    }
}

fn arm(s: &str) -> Result<Arm, StoreError> {
    Arm::parse(s).ok_or_else(|| StoreError::Unreadable { id: s.into(), reason: "unknown lab arm".into() })
}

/// What a lab run was for: one arm's answer, or one judge verdict, in a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabLink {
    pub comparison: i64,
    pub prompt: String,
    pub category: String,
    pub repeat: u32,
    /// [`crate::lab::DEMO_BACKEND`] or the server's base URL.
    pub backend: String,
    /// "the tree arm", or "the judge of tree vs solo, tree shown as A".
    pub role: String,
}
