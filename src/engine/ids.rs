//! What names a run and the prompts it used: run ids that sort by time, and the hierarchy's hash.

use sha2::{Digest, Sha256};

use super::events::RunId;
use crate::clock::{civil_from_unix, now_ms};
use crate::config::Hierarchy;

/// A fresh run id: UTC start time plus 4 random hex digits, so ids sort by time and stay short.
pub fn new_run_id() -> RunId {
    let secs = now_ms() / 1000;
    let (y, mo, d, h, mi, s) = civil_from_unix(secs);
    let suffix: u16 = rand::random();
    format!("{y:04}{mo:02}{d:02}-{h:02}{mi:02}{s:02}-{suffix:04x}").into()
}

/// SHA-256 of the hierarchy's canonical JSON: two runs with the same hash used the same prompts.
pub fn hierarchy_hash(hierarchy: &Hierarchy) -> String {
    let mut canonical = hierarchy.clone();
    // Where the file lives does not change what the models were told.
    canonical.source = String::new();
    let json = serde_json::to_vec(&canonical).unwrap_or_default();
    let digest = Sha256::digest(&json);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
