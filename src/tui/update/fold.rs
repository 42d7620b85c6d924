//! Folding a pane's sections: Ctrl-O folds or unfolds the section at the top of the focused
//! pane, and a click on a section's header row does the same for that section. Only a finished
//! section folds: the one still streaming stays open, followed at the bottom.

use ratatui::layout::Position;

use crate::tui::screen::Screen;
use crate::tui::state::scroll::Scroll;
use crate::tui::state::{Level, State};

/// Ctrl-O: the section at the top of the focused pane.
pub fn fold_at_top(state: &mut State, screen: &Screen) {
    let Some(node) = state.run.focused_node() else {
        state.notify("Focus a pane first (Tab), then fold its sections.", Level::Info);
        return;
    };
    let (Some(pane), Some(scroll)) = (screen.panes.get(node), state.run.panes.get(node)) else { return };
    let top = scroll.top(pane.len(), pane.body_height(&state.run.view, node));
    toggle(state, screen, node, top);
}

/// A left click at `at` on node `node`'s pane: on a section's header row, folds or unfolds it.
pub fn click(state: &mut State, screen: &Screen, node: usize, at: Position) {
    let (Some(pane), Some(scroll), Some(area)) =
        (screen.panes.get(node), state.run.panes.get(node), screen.layout.pane_text_area(node))
    else {
        return;
    };
    let height = pane.body_height(&state.run.view, node);
    let first = area.y as usize + pane.caption.len();
    let Some(offset) = (at.y as usize).checked_sub(first).filter(|&o| o < height) else { return };
    let row = scroll.top(pane.len(), height) + offset;
    if pane.section_at(row).is_some_and(|spot| spot.start == row) {
        toggle(state, screen, node, row);
    }
}

/// Folds or unfolds the section that row `row` of the pane belongs to, keeping its header where
/// the user is looking.
fn toggle(state: &mut State, screen: &Screen, node: usize, row: usize) {
    let Some(pane) = screen.panes.get(node) else { return };
    let Some(spot) = pane.section_at(row) else {
        state.notify("Nothing to fold here yet: sections appear as the member works.", Level::Info);
        return;
    };
    if !spot.foldable {
        state.notify("This section is still being written: it can be folded once it is done.", Level::Info);
        return;
    }
    state.run.toggle_fold(node, spot.id);
    let height = pane.body_height(&state.run.view, node);
    let total = if spot.folded { pane.len() + spot.body } else { pane.len().saturating_sub(spot.body) };
    let bottom = total.saturating_sub(height);
    if let Some(scroll) = state.run.panes.get_mut(node) {
        // A pane that follows new text keeps following when the header is in the last page.
        *scroll = if scroll.is_following() && spot.start >= bottom {
            Scroll::Follow
        } else {
            Scroll::At(spot.start.min(bottom))
        };
    }
}
