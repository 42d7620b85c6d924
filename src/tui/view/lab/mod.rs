//! The Lab tab: the scoreboard over every comparison in the record (the judge's results and the
//! user's blind votes apart), the comparison running, the queue of pairs waiting for a vote, and
//! the blind vote screen. Pure: drawn from `State::lab` and the layout functions.

mod panels;
mod progress;
mod vote;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::action::{Action, App, Context, Lab, Move, Run};
use crate::tui::format;
use crate::tui::screen::lab::{LabScreen, layout};
use crate::tui::state::State;
use crate::tui::theme::Role;

/// Draws the Lab tab's body on a screen of `area` (the tab bar and status bar are drawn apart).
pub fn draw(frame: &mut Frame, area: Rect, state: &State, rows: &LabScreen) {
    let body = layout::body(area);
    if let Some(screen) = &state.lab.vote {
        vote::draw(frame, body, state, screen, &rows.vote);
        return;
    }
    let regions = layout::board(body, &state.lab);
    if let Some(rect) = regions.ask {
        panels::ask(frame, rect, state);
    }
    if let Some(rect) = regions.progress {
        progress::draw(frame, rect, state);
    }
    panels::board(frame, regions.board, state, rows);
    panels::queue(frame, regions.queue, state);
}

/// The keys worth showing in the status bar for a Lab context, most useful first.
pub fn hints(state: &State, ctx: Context) -> &'static [(Action, &'static str)] {
    let empty = state.lab.vote.as_ref().is_some_and(|v| v.item.is_none());
    let revealed = state.lab.vote.as_ref().is_some_and(|v| v.is_revealed());
    match ctx {
        Context::Vote if empty => &[(Action::App(App::Close), "back"), (Action::App(App::Help), "help")],
        Context::Vote if revealed => &[
            (Action::Lab(Lab::Vote), "next"),
            (Action::App(App::Close), "back"),
            (Action::App(App::Help), "help"),
        ],
        Context::Lab => &[
            (Action::Lab(Lab::Compare), "compare"),
            (Action::Lab(Lab::Vote), "vote"),
            (Action::Move(Move::SelectNext), "queue"),
            (Action::Move(Move::ScrollDown), "scroll"),
            (Action::App(App::NextTab), "tabs"),
            (Action::App(App::Help), "help"),
        ],
        Context::LabAsk => &[(Action::Run(Run::Send), "compare"), (Action::App(App::Close), "cancel")],
        Context::Vote => &[
            (Action::Lab(Lab::VoteA), "A"),
            (Action::Lab(Lab::VoteB), "B"),
            (Action::Lab(Lab::VoteTie), "tie"),
            (Action::Lab(Lab::VoteBothBad), "both bad"),
            (Action::Lab(Lab::VoteReason), "reason"),
            (Action::App(App::Close), "back"),
        ],
        Context::VoteReason => &[(Action::App(App::Close), "done")],
        _ => &[],
    }
}

/// The status bar's run part while a comparison runs.
pub fn status(state: &State) -> Option<(String, Role)> {
    let run = state.lab.comparison.as_ref()?;
    if run.cancelling {
        return Some(("cancelling the comparison…".into(), Role::StatusWarn));
    }
    let elapsed = format::duration(state.now_ms - run.started_ms);
    let arm = run.live.as_ref().map(|l| format!(" · {}", l.kind)).unwrap_or_default();
    let step = if run.total > 0 { format!(" {}/{}", run.done, run.total) } else { String::new() };
    Some((format!("{} comparing{step}{arm} · {elapsed}", format::spinner(state.now_ms)), Role::StatusBar))
}
