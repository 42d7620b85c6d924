//! The model picker of the Prompts tab: the server's models with their loaded state, and the
//! choice of giving one to the selected member or to every member (saved at once).

use crate::llm::lmstudio::{LoadState, ServedModel};

/// Where the server's list stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelList {
    /// Asked the server.
    Loading,
    /// The server at `url` could not be asked, and why.
    Failed { url: String, reason: String },
    /// What the server at `url` lists.
    Listed { url: String, models: Vec<ServedModel> },
}

/// Who gets the chosen model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The member selected in the tab's tree.
    Member,
    /// Every member of the team.
    All,
}

impl Target {
    pub fn other(self) -> Target {
        match self {
            Target::Member => Target::All,
            Target::All => Target::Member,
        }
    }
}

/// The picker's two steps: a model, then who gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerStep {
    Models,
    Assign { model: String, state: LoadState, target: Target },
}

/// The picker dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelPicker {
    pub list: ModelList,
    /// The model under the cursor in the list.
    pub selected: usize,
    pub step: PickerStep,
    /// Why the last choice could not be made (unsaved edits), shown until the next one.
    pub refused: Option<String>,
}

impl ModelPicker {
    /// A picker waiting for the server's list.
    pub fn loading() -> ModelPicker {
        ModelPicker { list: ModelList::Loading, selected: 0, step: PickerStep::Models, refused: None }
    }

    /// The listed models (none while loading or after a failure).
    pub fn models(&self) -> &[ServedModel] {
        match &self.list {
            ModelList::Listed { models, .. } => models,
            _ => &[],
        }
    }

    /// The model under the cursor.
    pub fn current(&self) -> Option<&ServedModel> {
        self.models().get(self.selected)
    }
}

/// How a state reads on screen.
pub fn state_label(state: LoadState) -> &'static str {
    match state {
        LoadState::Loaded => "● loaded",
        LoadState::NotLoaded => "○ not loaded",
        LoadState::Unknown => "· unknown",
    }
}
