//! The message-flow view: every message of the run in order as a sequence diagram (a lane per
//! member under its name, an arrow from sender to receiver, the type and a quote), the selected
//! row marked; or the message opened from it, exactly as its call sent and received it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear};
use unicode_width::UnicodeWidthStr;

use super::{draw_rows, span};
use crate::tui::action::{Action, App, Context, Run};
use crate::tui::format;
use crate::tui::screen::flow::FlowScreen;
use crate::tui::screen::flow::rows::{FlowRow, Lane};
use crate::tui::state::State;
use crate::tui::state::flow::{FlowState, OpenMessage};
use crate::tui::text::wrap::Row;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, state: &State, flow: &FlowState, screen: Option<&FlowScreen>) {
    let Some(screen) = screen else { return };
    let theme = state.theme();
    let layout = screen.layout;
    let key = |action| state.keymap.hint(Context::Flow, action).unwrap_or_default();
    let opened = flow.open.filter(|_| screen.message.is_some());
    let (title, hints) = match opened {
        Some(open) => (
            message_title(state, screen.rows.get(open.row)),
            format!(
                " {} back to the list · {} copy ",
                key(Action::App(App::Close)),
                key(Action::Run(Run::Copy))
            ),
        ),
        None => (
            list_title(state, screen.rows.len()),
            format!(
                " {} open · {} back · {} copy ",
                key(Action::Run(Run::Zoom)),
                key(Action::App(App::Close)),
                key(Action::Run(Run::Copy))
            ),
        ),
    };
    // Where both do not fit, the title stays and the keys are left to the status bar.
    let room = layout.frame.width as usize;
    let hints = if title.width() + hints.width() + 2 <= room { hints } else { String::new() };
    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.style(Role::Overlay))
        .title_top(Line::from(span(title, theme.style(Role::Overlay))))
        .title_top(Line::from(span(hints, theme.style(Role::Dim))).right_aligned());
    if let Some(foot) = foot(screen, flow, opened) {
        block = block.title_bottom(Line::from(span(foot, theme.style(Role::Metrics))).right_aligned());
    }
    frame.render_widget(Clear, layout.frame);
    frame.render_widget(block, layout.frame);
    match opened {
        Some(open) => draw_message(frame, screen, open, state),
        None => draw_list(frame, screen, flow, state),
    }
}

/// Where the view stands, for the frame's foot: the selected row of how many, or the rows of the
/// opened message that show when it does not fit.
fn foot(screen: &FlowScreen, flow: &FlowState, opened: Option<OpenMessage>) -> Option<String> {
    let height = screen.layout.body.height as usize;
    if let Some(open) = opened {
        let total = screen.message.as_ref().map_or(0, |m| m.len());
        let top = open.scroll.top(total, height);
        return (total > height)
            .then(|| format!(" rows {}-{} of {total} ", top + 1, (top + height).min(total)));
    }
    let len = screen.rows.len();
    let at = flow.selected_row(len)? + 1;
    let follow = if flow.selected.is_none() { " · following the newest" } else { "" };
    Some(format!(" {at} of {len}{follow} "))
}

/// ` Message flow · 14 messages · live `.
fn list_title(state: &State, count: usize) -> String {
    let run = &state.run.view;
    let status = match run.status {
        Some(_) if run.is_running() => format!(" · running, {} at work", run.active_nodes()),
        Some(status) => format!(" · run {}", format::run_status(status).0),
        None => String::new(),
    };
    let plural = if count == 1 { "" } else { "s" };
    format!(" Message flow · {count} message{plural}{status} ")
}

/// ` Echo → Nova · RESPONSE · +6.2 s `.
fn message_title(state: &State, row: Option<&FlowRow>) -> String {
    let Some(row) = row else { return " Message ".into() };
    let name = |lane| match lane {
        Lane::You => "you".to_string(),
        Lane::Node(i) => state.run.view.nodes.get(i).map_or_else(|| "?".into(), |n| n.name.clone()),
    };
    let at = format::duration(row.at_ms);
    format!(" {} → {} · {} · at {at} ", name(row.from), name(row.to), row.kind.label())
}

/// The list of messages under the lanes' names, the selected one marked.
fn draw_list(frame: &mut Frame, screen: &FlowScreen, flow: &FlowState, state: &State) {
    let theme = state.theme();
    let layout = screen.layout;
    let body = layout.body;
    let rows = &screen.rows;
    if let Some(header) = layout.header {
        draw_rows(frame.buffer_mut(), header, &[screen.lanes.header()], theme);
    }
    if rows.is_empty() {
        let empty = Row::plain("No messages yet: the first shows as soon as the run starts.", Role::Dim);
        draw_rows(frame.buffer_mut(), body, &[empty], theme);
        return;
    }
    let height = body.height as usize;
    let top = flow.top(rows.len(), height);
    let selected = flow.selected_row(rows.len());
    let width = body.width as usize;
    let lines: Vec<Row> = rows
        .iter()
        .skip(top)
        .take(height)
        .map(|row| screen.lanes.line(&state.run.view, row, width))
        .collect();
    draw_rows(frame.buffer_mut(), body, &lines, theme);
    if let Some(selected) = selected.filter(|&s| s >= top && s < top + height) {
        let y = body.y + (selected - top) as u16;
        let buf = frame.buffer_mut();
        buf.set_style(Rect::new(body.x, y, body.width, 1), theme.style(Role::Selection));
        // Marked in the time column's margin too, for a terminal without colours.
        if let Some(cell) = buf.cell_mut((body.x, y)) {
            cell.set_symbol("›");
        }
    }
}

/// The opened message's document, from where it is scrolled.
fn draw_message(frame: &mut Frame, screen: &FlowScreen, open: OpenMessage, state: &State) {
    let Some(doc) = screen.message.as_ref() else { return };
    let body = screen.layout.body;
    let top = open.scroll.top(doc.len(), body.height as usize);
    draw_rows(frame.buffer_mut(), body, &doc.rows(top, body.height as usize), state.theme());
}
