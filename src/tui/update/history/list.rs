//! The list of past runs: pages asked for by key as the selection nears the end, the search run
//! once typing pauses (answers to superseded queries are dropped), deleting, exporting, copying.

use crossterm::event::KeyEvent;

use crate::store::export::Format;
use crate::tui::action::{Action, Context, History};
use crate::tui::msg::history::Page;
use crate::tui::msg::{Effect, HistoryEffect};
use crate::tui::state::history::{
    ConfirmDelete, DEBOUNCE_MS, HistoryFocus, ListLoad, PAGE, Pending, search_box,
};
use crate::tui::state::{Level, State};
use crate::tui::text::wrap::truncate;

/// Rows of the list on screen now.
pub fn height(state: &State) -> usize {
    crate::tui::screen::history::layout(state.area()).list.height as usize
}

/// Asks for the first page of `query` (empty: the plain list), keeping `keep` selected if it
/// is still there.
fn load_first(state: &mut State, query: String, keep: Option<String>) -> Vec<Effect> {
    let request = state.history.request();
    let search = (!query.is_empty()).then(|| query.clone());
    let count = search.is_none();
    let scope = state.history.scope();
    state.history.pending = Some(Pending { request, append: false, query, keep });
    vec![Effect::History(HistoryEffect::Load { request, scope, search, before: None, limit: PAGE, count })]
}

/// Reads the list again from the top (a run ended, the tab was opened), keeping the selection.
pub fn reload(state: &mut State) -> Vec<Effect> {
    let keep = state.history.selected_run().map(|r| r.row.id.clone());
    let query = state.history.query().trim().to_string();
    state.history.search_due_ms = None;
    load_first(state, query, keep)
}

/// Shows the lab's runs in the list, or hides them again; the list (or the search) is read again
/// from the top, keeping the selected run if it is still listed.
pub fn toggle_lab_runs(state: &mut State) -> Vec<Effect> {
    state.history.show_lab = !state.history.show_lab;
    reload(state)
}

/// The History tab came into view: read the list if it is new or out of date, or try again if
/// the record could not be read (the reader opens it again).
pub fn ensure_loaded(state: &mut State) -> Vec<Effect> {
    let h = &state.history;
    let fresh = matches!(h.list, ListLoad::Loaded { stale: false, .. });
    if h.pending.is_some() || fresh {
        return Vec::new();
    }
    reload(state)
}

/// The next page, if the selection is near the end of what is loaded and more may come.
fn load_next(state: &mut State) -> Vec<Effect> {
    if !state.history.wants_next_page() {
        return Vec::new();
    }
    let Some(before) = state.history.runs.last().map(|r| r.row.cursor()) else { return Vec::new() };
    let request = state.history.request();
    let query = state.history.shown_query.clone();
    let search = (!query.is_empty()).then(|| query.clone());
    state.history.pending = Some(Pending { request, append: true, query, keep: None });
    vec![Effect::History(HistoryEffect::Load {
        request,
        scope: state.history.scope(),
        search,
        before: Some(before),
        limit: PAGE,
        count: false,
    })]
}

/// Moves the selection; asks for the next page when it nears the end.
pub fn select_by(state: &mut State, delta: isize) -> Vec<Effect> {
    let height = height(state);
    state.history.select_by(delta, height);
    load_next(state)
}

/// Jumps to the first or the last loaded run.
pub fn select_end(state: &mut State, last: bool) -> Vec<Effect> {
    let target = if last { state.history.runs.len().saturating_sub(1) } else { 0 };
    let delta = target as isize - state.history.selected as isize;
    select_by(state, delta)
}

