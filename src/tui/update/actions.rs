//! What each action does. Context decides where scrolling, copying and focus moves apply.

use super::focus::{self, Direction};
use crate::tui::action::{Action, Context};
use crate::tui::msg::Effect;
use crate::tui::screen::Screen;
use crate::tui::state::health::{Health, HealthPanel};
use crate::tui::state::prompts::Leave;
use crate::tui::state::scroll::Scroll;
use crate::tui::state::zoom::ZoomState;
use crate::tui::state::{Focus, Level, Lifecycle, Overlay, Quitting, State};

/// Performs one action; returns the effects it needs.
pub fn perform(state: &mut State, screen: &Screen, action: Action) -> Vec<Effect> {
    match action {
        Action::Send => return send(state),
        Action::Newline => state.run.prompt.newline(),
        Action::HistoryPrev => state.run.prompt.history_prev(),
        Action::HistoryNext => state.run.prompt.history_next(),
        Action::Interrupt => return interrupt(state),
        Action::CancelOrBack => return cancel_or_back(state),
        Action::Quit => return quit(state),
        Action::FocusNext | Action::FocusPrev => {
            let forward = action == Action::FocusNext;
            if state.key_context() == Context::Zoom {
                zoom_step(state, forward);
            } else {
                focus::step(state, forward);
            }
        }
        Action::FocusUp => focus::toward(state, screen, Direction::Up),
        Action::FocusDown => focus::toward(state, screen, Direction::Down),
        Action::FocusLeft => focus::toward(state, screen, Direction::Left),
        Action::FocusRight => focus::toward(state, screen, Direction::Right),
        Action::FocusPrompt => state.run.focus = Focus::Prompt,
        Action::ScrollUp => scroll(state, screen, Amount::Rows(-1)),
        Action::ScrollDown => scroll(state, screen, Amount::Rows(1)),
        Action::PageUp => scroll(state, screen, Amount::Pages(-1)),
        Action::PageDown => scroll(state, screen, Amount::Pages(1)),
        Action::ScrollTop => scroll(state, screen, Amount::Top),
        Action::ScrollBottom => scroll(state, screen, Amount::Bottom),
        Action::Zoom => {
            let node = match state.run.focus {
                Focus::Node(i) => i,
                _ => 0,
            };
            state.overlays.push(Overlay::Zoom(Box::new(ZoomState::new(node))));
        }
        Action::Copy => return copy(state, screen),
        Action::Help => {
            if matches!(state.overlays.last(), Some(Overlay::Help { .. })) {
                state.overlays.pop();
            } else {
                state.overlays.push(Overlay::Help { scroll: 0 });
            }
        }
        Action::Close => {
            state.overlays.pop();
        }
        Action::CycleTheme => {
            state.theme_index = (state.theme_index + 1) % state.themes.len().max(1);
            let name = state.theme().name.clone();
            state.notify(format!("Theme: {name} (kept for next time)"), Level::Info);
            return vec![Effect::SaveTheme { name }];
        }
        Action::Retry => {
            state.health = Health::Checking;
            return vec![Effect::CheckHealth];
        }
        Action::UseDemo => {
            if state.is_running() {
                state.notify(
                    "Wait for the run to end (or cancel it) before switching to the demo.",
                    Level::Warn,
                );
                return Vec::new();
            }
            state
                .notify("Switched to the offline demo: answers are scripted, not from a model.", Level::Warn);
            return vec![Effect::UseDemo];
        }
        Action::AssignModel => return assign_model(state),
        Action::SelectPrev | Action::SelectNext => {
            let count = match &state.health {
                Health::Checked(report) => report.served_for_missing().len(),
                Health::Checking => 0,
            };
            if let Some(Overlay::Health(panel)) = state.overlays.last_mut()
                && count > 0
            {
                panel.selected = if action == Action::SelectNext {
                    (panel.selected + 1) % count
                } else {
                    (panel.selected + count - 1) % count
                };
            }
        }
        Action::Messages => {
            if matches!(state.overlays.last(), Some(Overlay::Messages { .. })) {
                state.overlays.pop();
            } else {
                state.overlays.retain(|o| !matches!(o, Overlay::Messages { .. }));
                state.overlays.push(Overlay::Messages { scroll: Scroll::Follow });
            }
        }
        Action::Health => {
            if !state.overlays.iter().any(|o| matches!(o, Overlay::Health(_))) {
                state.overlays.push(Overlay::Health(HealthPanel::default()));
            }
        }
        Action::NextTab
        | Action::PrevTab
        | Action::LabTab
        | Action::Tab1
        | Action::Tab2
        | Action::Tab3
        | Action::Tab4 => return super::tabs::perform(state, action),
        Action::Compare
        | Action::Vote
        | Action::VoteA
        | Action::VoteB
        | Action::VoteTie
        | Action::VoteBothBad
        | Action::VoteReason
        | Action::VoteSkip
        | Action::Refresh => return super::lab::perform(state, screen, action),
        Action::Open
        | Action::Replay
        | Action::ReplayFaster
        | Action::ReplayStop
        | Action::BackToLive
        | Action::Rerun
        | Action::ExportMarkdown
        | Action::ExportJson
        | Action::CopyAnswer
        | Action::Delete
        | Action::ToggleLabRuns
        | Action::Search
        | Action::FocusList
        | Action::Confirm
        | Action::Keep
        | Action::ClearSearch => return super::history::on_action(state, screen, action),
        Action::PromptsTab
        | Action::RunTab
        | Action::EditFields
        | Action::ToTree
        | Action::Save
        | Action::Revert
        | Action::ResetNode
        | Action::AddChild
        | Action::RemoveNode
        | Action::Rename
        | Action::ChangeId
        | Action::MoveNode
        | Action::ShiftUp
        | Action::ShiftDown
        | Action::CompareVersions
        | Action::ExternalEditor
        | Action::Undo
        | Action::Redo
        | Action::Choose => return super::prompts::perform(state, screen, action),
    }
    Vec::new()
}

