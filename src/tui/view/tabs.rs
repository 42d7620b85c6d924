//! The tab bar: the app's name, the tabs that work in this build, and the run on screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::tui::state::State;
use crate::tui::state::tab::{BRAND, TAB_GAP, tab_labels};
use crate::tui::text::wrap::truncate;
use crate::tui::theme::Role;
use crate::tui::view::paint::span;

pub fn draw(frame: &mut Frame, rect: Rect, state: &State) {
    let theme = state.theme();
    let mut spans: Vec<Span> = vec![span(BRAND, theme.style(Role::Accent))];
    for label in tab_labels(state.prompts.is_dirty()) {
        let role = if label.tab == state.tab { Role::TabActive } else { Role::TabInactive };
        spans.push(span(TAB_GAP, theme.style(Role::Dim)));
        spans.push(span(label.text, theme.style(role)));
    }
    let left: usize = spans.iter().map(|s| s.content.width()).sum();
    let mut right = String::new();
    if let Some(id) = &state.run.view.run_id {
        right.push_str(&format!("run {id}"));
    }
    if let Some(turn) = state.run.view.turn.as_ref().filter(|turn| turn.turn > 1) {
        right = format!("conversation · turn {}  {right}", turn.turn);
    }
    if !state.run.view.prompt.is_empty() {
        let prompt = state.run.view.prompt.replace('\n', " ");
        right = format!("“{prompt}”  {right}");
    }
    if let Some(label) = super::history::tab_bar_label(state) {
        right = label;
    }
    let room = (rect.width as usize).saturating_sub(left + 2);
    let right = truncate(&right, room);
    let pad = room.saturating_sub(right.width());
    spans.push(span(" ".repeat(pad + 1), theme.style(Role::Dim)));
    spans.push(span(right, theme.style(Role::Dim)));
    frame.buffer_mut().set_line(rect.x, rect.y, &Line::from(spans), rect.width);
}
