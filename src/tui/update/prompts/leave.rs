//! Going where the user was going once the unsaved edits are saved or discarded.

use crate::tui::msg::Effect;
use crate::tui::state::State;
use crate::tui::state::prompts::Leave;
use crate::tui::update::{app, tabs};

/// Goes where the user was going once the unsaved edits are saved or discarded.
pub fn leave(state: &mut State, then: Leave) -> Vec<Effect> {
    match then {
        Leave::Quit => app::quit(state),
        Leave::Tab(tab) => tabs::enter(state, tab),
    }
}
