//! Scrolling in the Lab tab: the scoreboard, and both answers of the vote screen together.

use crate::tui::action::{Action, Move};
use crate::tui::screen::Screen;
use crate::tui::state::State;

pub fn is_scroll(action: Action) -> bool {
    matches!(
        action,
        Action::Move(
            Move::ScrollUp
                | Move::ScrollDown
                | Move::PageUp
                | Move::PageDown
                | Move::ScrollTop
                | Move::ScrollBottom
        )
    )
}

/// How far a scroll action moves in a view `height` rows tall (`None`: to the end).
pub fn scroll_delta(action: Action, height: usize) -> Option<isize> {
    let page = height.saturating_sub(1).max(1) as isize;
    match action {
        Action::Move(Move::ScrollUp) => Some(-1),
        Action::Move(Move::ScrollDown) => Some(1),
        Action::Move(Move::PageUp) => Some(-page),
        Action::Move(Move::PageDown) => Some(page),
        Action::Move(Move::ScrollTop) => Some(isize::MIN / 2),
        _ => None,
    }
}

pub fn scroll_board(state: &mut State, screen: &Screen, action: Action) {
    let lab = &mut state.lab;
    let max = screen.lab.max_board_scroll();
    let top = screen.lab.board_top(lab.board_scroll);
    lab.board_scroll = match scroll_delta(action, screen.lab.board_height) {
        Some(delta) => top.saturating_add_signed(delta).min(max),
        None => max,
    };
}
