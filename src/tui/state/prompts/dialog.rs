//! The Prompts tab's dialogs: questions before something that cannot be taken back, a line of
//! text for a name, a list to pick from, and the comparison with a past run.

use ratatui_textarea::{CursorMove, TextArea};

use crate::config::diff::HierarchyDiff;
use crate::config::edit::HierarchyDocument;
use crate::tui::state::Tab;

/// Where the user was going when the unsaved-edits question came up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leave {
    Quit,
    Tab(Tab),
}

/// A dialog over the tab; it has the keyboard until it closes.
#[derive(Debug, Clone)]
pub enum Dialog {
    /// Remove a member and everyone under it?
    ConfirmRemove { id: String, name: String, below: Vec<String> },
    /// Give a member back ailab's shipped prompts and settings (`shipped`), or make it take
    /// everything from `[defaults]` (a member ailab does not ship)?
    ConfirmReset { id: String, name: String, shipped: bool },
    /// Discard every unsaved edit?
    ConfirmRevert { changed: usize },
    /// There are unsaved edits: save them, discard them, or stay?
    Unsaved { then: Leave, selected: Choice },
    /// The file was changed outside ailab and the edits cannot be applied on it alone.
    FileChanged(Box<FileChanged>),
    /// A line of text (a name, an id).
    Input { purpose: InputPurpose, editor: Box<TextArea<'static>>, error: Option<String> },
    /// A list to pick from.
    Pick(Box<Pick>),
    /// What changed between a past run's prompts and the current ones.
    Diff(Box<DiffView>),
    /// The server's models, to give one to a member or to all (saved at once).
    Models(Box<super::ModelPicker>),
    /// The shipped organizations, to write one to the user's hierarchy.toml.
    Presets(Box<super::PresetChooser>),
}

/// An answer to the unsaved-edits question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Save,
    Discard,
    Stay,
}

impl Choice {
    pub const ALL: [Choice; 3] = [Choice::Save, Choice::Discard, Choice::Stay];

    pub fn label(self) -> &'static str {
        match self {
            Choice::Save => "Save",
            Choice::Discard => "Discard",
            Choice::Stay => "Stay",
        }
    }

    /// The button's text for where the user was going ("Save and quit", "Discard and leave").
    pub fn label_for(self, then: Leave) -> String {
        let going = if then == Leave::Quit { "quit" } else { "leave" };
        match self {
            Choice::Stay => "Stay".into(),
            other => format!("{} and {going}", other.label()),
        }
    }
}

/// The file changed outside ailab since it was read, in a way the edits cannot be applied on.
#[derive(Debug, Clone)]
pub struct FileChanged {
    /// The file as it is now, when it still loads (reloading needs it).
    pub theirs: Option<HierarchyDocument>,
    /// The content hash of the file as it is now (`None`: it is gone), so that overwriting
    /// replaces exactly the version the user was shown.
    pub now_hash: Option<String>,
    /// What stands in the way, one line each.
    pub reasons: Vec<String>,
    pub selected: FileChoice,
}

/// An answer to the changed-file question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChoice {
    /// Load the file as it is now; the unsaved edits are lost.
    Reload,
    /// Write the edits over the file; the outside change is lost.
    Overwrite,
    /// Write nothing and keep editing.
    Cancel,
}

impl FileChoice {
    pub const ALL: [FileChoice; 3] = [FileChoice::Reload, FileChoice::Overwrite, FileChoice::Cancel];

    pub fn label(self) -> &'static str {
        match self {
            FileChoice::Reload => "Reload",
            FileChoice::Overwrite => "Overwrite",
            FileChoice::Cancel => "Cancel",
        }
    }
}

impl FileChanged {
    /// The answers that can be given (reloading needs a file that loads).
    pub fn choices(&self) -> Vec<FileChoice> {
        FileChoice::ALL.into_iter().filter(|c| *c != FileChoice::Reload || self.theirs.is_some()).collect()
    }
}

/// What an input dialog's text is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputPurpose {
    /// The name of a new member under `parent`.
    AddChild { parent: String },
    /// A member's new display name.
    Rename { id: String },
    /// A member's new id.
    ChangeId { id: String },
}

/// What a pick list chooses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickPurpose {
    /// A new parent for a member.
    MoveUnder { id: String },
    /// A served model for a member.
    Model { id: String },
    /// A past run to compare the prompts with.
    CompareRun,
}

/// A pick list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    pub purpose: PickPurpose,
    pub items: Vec<PickItem>,
    pub selected: usize,
    /// Waiting for the items (the record is being read).
    pub loading: bool,
    /// Shown when there is nothing to pick, or something to know.
    pub note: Option<String>,
}

/// One entry of a pick list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickItem {
    /// What choosing it means (an id, a model).
    pub value: String,
    pub label: String,
    /// A second, dimmer column.
    pub detail: String,
}

/// The comparison of a past run's prompts with the current ones.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffView {
    pub run_id: String,
    /// The run's prompt, first line.
    pub title: String,
    pub diff: HierarchyDiff,
    /// True when the current side includes unsaved edits.
    pub with_unsaved: bool,
    pub scroll: usize,
}

impl Dialog {
    /// An input dialog holding `text`, cursor at the end.
    pub fn input(purpose: InputPurpose, text: &str) -> Dialog {
        let mut editor = TextArea::new(vec![text.to_string()]);
        editor.move_cursor(CursorMove::End);
        Dialog::Input { purpose, editor: Box::new(editor), error: None }
    }

    /// A pick list still waiting for its items.
    pub fn loading(purpose: PickPurpose) -> Dialog {
        Dialog::Pick(Box::new(Pick { purpose, items: Vec::new(), selected: 0, loading: true, note: None }))
    }
}
