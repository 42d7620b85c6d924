//! The arms of a comparison and what one arm's run produced.

mod org;
mod result;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use org::OrgKey;
pub use result::ArmResult;

/// A way of answering a prompt. Not `Copy`: another organization's arm carries its key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arm {
    /// The configured hierarchy.
    Tree,
    /// The root's model alone, same sampling.
    Solo,
    /// The tree's call budget as N samples plus one aggregating call.
    Compute,
    /// The tree's leaves' own answers, joined without synthesis (read out of the tree's run).
    Parts,
    /// Another organization (a preset or a hierarchy file) run as a whole tree (`tree@seed`).
    Org(OrgKey),
}

/// The arms `--arms` names in words, for messages.
pub const ARM_NAMES: &str = "tree, parts, solo and compute, or tree@PRESET / tree@FILE for another \
organization";

impl Arm {
    /// The built-in arms (another organization's arm is named by the user).
    pub const ALL: [Arm; 4] = [Arm::Tree, Arm::Solo, Arm::Compute, Arm::Parts];

    /// The arm as the record and `--json` spell it: `tree`, `solo`, … or `tree@seed#1a2b3c4d`.
    pub fn as_str(&self) -> &str {
        match self {
            Arm::Tree => "tree",
            Arm::Solo => "solo",
            Arm::Compute => "compute",
            Arm::Parts => "parts",
            Arm::Org(key) => key.as_str(),
        }
    }

    /// A built-in arm's name, or an organization's arm as the record keys it (with its version).
    pub fn parse(s: &str) -> Option<Arm> {
        match s.trim() {
            "tree" => Some(Arm::Tree),
            "solo" => Some(Arm::Solo),
            "compute" | "same-compute" | "same_compute" => Some(Arm::Compute),
            "parts" => Some(Arm::Parts),
            other => OrgKey::parse(other).map(Arm::Org),
        }
    }

    /// True for an arm that runs a whole organization (the tree, or another one): its runs have
    /// members, and a follow-up reads its earlier turns as the members recorded them.
    pub fn runs_a_tree(&self) -> bool {
        matches!(self, Arm::Tree | Arm::Org(_))
    }

    /// The arm in words, for the verdict and the vote screen: "the team", "the seed's organization".
    pub fn describe(&self) -> String {
        match self {
            Arm::Tree => "the tree".into(),
            Arm::Solo => "solo (one model alone)".into(),
            Arm::Compute => "compute (samples + aggregator)".into(),
            Arm::Parts => "the parts (the members' own answers, not combined)".into(),
            Arm::Org(key) => key.describe(),
        }
    }
}

impl std::fmt::Display for Arm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

// As one string (`"tree"`, `"tree@seed#1a2b3c4d"`): the JSON reads like the record.
impl Serialize for Arm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Arm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Arm::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("unknown arm \"{text}\"")))
    }
}

/// An arm as `--arms` names it: a built-in arm, or `tree@X` (X a preset's name or a hierarchy
/// file), which [`super::organization`] loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArmSpec {
    Arm(Arm),
    /// What follows `tree@`, trimmed.
    Org(String),
}

/// Parses `tree,solo,tree@seed`, keeping the order given and refusing repeats and unknowns. The
/// organizations are only named here; whether they load (and differ) is checked when they are.
pub fn parse_specs(s: &str) -> Result<Vec<ArmSpec>, String> {
    let mut specs = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let spec = match part.strip_prefix("tree@") {
            Some(org) => ArmSpec::Org(org_spec(org)?),
            None => ArmSpec::Arm(Arm::parse(part).ok_or_else(|| {
                format!("unknown arm \"{part}\": the arms are {ARM_NAMES} (e.g. --arms tree,solo,tree@seed)")
            })?),
        };
        if specs.contains(&spec) {
            return Err(format!("the arm {part} is listed twice"));
        }
        specs.push(spec);
    }
    let has = |arm: Arm| specs.contains(&ArmSpec::Arm(arm));
    if has(Arm::Parts) && !has(Arm::Tree) {
        return Err(
            "the parts arm is read out of the tree's run: add tree to --arms (e.g. tree,parts)".into()
        );
    }
    if specs.len() < 2 {
        return Err("a comparison needs at least two arms, e.g. --arms tree,solo".into());
    }
    Ok(specs)
}

/// What follows `tree@`, checked for what the user can get wrong before anything is read.
fn org_spec(org: &str) -> Result<String, String> {
    let org = org.trim();
    if org.is_empty() {
        return Err(format!(
            "\"tree@\" needs the organization to run: a preset ({}) or a hierarchy file, e.g. tree@seed or \
             tree@./team.toml",
            crate::config::presets::names()
        ));
    }
    if let Some((name, version)) = org.rsplit_once('#') {
        return Err(format!(
            "tree@{org}: give the organization without its version (#{version}): tree@{name}. ailab reads \
             its version from what it holds now, and keeps the comparisons of each version apart"
        ));
    }
    Ok(org.to_string())
}