fn send(state: &mut State) -> Vec<Effect> {
    if state.is_running() {
        let cancel = state.keymap.hint(Context::Prompt, Action::CancelOrBack).unwrap_or_else(|| "Esc".into());
        state.notify(format!("A run is in progress: {cancel} cancels it."), Level::Warn);
        return Vec::new();
    }
    let Some(prompt) = state.run.prompt.take() else {
        state.notify("Write a question or task first.", Level::Info);
        return Vec::new();
    };
    state.run.lifecycle = Lifecycle::Launching;
    vec![Effect::StartRun { prompt }]
}

fn cancel(state: &mut State) -> Vec<Effect> {
    if let Lifecycle::Running { cancelling, .. } = &mut state.run.lifecycle {
        *cancelling = true;
    }
    let mut effects = vec![Effect::CancelRun];
    effects.extend(super::lab::cancel_comparison(state));
    effects
}

/// Ctrl-C: cancel the run in flight; a second one (or one with nothing running) quits.
fn interrupt(state: &mut State) -> Vec<Effect> {
    if !state.is_running() || state.quitting == Quitting::Armed {
        return quit(state);
    }
    state.quitting = Quitting::Armed;
    let again = state.keymap.hint(Context::Global, Action::Interrupt).unwrap_or_else(|| "Ctrl-C".into());
    state.notify(format!("Cancelling the run… press {again} again to quit."), Level::Warn);
    cancel(state)
}

/// Esc: cancel the run in flight; otherwise step back to the prompt.
fn cancel_or_back(state: &mut State) -> Vec<Effect> {
    match &state.run.lifecycle {
        Lifecycle::Running { cancelling: false, .. } | Lifecycle::Launching => {
            state.notify("Cancelling the run…", Level::Warn);
            cancel(state)
        }
        Lifecycle::Running { cancelling: true, .. } => Vec::new(),
        Lifecycle::Idle if state.lab.is_comparing() => cancel(state),
        Lifecycle::Idle => {
            state.run.focus = Focus::Prompt;
            Vec::new()
        }
    }
}

pub fn quit(state: &mut State) -> Vec<Effect> {
    if let Some(asked) = super::prompts::ask_before_leaving(state, Leave::Quit) {
        return asked;
    }
    let confirmed = match state.quitting {
        Quitting::Armed => true,
        Quitting::Asked { at_key } => at_key + 1 == state.keys_pressed,
        Quitting::NotAsked => false,
    };
    if state.is_running() && !confirmed {
        // Quitting mid-run throws the run away: one stray key must never do that.
        state.quitting = Quitting::Asked { at_key: state.keys_pressed };
        let ctx = state.key_context();
        let again = state.keymap.hint(ctx, Action::Quit).unwrap_or_else(|| "it".into());
        let cancel = state.keymap.hint(Context::Prompt, Action::CancelOrBack).unwrap_or_else(|| "Esc".into());
        state.notify(
            format!(
                "{QUIT_QUESTION} {again} again to stop it and quit; any other key keeps it \
                 running ({cancel} cancels just the run)."
            ),
            Level::Warn,
        );
        return Vec::new();
    }
    let mut effects = Vec::new();
    if state.is_running() {
        effects.push(Effect::CancelRun);
    }
    effects.push(Effect::Quit);
    effects
}

/// The start of the question a quit key asks while a run is in flight.
const QUIT_QUESTION: &str = "A run is in progress. Press";

/// Drops the quit question once another key has answered it.
pub fn forget_quit_question(state: &mut State) {
    state.quitting = Quitting::NotAsked;
    if state.notice.as_ref().is_some_and(|n| n.text.starts_with(QUIT_QUESTION)) {
        state.notice = None;
    }
}

