//! Engine events and the run's lifecycle.

use crate::engine::{EventKind, RunEvent, RunId, RunStatus, RunSummary};
use crate::tui::msg::Effect;
use crate::tui::state::run_view::RunView;
use crate::tui::state::scroll::Scroll;
use crate::tui::state::{Level, Lifecycle, State};

/// The shell started a run: its events are the ones to show.
pub fn on_launched(state: &mut State, run_id: RunId) -> Vec<Effect> {
    state.lifecycle = Lifecycle::Running { run_id, cancelling: false };
    state.quit_armed = false;
    Vec::new()
}

/// An event of the one stream. Only the launched run (and the one on screen) are shown.
pub fn on_event(state: &mut State, event: &RunEvent) -> Vec<Effect> {
    if let EventKind::RunStarted { .. } = event.kind {
        let launched =
            matches!(&state.lifecycle, Lifecycle::Running { run_id, .. } if *run_id == event.run_id);
        if launched {
            let mut view = RunView::idle(state.hierarchy.clone());
            view.apply(event);
            state.reset_run(view);
        }
        return Vec::new();
    }
    if state.run.run_id.as_ref() != Some(&event.run_id) {
        return Vec::new();
    }
    state.run.apply(event);
    if let EventKind::RunFinished { status, .. } = &event.kind {
        finish(state, *status);
    }
    Vec::new()
}

/// The run's task returned (normally just after `RunFinished`), or panicked.
pub fn on_task_ended(state: &mut State, run_id: &RunId, outcome: Result<RunSummary, String>) -> Vec<Effect> {
    let current = matches!(&state.lifecycle, Lifecycle::Running { run_id: id, .. } if id == run_id);
    let shown = state.run.run_id.as_ref() == Some(run_id);
    if !current && !shown {
        return Vec::new();
    }
    match outcome {
        Ok(summary) => {
            if shown && state.run.is_running() {
                // The summary can overtake the last events; it carries the same facts.
                state.run.status = Some(summary.status);
                state.run.answer = summary.answer.as_deref().map(crate::tui::sanitize::sanitize);
                state.run.totals = Some(summary.totals);
                state.run.finished_ms = Some(state.now_ms);
            }
            if state.run.error.is_none() {
                state.run.error = summary.error.as_deref().map(crate::tui::sanitize::sanitize);
            }
            if current {
                finish(state, summary.status);
            }
        }
        Err(panic) => {
            tracing::error!(%run_id, %panic, "the run's task panicked");
            if shown {
                state.run.status = Some(RunStatus::Failed);
                state.run.error = Some(format!(
                    "internal error in the engine: {panic}. This is a bug in ailab; the log file has details."
                ));
                state.run.finished_ms = Some(state.now_ms);
            }
            state.lifecycle = Lifecycle::Idle;
            state.notify("The run stopped on an internal error (see the answer panel).", Level::Error);
        }
    }
    Vec::new()
}

/// A run whose end the picture has seen is over, whatever message was missed or came late: the
/// lifecycle follows, so keys never act on a run that has ended (Ctrl-C quits, Enter sends).
pub fn settle(state: &mut State) {
    let Lifecycle::Running { run_id, .. } = &state.lifecycle else { return };
    // While a past run is shown, the live picture is kept aside.
    let live = state.history.past.as_ref().map_or(&state.run, |past| &past.live);
    if live.run_id.as_ref() == Some(run_id)
        && !live.is_running()
        && let Some(status) = live.status
    {
        tracing::warn!(%run_id, "the run had ended but the live view still had it running");
        finish(state, status);
    }
}

pub(super) fn finish(state: &mut State, status: RunStatus) {
    if !matches!(state.lifecycle, Lifecycle::Idle) {
        state.lifecycle = Lifecycle::Idle;
        state.answer_scroll = Scroll::At(0);
        let (label, _) = crate::tui::format::run_status(status);
        let level = match status {
            RunStatus::Done => Level::Info,
            RunStatus::Degraded | RunStatus::Cancelled | RunStatus::Interrupted => Level::Warn,
            RunStatus::Running | RunStatus::Failed => Level::Error,
        };
        state.notify(format!("Run {label}."), level);
    }
}
