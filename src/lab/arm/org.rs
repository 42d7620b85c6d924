//! The key of another organization's arm: `tree@NAME#VERSION`, NAME a preset's or a file's name and
//! VERSION the first 8 hex digits of the organization's hierarchy hash.
//!
//! The version is part of the key so that comparisons with a file edited since (or with a preset a
//! later ailab changed) are never pooled with the old ones: each version is an arm of its own.

use crate::config::presets;

/// Hex digits of the hierarchy hash the key keeps: enough to tell versions apart in one record.
const VERSION_LEN: usize = 8;
/// Characters of the name the key keeps (a long file name is cut).
const NAME_LEN: usize = 40;

/// Which organization an [`super::Arm::Org`] runs, as the record keys it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgKey {
    key: String,
}

impl OrgKey {
    /// The key of the preset `preset` at hierarchy hash `hash`.
    pub fn preset(preset: &str, hash: &str) -> OrgKey {
        Self::new(preset, hash)
    }

    /// The key of the hierarchy file called `file_name` at hierarchy hash `hash`. A file named
    /// exactly like a preset gets `file-` before its name, so the key never reads as the preset.
    pub fn file(file_name: &str, hash: &str) -> OrgKey {
        let name = clean(file_name);
        if presets::find(&name).is_some() {
            Self::new(&format!("file-{name}"), hash)
        } else {
            Self::new(&name, hash)
        }
    }

    fn new(name: &str, hash: &str) -> OrgKey {
        let version: String = hash.chars().take(VERSION_LEN).collect();
        OrgKey { key: format!("tree@{}#{version}", clean(name)) }
    }

    /// A key as the record stores it, or `None` when `text` is not one.
    pub fn parse(text: &str) -> Option<OrgKey> {
        let (name, version) = text.strip_prefix("tree@")?.rsplit_once('#')?;
        let name_ok = !name.is_empty() && name.chars().count() <= NAME_LEN && name.chars().all(allowed);
        let version_ok = version.len() == VERSION_LEN
            && version.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
        (name_ok && version_ok).then(|| OrgKey { key: text.to_string() })
    }

    /// `tree@seed#1a2b3c4d`.
    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// `seed`, or the file's name.
    pub fn name(&self) -> &str {
        let tail = self.key.strip_prefix("tree@").unwrap_or(&self.key);
        tail.rsplit_once('#').map_or(tail, |(name, _)| name)
    }

    /// The first hex digits of the organization's hierarchy hash.
    pub fn version(&self) -> &str {
        self.key.rsplit_once('#').map_or("", |(_, version)| version)
    }

    /// True when the organization is a shipped preset (else a hierarchy file).
    pub fn is_preset(&self) -> bool {
        presets::find(self.name()).is_some_and(|p| p.name == self.name())
    }

    /// "the seed's organization", or "the organization in team.toml".
    pub fn describe(&self) -> String {
        if self.is_preset() {
            format!("the {}'s organization", self.name())
        } else {
            format!("the organization in {}", self.name())
        }
    }
}

/// Characters a key's name keeps as they are; any other becomes `_` (the key is shown on one
/// line, and `#` and `,` separate its parts and the arms).
fn allowed(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

fn clean(name: &str) -> String {
    let name: String = name.chars().map(|c| if allowed(c) { c } else { '_' }).take(NAME_LEN).collect();
    if name.is_empty() { "org".into() } else { name }
}
