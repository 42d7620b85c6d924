//! Keys and the mouse in the History tab and on a past run, and switching tabs. The History tab's
//! tables (`history`, `history_search`, `confirm`) replace the Run tab's; a past run's table
//! (`past_run`) is looked at before the panes', whose keys (zoom, scroll, copy) keep working.

use crossterm::event::{KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use super::{list, past};
use crate::store::export::Format;
use crate::tui::action::{Action, Context};
use crate::tui::msg::Effect;
use crate::tui::screen::Screen;
use crate::tui::state::history::HistoryFocus;
use crate::tui::state::{Focus, Level, Overlay, State, Tab};
use crate::tui::update::perform;

/// Keys for the History tab and for a past run; `None` lets the usual handling have the key.
pub fn on_key(state: &mut State, screen: &Screen, key: KeyEvent) -> Option<Vec<Effect>> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if let Some(ctx) = state.history_context() {
        return Some(in_history(state, screen, ctx, key));
    }
    if state.tab == Tab::Run && state.history.shows_past() {
        return on_past_key(state, screen, key);
    }
    None
}

fn in_history(state: &mut State, screen: &Screen, ctx: Context, key: KeyEvent) -> Vec<Effect> {
    let action = state.keymap.lookup(ctx, &key);
    match (ctx, action) {
        (Context::HistorySearch, None) => list::search_input(state, key),
        (_, None) => Vec::new(),
        (Context::Confirm, Some(action)) => match action {
            Action::Confirm => list::confirm_delete(state),
            Action::Keep | Action::Close => {
                list::cancel_delete(state);
                Vec::new()
            }
            Action::Interrupt | Action::Quit => perform(state, screen, action),
            _ => Vec::new(),
        },
        (Context::HistorySearch, Some(action)) => match action {
            Action::FocusList | Action::Send | Action::Open | Action::SelectNext => list::leave_search(state),
            Action::ClearSearch | Action::Close => list::clear_search(state),
            other => perform(state, screen, other),
        },
        (_, Some(action)) => list_action(state, screen, action),
    }
}

/// An action with the list focused.
fn list_action(state: &mut State, screen: &Screen, action: Action) -> Vec<Effect> {
    let page = list::height(state).saturating_sub(1).max(1) as isize;
    let selected = state.history.selected_run().map(|r| (r.row.id.clone(), r.row.prompt.clone()));
    match (action, selected) {
        (Action::SelectPrev | Action::ScrollUp, _) => list::select_by(state, -1),
        (Action::SelectNext | Action::ScrollDown, _) => list::select_by(state, 1),
        (Action::PageUp, _) => list::select_by(state, -page),
        (Action::PageDown, _) => list::select_by(state, page),
        (Action::ScrollTop, _) => list::select_end(state, false),
        (Action::ScrollBottom, _) => list::select_end(state, true),
        (Action::ToggleLabRuns, _) => list::toggle_lab_runs(state),
        (Action::Search | Action::FocusPrompt, _) => {
            state.history.focus = HistoryFocus::Search;
            Vec::new()
        }
        (Action::ClearSearch | Action::Close, _)
            if !state.history.query().trim().is_empty() || state.history.problem.is_some() =>
        {
            list::clear_search(state)
        }
        (Action::ClearSearch | Action::Close, _) => switch(state, Tab::Run),
        (
            Action::Open
            | Action::Replay
            | Action::Rerun
            | Action::ExportMarkdown
            | Action::ExportJson
            | Action::CopyAnswer
            | Action::Copy
            | Action::Delete,
            None,
        ) => list::nothing_selected(state),
        (Action::Open, Some((id, _))) => past::open(state, &id, false),
        (Action::Replay, Some((id, _))) => past::open(state, &id, true),
        (Action::Rerun, Some((_, prompt))) => past::rerun(state, &prompt),
        (Action::ExportMarkdown, Some((id, _))) => list::export(&id, Format::Markdown),
        (Action::ExportJson, Some((id, _))) => list::export(&id, Format::Json),
        (Action::CopyAnswer | Action::Copy, Some((id, _))) => list::copy_answer(&id),
        (Action::Delete, Some(_)) => list::ask_delete(state),
        (other, _) => perform(state, screen, other),
    }
}

