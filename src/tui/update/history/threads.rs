//! The History tab's conversations view (`v`): one row per conversation, the latest activity
//! first. Enter opens its latest turn with the turns before it above its answer; `c` continues
//! it in the Run tab; `D` deletes it whole (asking first).

use super::{list, past};
use crate::store::ConversationRow;
use crate::store::export::Format;
use crate::tui::action::{Action, App, History, Move};
use crate::tui::msg::{Effect, HistoryEffect};
use crate::tui::state::history::{ConfirmDelete, HistoryFocus, Threads};
use crate::tui::state::{Level, State};
use crate::tui::text::wrap::truncate;
use crate::tui::update::routed::Routed;

/// How many conversations the view reads (the latest; older ones are in the runs view).
pub const SHOWN: usize = 500;

/// `v`: runs to conversations and back.
pub fn toggle(state: &mut State) -> Vec<Effect> {
    if state.history.threads.take().is_some() {
        return Vec::new();
    }
    open(state)
}

/// Shows the conversations view and reads it.
fn open(state: &mut State) -> Vec<Effect> {
    state.history.threads = Some(Threads::default());
    state.history.focus = HistoryFocus::List;
    vec![Effect::History(HistoryEffect::LoadConversations { limit: SHOWN })]
}

/// The record's answer.
pub fn on_rows(state: &mut State, result: Result<Vec<ConversationRow>, String>) {
    let Some(threads) = state.history.threads.as_mut() else { return };
    let count = result.as_ref().map_or(0, Vec::len);
    threads.rows = Some(result);
    threads.selected = threads.selected.min(count.saturating_sub(1));
}

/// After the record changed (a delete): read the view again, if it shows.
pub fn reload(state: &mut State) -> Vec<Effect> {
    match state.history.threads {
        Some(_) => vec![Effect::History(HistoryEffect::LoadConversations { limit: SHOWN })],
        None => Vec::new(),
    }
}

/// An action with the conversations view shown.
pub fn action(state: &mut State, action: Action) -> Routed {
    let height = list::height(state);
    let page = height.saturating_sub(1).max(1) as isize;
    let selected = state.history.threads.as_ref().and_then(|t| t.selected_row().cloned());
    let threads = state.history.threads.get_or_insert_with(Threads::default);
    Routed::Done(match (action, selected) {
        (Action::Move(Move::SelectPrev | Move::ScrollUp), _) => select(threads, -1, height),
        (Action::Move(Move::SelectNext | Move::ScrollDown), _) => select(threads, 1, height),
        (Action::Move(Move::PageUp), _) => select(threads, -page, height),
        (Action::Move(Move::PageDown), _) => select(threads, page, height),
        (Action::Move(Move::ScrollTop), _) => select(threads, isize::MIN / 2, height),
        (Action::Move(Move::ScrollBottom), _) => select(threads, isize::MAX / 2, height),
        (Action::History(History::Threads | History::ClearSearch) | Action::App(App::Close), _) => {
            state.history.threads = None;
            Vec::new()
        }
        (Action::History(History::Search) | Action::Move(Move::FocusPrompt), _) => {
            state.history.threads = None;
            state.history.focus = HistoryFocus::Search;
            Vec::new()
        }
        (
            Action::History(
                History::Open | History::Replay | History::Continue | History::DeleteConversation,
            ),
            None,
        ) => {
            state.notify("No conversation is selected.", Level::Info);
            Vec::new()
        }
        (Action::History(History::Open), Some(row)) => past::open(state, &row.last_run, false),
        (Action::History(History::ExportMarkdown), Some(row)) => export(&row.last_run, Format::Markdown),
        (Action::History(History::ExportJson), Some(row)) => export(&row.last_run, Format::Json),
        (Action::History(History::Replay), Some(row)) => past::open(state, &row.last_run, true),
        (Action::History(History::Continue), Some(row)) => past::continue_conversation(state, &row.last_run),
        (Action::History(History::DeleteConversation | History::Delete), Some(row)) => {
            let title = truncate(&crate::text::sanitize::one_line(&row.first_prompt), 60);
            state.history.confirm = Some(ConfirmDelete { id: row.last_run, title, conversation: true });
            Vec::new()
        }
        (other, _) => return Routed::Pass(other),
    })
}

/// The whole conversation as one document (the shell says where it went).
fn export(id: &str, format: Format) -> Vec<Effect> {
    vec![Effect::History(HistoryEffect::Export { id: id.to_string(), format, conversation: true })]
}

fn select(threads: &mut Threads, delta: isize, height: usize) -> Vec<Effect> {
    threads.select_by(delta, height);
    Vec::new()
}
