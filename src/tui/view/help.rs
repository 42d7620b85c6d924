//! The help overlay: every key, by context, straight from the keymap in use; and, a page over,
//! what the words on the screen mean.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear};

use crate::tui::screen::help::{body_area, rows};
use crate::tui::screen::layout::overlay_frame;
use crate::tui::state::{HelpPage, State};
use crate::tui::theme::Role;
use crate::tui::view::paint::{draw_rows, span};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, scroll: usize, page: HelpPage) {
    let theme = state.theme();
    let rect = overlay_frame(area);
    let title = |this: HelpPage, name: &'static str| {
        let role = if this == page { Role::TabActive } else { Role::TabInactive };
        span(name, theme.style(role))
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.style(Role::Overlay))
        .title_top(Line::from(vec![
            span(" ", theme.style(Role::Overlay)),
            title(HelpPage::Keys, " Keys "),
            span(" ", theme.style(Role::Overlay)),
            title(HelpPage::Concepts, " Concepts "),
            span(" ", theme.style(Role::Overlay)),
        ]))
        .title_top(
            Line::from(span(" Tab: other page · Esc closes · ↑↓ scroll ", theme.style(Role::Dim)))
                .right_aligned(),
        );
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let body = body_area(area);
    let all = rows(state, body.width as usize, page);
    let top = scroll.min(all.len().saturating_sub(body.height as usize));
    draw_rows(frame.buffer_mut(), body, &all[top.min(all.len())..], theme);
}
