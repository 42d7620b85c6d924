//! Moving between tabs. Showing the Lab tab reads its scores afresh; the History tab reads the
//! record when it is new or out of date.

use crate::tui::action::Action;
use crate::tui::msg::Effect;
use crate::tui::state::prompts::Leave;
use crate::tui::state::{Overlay, State, Tab};

/// `next_tab`, `prev_tab`, `tab_1`…`tab_4`, `lab_tab`.
pub fn perform(state: &mut State, action: Action) -> Vec<Effect> {
    let tabs = Tab::AVAILABLE;
    let at = tabs.iter().position(|t| *t == state.tab).unwrap_or(0);
    let next = match action {
        Action::NextTab => tabs[(at + 1) % tabs.len()],
        Action::PrevTab => tabs[(at + tabs.len() - 1) % tabs.len()],
        Action::Tab1 | Action::Tab2 | Action::Tab3 | Action::Tab4 => {
            let n =
                [Action::Tab1, Action::Tab2, Action::Tab3, Action::Tab4].iter().position(|a| *a == action);
            match n.and_then(|n| tabs.get(n)) {
                Some(&tab) => tab,
                None => return Vec::new(),
            }
        }
        Action::LabTab if state.tab == Tab::Lab => Tab::Run,
        Action::LabTab => Tab::Lab,
        _ => return Vec::new(),
    };
    show(state, next)
}

/// Shows `tab`; leaving the Prompts tab with unsaved edits asks first.
pub fn show(state: &mut State, tab: Tab) -> Vec<Effect> {
    if state.tab == tab {
        return Vec::new();
    }
    if state.tab == Tab::Prompts
        && let Some(asked) = super::prompts::ask_before_leaving(state, Leave::Tab(tab))
    {
        return asked;
    }
    enter(state, tab)
}

/// Shows `tab` without asking, and reads what it shows.
pub fn enter(state: &mut State, tab: Tab) -> Vec<Effect> {
    // The zoom view belongs to the Run tab.
    state.overlays.retain(|o| !matches!(o, Overlay::Zoom(_)));
    state.tab = tab;
    match tab {
        Tab::Lab => super::lab::load(state),
        Tab::History => super::history::ensure_loaded(state),
        Tab::Prompts => super::prompts::entered(state),
        Tab::Run => Vec::new(),
    }
}
