//! The Prompts tab's messages and effects, nested in [`super::Msg`] and [`super::Effect`] so the
//! one inbound enum stays one enum.

use std::path::PathBuf;
use std::sync::Arc;

use super::engine::EngineInfo;
use crate::config::Hierarchy;
use crate::config::edit::{EditSession, Field};
use crate::llm::lmstudio::ServedModel;
use crate::store::RunRow;

/// An answer from the world to the Prompts tab.
#[derive(Debug, Clone)]
pub enum PromptsMsg {
    /// The hierarchy in use, opened for editing, or why it cannot be edited.
    Opened(Result<Box<OpenedFile>, String>),
    /// How saving `text` to `path` went: written and in use for the next run, written but not
    /// in use (why), or not written (why).
    Saved { path: PathBuf, text: String, result: Result<SaveOutcome, String> },
    /// Nothing was written: the file at `path` was changed outside ailab since it was read or
    /// saved. `now` is its text as it is now (`None`: it is gone).
    ChangedOnDisk { path: PathBuf, now: Option<String> },
    /// `$EDITOR` closed: the edited text of a field, or why there is none.
    EditorClosed { node: String, field: Field, result: Result<String, String> },
    /// How many recorded runs used the prompt version `hash`.
    VersionUsage { hash: String, result: Result<u64, String> },
    /// The most recent runs, newest first, to pick one to compare with.
    RecentRuns(Result<Vec<RunRow>, String>),
    /// The prompts a past run used.
    PastPrompts { run_id: String, title: String, result: Result<Box<Hierarchy>, String> },
    /// The models the server at `url` lists, with their loaded state, or why it cannot say.
    Models { url: String, result: Result<Vec<ServedModel>, String> },
    /// How writing preset `name`'s `text` to `path` went (and where the old file's copy is).
    PresetApplied { name: &'static str, path: PathBuf, text: String, result: Result<PresetWritten, String> },
}

/// A preset written over the user's file.
#[derive(Debug, Clone)]
pub struct PresetWritten {
    /// Where the old file was copied, when the user asked for a copy.
    pub backup: Option<PathBuf>,
    pub outcome: SaveOutcome,
}

/// What became of a file written by a save.
#[derive(Debug, Clone)]
pub enum SaveOutcome {
    /// The next run's engine was rebuilt from it.
    InUse(EngineInfo),
    /// It could not become the next run's engine (why): runs keep the previous prompts.
    NotInUse(String),
}

/// The file being edited and what the next run adds to it.
#[derive(Debug, Clone)]
pub struct OpenedFile {
    pub session: EditSession,
    /// `--base-url`, already normalized: the engine runs with it, so versions are hashed with it.
    pub base_url_override: Option<String>,
}

/// Something the Prompts tab asks the shell to do.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptsEffect {
    /// Open the hierarchy in use for editing (answered by `Opened`).
    Open,
    /// Write `text` to `path` atomically, unless the file is no longer the one whose content
    /// hash is `expected` (`None`: there was no file), then rebuild the next run's engine from
    /// `hierarchy` (what `text` parses to, as the draft holds it): answered by `Saved` once both
    /// are done, or by `ChangedOnDisk`.
    Save { path: PathBuf, text: String, expected: Option<String>, hierarchy: Arc<Hierarchy> },
    /// Rebuild the next run's engine from the file as it is now (reloaded after a change made
    /// outside ailab): answered by `Msg::EngineReplaced`.
    Adopt { hierarchy: Arc<Hierarchy> },
    /// Suspend the screen and edit `text` in `$EDITOR` (answered by `EditorClosed`).
    ExternalEditor { node: String, field: Field, text: String },
    /// Count the recorded runs of a prompt version (answered by `VersionUsage`).
    CountVersion { hash: String },
    /// List recent runs (answered by `RecentRuns`).
    RecentRuns,
    /// Read the hierarchy a run used (answered by `PastPrompts`).
    LoadPastPrompts { run_id: String, title: String },
    /// Ask the server for its models and which are loaded (answered by `Models`).
    ListModels,
    /// Write preset `name`'s file `text` to `path` (first copying the file to `backup`, when
    /// given), unless the file is no longer the one whose content hash is `expected`; then run
    /// `hierarchy` (what `text` parses to): answered by `PresetApplied`.
    ApplyPreset {
        name: &'static str,
        path: PathBuf,
        text: String,
        expected: Option<String>,
        backup: Option<PathBuf>,
        hierarchy: Arc<Hierarchy>,
    },
}
