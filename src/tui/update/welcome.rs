//! Keys on the welcome: the arrows move between its three choices, Enter or a choice's letter
//! closes it and does what the choice says (the demo, the server check, the model picker) by
//! handing the choice's action back to the router; Esc closes it. Other keys wait for it.

use crossterm::event::KeyEvent;

use super::routed::Routed;
use crate::tui::action::{Action, App, Context, Move, Prompts};
use crate::tui::state::welcome::WelcomeChoice;
use crate::tui::state::{Overlay, State};

/// A key while the welcome is on top; `None` when it is not.
pub fn on_key(state: &mut State, key: KeyEvent) -> Option<Routed> {
    let Some(Overlay::Welcome(welcome)) = state.overlays.last_mut() else { return None };
    let selected = welcome.selected;
    let Some(action) = state.keymap.lookup(Context::Welcome, &key) else {
        // Typing does not fall through to the prompt box under it.
        return Some(Routed::Done(Vec::new()));
    };
    let step = match action {
        Action::Move(Move::SelectPrev | Move::FocusPrev | Move::FocusUp | Move::FocusLeft) => Some(-1),
        Action::Move(Move::SelectNext | Move::FocusNext | Move::FocusDown | Move::FocusRight) => Some(1),
        _ => None,
    };
    if let Some(step) = step {
        welcome.selected = selected.step(step);
        return Some(Routed::Done(Vec::new()));
    }
    Some(match action {
        Action::Prompts(Prompts::Choose) => go(state, selected),
        Action::App(App::UseDemo) => go(state, WelcomeChoice::Demo),
        Action::App(App::Health) => go(state, WelcomeChoice::Server),
        Action::App(App::ChooseModels) => go(state, WelcomeChoice::Models),
        Action::App(App::Close) => {
            state.overlays.pop();
            Routed::Done(Vec::new())
        }
        // Quitting, the help, themes and tabs work over it.
        Action::App(_) => Routed::Pass(action),
        _ => Routed::Done(Vec::new()),
    })
}

/// Closes the welcome and does what `choice` says.
fn go(state: &mut State, choice: WelcomeChoice) -> Routed {
    state.overlays.pop();
    Routed::Pass(Action::App(match choice {
        WelcomeChoice::Demo => App::UseDemo,
        WelcomeChoice::Server => App::Health,
        WelcomeChoice::Models => App::ChooseModels,
    }))
}
