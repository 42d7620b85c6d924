//! The status bar's key hints for the History tab and for a past run shown in the Run tab.

use crate::tui::action::{Action, App, Context, History, Run};
use crate::tui::state::{State, Tab};
use crate::tui::view::paint::letter_key;

/// The status bar's key hints for the History tab and for a past run (`None`: the usual ones).
pub fn hints(state: &State) -> Option<Vec<String>> {
    let ctx = state.key_context();
    let replaying = state.history.past.as_ref().is_some_and(|p| p.replay.is_some());
    let actions: Vec<(Context, Action, &str)> = match ctx {
        Context::History if state.history.runs.is_empty() => {
            let mut out = vec![
                (ctx, Action::History(History::Search), "search"),
                (Context::Global, Action::App(App::Tab1), "Run tab"),
            ];
            if state.history.hidden_lab().is_some_and(|n| n > 0) {
                out.push((ctx, Action::History(History::ToggleLabRuns), "lab runs"));
            }
            out.push((ctx, Action::App(App::Help), "help"));
            out
        }
        Context::History if state.history.threads.is_some() => vec![
            (ctx, Action::History(History::Open), "open"),
            (ctx, Action::History(History::Continue), "continue"),
            (ctx, Action::History(History::Threads), "runs"),
            (ctx, Action::History(History::DeleteConversation), "delete"),
            (ctx, Action::App(App::Help), "help"),
        ],
        Context::History => vec![
            (ctx, Action::History(History::Open), "open"),
            (ctx, Action::History(History::Threads), "conversations"),
            (ctx, Action::History(History::Replay), "replay"),
            (ctx, Action::History(History::Search), "search"),
            (ctx, Action::History(History::Continue), "continue"),
            (ctx, Action::History(History::Rerun), "run again"),
            (ctx, Action::History(History::ExportMarkdown), "export"),
            (ctx, Action::History(History::Delete), "delete"),
            (ctx, Action::App(App::Help), "help"),
        ],
        Context::HistorySearch => vec![
            (ctx, Action::History(History::FocusList), "list"),
            (ctx, Action::History(History::ClearSearch), "clear"),
        ],
        Context::Confirm => {
            let yes = letter_key(state, ctx, Action::History(History::Confirm));
            let no = letter_key(state, ctx, Action::History(History::Keep));
            return Some(vec![format!("{yes} delete"), format!("{no} keep")]);
        }
        Context::Panes if state.tab == Tab::Run && state.history.shows_past() => {
            let past = Context::PastRun;
            let mut out = vec![(past, Action::History(History::BackToLive), "live view")];
            if replaying {
                out.push((past, Action::History(History::ReplayFaster), "faster"));
                out.push((past, Action::History(History::ReplayStop), "stop"));
            } else {
                out.push((past, Action::History(History::Replay), "replay"));
            }
            out.extend([
                (Context::Panes, Action::Run(Run::Zoom), "zoom"),
                (Context::Panes, Action::Run(Run::Flow), "flow"),
                (past, Action::History(History::Continue), "continue"),
                (past, Action::History(History::Rerun), "run again"),
                (past, Action::History(History::ExportMarkdown), "export"),
                (Context::Panes, Action::App(App::Help), "help"),
            ]);
            out
        }
        _ => return None,
    };
    Some(
        actions
            .into_iter()
            .filter_map(|(ctx, action, what)| state.keymap.hint(ctx, action).map(|k| format!("{k} {what}")))
            .collect(),
    )
}
