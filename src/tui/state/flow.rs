//! The message-flow view's facts: the row selected (or none, following the newest), where the
//! list is scrolled, and the message opened from it. Its rows are derived in `tui::screen::flow`.

use super::scroll::Scroll;
use crate::engine::CallId;

/// The flow view of the run on screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FlowState {
    /// The selected row; `None` selects the newest and follows new ones as they arrive.
    pub selected: Option<usize>,
    /// The first row shown while a row is held (following shows the last page).
    pub top: usize,
    /// The message opened with Enter, shown in place of the list until closed.
    pub open: Option<OpenMessage>,
}

/// A message opened from the flow: the call whose exact messages are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenMessage {
    pub call: CallId,
    /// The row it was opened from (its title says who sent it to whom).
    pub row: usize,
    pub scroll: Scroll,
}

impl FlowState {
    /// The selected row of `len`, if there are any.
    pub fn selected_row(&self, len: usize) -> Option<usize> {
        let last = len.checked_sub(1)?;
        Some(self.selected.map_or(last, |i| i.min(last)))
    }

    /// The first row shown of `len` in a list `height` rows tall: the selection is always in view.
    pub fn top(&self, len: usize, height: usize) -> usize {
        let height = height.max(1);
        let bottom = len.saturating_sub(height);
        let Some(selected) = self.selected.map(|i| i.min(len.saturating_sub(1))) else { return bottom };
        let top = self.top.min(bottom).min(selected);
        if selected >= top + height { selected + 1 - height } else { top }
    }

    /// Moves the selection by `delta` rows; moving onto the newest follows again.
    pub fn select_by(&mut self, delta: isize, len: usize, height: usize) {
        let Some(current) = self.selected_row(len) else { return };
        let top = self.top(len, height);
        let next = current.saturating_add_signed(delta).min(len - 1);
        self.selected = (next + 1 < len || delta < 0).then_some(next);
        self.top = top;
        self.top = self.top(len, height);
    }

    /// Selects the first row.
    pub fn home(&mut self) {
        self.selected = Some(0);
        self.top = 0;
    }

    /// Selects the newest row and follows.
    pub fn end(&mut self) {
        self.selected = None;
    }

    /// The run on screen changed (a replay began, another run opened): start again at the newest.
    pub fn restart(&mut self) {
        *self = FlowState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_newest_until_moved_and_keeps_the_selection_in_view() {
        let mut flow = FlowState::default();
        assert_eq!(flow.selected_row(30), Some(29));
        assert_eq!(flow.top(30, 10), 20, "following shows the last page");
        flow.select_by(-1, 30, 10);
        assert_eq!(flow.selected, Some(28));
        assert_eq!(flow.top(30, 10), 20, "the list holds still while the selection is in view");
        assert_eq!(flow.top(40, 10), 20, "new rows do not move a held list");
        flow.select_by(-15, 40, 10);
        assert_eq!((flow.selected, flow.top(40, 10)), (Some(13), 13));
        flow.select_by(100, 40, 10);
        assert_eq!(flow.selected, None, "down onto the newest follows again");
        flow.home();
        assert_eq!((flow.selected_row(40), flow.top(40, 10)), (Some(0), 0));
        assert_eq!(FlowState::default().selected_row(0), None, "no rows, nothing selected");
    }
}
