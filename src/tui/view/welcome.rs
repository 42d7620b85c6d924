//! The welcome overlay: a box in the middle of the screen with the rows `screen::welcome` fitted
//! to it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear};

use crate::tui::screen::welcome::view;
use crate::tui::state::State;
use crate::tui::state::welcome::WelcomeState;
use crate::tui::theme::Role;
use crate::tui::view::paint::{draw_rows, span};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, welcome: &WelcomeState) {
    let theme = state.theme();
    let shown = view(state, welcome, area.intersection(frame.area()));
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.style(Role::Overlay))
        .title_top(Line::from(span(" Welcome to ailab ", theme.style(Role::Overlay))));
    frame.render_widget(Clear, shown.frame);
    frame.render_widget(block, shown.frame);
    draw_rows(frame.buffer_mut(), shown.body, &shown.rows, theme);
}
