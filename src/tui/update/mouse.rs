//! The mouse: a click focuses what is under it, the wheel scrolls what is under it.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use super::run_keys::moves;
use crate::tui::action::Move;
use crate::tui::msg::Effect;
use crate::tui::screen::Screen;
use crate::tui::state::{Focus, Overlay, State};

/// Rows per wheel notch.
const WHEEL_ROWS: usize = 3;

pub fn on_mouse(state: &mut State, screen: &Screen, mouse: MouseEvent) -> Vec<Effect> {
    if state.tab == crate::tui::state::Tab::Prompts && state.overlays.is_empty() {
        return super::prompts::on_mouse(state, mouse);
    }
    let at = Position { x: mouse.column, y: mouse.row };
    if state.tab == crate::tui::state::Tab::Lab && state.overlays.is_empty() {
        return super::lab::on_mouse(state, screen, mouse);
    }
    match mouse.kind {
        MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
            let action =
                if mouse.kind == MouseEventKind::ScrollUp { Move::ScrollUp } else { Move::ScrollDown };
            if state.overlays.is_empty() {
                // The wheel scrolls the pane under the pointer without moving the focus.
                let saved = state.run.focus;
                match under(screen, at) {
                    Some(Focus::Prompt) | None => return Vec::new(),
                    Some(target) => state.run.focus = target,
                }
                for _ in 0..WHEEL_ROWS {
                    moves(state, screen, action);
                }
                state.run.focus = saved;
            } else {
                for _ in 0..WHEEL_ROWS {
                    moves(state, screen, action);
                }
            }
            Vec::new()
        }
        MouseEventKind::Down(MouseButton::Left) => {
            match state.overlays.last() {
                // A click closes the help or the messages log.
                Some(Overlay::Help { .. } | Overlay::Messages { .. }) => {
                    state.overlays.pop();
                }
                Some(_) => {}
                None => {
                    if let Some(target) = under(screen, at) {
                        state.run.focus = target;
                    }
                    // A click on a section's header row folds or unfolds it.
                    if let Some(node) = screen.layout.node_at(at.x, at.y) {
                        super::fold::click(state, screen, node, at);
                    }
                }
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The tab a left click on the bar lands on, when nothing is open on top (a panel, a dialog).
pub fn clicked_tab(state: &State, mouse: &MouseEvent) -> Option<crate::tui::state::Tab> {
    let bar_row = 0;
    let free = state.overlays.is_empty() && state.prompts.dialog.is_none();
    (mouse.kind == MouseEventKind::Down(MouseButton::Left) && mouse.row == bar_row && free)
        .then(|| crate::tui::state::tab::tab_at(state.prompts.is_dirty(), mouse.column))
        .flatten()
}

/// The focusable place at a position.
fn under(screen: &Screen, at: Position) -> Option<Focus> {
    let layout = &screen.layout;
    if let Some(node) = layout.node_at(at.x, at.y) {
        return Some(Focus::Node(node));
    }
    if layout.answer.is_some_and(|r| r.contains(at)) {
        return Some(Focus::Answer);
    }
    layout.prompt.contains(at).then_some(Focus::Prompt)
}
