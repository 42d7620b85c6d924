//! One node's pane: name and role, state, a caption saying in plain words what the node is
//! doing, its sections (what it was asked, then each phase), and a footer of figures. The border
//! takes the state's colour while the node works.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::border;
use ratatui::text::Line;

use crate::tui::format;
use crate::tui::screen::Screen;
use crate::tui::screen::layout::inner;
use crate::tui::state::run_view::CallWait;
use crate::tui::state::{Focus, State};
use crate::tui::text::wrap::truncate;
use crate::tui::theme::Role;
use crate::tui::view::bordered::{Titles, bordered};
use crate::tui::view::paint::{draw_rows, span};

pub fn draw(frame: &mut Frame, rect: Rect, state: &State, screen: &Screen, index: usize) {
    let (Some(node), Some(scroll), Some(pane)) =
        (state.run.view.nodes.get(index), state.run.panes.get(index), screen.panes.get(index))
    else {
        return;
    };
    let theme = state.theme();
    let focused = state.run.focus == Focus::Node(index) && state.overlays.is_empty();
    let call = state.run.view.current_call(index);
    let wait = call.and_then(|c| c.wait);
    let (label, glyph, role) = match wait {
        // Not answering yet: the call waits for its endpoint's limit.
        Some(CallWait::Queued { .. }) => ("queued", "○", Role::NodeWaiting),
        _ => format::node_state(node.status.as_ref()),
    };
    let glyph = if node.is_active() { format::spinner(state.now_ms) } else { glyph };

    let border_style = if focused {
        theme.style(Role::BorderFocused)
    } else if node.is_active() {
        theme.style(role)
    } else {
        theme.style(Role::Border)
    };
    let badge = format!(" {glyph} {label} ");
    let room = (rect.width as usize).saturating_sub(badge.chars().count() + 4);
    let name = truncate(&node.name, room);
    let role_text = truncate(&format!(" · {}", node.role), room.saturating_sub(name.chars().count()));
    let title = Line::from(vec![
        span(" ", theme.style(Role::Title)),
        span(name, theme.style(Role::Title)),
        span(role_text, theme.style(Role::Dim)),
        span(" ", theme.style(Role::Title)),
    ]);
    let figures = state.run.view.figures(index, state.now_ms);
    let mut titles = Titles {
        top_left: vec![title],
        top_right: vec![Line::from(span(badge, theme.style(role))).right_aligned()],
        ..Titles::default()
    };
    if call.is_some() {
        let parts = format::figures(&figures);
        let footer = format::fit_parts(&parts, (rect.width as usize).saturating_sub(4));
        if !footer.is_empty() {
            titles.bottom_left.push(Line::from(span(format!(" {footer} "), theme.style(Role::Metrics))));
        }
    }
    let text_area = inner(rect);
    let footer_rows = pane.footer(&state.run.view, index);
    let body_height = pane.height.saturating_sub(footer_rows.len());
    if !scroll.is_following() && pane.has_sections() {
        let total = pane.len();
        let top = scroll.top(total, body_height);
        let more = total.saturating_sub(top + body_height);
        if more > 0 {
            titles.bottom_right.push(
                Line::from(span(format!(" ↓ {more} more "), theme.style(Role::KeyHint))).right_aligned(),
            );
        }
    }
    let set = if focused { border::THICK } else { border::ROUNDED };
    bordered(frame.buffer_mut(), rect, &set, border_style, &titles);

    let caption_rows = pane.caption.len() as u16;
    draw_rows(frame.buffer_mut(), Rect { height: caption_rows, ..text_area }, &pane.caption, theme);
    let y = text_area.y + caption_rows;
    let rows = pane.rows(scroll.top(pane.len(), body_height), body_height);
    draw_rows(frame.buffer_mut(), Rect { y, height: body_height as u16, ..text_area }, &rows, theme);
    if !footer_rows.is_empty() {
        let y = y + body_height as u16;
        let area = Rect::new(text_area.x, y, text_area.width, footer_rows.len() as u16);
        draw_rows(frame.buffer_mut(), area, &footer_rows, theme);
    }
}
