//! Moving between tabs. Showing the Lab tab reads its scores afresh; the History tab reads the
//! record when it is new or out of date; leaving the Prompts tab with unsaved edits asks first.

use crate::tui::action::App;
use crate::tui::msg::Effect;
use crate::tui::state::prompts::Leave;
use crate::tui::state::{State, Tab};

/// The tab keys: `next_tab`, `prev_tab`, `tab_1`…`tab_4`, `lab_tab`, `prompts_tab`, `run_tab`.
pub fn perform(state: &mut State, action: App) -> Vec<Effect> {
    let tabs = Tab::AVAILABLE;
    let at = tabs.iter().position(|t| *t == state.tab).unwrap_or(0);
    let number = |n: usize| tabs.get(n).copied();
    let next = match action {
        App::NextTab => tabs[(at + 1) % tabs.len()],
        App::PrevTab => tabs[(at + tabs.len() - 1) % tabs.len()],
        App::Tab1 | App::Tab2 | App::Tab3 | App::Tab4 => {
            let n = [App::Tab1, App::Tab2, App::Tab3, App::Tab4].iter().position(|a| *a == action);
            match n.and_then(number) {
                Some(tab) => tab,
                None => return Vec::new(),
            }
        }
        App::LabTab if state.tab == Tab::Lab => Tab::Run,
        App::LabTab => Tab::Lab,
        App::PromptsTab if state.tab == Tab::Prompts => Tab::Run,
        App::PromptsTab => Tab::Prompts,
        App::RunTab => Tab::Run,
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
    // The zoom and flow views belong to the Run tab.
    state.overlays.retain(|o| !o.shows_run());
    state.tab = tab;
    match tab {
        Tab::Lab => super::lab::load(state),
        Tab::History => super::history::ensure_loaded(state),
        Tab::Prompts => super::prompts::entered(state),
        Tab::Run => Vec::new(),
    }
}
