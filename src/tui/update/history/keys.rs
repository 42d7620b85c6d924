//! Keys and the mouse in the History tab and on a past run, and switching tabs. The History tab's
//! tables (`history`, `history_search`, `confirm`) replace the Run tab's; a past run's table
//! (`past_run`) is looked at before the panes', whose keys (zoom, scroll, copy) keep working.

use crossterm::event::{KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use super::{list, past};
use crate::store::export::Format;
use crate::tui::action::{Action, App, Context, History, Move, Run};
use crate::tui::msg::Effect;
use crate::tui::screen::Screen;
use crate::tui::state::history::HistoryFocus;
use crate::tui::state::{Focus, Level, Overlay, State, Tab};
use crate::tui::update::routed::Routed;
use crate::tui::update::run_keys;

/// Keys for the History tab and for a past run; `None` lets the usual handling have the key.
pub fn on_key(state: &mut State, screen: &Screen, key: KeyEvent) -> Option<Routed> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if let Some(ctx) = state.history_context() {
        return Some(in_history(state, ctx, key));
    }
    if state.tab == Tab::Run && state.history.shows_past() {
        return on_past_key(state, screen, key);
    }
    None
}

fn in_history(state: &mut State, ctx: Context, key: KeyEvent) -> Routed {
    let action = state.keymap.lookup(ctx, &key);
    Routed::Done(match (ctx, action) {
        (Context::HistorySearch, None) => list::search_input(state, key),
        (_, None) => Vec::new(),
        (Context::Confirm, Some(action)) => match action {
            Action::History(History::Confirm) => list::confirm_delete(state),
            Action::History(History::Keep) | Action::App(App::Close) => {
                list::cancel_delete(state);
                Vec::new()
            }
            Action::App(App::Interrupt | App::Quit) => return Routed::Pass(action),
            _ => Vec::new(),
        },
        (Context::HistorySearch, Some(action)) => match action {
            Action::History(History::FocusList)
            | Action::Run(Run::Send)
            | Action::History(History::Open)
            | Action::Move(Move::SelectNext) => list::leave_search(state),
            Action::History(History::ClearSearch) | Action::App(App::Close) => list::clear_search(state),
            other => return Routed::Pass(other),
        },
        (_, Some(action)) => return list_action(state, action),
    })
}

/// An action with the list focused.
fn list_action(state: &mut State, action: Action) -> Routed {
    if state.history.threads.is_some() {
        return super::threads::action(state, action);
    }
    if action == Action::History(History::Threads) {
        return Routed::Done(super::threads::toggle(state));
    }
    let page = list::height(state).saturating_sub(1).max(1) as isize;
    let selected = state.history.selected_run().map(|r| (r.row.id.clone(), r.row.prompt.clone()));
    Routed::Done(match (action, selected) {
        (Action::Move(Move::SelectPrev | Move::ScrollUp), _) => list::select_by(state, -1),
        (Action::Move(Move::SelectNext | Move::ScrollDown), _) => list::select_by(state, 1),
        (Action::Move(Move::PageUp), _) => list::select_by(state, -page),
        (Action::Move(Move::PageDown), _) => list::select_by(state, page),
        (Action::Move(Move::ScrollTop), _) => list::select_end(state, false),
        (Action::Move(Move::ScrollBottom), _) => list::select_end(state, true),
        (Action::History(History::ToggleLabRuns), _) => list::toggle_lab_runs(state),
        (Action::History(History::Search) | Action::Move(Move::FocusPrompt), _) => {
            state.history.focus = HistoryFocus::Search;
            Vec::new()
        }
        (Action::History(History::ClearSearch) | Action::App(App::Close), _)
            if !state.history.query().trim().is_empty() || state.history.problem.is_some() =>
        {
            list::clear_search(state)
        }
        (Action::History(History::ClearSearch) | Action::App(App::Close), _) => switch(state, Tab::Run),
        (
            Action::History(
                History::Open
                | History::Replay
                | History::Rerun
                | History::Continue
                | History::ExportMarkdown
                | History::ExportJson
                | History::CopyAnswer,
            )
            | Action::Run(Run::Copy)
            | Action::History(History::Delete | History::DeleteConversation),
            None,
        ) => list::nothing_selected(state),
        (Action::History(History::Open), Some((id, _))) => past::open(state, &id, false),
        (Action::History(History::Replay), Some((id, _))) => past::open(state, &id, true),
        (Action::History(History::Rerun), Some((_, prompt))) => past::rerun(state, &prompt),
        (Action::History(History::Continue), Some((id, _))) => past::continue_conversation(state, &id),
        (Action::History(History::ExportMarkdown), Some((id, _))) => list::export(&id, Format::Markdown),
        (Action::History(History::ExportJson), Some((id, _))) => list::export(&id, Format::Json),
        (Action::History(History::CopyAnswer) | Action::Run(Run::Copy), Some((id, _))) => {
            list::copy_answer(&id)
        }
        (Action::History(History::Delete), Some(_)) => list::ask_delete(state, false),
        (Action::History(History::DeleteConversation), Some(_)) => list::ask_delete(state, true),
        (other, _) => return Routed::Pass(other),
    })
}

