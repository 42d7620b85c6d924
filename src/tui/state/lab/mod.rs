//! The Lab tab's state: the scoreboards read from the record, the queue of blind votes, a
//! comparison running, and the vote screen. Changed only by `update::lab`; views read it.

mod vote;

use ratatui_textarea::TextArea;

pub use self::vote::{Choice, Saving, VotePhase, VoteScreen};
use crate::engine::RunId;
use crate::tui::msg::lab::{ComparisonEnd, LabData, QueuedVote};

/// Whether the record has been read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LoadState {
    #[default]
    NotLoaded,
    Loading,
    Loaded,
    /// The record could not be read (or recording is off): what to do about it.
    Failed(String),
}

/// The arm whose run is streaming now, as seen on the event stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveArm {
    pub run_id: RunId,
    /// `tree`, `solo`, `compute` or `judge` (the run's kind).
    pub kind: String,
    pub started_ms: i64,
    pub calls: u32,
    /// Streamed pieces so far (about one token each).
    pub tokens: u32,
}

/// A comparison started from the Lab tab, while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparisonRun {
    pub prompt: String,
    /// Its row in the record and which sample of the prompt it is, once known.
    pub comparison: Option<(i64, u32)>,
    pub resumed: bool,
    pub done: usize,
    pub total: usize,
    /// The last step that finished.
    pub last_step: Option<String>,
    pub started_ms: i64,
    pub cancelling: bool,
    pub live: Option<LiveArm>,
}

/// The last comparison that ended, for the line above the scoreboard.
#[derive(Debug, Clone, PartialEq)]
pub struct LastComparison {
    pub prompt: String,
    pub end: ComparisonEnd,
    pub took_ms: i64,
}

/// The Lab tab.
#[derive(Debug, Clone, Default)]
pub struct LabState {
    /// The last scoreboards and queue read from the record.
    pub data: Option<LabData>,
    pub load: LoadState,
    /// Bumped whenever `data` changes, so the board's rows rebuild.
    pub data_generation: u64,
    /// The selected pair in the queue.
    pub selected: usize,
    /// First board row the user scrolled to (drawn no further than the board's last page).
    pub board_scroll: usize,
    pub comparison: Option<ComparisonRun>,
    pub last: Option<LastComparison>,
    /// The one-line box asking for a prompt to compare, when open.
    pub ask: Option<TextArea<'static>>,
    /// The blind vote screen, when open.
    pub vote: Option<Box<VoteScreen>>,
    /// Select this comparison's first waiting pair when the queue is next read.
    pub select_after_load: Option<i64>,
    /// The organization version the board shows, when the user picked one other than the
    /// current (`None`: the hierarchy loaded now).
    pub version: Option<String>,
}

impl LabState {
    /// True while a comparison runs (or is being cancelled).
    pub fn is_comparing(&self) -> bool {
        self.comparison.is_some()
    }

    /// The queue as last read.
    pub fn queue(&self) -> &[QueuedVote] {
        self.data.as_ref().map_or(&[], |d| d.queue.as_slice())
    }

    /// Replaces the data read from the record.
    pub fn set_data(&mut self, data: LabData) {
        if let Some(id) = self.select_after_load.take()
            && let Some(at) = data.queue.iter().position(|q| q.pending.comparison == id)
        {
            self.selected = at;
        }
        self.selected = self.selected.min(data.queue.len().saturating_sub(1));
        self.data = Some(data);
        self.load = LoadState::Loaded;
        self.data_generation += 1;
    }
}
