//! The History tab: the search box, the list of past runs, a line about the selected one, and the
//! question before deleting. Also what the Run tab says about a past run it shows (`past`).

mod hints;
mod list;
mod past;
mod threads;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear};

pub use hints::hints;
pub use past::{banner as past_banner, run_label as past_run_label, tab_bar_label};

use super::paint::{centered, draw_rows, key_hint as key, letter_key, span};
use crate::tui::action::{Action, Context, History};
use crate::tui::format;
use crate::tui::screen::history::layout;
use crate::tui::screen::layout::inner;
use crate::tui::state::history::{ConfirmDelete, HistoryFocus};
use crate::tui::state::{Overlay, State};
use crate::tui::text::wrap::Wrapper;
use crate::tui::theme::Role;

/// Draws the whole screen while the History tab is shown.
pub fn draw(frame: &mut Frame, state: &State) {
    let area = frame.area();
    let parts = layout(area);
    super::tabs::draw(frame, parts.tabs, state);
    draw_search(frame, parts.search, state);
    match &state.history.threads {
        Some(threads) => threads::draw(frame, &parts, state, threads),
        None => list::draw(frame, &parts, state),
    }
    super::status_bar::draw(frame, parts.status, state);
    if let Some(confirm) = &state.history.confirm {
        draw_confirm(frame, area, state, confirm);
    }
    for overlay in &state.overlays {
        match overlay {
            Overlay::Help { scroll, page } => super::help::draw(frame, area, state, *scroll, *page),
            Overlay::Messages { scroll } => super::messages::draw(frame, area, state, *scroll),
            Overlay::Health(panel) => super::health::draw(frame, area, state, panel),
            Overlay::Welcome(welcome) => super::welcome::draw(frame, area, state, welcome),
            Overlay::Zoom(_) | Overlay::Flow(_) => {}
        }
    }
}

fn draw_search(frame: &mut Frame, rect: Rect, state: &State) {
    let theme = state.theme();
    let history = &state.history;
    let focused = history.focus == HistoryFocus::Search && state.overlays.is_empty();
    let count = match (history.total(), history.shown_query.is_empty()) {
        _ if !history.is_loaded() || history.problem.is_some() => String::new(),
        (Some(0), true) => String::new(),
        (Some(total), true) => {
            format!(" {} run{} ", format::thousands(total), if total == 1 { "" } else { "s" })
        }
        (_, true) => format!(" {} runs ", format::thousands(history.runs.len() as u64)),
        (_, false) => {
            let more = if history.has_more() { "+" } else { "" };
            let n = history.runs.len();
            format!(" {n}{more} match{} ", if n == 1 && !history.has_more() { "" } else { "es" })
        }
    };
    let hint = if focused {
        format!(
            " {} list · {} clear ",
            key(state, Context::HistorySearch, Action::History(History::FocusList)),
            key(state, Context::HistorySearch, Action::History(History::ClearSearch))
        )
    } else {
        format!(" {} to search ", key(state, Context::History, Action::History(History::Search)))
    };
    let block = Block::bordered()
        .border_type(if focused { BorderType::Thick } else { BorderType::Rounded })
        .border_style(theme.style(if focused { Role::BorderFocused } else { Role::Border }))
        .title_top(Line::from(vec![
            span(" Search ", theme.style(Role::Title)),
            span(hint, theme.style(Role::Dim)),
        ]))
        .title_top(Line::from(span(count, theme.style(Role::Metrics))).right_aligned())
        .title_bottom(Line::from(span(lab_runs_note(state), theme.style(Role::Dim))).right_aligned());
    frame.render_widget(block, rect);
    let mut editor = history.search.clone();
    let cursor = if focused {
        ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::REVERSED)
    } else {
        ratatui::style::Style::new()
    };
    editor.set_cursor_style(cursor);
    editor.set_cursor_line_style(ratatui::style::Style::new());
    editor.set_placeholder_style(theme.style(Role::Dim));
    editor.set_style(theme.style(Role::Text));
    frame.render_widget(&editor, inner(rect));
}

/// Under the search box: how many of the lab's runs the list leaves out and the key that shows
/// them, or that they are shown. Nothing while the record has none.
fn lab_runs_note(state: &State) -> String {
    let history = &state.history;
    let lab = match history.counts {
        Some(counts) if counts.lab > 0 && history.is_loaded() => counts.lab,
        _ => return String::new(),
    };
    let toggle = key(state, Context::History, Action::History(History::ToggleLabRuns));
    if history.show_lab {
        return format!(" lab runs shown · {toggle} hides them ");
    }
    if history.shown_query.is_empty() {
        let runs = if lab == 1 { "lab run" } else { "lab runs" };
        format!(" {} {runs} hidden · {toggle} shows them ", format::thousands(lab))
    } else {
        format!(" lab runs not searched · {toggle} includes them ")
    }
}

/// The question before deleting a run.
fn draw_confirm(frame: &mut Frame, area: Rect, state: &State, confirm: &ConfirmDelete) {
    let (id, title) = (&confirm.id, &confirm.title);
    let theme = state.theme();
    let rect = centered(area, 60, 8);
    let body = inner(rect);
    let body = Rect::new(body.x + 1, body.y, body.width.saturating_sub(2), body.height);
    let mut w = Wrapper::new(body.width.max(1) as usize);
    w.push_str(&format!("Run {id}"), Role::Text);
    w.newline();
    w.push_str(&format!("“{title}”"), Role::Dim);
    w.newline();
    let what = if confirm.conversation {
        "Every turn of its conversation, with their calls, answers and search entries, leaves the record for good."
    } else {
        "Its calls, answers and search entries leave the record for good."
    };
    w.push_str(what, Role::Text);
    w.newline();
    let yes = letter_key(state, Context::Confirm, Action::History(History::Confirm));
    let no = letter_key(state, Context::Confirm, Action::History(History::Keep));
    w.push_str(&format!("{yes} delete · {no} keep"), Role::KeyHint);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.style(Role::StatusWarn))
        .title_top(Line::from(span(
            if confirm.conversation { " Delete this conversation? " } else { " Delete this run? " },
            theme.style(Role::StatusWarn),
        )));
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    draw_rows(frame.buffer_mut(), body, &w.all_rows(), theme);
}
