//! Keys: the context decides the keymap table; unbound keys type into the prompt.

use crossterm::event::{KeyEvent, KeyEventKind, KeyModifiers};

use super::actions;
use crate::tui::action::Context;
use crate::tui::msg::Effect;
use crate::tui::state::{Focus, Overlay, State, Tab};

/// Which keymap table applies now.
pub fn context(state: &State) -> Context {
    if let Some(ctx) = super::history::context(state) {
        return ctx;
    }
    match state.overlays.last() {
        Some(Overlay::Help { .. }) => Context::Help,
        Some(Overlay::Messages { .. }) => Context::Messages,
        Some(Overlay::Health(_)) => Context::Health,
        Some(Overlay::Zoom(_)) => Context::Zoom,
        None if state.tab == Tab::Lab => super::lab::context(state),
        None if state.tab == Tab::Prompts => super::prompts::context(state),
        None => match state.focus {
            Focus::Prompt => Context::Prompt,
            Focus::Node(_) | Focus::Answer => Context::Panes,
        },
    }
}

pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if state.tab == Tab::Lab && state.overlays.is_empty() {
        return super::lab::on_key(state, key);
    }
    if state.tab == Tab::Prompts && state.overlays.is_empty() {
        return super::prompts::on_key(state, key);
    }
    let ctx = context(state);
    if let Some(action) = state.keymap.lookup(ctx, &key) {
        return actions::perform(state, action);
    }
    let typed = matches!(key.code, crossterm::event::KeyCode::Char(_))
        && !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match ctx {
        Context::Prompt => state.prompt.input(key),
        // Typing on a pane starts a prompt: only the few letters bound above act on the pane.
        Context::Panes if typed => {
            state.focus = Focus::Prompt;
            state.prompt.input(key);
        }
        _ => {}
    }
    Vec::new()
}
