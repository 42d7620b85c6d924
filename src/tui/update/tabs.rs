//! Moving between tabs. Showing the Lab tab reads its scores afresh.

use crate::tui::action::Action;
use crate::tui::msg::Effect;
use crate::tui::state::{State, Tab};

/// `next_tab`, `prev_tab`, `lab_tab`.
pub fn perform(state: &mut State, action: Action) -> Vec<Effect> {
    let tabs = Tab::AVAILABLE;
    let at = tabs.iter().position(|t| *t == state.tab).unwrap_or(0);
    let next = match action {
        Action::NextTab => tabs[(at + 1) % tabs.len()],
        Action::PrevTab => tabs[(at + tabs.len() - 1) % tabs.len()],
        Action::LabTab if state.tab == Tab::Lab => Tab::Run,
        Action::LabTab => Tab::Lab,
        _ => return Vec::new(),
    };
    show(state, next)
}

/// Shows `tab`.
pub fn show(state: &mut State, tab: Tab) -> Vec<Effect> {
    if state.tab == tab {
        return Vec::new();
    }
    state.tab = tab;
    match tab {
        Tab::Lab => super::lab::load(state),
        Tab::Run => Vec::new(),
    }
}
