//! Moving through the tree of members.

use crate::tui::state::State;
use crate::tui::state::prompts::PromptsFocus;

/// Selects the member `delta` rows away in the listed tree (stopping at either end).
pub fn select_step(state: &mut State, delta: isize) {
    let rows = state.prompts.tree_rows();
    let at = rows.iter().position(|(id, _)| *id == state.prompts.selected).unwrap_or(0);
    let next = at.saturating_add_signed(delta).min(rows.len().saturating_sub(1));
    select_index(state, next);
}

/// Selects the member on row `index` of the listed tree.
pub fn select_index(state: &mut State, index: usize) {
    let rows = state.prompts.tree_rows();
    if let Some((id, _)) = rows.get(index) {
        select(state, id);
    }
}

/// Selects a member by id; its form starts at the top.
pub fn select(state: &mut State, id: &str) {
    if state.prompts.selected != id {
        state.prompts.selected = id.to_string();
        state.prompts.form_top = 0;
    }
}

/// Shows the first field that blocks saving.
pub fn select_first_problem(state: &mut State) {
    let first = state
        .prompts
        .draft()
        .and_then(|d| d.problems().first().map(|(id, field, _)| (id.to_string(), *field)));
    if let Some((id, field)) = first {
        select(state, &id);
        state.prompts.focus = PromptsFocus::Field(field);
    }
}
