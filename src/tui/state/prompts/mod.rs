//! The Prompts tab's state: the draft of the user's hierarchy.toml (see `config::edit`), the node
//! and field that have the keyboard, one text editor per field, the open dialog, and how many
//! recorded runs used the prompt version the next run will use.

mod dialog;
mod editors;
mod fields;
mod models;
mod presets;

use std::path::PathBuf;

use crate::config::Hierarchy;
use crate::config::edit::{Field, PromptsDraft};

pub use dialog::{
    Choice, Dialog, DiffView, FileChanged, FileChoice, InputPurpose, Leave, Pick, PickItem, PickPurpose,
};
pub use editors::Editors;
pub use fields::{FieldKind, fields_of, kind_of, unused_reason};
pub use models::{ModelList, ModelPicker, PickerStep, Target, state_label};
pub use presets::{ApplyChoice, ConfirmApply, PresetChooser, PresetItem};

/// Where the file being edited stands.
#[derive(Debug, Clone, Default)]
pub enum FileState {
    /// Not asked for yet (it is opened when the tab is first shown).
    #[default]
    NotOpened,
    /// Asked the shell to open it.
    Loading,
    /// It cannot be edited, and why (shown in the tab).
    Unavailable(String),
    Ready(Box<Editing>),
}

/// The file being edited.
#[derive(Debug, Clone)]
pub struct Editing {
    pub draft: PromptsDraft,
    pub save_path: PathBuf,
    /// False until the first save creates the file (the built-in hierarchy was in use).
    pub file_exists: bool,
    /// `--base-url`, which the engine applies over the file (so versions are hashed with it).
    pub base_url_override: Option<String>,
}

impl Editing {
    /// The hierarchy as a run would use it: the edited tree with `--base-url` applied.
    pub fn runnable(&self, hierarchy: &Hierarchy) -> Hierarchy {
        let mut h = hierarchy.clone();
        if let Some(url) = &self.base_url_override {
            h.server.base_url = url.clone();
        }
        h
    }
}

/// What has the keyboard in the tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PromptsFocus {
    /// The tree of members: pick one, change the structure.
    #[default]
    Tree,
    /// One of the selected member's fields.
    Field(Field),
}

/// How many recorded runs used the version the next run will use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionUsage {
    /// The version asked about (SHA-256 of the hierarchy).
    pub hash: String,
    /// `None` while the record is being asked.
    pub runs: Option<Result<u64, String>>,
}

/// A version as shown: the first 8 hex digits of its hash (as the History tab shows it).
pub fn short_version(hash: &str) -> &str {
    hash.get(..8).unwrap_or(hash)
}

/// What deriving the tab's state depends on: (revision, size, theme, overlays, tab shown).
pub type SyncKey = (u64, (u16, u16), usize, usize, bool);

/// The whole tab.
#[derive(Debug, Clone, Default)]
pub struct PromptsState {
    pub file: FileState,
    /// The selected member's id ("" until the file is open: then the root).
    pub selected: String,
    pub focus: PromptsFocus,
    pub editors: Editors,
    pub dialog: Option<Dialog>,
    pub usage: VersionUsage,
    /// A save is under way.
    pub saving: bool,
    /// Where to go once the save under way succeeds (the unsaved-edits question said "save").
    pub after_save: Option<Leave>,
    /// The first block of the form on screen (kept so the focused field shows).
    pub form_top: usize,
    /// Whether a run was going at the last message (a run ending changes the version's count).
    pub run_was_going: bool,
    /// The field last edited, focused again when the form is entered.
    pub last_field: Option<Field>,
    /// Bumped by every change the tab's reducer makes, so deriving is skipped when nothing moved.
    pub revision: u64,
    /// What the derived state was last computed for.
    pub synced: Option<SyncKey>,
}

impl PromptsState {
    /// The draft, once the file is open.
    pub fn draft(&self) -> Option<&PromptsDraft> {
        match &self.file {
            FileState::Ready(editing) => Some(&editing.draft),
            _ => None,
        }
    }

    pub fn draft_mut(&mut self) -> Option<&mut PromptsDraft> {
        match &mut self.file {
            FileState::Ready(editing) => Some(&mut editing.draft),
            _ => None,
        }
    }

    pub fn editing(&self) -> Option<&Editing> {
        match &self.file {
            FileState::Ready(editing) => Some(editing),
            _ => None,
        }
    }

    /// True when there are edits that are not saved.
    pub fn is_dirty(&self) -> bool {
        self.draft().is_some_and(PromptsDraft::is_dirty)
    }

    /// The selected member's fields, in the order the form shows them.
    pub fn fields(&self) -> Vec<Field> {
        let Some(draft) = self.draft() else { return Vec::new() };
        draft.hierarchy().node(&self.selected).map(|node| fields_of(draft, node)).unwrap_or_default()
    }

    /// The focused field, if it is one of the selected member's fields.
    pub fn focused_field(&self) -> Option<Field> {
        match self.focus {
            PromptsFocus::Field(field) if self.fields().contains(&field) => Some(field),
            _ => None,
        }
    }

    /// The tree in the order it is listed (pre-order), with each member's depth.
    pub fn tree_rows(&self) -> Vec<(String, usize)> {
        let Some(draft) = self.draft() else { return Vec::new() };
        let h = draft.hierarchy();
        h.preorder().into_iter().map(|n| (n.id.clone(), h.depth_of(&n.id).unwrap_or(0))).collect()
    }

    /// Problems of the whole draft, as "Member · Field: message" lines.
    pub fn problem_lines(&self) -> Vec<String> {
        let Some(draft) = self.draft() else { return Vec::new() };
        draft
            .problems()
            .into_iter()
            .flat_map(|(id, field, problems)| {
                let name = draft.hierarchy().node(id).map_or(id, |n| n.name.as_str()).to_string();
                problems.iter().map(move |p| format!("{name} · {}: {}", field.label(), p.message))
            })
            .collect()
    }
}
