//! What the actions of the whole app do: quitting (asking first while a run is in flight),
//! cancelling, help, themes, the server panel and the messages log; tab keys go to `tabs`.

use super::tabs;
use crate::tui::action::{Action, App, Context, Run};
use crate::tui::msg::Effect;
use crate::tui::state::health::{Health, HealthPanel};
use crate::tui::state::prompts::Leave;
use crate::tui::state::scroll::Scroll;
use crate::tui::state::{HelpPage, Level, Lifecycle, Overlay, Quitting, State, Tab};

/// Performs an action of the whole app.
pub fn perform(state: &mut State, action: App) -> Vec<Effect> {
    match action {
        App::Interrupt => interrupt(state),
        App::Quit => quit(state),
        App::Help => {
            if matches!(state.overlays.last(), Some(Overlay::Help { .. })) {
                state.overlays.pop();
            } else {
                state.overlays.push(Overlay::Help { scroll: 0, page: HelpPage::Keys });
            }
            Vec::new()
        }
        App::Close => {
            state.overlays.pop();
            Vec::new()
        }
        App::CycleTheme => {
            state.theme_index = (state.theme_index + 1) % state.themes.len().max(1);
            let name = state.theme().name.clone();
            state.notify(format!("Theme: {name} (kept for next time)"), Level::Info);
            vec![Effect::SaveTheme { name }]
        }
        App::Retry => {
            state.health = Health::Checking;
            vec![Effect::CheckHealth { deep: true }]
        }
        App::UseDemo => {
            if state.is_running() {
                state.notify(
                    "Wait for the run to end (or cancel it) before switching to the demo.",
                    Level::Warn,
                );
                return Vec::new();
            }
            state
                .notify("Switched to the offline demo: answers are scripted, not from a model.", Level::Warn);
            vec![Effect::UseDemo]
        }
        App::AssignModel => assign_model(state),
        App::Welcome => {
            // Opened from the help: the welcome takes its place.
            state.overlays.retain(|o| !matches!(o, Overlay::Help { .. } | Overlay::Welcome(_)));
            state.overlays.push(Overlay::Welcome(Default::default()));
            Vec::new()
        }
        App::ChooseModels => {
            let mut effects = tabs::show(state, Tab::Prompts);
            // Leaving another tab never asks; only the Prompts tab itself can have held the way.
            if state.tab == Tab::Prompts {
                effects.extend(super::prompts::open_models(state));
            }
            effects
        }
        App::Messages => {
            if matches!(state.overlays.last(), Some(Overlay::Messages { .. })) {
                state.overlays.pop();
            } else {
                state.overlays.retain(|o| !matches!(o, Overlay::Messages { .. }));
                state.overlays.push(Overlay::Messages { scroll: Scroll::Follow });
            }
            Vec::new()
        }
        // Opening the check checks again, and this time asks each model for a few tokens: a
        // model can be listed and still not answer.
        App::Health => {
            if !state.overlays.iter().any(|o| matches!(o, Overlay::Health(_))) {
                state.overlays.push(Overlay::Health(HealthPanel::default()));
            }
            // The demo checks no server.
            if state.health == Health::Checking || state.server.demo {
                return Vec::new();
            }
            state.health = Health::Checking;
            vec![Effect::CheckHealth { deep: true }]
        }
        App::NextTab
        | App::PrevTab
        | App::LabTab
        | App::PromptsTab
        | App::RunTab
        | App::Tab1
        | App::Tab2
        | App::Tab3
        | App::Tab4 => tabs::perform(state, action),
    }
}

pub fn cancel(state: &mut State) -> Vec<Effect> {
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
    let again =
        state.keymap.hint(Context::Global, Action::App(App::Interrupt)).unwrap_or_else(|| "Ctrl-C".into());
    state.notify(format!("Cancelling the run… press {again} again to quit."), Level::Warn);
    cancel(state)
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
        let again = state.keymap.hint(ctx, Action::App(App::Quit)).unwrap_or_else(|| "it".into());
        let cancel = state
            .keymap
            .hint(Context::Prompt, Action::Run(Run::CancelOrBack))
            .unwrap_or_else(|| "Esc".into());
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
