//! The messages log's text and where it goes: every notice of the session with its time.

use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

use super::layout::overlay_body;
use crate::tui::state::{Level, State};
use crate::tui::text::wrap::{Row, Wrapper};
use crate::tui::theme::Role;

pub fn level_style(level: Level) -> (&'static str, Role) {
    match level {
        Level::Info => ("·", Role::Text),
        Level::Warn => ("▲", Role::NoticeWarn),
        Level::Error => ("✖", Role::NoticeError),
    }
}

/// The log wrapped to `width`: the time, then the message with its lines hanging under it.
pub fn rows(state: &State, width: usize) -> Vec<Row> {
    let mut w = Wrapper::new(width);
    if state.notices.is_empty() {
        w.push_str("No messages yet. Messages shown in the status bar are kept here, in full.", Role::Dim);
        return w.all_rows();
    }
    for notice in &state.notices {
        let time = crate::clock::local(notice.at_ms);
        let stamp = format!("{:02}:{:02}:{:02} ", time.hour, time.minute, time.second);
        let (glyph, role) = level_style(notice.level);
        w.push_unbroken(&stamp, Role::Metrics);
        w.push_unbroken(&format!("{glyph} "), role);
        w.set_hang(stamp.width() + 2, Role::Text);
        w.push_str(&notice.text, if notice.level == Level::Info { Role::Text } else { role });
        w.newline();
    }
    w.all_rows()
}

/// Where the log goes on a screen of `area`.
pub fn body_area(area: Rect) -> Rect {
    overlay_body(area, u16::MAX)
}

/// Rows of the log and rows on screen, for scrolling.
pub fn extent(state: &State) -> (usize, usize) {
    let body = body_area(state.area());
    (rows(state, body.width.max(1) as usize).len(), body.height as usize)
}
