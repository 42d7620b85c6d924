//! A recorded run in the Run tab: its events fed through the same [`RunView::apply`] that drew it
//! live, so it looks exactly as it ended; a replay that plays them again at their recorded pace
//! on the clock's ticks; the live run set aside meanwhile, and still kept up to date.

use std::sync::Arc;

use super::super::run;
use crate::engine::{Conversation, EventKind, RunEvent};
use crate::lab::levels::LevelJudgement;
use crate::tui::action::{Action, Context, History};
use crate::tui::msg::{Effect, HistoryEffect};
use crate::tui::state::history::{PastRun, Replay, SPEEDS};
use crate::tui::state::run_view::RunView;
use crate::tui::state::scroll::Scroll;
use crate::tui::state::{Focus, Level, Lifecycle, State, Tab};

/// Asks the record for a run's events (to show it, and maybe replay it).
pub fn open(state: &mut State, id: &str, replay: bool) -> Vec<Effect> {
    let request = state.history.request();
    state.history.opening = Some(request);
    vec![Effect::History(HistoryEffect::Open { request, id: id.to_string(), replay })]
}

/// The run's events arrived (only the latest Open counts).
pub fn on_opened(
    state: &mut State,
    request: u64,
    id: &str,
    replay: bool,
    result: Result<Arc<Vec<RunEvent>>, String>,
) -> Vec<Effect> {
    if state.history.opening != Some(request) {
        return Vec::new();
    }
    state.history.opening = None;
    match result {
        Ok(events) if !events.is_empty() => {
            show(state, id, events);
            if replay {
                start_replay(state);
            }
            // What the lab's judge said of its parents (`ailab eval --levels`), for its zoom.
            let mut effects = vec![Effect::History(HistoryEffect::LoadLevels { id: id.to_string() })];
            // A later turn of a conversation reads with the turns before it, above its answer.
            if state.run.view.turn.as_ref().is_some_and(|t| t.turn > 1) {
                let id = id.to_string();
                effects.push(Effect::History(HistoryEffect::LoadConversation { id, continue_it: false }));
            }
            return effects;
        }
        Ok(_) => state.notify(format!("Run {id} has nothing recorded to show."), Level::Warn),
        Err(message) => state.notify(format!("Could not open run {id}: {message}"), Level::Error),
    }
    Vec::new()
}

/// The conversation of the past run shown, for its earlier turns above its answer.
pub fn on_earlier_turns(state: &mut State, id: &str, result: Result<Conversation, String>) {
    let Some(past) = state.history.past.as_mut().filter(|past| past.id == id) else { return };
    match result {
        Ok(conversation) => past.conversation = Some(conversation),
        Err(message) => {
            state.notify(format!("Could not read the earlier turns of run {id}: {message}"), Level::Warn)
        }
    }
}

/// The judge's verdicts on the parents of the past run shown, for its zoom. Not being able to
/// read them costs the zoom a section, not the run: said as a warning.
pub fn on_levels(state: &mut State, id: &str, result: Result<Vec<LevelJudgement>, String>) {
    let Some(past) = state.history.past.as_mut().filter(|past| past.id == id) else { return };
    match result {
        Ok(judgements) => past.levels = crate::lab::levels::of_run(&judgements),
        Err(message) => state.notify(
            format!("Could not read what the judge said of run {id}'s levels: {message}"),
            Level::Warn,
        ),
    }
}

/// The run as it ended, from all its events.
fn as_ended(state: &State, events: &[RunEvent]) -> RunView {
    let mut view = RunView::idle(state.hierarchy.clone());
    for event in events {
        view.apply(event);
    }
    view
}