/// Keys on a past run. Its own table first (unless the zoom view binds the key), then the
/// panes' keys, except those that would edit a prompt.
fn on_past_key(state: &mut State, screen: &Screen, key: KeyEvent) -> Option<Vec<Effect>> {
    let zoomed = match state.overlays.last() {
        None => false,
        Some(Overlay::Zoom(_)) => true,
        Some(_) => return None,
    };
    if let Some(action) = state.keymap.lookup_own(Context::PastRun, &key)
        && !(zoomed && state.keymap.lookup_own(Context::Zoom, &key).is_some())
    {
        return Some(past_action(state, screen, action));
    }
    let ctx = state.key_context();
    let typed = matches!(key.code, crossterm::event::KeyCode::Char(_))
        && !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match state.keymap.lookup(ctx, &key) {
        Some(
            Action::FocusPrompt | Action::Send | Action::Newline | Action::HistoryPrev | Action::HistoryNext,
        ) => Some(read_only(state)),
        // Tab and Shift-Tab go round the panes and the answer, stepping over the prompt box.
        Some(action @ (Action::FocusNext | Action::FocusPrev)) if !zoomed => {
            let mut effects = perform(state, screen, action);
            if state.run.focus == Focus::Prompt {
                effects.extend(perform(state, screen, action));
            }
            Some(effects)
        }
        None if typed && ctx == Context::Panes => Some(read_only(state)),
        _ => None,
    }
}

/// Says that a past run cannot be edited, and how to get back to the live view.
pub fn read_only(state: &mut State) -> Vec<Effect> {
    let back = state.keymap.hint(Context::PastRun, Action::BackToLive).unwrap_or_else(|| "Esc".into());
    state.notify(
        format!("This is a past run: it cannot be edited. {back} goes back to the live view and its prompt."),
        Level::Info,
    );
    Vec::new()
}

/// An action on the past run shown.
fn past_action(state: &mut State, screen: &Screen, action: Action) -> Vec<Effect> {
    let Some(shown) = state.history.past.as_ref().map(|p| (p.id.clone(), p.prompt.clone())) else {
        return Vec::new();
    };
    match action {
        Action::BackToLive => past::back_to_live(state),
        Action::Replay => past::start_replay(state),
        Action::ReplayFaster => past::faster(state),
        Action::ReplayStop => past::stop(state),
        Action::Rerun => return past::rerun(state, &shown.1),
        Action::ExportMarkdown => return list::export(&shown.0, Format::Markdown),
        Action::ExportJson => return list::export(&shown.0, Format::Json),
        Action::CopyAnswer => return list::copy_answer(&shown.0),
        other => return perform(state, screen, other),
    }
    Vec::new()
}

/// The actions added with the History tab, pressed anywhere else (tab keys are global).
pub fn on_action(state: &mut State, screen: &Screen, action: Action) -> Vec<Effect> {
    match action {
        Action::BackToLive
        | Action::Replay
        | Action::ReplayFaster
        | Action::ReplayStop
        | Action::Rerun
        | Action::ExportMarkdown
        | Action::ExportJson
        | Action::CopyAnswer
            if state.history.shows_past() && state.tab == Tab::Run =>
        {
            past_action(state, screen, action)
        }
        // The list's actions mean nothing elsewhere (and must not come back here through `perform`).
        _ => Vec::new(),
    }
}

/// Shows another tab (one way of switching for every tab: see `update::tabs`).
pub fn switch(state: &mut State, tab: Tab) -> Vec<Effect> {
    crate::tui::update::tabs::show(state, tab)
}

/// The wheel moves the selection; a click selects a run or goes to the search box.
pub fn on_mouse(state: &mut State, mouse: MouseEvent) -> Vec<Effect> {
    let at = Position { x: mouse.column, y: mouse.row };
    match mouse.kind {
        MouseEventKind::ScrollUp | MouseEventKind::ScrollDown if state.overlays.is_empty() => {
            list::select_by(state, if mouse.kind == MouseEventKind::ScrollUp { -3 } else { 3 })
        }
        MouseEventKind::Down(MouseButton::Left) => {
            if matches!(state.overlays.last(), Some(Overlay::Help { .. } | Overlay::Messages { .. })) {
                state.overlays.pop();
                return Vec::new();
            }
            if !state.overlays.is_empty() || state.history.confirm.is_some() {
                return Vec::new();
            }
            let layout = crate::tui::screen::history::layout(state.area());
            if layout.search.contains(at) {
                state.history.focus = HistoryFocus::Search;
            } else if layout.list.contains(at) {
                state.history.focus = HistoryFocus::List;
                let row = state.history.offset + usize::from(at.y - layout.list.y);
                if row < state.history.runs.len() {
                    let delta = row as isize - state.history.selected as isize;
                    return list::select_by(state, delta);
                }
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}