/// Keys on a past run. Its own table first (unless the zoom view binds the key), then the
/// panes' keys, except those that would edit a prompt.
fn on_past_key(state: &mut State, screen: &Screen, key: KeyEvent) -> Option<Routed> {
    let zoomed = match state.overlays.last() {
        None => false,
        Some(Overlay::Zoom(_)) => true,
        Some(_) => return None,
    };
    if let Some(action) = state.keymap.lookup_own(Context::PastRun, &key)
        && !(zoomed && state.keymap.lookup_own(Context::Zoom, &key).is_some())
    {
        return Some(past_action(state, action));
    }
    let ctx = state.key_context();
    let typed = matches!(key.code, crossterm::event::KeyCode::Char(_))
        && !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match state.keymap.lookup(ctx, &key) {
        Some(
            Action::Move(Move::FocusPrompt)
            | Action::Run(Run::Send | Run::Newline | Run::HistoryPrev | Run::HistoryNext),
        ) => Some(read_only(state).into()),
        // Tab and Shift-Tab go round the panes and the answer, stepping over the prompt box.
        Some(Action::Move(step @ (Move::FocusNext | Move::FocusPrev))) if !zoomed => {
            let mut effects = run_keys::moves(state, screen, step);
            if state.run.focus == Focus::Prompt {
                effects.extend(run_keys::moves(state, screen, step));
            }
            Some(effects.into())
        }
        None if typed && ctx == Context::Panes => Some(read_only(state).into()),
        _ => None,
    }
}

/// Says that a past run cannot be edited, and how to get back to the live view.
pub fn read_only(state: &mut State) -> Vec<Effect> {
    let back = state
        .keymap
        .hint(Context::PastRun, Action::History(History::BackToLive))
        .unwrap_or_else(|| "Esc".into());
    state.notify(
        format!("This is a past run: it cannot be edited. {back} goes back to the live view and its prompt."),
        Level::Info,
    );
    Vec::new()
}

/// An action pressed on the past run shown: its own, or passed back.
fn past_action(state: &mut State, action: Action) -> Routed {
    match action {
        Action::History(action) => Routed::Done(perform(state, action)),
        other => Routed::Pass(other),
    }
}

/// A History action, wherever it was pressed: on a past run shown in the Run tab, what it does
/// to that run; the list's actions mean nothing elsewhere.
pub fn perform(state: &mut State, action: History) -> Vec<Effect> {
    if state.tab != Tab::Run {
        return Vec::new();
    }
    let Some(shown) = state.history.past.as_ref().map(|p| (p.id.clone(), p.prompt.clone())) else {
        return Vec::new();
    };
    match action {
        History::BackToLive => past::back_to_live(state),
        History::Replay => past::start_replay(state),
        History::ReplayFaster => past::faster(state),
        History::ReplayStop => past::stop(state),
        History::Rerun => return past::rerun(state, &shown.1),
        History::Continue => return past::continue_conversation(state, &shown.0),
        History::ExportMarkdown => return list::export(&shown.0, Format::Markdown),
        History::ExportJson => return list::export(&shown.0, Format::Json),
        History::CopyAnswer => return list::copy_answer(&shown.0),
        History::Open
        | History::Delete
        | History::DeleteConversation
        | History::Threads
        | History::ToggleLabRuns
        | History::Search
        | History::FocusList
        | History::Confirm
        | History::Keep
        | History::ClearSearch => {}
    }
    Vec::new()
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