/// Shows a recorded run in the Run tab, setting the live picture aside.
fn show(state: &mut State, id: &str, events: Arc<Vec<RunEvent>>) {
    let prompt = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::RunStarted { prompt, .. } => Some(prompt.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let view = as_ended(state, &events);
    let (live, live_focus) = match state.history.past.take() {
        Some(past) => (past.live, past.live_focus),
        None => {
            (std::mem::replace(&mut state.run.view, RunView::idle(state.hierarchy.clone())), state.run.focus)
        }
    };
    state.history.past = Some(PastRun {
        id: id.to_string(),
        prompt,
        events,
        live,
        live_focus,
        replay: None,
        conversation: None,
        levels: Vec::new(),
    });
    state.tab = Tab::Run;
    state.reset_run(view);
    state.run.answer_scroll = Scroll::Anchored;
    state.run.focus = if state.run.shows_answer() { Focus::Answer } else { Focus::Node(0) };
}

/// Back to the live run (as it stands now).
pub fn back_to_live(state: &mut State) {
    let Some(past) = state.history.past.take() else { return };
    state.run.focus = past.live_focus;
    let finished = past.live.status.is_some() && !past.live.is_running();
    state.reset_run(past.live);
    if finished {
        state.run.answer_scroll = Scroll::Anchored;
    }
}

/// Plays the past run from its start at its recorded pace (the speed stays as chosen).
pub fn start_replay(state: &mut State) {
    let now = state.now_ms;
    let Some(past) = &state.history.past else { return };
    let Some(first) = past.events.first() else { return };
    let speed = past.replay.as_ref().map_or(SPEEDS[0], |r| r.speed);
    let replay = Replay { next: 1, speed, recorded_anchor: first.at_ms, wall_anchor: now };
    let mut start = first.clone();
    start.at_ms = now;
    let mut view = RunView::idle(state.hierarchy.clone());
    view.apply(&start);
    if let Some(past) = &mut state.history.past {
        past.replay = Some(replay);
    }
    state.reset_run(view);
    state.run.answer_scroll = Scroll::Anchored;
}

/// Steps the replay speed: 1×, 4×, 16×, 1×…
pub fn faster(state: &mut State) {
    let now = state.now_ms;
    let Some(replay) = state.history.past.as_mut().and_then(|p| p.replay.as_mut()) else {
        not_replaying(state);
        return;
    };
    let at = SPEEDS.iter().position(|&s| s == replay.speed).unwrap_or(0);
    let speed = SPEEDS[(at + 1) % SPEEDS.len()];
    // The recorded moment reached so far stays put; from now on it runs at the new speed.
    replay.recorded_anchor = replay.recorded_at(now);
    replay.wall_anchor = now;
    replay.speed = speed;
    state.notify(format!("Replaying at {speed}×."), Level::Info);
}

/// Ends the replay: the run as it ended.
pub fn stop(state: &mut State) {
    let Some(past) = state.history.past.as_mut() else { return };
    if past.replay.take().is_none() {
        not_replaying(state);
        return;
    }
    let events = past.events.clone();
    let view = as_ended(state, &events);
    state.reset_run(view);
    state.run.answer_scroll = Scroll::Anchored;
    state.notify("Replay stopped: the run as it ended.", Level::Info);
}

fn not_replaying(state: &mut State) {
    let key =
        state.keymap.hint(Context::PastRun, Action::History(History::Replay)).unwrap_or_else(|| "p".into());
    state.notify(format!("Not replaying: {key} replays the run from its start."), Level::Info);
}

/// Applies the events whose recorded time the replay clock has reached.
pub fn advance_replay(state: &mut State) {
    let now = state.now_ms;
    let Some(past) = state.history.past.as_mut() else { return };
    let Some(replay) = past.replay.as_mut() else { return };
    let until = replay.recorded_at(now);
    let events = &past.events;
    while let Some(event) = events.get(replay.next).filter(|e| e.at_ms <= until) {
        let mut event = event.clone();
        event.at_ms = replay.wall_at(event.at_ms);
        state.run.view.apply(&event);
        replay.next += 1;
    }
    if replay.next >= events.len() {
        past.replay = None;
        state.notify("Replay finished.", Level::Info);
    }
}

/// An event of the live run while a past one is shown: the picture set aside takes it.
pub fn live_event(state: &mut State, event: &RunEvent) -> Vec<Effect> {
    let launched =
        matches!(&state.run.lifecycle, Lifecycle::Running { run_id, .. } if *run_id == event.run_id);
    let Some(past) = state.history.past.as_mut() else { return run::on_event(state, event) };
    let mut effects = Vec::new();
    match &event.kind {
        EventKind::RunStarted { .. } if launched => {
            let mut view = RunView::idle(state.hierarchy.clone());
            view.apply(event);
            past.live = view;
        }
        EventKind::RunStarted { .. } => {}
        _ if past.live.run_id.as_ref() == Some(&event.run_id) => {
            past.live.apply(event);
            if let EventKind::RunFinished { status, .. } = &event.kind {
                let was_running = state.is_running();
                effects = run::finish(state, *status);
                if was_running {
                    let (label, _) = crate::tui::format::run_status(*status);
                    let back = state
                        .keymap
                        .hint(Context::PastRun, Action::History(History::BackToLive))
                        .unwrap_or_else(|| "Esc".into());
                    state.notify(format!("The live run ended ({label}): {back} shows it."), Level::Info);
                }
            }
        }
        _ => {}
    }
    effects
}

/// Runs `f` with the live run's picture in place (for handlers written for the live view).
pub fn with_live<R>(state: &mut State, f: impl FnOnce(&mut State) -> R) -> R {
    if let Some(past) = state.history.past.as_mut() {
        std::mem::swap(&mut state.run.view, &mut past.live);
    }
    let out = f(state);
    if let Some(past) = state.history.past.as_mut() {
        std::mem::swap(&mut state.run.view, &mut past.live);
    }
    out
}

/// Runs a prompt again with the current prompts: to the Run tab, live, and go.
pub fn rerun(state: &mut State, prompt: &str) -> Vec<Effect> {
    let prompt = prompt.trim().to_string();
    if state.is_running() {
        state.notify("A run is in progress: wait for it to end, or cancel it, first.", Level::Warn);
        return Vec::new();
    }
    if prompt.is_empty() {
        state.notify("That run has no prompt to run again.", Level::Warn);
        return Vec::new();
    }
    back_to_live(state);
    state.tab = Tab::Run;
    state.run.focus = Focus::Prompt;
    state.overlays.clear();
    state.run.prompt.remember(&prompt);
    state.run.lifecycle = Lifecycle::Launching;
    let shown = crate::tui::text::wrap::truncate(&prompt.replace('\n', " "), 50);
    state.notify(format!("Running “{shown}” again with the current prompts."), Level::Info);
    // Run again as it was asked: a new conversation.
    state.run.conversation = Conversation::default();
    vec![Effect::StartRun { prompt, conversation: Conversation::default() }]
}

/// `c` on a past run: read its conversation from the record, to continue it in the Run tab.
pub fn continue_conversation(state: &mut State, id: &str) -> Vec<Effect> {
    if state.is_running() {
        state.notify("A run is in progress: continue a conversation once it ends.", Level::Warn);
        return Vec::new();
    }
    vec![Effect::History(HistoryEffect::LoadConversation { id: id.to_string(), continue_it: true })]
}

/// The conversation to continue, read from the record: the next prompt in the Run tab is its next
/// turn, and the engine gets the recorded context.
pub fn on_conversation(state: &mut State, id: &str, result: Result<Conversation, String>) {
    let conversation = match result {
        Ok(conversation) => conversation,
        Err(message) => {
            state.notify(format!("Could not read the conversation of run {id}: {message}"), Level::Error);
            return;
        }
    };
    if state.is_running() {
        state.notify("A run is in progress: continue a conversation once it ends.", Level::Warn);
        return;
    }
    let first = conversation.turns.first().map(|t| t.question.clone()).unwrap_or_default();
    let shown = crate::tui::text::wrap::truncate(&crate::text::sanitize::one_line(&first), 50);
    let turn = conversation.next_turn();
    let fresh: Vec<String> = conversation
        .newcomers(&state.hierarchy)
        .into_iter()
        .map(|n| crate::text::sanitize::one_line(&n.name))
        .collect();
    back_to_live(state);
    state.run.conversation = conversation;
    state.tab = Tab::Run;
    state.run.focus = Focus::Prompt;
    state.overlays.clear();
    let mut notice = format!("Continuing “{shown}” at turn {turn}: type your follow-up.");
    if !fresh.is_empty() {
        notice.push_str(&format!(
            " {} took no part in the earlier turns (new to the team, or never reached): they read the \
             questions and answers, not earlier work of their own.",
            fresh.join(", ")
        ));
    }
    state.notify(notice, Level::Info);
}
