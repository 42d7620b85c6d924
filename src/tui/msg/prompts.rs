//! The Prompts tab's messages and effects, nested in [`super::Msg`] and [`super::Effect`] so the
//! one inbound enum stays one enum.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Hierarchy;
use crate::config::edit::{EditSession, Field};
use crate::store::RunRow;

/// An answer from the world to the Prompts tab.
#[derive(Debug, Clone)]
pub enum PromptsMsg {
    /// The hierarchy in use, opened for editing, or why it cannot be edited.
    Opened(Result<Box<OpenedFile>, String>),
    /// How writing `text` to `path` went.
    Saved { path: PathBuf, text: String, result: Result<(), String> },
    /// Nothing was written: the file at `path` was changed outside ailab since it was read or
    /// saved. `now` is its text as it is now (`None`: it is gone).
    ChangedOnDisk { path: PathBuf, now: Option<String> },
    /// The engine for the next run was rebuilt from the saved file.
    EngineRebuilt { hierarchy: Arc<Hierarchy> },
    /// The saved file could not become the next run's engine (the file itself is saved).
    EngineNotRebuilt(String),
    /// `$EDITOR` closed: the edited text of a field, or why there is none.
    EditorClosed { node: String, field: Field, result: Result<String, String> },
    /// How many recorded runs used the prompt version `hash`.
    VersionUsage { hash: String, result: Result<u64, String> },
    /// The most recent runs, newest first, to pick one to compare with.
    RecentRuns(Result<Vec<RunRow>, String>),
    /// The prompts a past run used.
    PastPrompts { run_id: String, title: String, result: Result<Box<Hierarchy>, String> },
}

/// The file being edited and what the next run adds to it.
#[derive(Debug, Clone)]
pub struct OpenedFile {
    pub session: EditSession,
    /// `--base-url`, already normalized: the engine runs with it, so versions are hashed with it.
    pub base_url_override: Option<String>,
}

/// Something the Prompts tab asks the shell to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptsEffect {
    /// Open the hierarchy in use for editing (answered by `Opened`).
    Open,
    /// Write `text` to `path` atomically, unless the file is no longer the one whose content
    /// hash is `expected` (`None`: there was no file): answered by `Saved` or `ChangedOnDisk`.
    Save { path: PathBuf, text: String, expected: Option<String> },
    /// Build the next run's engine from saved hierarchy text (answered by `EngineRebuilt`).
    UseSaved { text: String, source: String },
    /// Suspend the screen and edit `text` in `$EDITOR` (answered by `EditorClosed`).
    ExternalEditor { node: String, field: Field, text: String },
    /// Count the recorded runs of a prompt version (answered by `VersionUsage`).
    CountVersion { hash: String },
    /// List recent runs (answered by `RecentRuns`).
    RecentRuns,
    /// Read the hierarchy a run used (answered by `PastPrompts`).
    LoadPastPrompts { run_id: String, title: String },
}
