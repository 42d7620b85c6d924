//! What the record says about the lab besides its stored rows: which comparisons to read, and
//! what a lab run was for.

use serde::Serialize;

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

    /// True for the demo's comparisons.
    pub(crate) fn is_demo(self) -> bool {
        self == LabScope::Demo
    }
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

/// One organization version (hierarchy hash) with comparisons in the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabVersion {
    pub hash: String,
    pub comparisons: u32,
    /// When its latest comparison was made (Unix ms).
    pub last_ms: i64,
}
