//! The message-flow view in the reducer: opened from the Run tab (a live run, or a past one from
//! History), its selection moved and paged, the selected message opened (its call's exact
//! messages) and closed again, back to the row the user was on.

use crossterm::event::KeyEvent;

use super::routed::Routed;
use crate::tui::action::{Action, App, Context, Move, Run};
use crate::tui::msg::Effect;
use crate::tui::screen::Screen;
use crate::tui::screen::flow::lanes::Lanes;
use crate::tui::state::flow::{FlowState, OpenMessage};
use crate::tui::state::scroll::Scroll;
use crate::tui::state::{Level, Overlay, State};

/// Opens the flow view of the run on screen (on top of whatever is open); pressed in the view,
/// closes it.
pub fn toggle(state: &mut State) -> Vec<Effect> {
    if matches!(state.overlays.last(), Some(Overlay::Flow(_))) {
        state.overlays.pop();
        return Vec::new();
    }
    if state.run.view.started_ms.is_none() {
        let send =
            state.keymap.hint(Context::Prompt, Action::Run(Run::Send)).unwrap_or_else(|| "Enter".into());
        state.notify(
            format!(
                "No run to show yet: the message flow lists a run's messages. Type a prompt and press {send}, \
                 or open a past run from History."
            ),
            Level::Info,
        );
        return Vec::new();
    }
    state.overlays.retain(|o| !matches!(o, Overlay::Flow(_)));
    state.overlays.push(Overlay::Flow(Box::default()));
    Vec::new()
}

/// A key while the flow view is on top: its own table (and the global keys); `None` otherwise.
pub fn on_key(state: &mut State, screen: &Screen, key: KeyEvent) -> Option<Routed> {
    if !matches!(state.overlays.last(), Some(Overlay::Flow(_))) {
        return None;
    }
    let Some(action) = state.keymap.lookup(Context::Flow, &key) else { return Some(Vec::new().into()) };
    Some(match action {
        Action::App(App::Close) => {
            if let Some(flow) = top(state)
                && flow.open.take().is_some()
            {
                return Some(Vec::new().into());
            }
            state.overlays.pop();
            Vec::new().into()
        }
        Action::Run(Run::Zoom) => open_selected(state, screen).into(),
        Action::Run(Run::Copy) => copy(state, screen).into(),
        Action::Run(Run::Flow) => toggle(state).into(),
        Action::Move(action) => moves(state, screen, action).unwrap_or_default().into(),
        other => Routed::Pass(other),
    })
}

/// A move while the flow view is on top (keys, the wheel): the opened message scrolls, the list
/// moves its selection. `None` when the view is not on top.
pub fn moves(state: &mut State, screen: &Screen, action: Move) -> Option<Vec<Effect>> {
    let flow = top(state)?;
    let Some(shown) = &screen.flow else { return Some(Vec::new()) };
    let (len, height) = (shown.rows.len(), shown.height());
    let page = height.saturating_sub(1).max(1) as isize;
    if let Some(open) = &mut flow.open {
        let (total, height) = shown.message.as_ref().map_or((0, 1), |m| (m.len(), m.height));
        let scroll = &mut open.scroll;
        match action {
            Move::SelectPrev | Move::ScrollUp | Move::FocusUp => scroll.by(-1, total, height),
            Move::SelectNext | Move::ScrollDown | Move::FocusDown => scroll.by(1, total, height),
            Move::PageUp => scroll.by(-page, total, height),
            Move::PageDown => scroll.by(page, total, height),
            Move::ScrollTop => scroll.home(),
            Move::ScrollBottom => scroll.end(),
            _ => {}
        }
        return Some(Vec::new());
    }
    match action {
        Move::SelectPrev | Move::ScrollUp | Move::FocusUp => flow.select_by(-1, len, height),
        Move::SelectNext | Move::ScrollDown | Move::FocusDown => flow.select_by(1, len, height),
        Move::PageUp => flow.select_by(-page, len, height),
        Move::PageDown => flow.select_by(page, len, height),
        Move::ScrollTop => flow.home(),
        Move::ScrollBottom => flow.end(),
        _ => {}
    }
    Some(Vec::new())
}

/// The flow view when it is the overlay on top.
fn top(state: &mut State) -> Option<&mut FlowState> {
    match state.overlays.last_mut() {
        Some(Overlay::Flow(flow)) => Some(flow),
        _ => None,
    }
}

/// Enter: the selected message's call, its exact messages; again, back to the list.
fn open_selected(state: &mut State, screen: &Screen) -> Vec<Effect> {
    let rows = screen.flow.as_ref().map_or(&[][..], |f| f.rows.as_slice());
    let Some(flow) = top(state) else { return Vec::new() };
    if flow.open.take().is_some() {
        return Vec::new();
    }
    let Some(row) = flow.selected_row(rows.len()) else { return Vec::new() };
    match rows[row].call {
        Some(call) => flow.open = Some(OpenMessage { call, row, scroll: Scroll::At(0) }),
        None => state.notify(
            format!(
                "This {} is the run's own: no model call sent it, so there is no exact message to show.",
                rows[row].kind.label()
            ),
            Level::Info,
        ),
    }
    Vec::new()
}

/// The opened message as text, or every message of the list one per line.
fn copy(state: &mut State, screen: &Screen) -> Vec<Effect> {
    let Some(shown) = &screen.flow else { return Vec::new() };
    let opened = state.flow().is_some_and(|f| f.open.is_some());
    let text = match &shown.message {
        Some(message) if opened => message.plain_text(),
        _ => shown
            .rows
            .iter()
            .map(|row| Lanes::List.line(&state.run.view, row, usize::MAX).text().trim_start().to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    };
    if text.trim().is_empty() {
        state.notify("Nothing to copy here yet.", Level::Info);
        return Vec::new();
    }
    vec![Effect::Copy { text }]
}
