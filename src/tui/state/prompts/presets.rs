//! The preset chooser: the shipped organizations with what each is for and what a question costs,
//! which one the user's file is now, and the question asked before one replaces edits of theirs.

use crate::config::presets::{PRESETS, Preset};

/// The chooser, open over the Prompts tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresetChooser {
    pub items: Vec<PresetItem>,
    pub selected: usize,
    /// The preset the saved file is (its team, settings and prompts), if it is one.
    pub current: Option<&'static str>,
    /// Asked before applying, when the user's own edits would be lost.
    pub confirm: Option<ConfirmApply>,
    /// Applying is under way (the file is being written).
    pub applying: bool,
}

/// One preset as the chooser lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresetItem {
    pub preset: &'static Preset,
    /// Model calls per question when nothing fails.
    pub calls: usize,
}

/// Applying a preset would lose edits of the user's: say which, and offer to keep a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmApply {
    pub preset: &'static Preset,
    /// The tab holds edits not saved yet.
    pub unsaved: bool,
    /// The saved file is none of the presets: the user changed it.
    pub own_file: bool,
    /// A file exists to keep a copy of (`hierarchy.toml.bak`).
    pub can_keep_copy: bool,
    pub selected: ApplyChoice,
}

/// An answer to the question before applying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyChoice {
    /// Copy the file to `hierarchy.toml.bak`, then apply.
    KeepCopy,
    /// Apply; the edits are lost.
    Replace,
    Cancel,
}

impl ApplyChoice {
    pub fn label(self) -> &'static str {
        match self {
            ApplyChoice::KeepCopy => "Keep a copy and apply",
            ApplyChoice::Replace => "Replace",
            ApplyChoice::Cancel => "Cancel",
        }
    }
}

impl ConfirmApply {
    /// The answers that can be given (a copy needs a file).
    pub fn choices(&self) -> Vec<ApplyChoice> {
        [ApplyChoice::KeepCopy, ApplyChoice::Replace, ApplyChoice::Cancel]
            .into_iter()
            .filter(|c| *c != ApplyChoice::KeepCopy || self.can_keep_copy)
            .collect()
    }
}

impl PresetChooser {
    /// Every preset, the current one selected.
    pub fn new(current: Option<&'static str>) -> PresetChooser {
        let items: Vec<PresetItem> =
            PRESETS.iter().map(|preset| PresetItem { preset, calls: preset.calls_per_question() }).collect();
        let selected = items.iter().position(|i| Some(i.preset.name) == current).unwrap_or(0);
        PresetChooser { items, selected, current, confirm: None, applying: false }
    }

    /// The preset under the cursor.
    pub fn chosen(&self) -> Option<&'static Preset> {
        self.items.get(self.selected).map(|i| i.preset)
    }
}
