//! Keys: the context decides the keymap table; unbound keys type into the prompt.

use crossterm::event::{KeyEvent, KeyModifiers};

use super::actions;
use crate::tui::action::Context;
use crate::tui::msg::Effect;
use crate::tui::screen::Screen;
use crate::tui::state::{Focus, State, Tab};

pub fn on_key(state: &mut State, screen: &Screen, key: KeyEvent) -> Vec<Effect> {
    // The History tab's tables, and a past run's, come before the rest.
    if let Some(effects) = super::history::on_key(state, screen, key) {
        return effects;
    }
    if state.tab == Tab::Lab && state.overlays.is_empty() {
        return super::lab::on_key(state, screen, key);
    }
    if state.tab == Tab::Prompts && state.overlays.is_empty() {
        return super::prompts::on_key(state, screen, key);
    }
    let ctx = state.key_context();
    if let Some(action) = state.keymap.lookup(ctx, &key) {
        return actions::perform(state, screen, action);
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
    Vec::new()
}
