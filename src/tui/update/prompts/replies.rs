//! The shell's answers to the Prompts tab: the file opened or saved, the next run's engine
//! rebuilt, `$EDITOR` closed, and the record's answers (version counts, past runs' prompts).

use std::collections::HashSet;
use std::path::Path;

use super::fields;
use super::leave::leave;
use crate::config::Hierarchy;
use crate::config::diff::diff_hierarchies;
use crate::config::edit::PromptsDraft;
use crate::engine::hierarchy_hash;
use crate::store::RunRow;
use crate::tui::msg::{Effect, OpenedFile, PromptsMsg, SaveOutcome};
use crate::tui::state::prompts::{
    Dialog, DiffView, Editing, FileState, PickItem, PickPurpose, PromptsFocus, short_version,
};
use crate::tui::state::{Level, State};
use crate::tui::update::run;

/// Most past versions offered for comparison.
const MAX_VERSIONS: usize = 20;

/// Folds one of the shell's answers into the state.
pub fn on_msg(state: &mut State, msg: PromptsMsg) -> Vec<Effect> {
    match msg {
        // Read again on coming back to the tab: the file may have changed outside ailab.
        PromptsMsg::Opened(result) if matches!(state.prompts.file, FileState::Ready(_)) => {
            super::disk::reread(state, result)
        }
        PromptsMsg::Opened(Ok(file)) => opened(state, file),
        PromptsMsg::Opened(Err(message)) => {
            // The model picker may have opened while the file was read: it cannot save now.
            state.prompts.dialog = None;
            state.prompts.file = FileState::Unavailable(message);
            Vec::new()
        }
        PromptsMsg::Saved { path, text, result } => saved(state, &path, &text, result),
        PromptsMsg::ChangedOnDisk { path, now } => super::disk::changed_on_disk(state, &path, now),
        PromptsMsg::EditorClosed { node, field, result } => {
            match result {
                Ok(text) if state.prompts.draft().is_some_and(|d| d.hierarchy().node(&node).is_some()) => {
                    fields::set_field(state, &node, field, &text);
                    if state.prompts.selected == node {
                        state.prompts.focus = PromptsFocus::Field(field);
                    }
                }
                Ok(_) => {
                    state.notify("That member no longer exists: the edited text was dropped.", Level::Warn)
                }
                Err(message) => state.notify(message, Level::Error),
            }
            Vec::new()
        }
        PromptsMsg::VersionUsage { hash, result } => {
            if state.prompts.usage.hash == hash {
                state.prompts.usage.runs = Some(result);
            }
            Vec::new()
        }
        PromptsMsg::RecentRuns(result) => {
            recent_runs(state, result);
            Vec::new()
        }
        PromptsMsg::PresetApplied { name, path, text, result } => {
            super::presets::applied(state, name, &path, &text, result)
        }
        PromptsMsg::PastPrompts { run_id, title, result } => {
            past_prompts(state, run_id, title, result);
            Vec::new()
        }
        PromptsMsg::Models { url, result } => {
            super::models::listed(state, url, result);
            Vec::new()
        }
    }
}

/// The shell wrote the file (and rebuilt the next run's engine from it), or could not.
fn saved(state: &mut State, path: &Path, text: &str, result: Result<SaveOutcome, String>) -> Vec<Effect> {
    state.prompts.saving = false;
    let then = state.prompts.after_save.take();
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(message) => {
            state.notify(format!("Not saved: {message}"), Level::Error);
            return Vec::new();
        }
    };
    if let FileState::Ready(editing) = &mut state.prompts.file {
        editing.draft.mark_saved(text);
        editing.file_exists = true;
    }
    let shown = path.display();
    let mut effects = match outcome {
        SaveOutcome::InUse(engine) => {
            state.notify(format!("Saved to {shown}. The next run uses these prompts."), Level::Info);
            run::engine_replaced(state, engine)
        }
        SaveOutcome::NotInUse(why) => {
            state.notify(
                format!("Saved to {shown}, but the next run cannot use it yet: {why}. Runs keep the previous prompts."),
                Level::Error,
            );
            Vec::new()
        }
    };
    if let Some(then) = then {
        effects.extend(leave(state, then));
    }
    effects
}

fn opened(state: &mut State, file: Box<OpenedFile>) -> Vec<Effect> {
    let OpenedFile { session, base_url_override } = *file;
    let draft = PromptsDraft::new(session.document);
    let root = draft.hierarchy().root().id.clone();
    if draft.hierarchy().node(&state.prompts.selected).is_none() {
        state.prompts.selected = root;
        state.prompts.form_top = 0;
    }
    state.prompts.editors.clear();
    state.prompts.file = FileState::Ready(Box::new(Editing {
        draft,
        save_path: session.save_path,
        file_exists: session.file_exists,
        base_url_override,
    }));
    Vec::new()
}

/// The hash of the prompts as edited, as a run would record them.
fn edited_hash(state: &State) -> Option<String> {
    let editing = state.prompts.editing()?;
    Some(hierarchy_hash(&editing.runnable(editing.draft.hierarchy())))
}

fn recent_runs(state: &mut State, result: Result<Vec<RunRow>, String>) {
    let current = edited_hash(state).unwrap_or_default();
    let Some(Dialog::Pick(pick)) = &mut state.prompts.dialog else { return };
    if pick.purpose != PickPurpose::CompareRun {
        return;
    }
    pick.loading = false;
    match result {
        Ok(rows) => {
            let mut seen = HashSet::new();
            pick.items = rows
                .into_iter()
                .filter(|r| r.hierarchy_hash != current && seen.insert(r.hierarchy_hash.clone()))
                .take(MAX_VERSIONS)
                .map(|r| PickItem {
                    label: format!("{}  version {}", r.id, short_version(&r.hierarchy_hash)),
                    detail: r.title().to_string(),
                    value: r.id,
                })
                .collect();
            pick.selected = 0;
            if pick.items.is_empty() {
                pick.note = Some(
                    "No recorded run used other prompts than these. Run, change a prompt, save, and come back."
                        .into(),
                );
            }
        }
        Err(message) => pick.note = Some(message),
    }
}

fn past_prompts(state: &mut State, run_id: String, title: String, result: Result<Box<Hierarchy>, String>) {
    let waiting =
        matches!(&state.prompts.dialog, Some(Dialog::Pick(p)) if p.purpose == PickPurpose::CompareRun);
    if !waiting {
        return;
    }
    let past = match result {
        Ok(past) => past,
        Err(message) => {
            if let Some(Dialog::Pick(pick)) = &mut state.prompts.dialog {
                pick.loading = false;
                pick.note = Some(message);
            }
            return;
        }
    };
    let Some(editing) = state.prompts.editing() else { return };
    let current = editing.runnable(editing.draft.hierarchy());
    let view = DiffView {
        run_id,
        title,
        diff: diff_hierarchies(&past, &current),
        with_unsaved: editing.draft.is_dirty(),
        scroll: 0,
    };
    state.prompts.dialog = Some(Dialog::Diff(Box::new(view)));
}
