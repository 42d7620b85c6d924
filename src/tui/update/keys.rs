//! The router: a key goes to the tab that has the keyboard (the History tab's tables and a past
//! run's first, then the Lab's and the Prompts tab's), which handles it or passes its action back;
//! the rest, and what was passed back, take their usual meaning by the action's group. Unbound
//! keys type into the prompt box.

use crossterm::event::{KeyEvent, KeyModifiers};

use super::routed::Routed;
use super::{app, flow, history, lab, prompts, run_keys, welcome};
use crate::tui::action::{Action, Context};
use crate::tui::msg::Effect;
use crate::tui::screen::Screen;
use crate::tui::state::{Focus, State, Tab};

/// A key pressed (release events are dropped before this).
pub fn on_key(state: &mut State, screen: &Screen, key: KeyEvent) -> Vec<Effect> {
    let routed = match welcome::on_key(state, key).or_else(|| tab_key(state, screen, key)) {
        Some(routed) => routed,
        None => run_tab_key(state, key),
    };
    match routed {
        Routed::Done(effects) => effects,
        Routed::Pass(action) => perform(state, screen, action),
    }
}

/// The tab whose own tables have the key, if one does.
fn tab_key(state: &mut State, screen: &Screen, key: KeyEvent) -> Option<Routed> {
    if let Some(routed) = flow::on_key(state, screen, key) {
        return Some(routed);
    }
    if let Some(routed) = history::on_key(state, screen, key) {
        return Some(routed);
    }
    if !state.overlays.is_empty() {
        return None;
    }
    match state.tab {
        Tab::Lab => Some(lab::on_key(state, screen, key)),
        Tab::Prompts => Some(prompts::on_key(state, key)),
        Tab::Run | Tab::History => None,
    }
}

/// The Run tab and the overlays: the keymap's action for the context, or typing.
fn run_tab_key(state: &mut State, key: KeyEvent) -> Routed {
    let ctx = state.key_context();
    if let Some(action) = state.keymap.lookup(ctx, &key) {
        return Routed::Pass(action);
    }
    let typed = matches!(key.code, crossterm::event::KeyCode::Char(_))
        && !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match ctx {
        Context::Prompt => state.run.prompt.input(key),
        // Typing on a pane starts a prompt: only the few letters bound above act on the pane.
        Context::Panes if typed => {
            state.run.focus = Focus::Prompt;
            state.run.prompt.input(key);
        }
        _ => {}
    }
    Routed::Done(Vec::new())
}

/// Performs an action by its group: its usual meaning, wherever it was pressed (a user may bind
/// any action anywhere: it does something sensible, or nothing).
pub fn perform(state: &mut State, screen: &Screen, action: Action) -> Vec<Effect> {
    match action {
        Action::App(action) => app::perform(state, action),
        Action::Move(action) => run_keys::moves(state, screen, action),
        Action::Run(action) => run_keys::perform(state, screen, action),
        Action::History(action) => history::perform(state, action),
        Action::Lab(action) => lab::perform(state, action),
        Action::Prompts(action) => prompts::perform(state, action),
    }
}
