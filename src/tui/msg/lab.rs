//! The Lab tab's messages and effects: what the record says about past comparisons, a comparison
//! running, and blind votes. Nested in [`super::Msg::Lab`] and [`super::Effect::Lab`].

use crate::lab::PendingVote;
use crate::lab::report::ArmCost;
use crate::lab::verdict::Outcome;
use crate::lab::{Arm, Progress, Scoreboard};

/// Why the Lab cannot work in this session (reading again will not help).
pub const NO_RECORD: &str = "The Lab keeps comparisons and votes in the record, and ailab was started with \
--no-record. Quit (Ctrl-Q) and start ailab without --no-record.";

/// Something that happened for the Lab tab.
#[derive(Debug, Clone)]
pub enum LabMsg {
    /// The record's comparisons, scored, and the queue of votes (or why they could not be read).
    Loaded(Result<Box<LabData>, String>),
    /// The comparison asked for has its place in the record: which sample of the prompt it is,
    /// and whether earlier work on it (an interrupted comparison) is being resumed.
    Started { comparison: i64, repeat: u32, resumed: bool },
    /// A step of the running comparison finished (an arm answered, or a judge call came back).
    Progress(Progress),
    /// The comparison's task ended.
    Ended(ComparisonEnd),
    /// A blind vote was stored, or could not be.
    VoteSaved { comparison: i64, pair: (Arm, Arm), result: Result<(), String> },
}

/// Something the Lab tab needs done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabEffect {
    /// Read the scoreboards and the vote queue (answered by `LabMsg::Loaded`) of one organization
    /// version (hierarchy hash), or of the one loaded now with `None`. Versions are never pooled.
    Load { version: Option<String> },
    /// Run the tree, solo and compute arms on `prompt`, then the judge on every pair in both
    /// orders, recorded like `ailab eval` does.
    StartComparison { prompt: String },
    /// Stop the running comparison (finished steps stay saved).
    Cancel,
    /// Store a blind vote. `outcome` is from `pair.0`'s side; `shown_first` was shown as "A".
    CastVote { comparison: i64, pair: (Arm, Arm), shown_first: Arm, outcome: Outcome, reason: String },
}

/// What the record holds for the Lab tab, scored.
#[derive(Debug, Clone, PartialEq)]
pub struct LabData {
    /// The judge new comparisons use (`--judge`, `AILAB_JUDGE`, else the root's model).
    pub judge_model: String,
    /// Every comparison the LLM judge scored in both orders.
    pub judged: Scoreboard,
    /// Every comparison the user voted on blind (latest vote per pair).
    pub voted: Scoreboard,
    /// Cost and answer length per arm over every scored comparison.
    pub costs: Vec<ArmCost>,
    /// Comparisons scored by the judge, the user, or both.
    pub comparisons: usize,
    /// Pairs waiting for a blind vote, oldest first, each with the order to show it in.
    pub queue: Vec<QueuedVote>,
    /// More pairs wait than the queue holds.
    pub more_waiting: bool,
    /// The verdict in plain words on the judge's scores shown.
    pub verdict: Vec<String>,
    /// The judge against the user's blind votes on the same pairs.
    pub agreement: Option<crate::lab::agreement::Agreement>,
    /// The organization versions with comparisons in the record, most recently used first.
    pub versions: Vec<crate::store::LabVersion>,
    /// The version shown (a hierarchy hash).
    pub shown_version: String,
    /// The version of the organization loaded now.
    pub current_version: String,
    /// What each parent added over its children's replies, by the judge (`ailab eval --levels`).
    pub levels: Vec<crate::lab::levels::MemberValue>,
    /// The tree loaded now in words ("the lean tree"), as the board names it beside others.
    pub tree_name: String,
    /// Every judge with verdicts on the version shown, with the comparisons it judged, most
    /// first. Only `judge_model`'s are scored: judges are never pooled.
    pub judges: Vec<(String, u32)>,
}

impl LabData {
    /// Judges other than the one shown, with the comparisons each judged.
    pub fn other_judges(&self) -> Vec<&(String, u32)> {
        self.judges.iter().filter(|(judge, _)| *judge != self.judge_model).collect()
    }

    /// Comparisons kept for versions of the organization other than the one shown.
    pub fn other_versions_comparisons(&self) -> u32 {
        self.versions.iter().filter(|v| v.hash != self.shown_version).map(|v| v.comparisons).sum()
    }
}

/// A pair waiting for a blind vote, with the side each answer is shown on (drawn at random by
/// the shell when the queue was read, so neither the reducer nor the view chooses it).
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedVote {
    pub pending: PendingVote,
    /// The arm whose answer is shown as "A".
    pub shown_first: Arm,
}

impl QueuedVote {
    /// The arm shown as "B".
    pub fn shown_second(&self) -> Arm {
        let (x, y) = &self.pending.pair;
        if self.shown_first == *x { y.clone() } else { x.clone() }
    }

    /// The answers as shown: (A, B).
    pub fn shown_answers(&self) -> (&str, &str) {
        let (x, y) = &self.pending.answers;
        if self.shown_first == self.pending.pair.0 { (x, y) } else { (y, x) }
    }
}

/// How a comparison started from the Lab tab ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ComparisonEnd {
    /// Every step ran (or was found saved). Outcomes are the judge's, after the swap rule.
    Finished { comparison: i64, outcomes: Vec<((Arm, Arm), Outcome)>, failed_arms: Vec<Arm> },
    /// Cancelled: finished steps are saved, and the same prompt resumes them.
    Cancelled,
    /// It could not run (the record, or an internal error): the message says what to do.
    Failed(String),
}
