//! The History tab's conversations view: one row per conversation (its latest activity, turns,
//! how the latest turn ended, the question it began with) and a line about the one selected.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::list::status;
use crate::clock;
use crate::store::ConversationRow;
use crate::tui::screen::history::HistoryLayout;
use crate::tui::state::State;
use crate::tui::state::history::Threads;
use crate::tui::text::wrap::truncate;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, parts: &HistoryLayout, state: &State, threads: &Threads) {
    let theme = state.theme();
    let line = |frame: &mut Frame, rect: Rect, cells: Vec<(String, Role)>, selected: bool| {
        let style = |role| if selected { theme.style(Role::Selection) } else { theme.style(role) };
        let spans: Vec<Span> =
            cells.into_iter().map(|(text, role)| Span::styled(text, style(role))).collect();
        if selected {
            frame.buffer_mut().set_style(rect, theme.style(Role::Selection));
        }
        frame.buffer_mut().set_line(rect.x, rect.y, &Line::from(spans), rect.width);
    };
    let width = parts.header.width as usize;
    let rows = match &threads.rows {
        None => return say(frame, parts.list, state, "Reading the conversations…"),
        Some(Err(why)) => {
            return say(frame, parts.list, state, &format!("Conversations cannot be shown: {why}"));
        }
        Some(Ok(rows)) if rows.is_empty() => {
            return say(
                frame,
                parts.list,
                state,
                "No conversations yet: ask the team something in the Run tab.",
            );
        }
        Some(Ok(rows)) => rows,
    };
    line(frame, parts.header, cells(width, None), false);
    let height = parts.list.height as usize;
    let top = threads.offset.min(rows.len().saturating_sub(height));
    for (i, row) in rows.iter().enumerate().skip(top).take(height) {
        let rect = Rect::new(parts.list.x, parts.list.y + (i - top) as u16, parts.list.width, 1);
        line(frame, rect, cells(width, Some(row)), i == threads.selected);
    }
    if let Some(row) = threads.selected_row() {
        let started = clock::local(row.started_ms).date_minute();
        let detail = format!(
            " began {started} · latest turn {} is run {} · Enter opens it with the turns before it · c continues ",
            row.last_turn, row.last_run
        );
        frame.buffer_mut().set_line(
            parts.detail.x,
            parts.detail.y,
            &Line::from(Span::styled(truncate(&detail, parts.detail.width as usize), theme.style(Role::Dim))),
            parts.detail.width,
        );
    }
}

/// The header (`None`) or a conversation's row, fitted to `width`.
fn cells(width: usize, row: Option<&ConversationRow>) -> Vec<(String, Role)> {
    let Some(row) = row else {
        let head = |text: &str, w: usize| (format!("{text:<w$}"), Role::Heading);
        return vec![head(" Latest", 18), head("Turns", 7), head("Latest turn", 14), head("Began with", 10)];
    };
    let (label, role) = status(row.last_status);
    let first = crate::text::sanitize::one_line(&row.first_prompt);
    let room = width.saturating_sub(18 + 7 + 14).max(10);
    vec![
        (format!(" {:<17}", clock::local(row.last_ms).date_minute()), Role::Dim),
        (format!("{:>5}  ", row.turns), Role::Metrics),
        (format!("{label:<14}"), role),
        (truncate(&first, room), Role::Text),
    ]
}

fn say(frame: &mut Frame, rect: Rect, state: &State, text: &str) {
    let line = Line::from(Span::styled(format!("  {text}"), state.theme().style(Role::Dim)));
    frame.buffer_mut().set_line(rect.x, rect.y, &line, rect.width);
}
