//! Engine events and the run's lifecycle.

use crate::engine::{EventKind, RunEvent, RunId, RunStatus, RunSummary};
use crate::tui::msg::{Effect, EngineInfo};
use crate::tui::state::health::Health;
use crate::tui::state::run_view::RunView;
use crate::tui::state::scroll::Scroll;
use crate::tui::state::{Level, Lifecycle, Quitting, ServerInfo, State, Tab};

/// The shell started a run: its events are the ones to show.
pub fn on_launched(state: &mut State, run_id: RunId) -> Vec<Effect> {
    state.run.lifecycle = Lifecycle::Running { run_id, cancelling: false };
    state.quitting = Quitting::NotAsked;
    Vec::new()
}

/// An event of the one stream. Only the launched run (and the one on screen) are shown.
pub fn on_event(state: &mut State, event: &RunEvent) -> Vec<Effect> {
    if let EventKind::RunStarted { .. } = event.kind {
        let launched =
            matches!(&state.run.lifecycle, Lifecycle::Running { run_id, .. } if *run_id == event.run_id);
        if launched {
            let mut view = RunView::idle(state.hierarchy.clone());
            view.apply(event);
            state.reset_run(view);
        }
        return Vec::new();
    }
    if state.run.view.run_id.as_ref() != Some(&event.run_id) {
        return Vec::new();
    }
    state.run.view.apply(event);
    match &event.kind {
        EventKind::RunFinished { status, .. } => finish(state, *status),
        _ => Vec::new(),
    }
}

/// The run's task returned (normally just after `RunFinished`), or panicked.
pub fn on_task_ended(state: &mut State, run_id: &RunId, outcome: Result<RunSummary, String>) -> Vec<Effect> {
    let current = matches!(&state.run.lifecycle, Lifecycle::Running { run_id: id, .. } if id == run_id);
    let shown = state.run.view.run_id.as_ref() == Some(run_id);
    if !current && !shown {
        return Vec::new();
    }
    match outcome {
        Ok(summary) => {
            if shown && state.run.view.is_running() {
                // The summary can overtake the last events; it carries the same facts.
                state.run.view.status = Some(summary.status);
                state.run.view.answer = summary.answer.as_deref().map(crate::text::sanitize::sanitize);
                state.run.view.totals = Some(summary.totals);
                state.run.view.finished_ms = Some(state.now_ms);
            }
            if state.run.view.error.is_none() {
                state.run.view.error = summary.error.as_deref().map(crate::text::sanitize::sanitize);
            }
            // The turn joins the conversation the next prompt continues, unless another run was
            // launched meanwhile (its conversation is the one that goes on).
            let launched_another = !current && !matches!(state.run.lifecycle, Lifecycle::Idle);
            if shown
                && !launched_another
                && let Some(turn) = summary.turn
                && !state.run.conversation.turns.iter().any(|t| t.run_id == turn.run_id)
            {
                state.run.conversation.push(turn);
            }
            if current {
                return finish(state, summary.status);
            }
        }
        Err(panic) => {
            tracing::error!(%run_id, %panic, "the run's task panicked");
            if shown {
                state.run.view.status = Some(RunStatus::Failed);
                state.run.view.error = Some(format!(
                    "internal error in the engine: {panic}. This is a bug in ailab; the log file has details."
                ));
                state.run.view.finished_ms = Some(state.now_ms);
            }
            state.run.lifecycle = Lifecycle::Idle;
            state.notify("The run stopped on an internal error (see the answer panel).", Level::Error);
        }
    }
    Vec::new()
}

/// The live run ended: the lifecycle goes idle, the ending is announced once, and a run that failed
/// or lost members has the server checked again, test messages included, so the status bar does
/// not go on saying "models OK" after a run failed on a model that is listed but does not answer.
pub(super) fn finish(state: &mut State, status: RunStatus) -> Vec<Effect> {
    let mut effects = Vec::new();
    if !matches!(state.run.lifecycle, Lifecycle::Idle) {
        state.run.lifecycle = Lifecycle::Idle;
        // At the start of this turn's answer, below the conversation's earlier turns.
        state.run.answer_scroll = Scroll::Anchored;
        let (label, _) = crate::tui::format::run_status(status);
        let level = match status {
            RunStatus::Done => Level::Info,
            RunStatus::Degraded | RunStatus::Cancelled | RunStatus::Interrupted => Level::Warn,
            RunStatus::Running | RunStatus::Failed => Level::Error,
        };
        state.notify(format!("Run {label}."), level);
        if matches!(status, RunStatus::Failed | RunStatus::Degraded) && !state.server.demo {
            state.health = Health::Checking;
            effects.push(Effect::CheckHealth { deep: true });
        }
    }
    effects
}

/// A new engine for the next run (demo mode, models reassigned, prompts saved or reloaded): the
/// UI's hierarchy and server follow it; an idle tree shows the new members while a run on screen
/// (finished, or a past one opened from History) stays until the next; the server is checked
/// again, and the Prompts tab counts the runs of the version now in use.
pub fn engine_replaced(state: &mut State, engine: EngineInfo) -> Vec<Effect> {
    state.hierarchy = engine.hierarchy.clone();
    state.server = ServerInfo { url: engine.server, demo: engine.demo };
    if !state.is_running() {
        let idle = || RunView::idle(engine.hierarchy.clone());
        match state.history.past.as_mut() {
            Some(past) if past.live.status.is_none() => past.live = idle(),
            Some(_) => {}
            None if state.run.view.status.is_none() => state.reset_run(idle()),
            None => {}
        }
    }
    state.health = Health::Checking;
    let mut effects = vec![Effect::CheckHealth { deep: false }];
    if state.tab == Tab::Prompts {
        effects.extend(super::prompts::ask_usage(state));
    }
    effects
}
