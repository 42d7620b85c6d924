//! The help overlay: every key, by context, straight from the keymap in use.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear};

use crate::tui::screen::help::{body_area, rows};
use crate::tui::screen::layout::overlay_frame;
use crate::tui::state::State;
use crate::tui::theme::Role;
use crate::tui::view::paint::{draw_rows, span};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, scroll: usize) {
    let theme = state.theme();
    let rect = overlay_frame(area);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.style(Role::Overlay))
        .title_top(Line::from(span(" Keys ", theme.style(Role::Overlay))))
        .title_top(Line::from(span(" Esc closes · ↑↓ scroll ", theme.style(Role::Dim))).right_aligned());
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let body = body_area(area);
    let all = rows(state, body.width as usize);
    let top = scroll.min(all.len().saturating_sub(body.height as usize));
    draw_rows(frame.buffer_mut(), body, &all[top.min(all.len())..], theme);
}
