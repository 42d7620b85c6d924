//! Reading the Lab's scores and queue again (on showing the tab, on refresh, after a vote).

use crate::tui::msg::{Effect, LabEffect};
use crate::tui::state::State;
use crate::tui::state::lab::LoadState;

/// Reads the scores and the queue again.
pub fn load(state: &mut State) -> Vec<Effect> {
    if !matches!(state.lab.load, LoadState::Loaded) || state.lab.data.is_none() {
        state.lab.load = LoadState::Loading;
    }
    vec![Effect::Lab(LabEffect::Load { version: state.lab.version.clone() })]
}
