//! The file changed outside ailab since the tab read it (another editor, a `git checkout`).
//! Coming back to the tab reads it again: without unsaved edits the tab shows the new file; with
//! them, the edits are kept on top of it when both sides changed different fields. A save that
//! finds such a change never writes over it silently: the edits are applied again on top of the
//! file as it is now and saved, or, when both changed the same thing, the user chooses to reload
//! the file (losing the edits), overwrite it (losing the outside change), or cancel.

use std::path::Path;
use std::sync::Arc;

use super::leave::leave;
use super::save::{save, save_expecting};
use super::structure::plain;
use crate::config::edit::{HierarchyDocument, PromptsDraft, content_hash};
use crate::tui::msg::{Effect, OpenedFile, PromptsEffect};
use crate::tui::state::prompts::{Dialog, FileChanged, FileChoice, FileState};
use crate::tui::state::{Level, State};

/// The shell did not save: the file at `path` is now `now` (`None`: it is gone).
pub fn changed_on_disk(state: &mut State, path: &Path, now: Option<String>) -> Vec<Effect> {
    state.prompts.saving = false;
    let FileState::Ready(editing) = &mut state.prompts.file else { return Vec::new() };
    let shown = path.display().to_string();
    let now_hash = now.as_deref().map(|text| content_hash(text.as_bytes()));
    let (theirs, reasons) = match now {
        None => (None, vec![format!("{shown} was deleted or moved")]),
        Some(text) => match HierarchyDocument::parse(&text, editing.draft.saved().source()) {
            Err(e) => (None, vec![format!("as it is now, it does not load: {}", plain(&e))]),
            Ok(theirs) => match editing.draft.rebase(theirs.clone()) {
                Ok(_) => {
                    editing.file_exists = true;
                    return rebased(state, &shown);
                }
                Err(conflicts) => (Some(theirs), conflicts),
            },
        },
    };
    let changed = FileChanged { theirs, now_hash, reasons, selected: FileChoice::Cancel };
    state.prompts.dialog = Some(Dialog::FileChanged(Box::new(changed)));
    Vec::new()
}

/// The edits now sit on top of the changed file: save them (then go where the user was going).
fn rebased(state: &mut State, shown: &str) -> Vec<Effect> {
    refresh_editors(state);
    if state.prompts.is_dirty() {
        state.notify(
            format!("{shown} was changed outside ailab; your edits were applied on top of that change."),
            Level::Info,
        );
        return save(state);
    }
    // The file already says everything the edits said.
    state.notify(format!("{shown} was changed outside ailab and already has your edits."), Level::Info);
    let mut effects = adopt_saved(state);
    if let Some(then) = state.prompts.after_save.take() {
        effects.extend(leave(state, then));
    }
    effects
}

/// The file read again on coming back to the tab (the tab already had it open).
pub fn reread(state: &mut State, result: Result<Box<OpenedFile>, String>) -> Vec<Effect> {
    let FileState::Ready(editing) = &mut state.prompts.file else { return Vec::new() };
    if state.prompts.saving {
        // The save under way checks the file itself.
        return Vec::new();
    }
    let shown = editing.save_path.display().to_string();
    let theirs = match result {
        Ok(file) if file.session.save_path == editing.save_path => file.session,
        Ok(_) => return Vec::new(),
        Err(message) => {
            state.notify(
                format!("{shown} was changed outside ailab and cannot be used as it is now: {message}"),
                Level::Warn,
            );
            return Vec::new();
        }
    };
    if theirs.document.text() == editing.draft.saved().text() && theirs.file_exists == editing.file_exists {
        return Vec::new();
    }
    let dirty = editing.draft.is_dirty();
    if !dirty {
        editing.draft = PromptsDraft::new(theirs.document);
        editing.file_exists = theirs.file_exists;
        state.prompts.editors.clear();
        state.notify(format!("{shown} was changed outside ailab: showing it as it is now."), Level::Info);
        return adopt_saved(state);
    }
    match editing.draft.rebase(theirs.document) {
        Ok(_) => {
            editing.file_exists = theirs.file_exists;
            refresh_editors(state);
            state.notify(
                format!(
                    "{shown} was changed outside ailab; your unsaved edits are kept on top of that change."
                ),
                Level::Info,
            );
            adopt_saved(state)
        }
        Err(_) => {
            state.notify(
                format!(
                    "{shown} was changed outside ailab, in places you edited too; saving will ask what to keep."
                ),
                Level::Warn,
            );
            Vec::new()
        }
    }
}

/// The changed-file question answered.
pub fn answer(state: &mut State, changed: FileChanged, choice: FileChoice) -> Vec<Effect> {
    let Some(editing) = state.prompts.editing() else { return Vec::new() };
    let shown = editing.save_path.display().to_string();
    match (choice, changed.theirs) {
        (FileChoice::Reload, Some(theirs)) => {
            if let FileState::Ready(editing) = &mut state.prompts.file {
                editing.draft = PromptsDraft::new(theirs);
                editing.file_exists = true;
            }
            state.prompts.editors.clear();
            state.prompts.after_save = None;
            state.notify(
                format!("Reloaded {shown} as it is now; your unsaved edits were discarded."),
                Level::Info,
            );
            adopt_saved(state)
        }
        (FileChoice::Overwrite, _) => save_expecting(state, changed.now_hash),
        _ => {
            state.prompts.after_save = None;
            state.notify(
                format!(
                    "Not saved: {shown} was changed outside ailab. Your edits are kept; save again to choose."
                ),
                Level::Warn,
            );
            Vec::new()
        }
    }
}

/// The next run uses the file as it is now (the draft's saved document, just read again).
fn adopt_saved(state: &State) -> Vec<Effect> {
    let Some(draft) = state.prompts.draft() else { return Vec::new() };
    let hierarchy = Arc::new(draft.saved().hierarchy().clone());
    vec![Effect::Prompts(PromptsEffect::Adopt { hierarchy })]
}

/// Editors of fields the user did not change show the file's new values (their history starts again).
fn refresh_editors(state: &mut State) {
    let Some(draft) = state.prompts.draft() else { return };
    let stale: Vec<(String, crate::config::edit::Field, String)> = state
        .prompts
        .editors
        .keys()
        .filter(|(id, field)| !draft.is_field_dirty(id, *field))
        .filter_map(|(id, field)| {
            let text = draft.field_text(id, *field)?;
            let shown = state.prompts.editors.text(id, *field)?;
            (shown != text).then(|| (id.clone(), *field, text))
        })
        .collect();
    for (id, field, text) in stale {
        state.prompts.editors.replace(&id, field, &text);
    }
}