fn zoom_step(state: &mut State, forward: bool) {
    let count = state.run.view.nodes.len().max(1);
    if let Some(zoom) = state.zoom_mut() {
        let next = if forward { (zoom.node + 1) % count } else { (zoom.node + count - 1) % count };
        zoom.show(next);
    }
    if let Some(zoom) = state.zoom() {
        state.run.focus = Focus::Node(zoom.node);
    }
}

enum Amount {
    Rows(isize),
    Pages(isize),
    Top,
    Bottom,
}

fn scroll(state: &mut State, screen: &Screen, amount: Amount) {
    let apply = |s: &mut crate::tui::state::scroll::Scroll, total: usize, height: usize| match amount {
        Amount::Rows(n) => s.by(n, total, height),
        Amount::Pages(n) => s.by(n * height.saturating_sub(1).max(1) as isize, total, height),
        Amount::Top => s.home(),
        Amount::Bottom => s.end(),
    };
    let messages_extent = match state.overlays.last() {
        Some(Overlay::Messages { .. }) => crate::tui::screen::messages::extent(state),
        _ => (0, 0),
    };
    let help_max = match state.overlays.last() {
        Some(Overlay::Help { .. }) => crate::tui::screen::help::max_scroll(state, state.area()),
        _ => 0,
    };
    match state.overlays.last_mut() {
        Some(Overlay::Help { scroll }) => {
            let step = match amount {
                Amount::Rows(n) => n,
                Amount::Pages(n) => n * 10,
                Amount::Top => -(*scroll as isize),
                Amount::Bottom => help_max as isize,
            };
            *scroll = scroll.saturating_add_signed(step).min(help_max);
            return;
        }
        Some(Overlay::Zoom(zoom)) => {
            let (total, height) = screen.zoom.as_ref().map_or((0, 1), |text| (text.len(), text.height));
            apply(&mut zoom.scroll, total, height);
            return;
        }
        Some(Overlay::Messages { scroll }) => {
            let (total, height) = messages_extent;
            apply(scroll, total, height);
            return;
        }
        Some(Overlay::Health(_)) => return,
        None => {}
    }
    // From the prompt, paging reads the answer (or the root's pane before there is one).
    let target = match state.run.focus {
        Focus::Prompt if state.run.shows_answer() => Focus::Answer,
        Focus::Prompt => Focus::Node(0),
        other => other,
    };
    match target {
        Focus::Node(i) => {
            if let (Some(scroll), Some(pane)) = (state.run.panes.get_mut(i), screen.panes.get(i)) {
                apply(scroll, pane.len(), pane.height);
            }
        }
        Focus::Answer => {
            let (total, height) = (screen.answer.len(), screen.answer_height);
            apply(&mut state.run.answer_scroll, total, height);
        }
        Focus::Prompt => {}
    }
}

/// `y`: the focused thing's text, as the model wrote it (Markdown source).
fn copy(state: &mut State, screen: &Screen) -> Vec<Effect> {
    let text = if let Some(zoom) = state.zoom().and(screen.zoom.as_ref()) {
        zoom.plain_text()
    } else {
        match state.run.focus {
            Focus::Node(i) => match state.run.view.current_call(i) {
                Some(call) if !call.text.is_empty() => call.text.clone(),
                Some(call) => call.reasoning.clone(),
                None => state.run.view.nodes.get(i).and_then(|n| n.task.clone()).unwrap_or_default(),
            },
            Focus::Answer | Focus::Prompt => {
                state.run.view.answer.clone().or_else(|| state.run.view.error.clone()).unwrap_or_default()
            }
        }
    };
    if text.trim().is_empty() {
        state.notify("Nothing to copy here yet.", Level::Info);
        return Vec::new();
    }
    vec![Effect::Copy { text }]
}

fn assign_model(state: &mut State) -> Vec<Effect> {
    let Health::Checked(report) = &state.health else { return Vec::new() };
    let served = report.served_for_missing();
    let selected = match state.overlays.last() {
        Some(Overlay::Health(panel)) => panel.selected,
        _ => 0,
    };
    let Some(model) = served.get(selected).cloned() else {
        state.notify("No served model to assign: load one in LM Studio first.", Level::Warn);
        return Vec::new();
    };
    let endpoint = report.missing.first().map(|m| m.endpoint.clone()).unwrap_or_default();
    let nodes: Vec<String> =
        report.missing.iter().filter(|m| m.endpoint == endpoint).map(|m| m.node_id.clone()).collect();
    if state.is_running() {
        state.notify("Wait for the run to end before changing models.", Level::Warn);
        return Vec::new();
    }
    state.notify(
        format!(
            "Using {model} for {} node(s) in this session (edit hierarchy.toml to keep it).",
            nodes.len()
        ),
        Level::Info,
    );
    vec![Effect::AssignModel { model, nodes }]
}