/// A page arrived. Answers to anything but the query in flight are dropped.
pub fn on_page(state: &mut State, request: u64, result: Result<Page, String>) -> Vec<Effect> {
    let history = &mut state.history;
    let Some(pending) = history.pending.take_if(|p| p.request == request) else { return Vec::new() };
    let page = match result {
        Ok(page) => page,
        Err(message) if pending.append => {
            state.notify(format!("Could not read more runs: {message}"), Level::Warn);
            return Vec::new();
        }
        Err(message) => {
            history.runs.clear();
            history.selected = 0;
            history.offset = 0;
            let stale = matches!(history.list, ListLoad::Loaded { stale: true, .. });
            history.list = ListLoad::Loaded { more: false, stale };
            history.shown_query = pending.query;
            history.problem = Some(message);
            return Vec::new();
        }
    };
    let more = page.runs.len() >= PAGE;
    if let Some(counts) = page.counts {
        history.counts = Some(counts);
    }
    if pending.append {
        history.runs.extend(page.runs);
        if let ListLoad::Loaded { more: shown, .. } = &mut history.list {
            *shown = more;
        }
    } else {
        let fresh = history.shown_query != pending.query || !history.is_loaded();
        history.runs = page.runs;
        history.list = ListLoad::Loaded { more, stale: false };
        history.problem = None;
        history.shown_query = pending.query;
        let kept = pending.keep.and_then(|id| history.runs.iter().position(|r| r.row.id == id));
        history.selected = match kept {
            Some(at) => at,
            None if fresh => 0,
            None => history.selected.min(history.runs.len().saturating_sub(1)),
        };
        if fresh {
            history.offset = 0;
        }
    }
    // A run that just ended may not be written as ended yet: read again shortly.
    if let Some(recheck) = &mut history.recheck {
        let still_running = history
            .runs
            .iter()
            .any(|r| r.row.id == recheck.id && r.row.status == crate::engine::RunStatus::Running);
        if still_running && recheck.tries > 0 && !pending.append {
            recheck.tries -= 1;
            recheck.due_ms = Some(state.now_ms + 300);
        } else if !pending.append {
            history.recheck = None;
        }
    }
    let height = height(state);
    state.history.keep_in_view(height);
    load_next(state)
}

/// Timers: the search once typing has paused, a re-read of a run that just ended.
pub fn due(state: &mut State) -> Vec<Effect> {
    let now = state.now_ms;
    if state.history.search_due_ms.is_some_and(|due| due <= now) {
        return run_search(state);
    }
    let recheck_due = state.history.recheck.as_ref().and_then(|r| r.due_ms).is_some_and(|due| due <= now);
    if recheck_due && state.history.pending.is_none() {
        if let Some(recheck) = &mut state.history.recheck {
            recheck.due_ms = None;
        }
        return reload(state);
    }
    Vec::new()
}

/// Runs the typed search now.
pub fn run_search(state: &mut State) -> Vec<Effect> {
    state.history.search_due_ms = None;
    let query = state.history.query().trim().to_string();
    load_first(state, query, None)
}

/// Waits for a pause in typing before searching.
fn search_soon(state: &mut State) {
    state.history.search_due_ms = Some(state.now_ms + DEBOUNCE_MS);
}

/// A key for the search box's editor.
pub fn search_input(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let before = state.history.query();
    state.history.search.input(key);
    if state.history.query() != before {
        search_soon(state);
    }
    Vec::new()
}

/// Pasted text goes into the search box, on one line.
pub fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    state.overlays.clear();
    state.history.focus = HistoryFocus::Search;
    let line = crate::text::sanitize::one_line(text);
    state.history.search.insert_str(line);
    search_soon(state);
    Vec::new()
}

/// Empties the search box and shows the plain list again.
pub fn clear_search(state: &mut State) -> Vec<Effect> {
    state.history.search = search_box("");
    state.history.focus = HistoryFocus::List;
    state.history.search_due_ms = None;
    if state.history.shown_query.is_empty() && state.history.problem.is_none() {
        return Vec::new();
    }
    load_first(state, String::new(), None)
}

