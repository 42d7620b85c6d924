//! Messages in full: the log of the session's notices (its own key, listed in help), and a small
//! box above the status bar that shows a warning or an error too long for the bar while it lasts
//! (a long message that is neither says in the bar which key shows it in full).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear};
use unicode_width::UnicodeWidthStr;

use crate::tui::action::{Action, App, Context};
use crate::tui::screen::Screen;
use crate::tui::screen::layout::inner;
use crate::tui::screen::layout::overlay_frame;
use crate::tui::screen::messages::{body_area, level_style, rows};
use crate::tui::state::scroll::Scroll;
use crate::tui::state::{Level, Notice, State, Tab};
use crate::tui::text::wrap::Wrapper;
use crate::tui::theme::Role;
use crate::tui::view::paint::{draw_rows, span};

/// The most rows of text the box above the status bar shows.
const TOAST_ROWS: usize = 6;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, scroll: Scroll) {
    let theme = state.theme();
    let rect = overlay_frame(area);
    let close = state.keymap.hint(Context::Messages, Action::App(App::Close)).unwrap_or_else(|| "Esc".into());
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.style(Role::Overlay))
        .title_top(Line::from(span(" Messages ", theme.style(Role::Overlay))))
        .title_top(
            Line::from(span(format!(" {close} closes · ↑↓ scroll "), theme.style(Role::Dim))).right_aligned(),
        );
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let body = body_area(area);
    let all = rows(state, body.width.max(1) as usize);
    let top = scroll.top(all.len(), body.height as usize);
    draw_rows(frame.buffer_mut(), body, &all[top.min(all.len())..], theme);
}

/// The warning or error on show, when it is too long for the status bar.
fn overflowing(state: &State, width: u16) -> Option<&Notice> {
    let notice = state.notice.as_ref().filter(|n| n.level != Level::Info)?;
    let room = super::status_bar::notice_room(state, width as usize);
    (notice.text.width() > room).then_some(notice)
}

/// A warning or error too long for the status bar, in full in a box just above it (above the prompt box
/// on the Run tab, so typing stays in view), for as long as the notice lasts.
pub fn draw_toast(frame: &mut Frame, state: &State, screen: &Screen) {
    let area = frame.area();
    let layout = &screen.layout;
    if layout.too_small
        || state.overlays.iter().any(|o| matches!(o, crate::tui::state::Overlay::Messages { .. }))
    {
        return;
    }
    let Some(notice) = overflowing(state, area.width) else { return };
    let width = area.width.saturating_sub(2).min(78);
    let text_width = width.saturating_sub(4).max(1) as usize;
    let (glyph, role) = level_style(notice.level);
    let mut w = Wrapper::new(text_width);
    w.push_str(
        &format!("{glyph} {}", notice.text),
        if notice.level == Level::Info { Role::Text } else { role },
    );
    let mut rows = w.all_rows();
    if rows.len() > TOAST_ROWS {
        rows.truncate(TOAST_ROWS);
        let key =
            state.keymap.hint(Context::Global, Action::App(App::Messages)).unwrap_or_else(|| "F5".into());
        let mut more = Wrapper::new(text_width);
        more.push_str(&format!("… the rest in the messages log ({key})"), Role::Dim);
        rows.truncate(TOAST_ROWS - 1);
        rows.extend(more.all_rows().into_iter().take(1));
    }
    let bottom = if state.tab == Tab::Run { layout.prompt.y } else { layout.status.y };
    let height = rows.len() as u16 + 2;
    if bottom < area.y + height + 1 {
        return;
    }
    let rect = Rect::new(area.right().saturating_sub(width + 1), bottom - height, width, height);
    let theme = state.theme();
    let border = if notice.level == Level::Info { Role::Overlay } else { role };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Block::bordered().border_type(BorderType::Rounded).border_style(theme.style(border)),
        rect,
    );
    let body = inner(rect);
    let body = Rect::new(body.x + 1, body.y, body.width.saturating_sub(2), body.height);
    draw_rows(frame.buffer_mut(), body, &rows, theme);
}
