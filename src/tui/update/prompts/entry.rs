//! Coming into the Prompts tab and asking before leaving it: open (or re-read) the file, count the
//! runs of the version the next run will use, and hold a tab switch or a quit while edits are
//! unsaved.

use crate::engine::hierarchy_hash;
use crate::tui::msg::{Effect, PromptsEffect};
use crate::tui::state::prompts::{Choice, Dialog, FileState, Leave, VersionUsage};
use crate::tui::state::{State, Tab};

/// The Prompts tab was just shown: open the file (the first time; afterwards, read it again to
/// notice a change made outside ailab meanwhile), count the version's runs.
pub fn entered(state: &mut State) -> Vec<Effect> {
    let mut effects = Vec::new();
    match state.prompts.file {
        FileState::NotOpened => {
            state.prompts.file = FileState::Loading;
            effects.push(Effect::Prompts(PromptsEffect::Open));
        }
        FileState::Ready(_) if !state.prompts.saving => effects.push(Effect::Prompts(PromptsEffect::Open)),
        _ => {}
    }
    effects.extend(ask_usage(state));
    effects
}

/// With unsaved edits, shows the Prompts tab and asks whether to save, discard or stay; Enter
/// stays (the one answer that neither writes nor loses anything). `None` when there is nothing to
/// ask (the caller goes on).
pub fn ask_before_leaving(state: &mut State, then: Leave) -> Option<Vec<Effect>> {
    state.prompts.revision += 1;
    if !state.prompts.is_dirty() {
        return None;
    }
    state.tab = Tab::Prompts;
    state.overlays.retain(|o| !o.shows_run());
    state.prompts.dialog = Some(Dialog::Unsaved { then, selected: Choice::Stay });
    Some(Vec::new())
}

/// Asks the record how many runs used the version the next run will use.
pub fn ask_usage(state: &mut State) -> Vec<Effect> {
    let hash = hierarchy_hash(&state.hierarchy);
    state.prompts.usage = VersionUsage { hash: hash.clone(), runs: None };
    vec![Effect::Prompts(PromptsEffect::CountVersion { hash })]
}