/// From the search box to the list: a search still waiting for its pause runs now.
pub fn leave_search(state: &mut State) -> Vec<Effect> {
    state.history.focus = HistoryFocus::List;
    if state.history.search_due_ms.is_some() { run_search(state) } else { Vec::new() }
}

/// Asks before deleting the selected run.
pub fn ask_delete(state: &mut State, conversation: bool) -> Vec<Effect> {
    let Some(run) = state.history.selected_run() else { return nothing_selected(state) };
    let title = truncate(&crate::text::sanitize::one_line(run.row.title()), 60);
    state.history.confirm = Some(ConfirmDelete { id: run.row.id.clone(), title, conversation });
    Vec::new()
}

/// The user said yes.
pub fn confirm_delete(state: &mut State) -> Vec<Effect> {
    match state.history.confirm.take() {
        Some(ConfirmDelete { id, conversation, .. }) => {
            vec![Effect::History(HistoryEffect::Delete { id, conversation })]
        }
        None => Vec::new(),
    }
}

/// The user said no.
pub fn cancel_delete(state: &mut State) {
    if let Some(ConfirmDelete { id, .. }) = state.history.confirm.take() {
        state.notify(format!("Kept run {id}."), Level::Info);
    }
}

/// The store deleted `ids` (the run `id` alone, or every turn of its conversation), or refused.
pub fn on_deleted(state: &mut State, id: &str, result: Result<Vec<String>, String>) -> Vec<Effect> {
    let ids = match result {
        Ok(ids) => ids,
        Err(message) => {
            state.notify(format!("Run {id} was not deleted: {message}"), Level::Warn);
            return Vec::new();
        }
    };
    let history = &mut state.history;
    for deleted in &ids {
        if let Some(at) = history.runs.iter().position(|r| r.row.id == *deleted) {
            let lab = history.runs.remove(at).row.is_lab();
            if history.selected > at || history.selected >= history.runs.len() {
                history.selected = history.selected.saturating_sub(1);
            }
            if let Some(counts) = &mut history.counts {
                let count = if lab { &mut counts.lab } else { &mut counts.own };
                *count = count.saturating_sub(1);
            }
        }
    }
    if history.past.as_ref().is_some_and(|p| ids.contains(&p.id)) {
        super::past::back_to_live(state);
    }
    // The conversation the Run tab continues may have gone with them.
    if state.run.conversation.turns.iter().any(|t| ids.contains(&t.run_id)) {
        state.run.conversation = crate::engine::Conversation::default();
    }
    match ids.len() {
        1 => state.notify(format!("Deleted run {id}."), Level::Info),
        n => state.notify(format!("Deleted the conversation of run {id}: {n} turns."), Level::Info),
    }
    let height = height(state);
    state.history.keep_in_view(height);
    load_next(state)
}

/// Writes the run to a file; the shell says where.
pub fn export(id: &str, format: Format) -> Vec<Effect> {
    vec![Effect::History(HistoryEffect::Export { id: id.to_string(), format, conversation: false })]
}

/// Copies a run's final answer (read from the record first).
pub fn copy_answer(id: &str) -> Vec<Effect> {
    vec![Effect::History(HistoryEffect::LoadAnswer { id: id.to_string() })]
}

/// A key that needs a selected run, with none.
pub fn nothing_selected(state: &mut State) -> Vec<Effect> {
    let why = if state.history.unavailable().is_some() {
        "The record cannot be read (see the History tab)."
    } else if state.history.hidden_lab().is_some_and(|n| n > 0) {
        let toggle =
            state.keymap.hint(Context::History, Action::History(History::ToggleLabRuns)).unwrap_or_default();
        state.notify(
            format!("No run is selected: none of your own is listed, and the lab's are hidden ({toggle} shows them)."),
            Level::Info,
        );
        return Vec::new();
    } else if state.history.shown_query.is_empty() {
        "No run is selected: there are no runs yet."
    } else {
        "No run is selected: nothing matches the search."
    };
    state.notify(why, Level::Info);
    Vec::new()
}
