//! Saving the draft: written only when it can be, and only over the file the tab read or last
//! saved (see `disk` for when it is not).

use std::sync::Arc;

use super::tree;
use crate::config::edit::content_hash;
use crate::tui::msg::{Effect, PromptsEffect};
use crate::tui::state::{Level, State};

/// Saves the draft, when it can be saved; otherwise says why not. The file is written only if it
/// is still what the tab read or last saved (see [`disk`] for when it is not).
pub fn save(state: &mut State) -> Vec<Effect> {
    let expected = state.prompts.editing().and_then(|editing| {
        editing.file_exists.then(|| content_hash(editing.draft.saved().text().as_bytes()))
    });
    save_expecting(state, expected)
}

/// [`save`] over the file whose content hash is `expected` (`None`: no file).
pub fn save_expecting(state: &mut State, expected: Option<String>) -> Vec<Effect> {
    let problems = state.prompts.problem_lines();
    let Some(editing) = state.prompts.editing() else {
        state.notify("The prompts are not open yet.", Level::Warn);
        return Vec::new();
    };
    if state.prompts.saving {
        state.notify("Already saving…", Level::Info);
        return Vec::new();
    }
    let draft = &editing.draft;
    if !draft.is_dirty() {
        let shown = editing.save_path.display().to_string();
        state.notify(format!("Nothing to save: {shown} already has these prompts."), Level::Info);
        return Vec::new();
    }
    let Some(text) = draft.text_to_save().map(str::to_string) else {
        let first = problems.first().cloned().unwrap_or_default();
        let more = match problems.len() {
            0 | 1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        state.notify(
            format!("Cannot save yet: {first}{more}. Fix it, or press u to discard your edits."),
            Level::Error,
        );
        tree::select_first_problem(state);
        return Vec::new();
    };
    let path = editing.save_path.clone();
    // The draft already holds what `text` parses to: the shell runs it without reading it again.
    let hierarchy = Arc::new(draft.hierarchy().clone());
    state.prompts.saving = true;
    vec![Effect::Prompts(PromptsEffect::Save { path, text, expected, hierarchy })]
}
