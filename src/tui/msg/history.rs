//! What the History tab asks of the record, and what comes back. The shell runs every query on
//! the store's reader thread; answers arrive as [`HistoryMsg`]s, tagged with the request they
//! answer so the reducer can drop the ones it no longer wants (a search overtaken by typing).

use std::path::PathBuf;
use std::sync::Arc;

use crate::engine::{Conversation, RunEvent};
use crate::lab::levels::LevelJudgement;
use crate::store::export::Format;
use crate::store::{ConversationRow, RunCounts, RunCursor, RunRow, RunScope};

/// A run in the list, with the matching text when it came from a search.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedRun {
    pub row: RunRow,
    /// About a dozen words around the first match, matches in `[brackets]` (searches only).
    pub snippet: Option<String>,
}

/// One page of the list or of search results.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub runs: Vec<ListedRun>,
    /// How many runs the record holds, the user's own and the lab's (asked with the first page of
    /// the plain list).
    pub counts: Option<RunCounts>,
}

/// An answer from the record.
#[derive(Debug, Clone)]
pub enum HistoryMsg {
    /// A page for request `request`; `Err` carries the store's message (a bad search, say).
    Page { request: u64, result: Result<Page, String> },
    /// The conversation the run `id` is a turn of, as the next turn will read it.
    Conversation { id: String, continue_it: bool, result: Result<Conversation, String> },
    /// The conversations, latest activity first.
    Conversations(Result<Vec<ConversationRow>, String>),
    /// A past run's events, in order, for request `request`.
    Opened { request: u64, id: String, replay: bool, result: Result<Arc<Vec<RunEvent>>, String> },
    /// Where an export went, as the user should read it (`./file` in the current folder).
    Exported { id: String, result: Result<PathBuf, String> },
    /// The judge's verdicts on the parents of the run `id` (`ailab eval --levels`), for its zoom.
    Levels { id: String, result: Result<Vec<LevelJudgement>, String> },
    /// A run's final answer (to copy); `None` when it ended without one.
    Answer { id: String, result: Result<Option<String>, String> },
    /// A deletion: the ids deleted (the store refuses a run that is still running, and a turn
    /// that later turns build on).
    Deleted { id: String, result: Result<Vec<String>, String> },
    /// Prompts of earlier sessions, oldest first (for Up in the prompt box).
    PromptHistory(Vec<String>),
    /// Things to tell the user about the record (a damaged file set aside, runs marked interrupted).
    Notices(Vec<String>),
    /// The record cannot be read; why, and what to do.
    Unavailable(String),
}

/// A query for the shell to run on the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryEffect {
    /// A page of runs, newest first: the plain list, or the runs matching `search`, of `scope`
    /// (the lab's runs are left out unless the user asked for them).
    Load {
        request: u64,
        scope: RunScope,
        search: Option<String>,
        before: Option<RunCursor>,
        limit: usize,
        count: bool,
    },
    /// A run's events, to reopen it.
    Open { request: u64, id: String, replay: bool },
    /// The value added at each level of a run, if the lab judged it (answered by `Levels`).
    LoadLevels { id: String },
    /// Write a run to a file in the current folder (or the data folder).
    /// Export a run, or with `conversation` every turn of its conversation as one document.
    Export { id: String, format: Format, conversation: bool },
    /// Read the conversation a run is a turn of: to continue it, or (not `continue_it`) to show
    /// its earlier turns above the run opened.
    LoadConversation { id: String, continue_it: bool },
    /// Fetch a run's final answer, to copy it.
    LoadAnswer { id: String },
    /// The latest `limit` conversations, for the conversations view.
    LoadConversations { limit: usize },
    /// Delete a run, or with `conversation` every turn of the conversation it is a turn of.
    Delete { id: String, conversation: bool },
    /// The prompts of the latest `limit` runs.
    LoadPromptHistory { limit: usize },
}
