//! The History tab's state: the loaded part of the list (paged by key), the search box, the
//! question before deleting, and a past run shown in the Run tab (with its replay).

use std::collections::VecDeque;
use std::sync::Arc;

use ratatui_textarea::{CursorMove, TextArea};

use super::Focus;
use super::run_view::RunView;
use crate::engine::{Conversation, RunEvent, RunId};
use crate::lab::levels::ParentVerdict;
use crate::store::{ConversationRow, RunCounts, RunScope};
use crate::tui::msg::history::ListedRun;

/// Runs asked for per page.
pub const PAGE: usize = 100;
/// The next page is asked for when the selection comes this close to the end of the loaded rows.
pub const PREFETCH: usize = 25;
/// Quiet time after a keystroke before the search runs.
pub const DEBOUNCE_MS: i64 = 200;
/// Replay speeds, in the order the speed key steps through them.
pub const SPEEDS: [u32; 3] = [1, 4, 16];

/// Where the History tab's keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HistoryFocus {
    #[default]
    List,
    Search,
}

/// Where reading the list stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ListLoad {
    /// Nothing read yet.
    #[default]
    NotLoaded,
    /// Rows are shown (maybe none). `more`: the last page was full, so more may follow;
    /// `stale`: runs started or ended since it was read, so showing the tab reads it again.
    Loaded { more: bool, stale: bool },
    /// The record cannot be read (or recording is off and there is none yet): why.
    Unavailable(String),
}

/// A query sent to the record and not answered yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub request: u64,
    /// True for the next page (appended), false for a fresh first page.
    pub append: bool,
    /// The search the query is for (empty for the plain list).
    pub query: String,
    /// The run to keep selected when a fresh first page replaces the list.
    pub keep: Option<String>,
}

/// The question shown before deleting a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmDelete {
    pub id: String,
    pub title: String,
    /// Every turn of the run's conversation, not the run alone.
    pub conversation: bool,
}

/// A past run replaying: recorded time maps to wall time from an anchor, at a speed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    /// Index of the next event to apply.
    pub next: usize,
    pub speed: u32,
    /// Recorded time and wall time of the same moment.
    pub recorded_anchor: i64,
    pub wall_anchor: i64,
}

impl Replay {
    /// The recorded time reached at wall time `now_ms`.
    pub fn recorded_at(&self, now_ms: i64) -> i64 {
        self.recorded_anchor + (now_ms - self.wall_anchor).max(0) * i64::from(self.speed)
    }

    /// When a recorded moment plays, in wall time (events are stamped with it, so live figures
    /// such as elapsed time and tok/s read as they did).
    pub fn wall_at(&self, recorded_ms: i64) -> i64 {
        self.wall_anchor + (recorded_ms - self.recorded_anchor) / i64::from(self.speed.max(1))
    }
}

/// A recorded run shown in the Run tab, with the live picture kept aside until the user returns.
#[derive(Debug, Clone)]
pub struct PastRun {
    pub id: String,
    /// Its prompt as recorded (for running it again).
    pub prompt: String,
    pub events: Arc<Vec<RunEvent>>,
    /// The live run's picture and focus, restored on the way back.
    pub live: RunView,
    pub live_focus: Focus,
    pub replay: Option<Replay>,
    /// The conversation it is a turn of, once read (for a later turn: its earlier turns show above
    /// its answer).
    pub conversation: Option<Conversation>,
    /// What the lab's judge said of each of its parents (`ailab eval --levels`), once read; empty
    /// for a run never judged so.
    pub levels: Vec<ParentVerdict>,
}

/// A run that just finished: the list is read again until the record has it as finished too
/// (the recorder writes on its own thread, so the first read can come too early).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recheck {
    pub id: String,
    pub due_ms: Option<i64>,
    pub tries: u8,
}

/// Everything the History tab knows.
#[derive(Debug, Clone)]
pub struct HistoryState {
    pub runs: Vec<ListedRun>,
    pub selected: usize,
    /// First row shown.
    pub offset: usize,
    /// Runs in the record, the user's own and the lab's, when known.
    pub counts: Option<RunCounts>,
    /// The lab's runs (arms and judges of comparisons) are listed too; off unless asked for, so
    /// the user's own runs are not lost among them.
    pub show_lab: bool,
    /// Where reading the list stands (a query in flight is `pending`).
    pub list: ListLoad,
    pub focus: HistoryFocus,
    pub search: TextArea<'static>,
    /// The search the rows are for (empty: the plain list).
    pub shown_query: String,
    /// When the typed search should run.
    pub search_due_ms: Option<i64>,
    pub pending: Option<Pending>,
    pub next_request: u64,
    /// A message shown in place of the rows (a search the store cannot run, a read error).
    pub problem: Option<String>,
    pub confirm: Option<ConfirmDelete>,
    pub past: Option<PastRun>,
    /// The Open request being waited for.
    pub opening: Option<u64>,
    /// Messages waiting for the status bar.
    pub notices: VecDeque<String>,
    pub recheck: Option<Recheck>,
    /// The live run seen at the last message (to notice runs starting and ending).
    pub live_run: Option<RunId>,
    /// The list shows conversations, one row each, instead of runs (`v`).
    pub threads: Option<Threads>,
}

