//! The History tab in the reducer: the list and its search ([`list`]), a past run shown in the Run
//! tab and its replay ([`past`]), and the keys of both ([`keys`]). Like the rest of the reducer it
//! performs no I/O: queries leave as [`HistoryEffect`]s and come back as [`HistoryMsg`]s.

mod keys;
mod list;
pub use list::ensure_loaded;
mod past;
mod threads;

pub use keys::{on_key, on_mouse, perform, read_only};
pub use list::paste as on_paste;
pub use past::{live_event, with_live};

use crate::text::sanitize::one_line;
use crate::tui::msg::{Effect, HistoryMsg};
use crate::tui::state::history::ListLoad;
use crate::tui::state::{Focus, Level, Lifecycle, State, Tab};

/// An answer from the record. Its messages can quote paths and search text: they are made safe
/// to show (one line, no control characters) on the way in.
pub fn on_msg(state: &mut State, msg: HistoryMsg) -> Vec<Effect> {
    match clean(msg) {
        HistoryMsg::Page { request, result } => list::on_page(state, request, result),
        HistoryMsg::Opened { request, id, replay, result } => {
            past::on_opened(state, request, &id, replay, result)
        }
        HistoryMsg::Exported { id, result } => {
            match result {
                Ok(path) => state.notify(format!("Exported to {} (run {id})", path.display()), Level::Info),
                Err(message) => state.notify(format!("Could not export run {id}: {message}"), Level::Error),
            }
            Vec::new()
        }
        HistoryMsg::Answer { id, result } => match result {
            Ok(Some(text)) if !text.trim().is_empty() => vec![Effect::Copy { text }],
            Ok(_) => {
                state.notify(
                    format!("Run {id} has no final answer to copy (it did not finish)."),
                    Level::Info,
                );
                Vec::new()
            }
            Err(message) => {
                state.notify(format!("Could not read run {id}: {message}"), Level::Error);
                Vec::new()
            }
        },
        HistoryMsg::Deleted { id, result } => {
            let mut effects = list::on_deleted(state, &id, result);
            effects.extend(threads::reload(state));
            effects
        }
        HistoryMsg::Conversation { id, continue_it: true, result } => {
            past::on_conversation(state, &id, result);
            Vec::new()
        }
        HistoryMsg::Conversation { id, continue_it: false, result } => {
            past::on_earlier_turns(state, &id, result);
            Vec::new()
        }
        HistoryMsg::Conversations(result) => {
            threads::on_rows(state, result);
            Vec::new()
        }
        HistoryMsg::Levels { id, result } => {
            past::on_levels(state, &id, result);
            Vec::new()
        }
        HistoryMsg::PromptHistory(prompts) => {
            state.run.prompt.seed_history(prompts);
            Vec::new()
        }
        HistoryMsg::Notices(notices) => {
            state.history.notices.extend(notices);
            Vec::new()
        }
        HistoryMsg::Unavailable(reason) => {
            state.history.list = ListLoad::Unavailable(reason);
            state.history.pending = None;
            Vec::new()
        }
    }
}

fn clean(msg: HistoryMsg) -> HistoryMsg {
    let text = |s: String| one_line(&s);
    match msg {
        HistoryMsg::Page { request, result } => HistoryMsg::Page { request, result: result.map_err(text) },
        HistoryMsg::Opened { request, id, replay, result } => {
            HistoryMsg::Opened { request, id: text(id), replay, result: result.map_err(text) }
        }
        HistoryMsg::Exported { id, result } => HistoryMsg::Exported {
            id: text(id),
            result: result.map(|p| std::path::PathBuf::from(one_line(&p.to_string_lossy()))).map_err(text),
        },
        HistoryMsg::Answer { id, result } => {
            HistoryMsg::Answer { id: text(id), result: result.map_err(text) }
        }
        // Node ids and judge models are made safe where they are shown (the zoom's lines).
        HistoryMsg::Levels { id, result } => {
            HistoryMsg::Levels { id: text(id), result: result.map_err(text) }
        }
        HistoryMsg::Deleted { id, result } => HistoryMsg::Deleted {
            id: text(id),
            result: result.map(|ids| ids.into_iter().map(text).collect()).map_err(text),
        },
        // Its text is made safe where it is shown (the answer panel); what goes to the engine stays exact.
        HistoryMsg::Conversation { id, continue_it, result } => {
            HistoryMsg::Conversation { id: text(id), continue_it, result: result.map_err(text) }
        }
        // Their text is made safe where it is drawn.
        HistoryMsg::Conversations(result) => HistoryMsg::Conversations(result.map_err(text)),
        HistoryMsg::Notices(notices) => HistoryMsg::Notices(notices.into_iter().map(text).collect()),
        HistoryMsg::Unavailable(reason) => HistoryMsg::Unavailable(text(reason)),
        prompts @ HistoryMsg::PromptHistory(_) => prompts,
    }
}

/// After every message: notice runs starting and ending (the list reads the record again), run
/// the search once typing pauses, move a replay along, show waiting notices.
pub fn follow(state: &mut State) -> Vec<Effect> {
    let mut effects = Vec::new();
    let live = match &state.run.lifecycle {
        Lifecycle::Running { run_id, .. } => Some(run_id.clone()),
        Lifecycle::Idle | Lifecycle::Launching => None,
    };
    if live != state.history.live_run {
        let ended = std::mem::replace(&mut state.history.live_run, live);
        state.history.mark_stale();
        if let Some(id) = ended {
            state.history.recheck =
                Some(crate::tui::state::history::Recheck { id: id.to_string(), due_ms: None, tries: 10 });
            if state.tab == Tab::History {
                effects.extend(list::reload(state));
            }
        }
    }
    effects.extend(list::due(state));
    past::advance_replay(state);
    if state.notice.is_none()
        && let Some(text) = state.history.notices.pop_front()
    {
        state.notify(text, Level::Warn);
    }
    // A past run cannot be edited: the prompt box is not for it.
    if state.history.shows_past() && state.run.focus == Focus::Prompt {
        state.run.focus = if state.run.shows_answer() { Focus::Answer } else { Focus::Node(0) };
    }
    let height = list::height(state);
    state.history.keep_in_view(height);
    effects
}