/// The conversations view of the History tab.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Threads {
    /// `None` until the record has answered.
    pub rows: Option<Result<Vec<ConversationRow>, String>>,
    pub selected: usize,
    /// First row shown.
    pub offset: usize,
}

impl Threads {
    /// The conversation selected, once they are read.
    pub fn selected_row(&self) -> Option<&ConversationRow> {
        self.rows.as_ref()?.as_ref().ok()?.get(self.selected)
    }

    /// Moves the selection by `delta` rows (clamped), keeping it in a view `height` rows tall.
    pub fn select_by(&mut self, delta: isize, height: usize) {
        let count = self.rows.as_ref().and_then(|r| r.as_ref().ok()).map_or(0, Vec::len);
        if count == 0 {
            return;
        }
        self.selected = self.selected.saturating_add_signed(delta).min(count - 1);
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
    }
}

impl Default for HistoryState {
    fn default() -> Self {
        Self {
            runs: Vec::new(),
            selected: 0,
            offset: 0,
            counts: None,
            show_lab: false,
            list: ListLoad::NotLoaded,
            focus: HistoryFocus::List,
            search: search_box(""),
            shown_query: String::new(),
            search_due_ms: None,
            pending: None,
            next_request: 0,
            problem: None,
            confirm: None,
            past: None,
            opening: None,
            notices: VecDeque::new(),
            recheck: None,
            live_run: None,
            threads: None,
        }
    }
}

/// A one-line editor for the search.
pub fn search_box(text: &str) -> TextArea<'static> {
    let mut editor = TextArea::new(vec![text.to_string()]);
    editor.set_placeholder_text("type to search prompts and answers");
    editor.move_cursor(CursorMove::End);
    editor
}

impl HistoryState {
    /// The text in the search box, on one line.
    pub fn query(&self) -> String {
        self.search.lines().join(" ")
    }

    /// Which runs the list shows.
    pub fn scope(&self) -> RunScope {
        RunScope::with_lab(self.show_lab)
    }

    /// Runs the plain list holds in all, when known.
    pub fn total(&self) -> Option<u64> {
        self.counts.map(|c| c.in_scope(self.scope()))
    }

    /// Lab runs left out of the list, when known (0 while they are shown).
    pub fn hidden_lab(&self) -> Option<u64> {
        self.counts.map(|c| if self.show_lab { 0 } else { c.lab })
    }

    /// The selected run, if the list has one.
    pub fn selected_run(&self) -> Option<&ListedRun> {
        self.runs.get(self.selected)
    }

    /// A fresh request number.
    pub fn request(&mut self) -> u64 {
        self.next_request += 1;
        self.next_request
    }

    /// True while the Run tab shows a recorded run.
    pub fn shows_past(&self) -> bool {
        self.past.is_some()
    }

    /// Moves the selection by `delta` rows (clamped), keeping it in a view `height` rows tall.
    pub fn select_by(&mut self, delta: isize, height: usize) {
        let last = self.runs.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.keep_in_view(height);
    }

    /// Scrolls so the selection is visible in a view `height` rows tall.
    pub fn keep_in_view(&mut self, height: usize) {
        let height = height.max(1);
        self.selected = self.selected.min(self.runs.len().saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(self.runs.len().saturating_sub(height));
    }

    /// True once a first page (or an error in its place) has arrived.
    pub fn is_loaded(&self) -> bool {
        matches!(self.list, ListLoad::Loaded { .. })
    }

    /// The last page was full: there may be more.
    pub fn has_more(&self) -> bool {
        matches!(self.list, ListLoad::Loaded { more: true, .. })
    }

    /// Why the record cannot be read, if it cannot.
    pub fn unavailable(&self) -> Option<&str> {
        match &self.list {
            ListLoad::Unavailable(reason) => Some(reason),
            _ => None,
        }
    }

    /// Runs started or ended since the list was read: it is read again when shown.
    pub fn mark_stale(&mut self) {
        if let ListLoad::Loaded { stale, .. } = &mut self.list {
            *stale = true;
        }
    }

    /// True when the selection is near the end of what is loaded and more could come.
    pub fn wants_next_page(&self) -> bool {
        self.has_more()
            && self.pending.is_none()
            && self.problem.is_none()
            && self.selected + PREFETCH >= self.runs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_clock_maps_both_ways_at_speed() {
        let replay = Replay { next: 0, speed: 4, recorded_anchor: 1_000, wall_anchor: 50_000 };
        assert_eq!(replay.recorded_at(50_500), 3_000);
        assert_eq!(replay.wall_at(3_000), 50_500);
        assert_eq!(replay.recorded_at(40_000), 1_000, "a clock before the anchor stays at the start");
    }
}
