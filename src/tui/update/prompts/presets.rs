//! The preset chooser: open it, move through it, apply a preset. Applying writes the preset over
//! the user's hierarchy.toml (their `[server]` kept) and runs it, as a save does; it asks first
//! when edits of the user's would be lost (unsaved ones, or a file that is none of the presets),
//! and can keep a copy of the file as `hierarchy.toml.bak`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};

use crate::config::edit::{HierarchyDocument, PromptsDraft, content_hash};
use crate::config::presets::{self, Preset};
use crate::tui::msg::{Effect, PresetWritten, PromptsEffect, SaveOutcome};
use crate::tui::state::prompts::{ApplyChoice, ConfirmApply, Dialog, FileState, PresetChooser, PromptsFocus};
use crate::tui::state::{Level, State};
use crate::tui::update::run;

/// Opens the chooser, the preset the saved file is selected.
pub fn open(state: &mut State) -> Vec<Effect> {
    let Some(draft) = state.prompts.draft() else {
        state.notify("The prompts are not open yet.", Level::Warn);
        return Vec::new();
    };
    let current = presets::matching(draft.saved().hierarchy()).map(|p| p.name);
    state.prompts.dialog = Some(Dialog::Presets(Box::new(PresetChooser::new(current))));
    Vec::new()
}

/// Up and down move through the list (or the question's answers, while it is asked).
pub fn move_by(chooser: &mut PresetChooser, delta: isize) {
    match &mut chooser.confirm {
        Some(confirm) => step_choice(confirm, delta),
        None if !chooser.items.is_empty() => {
            chooser.selected = chooser.selected.saturating_add_signed(delta).min(chooser.items.len() - 1);
        }
        None => {}
    }
}

fn step_choice(confirm: &mut ConfirmApply, delta: isize) {
    let choices = confirm.choices();
    let n = choices.len() as isize;
    let at = choices.iter().position(|c| *c == confirm.selected).unwrap_or(0) as isize;
    confirm.selected = choices[(at + delta.signum()).rem_euclid(n) as usize];
}

/// A key without an action: the question's arrows and first letters, `q` to close the list.
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(Dialog::Presets(chooser)) = &mut state.prompts.dialog else { return Vec::new() };
    match (&mut chooser.confirm, key.code) {
        (Some(confirm), KeyCode::Left | KeyCode::BackTab) => step_choice(confirm, -1),
        (Some(confirm), KeyCode::Right | KeyCode::Tab) => step_choice(confirm, 1),
        (Some(confirm), KeyCode::Char(c)) => {
            let letter = c.to_ascii_lowercase();
            let picked = confirm.choices().into_iter().find(|choice| {
                let first =
                    if *choice == ApplyChoice::KeepCopy { 'k' } else { choice.label().as_bytes()[0] as char };
                first.to_ascii_lowercase() == letter
            });
            if let Some(choice) = picked {
                confirm.selected = choice;
                return choose(state);
            }
        }
        (None, KeyCode::Char('q')) => state.prompts.dialog = None,
        (None, KeyCode::Char('k')) => move_by(chooser, -1),
        (None, KeyCode::Char('j')) => move_by(chooser, 1),
        _ => {}
    }
    Vec::new()
}

/// Esc: the question is cancelled (back to the list), else the list closes.
pub fn close(state: &mut State) {
    match &mut state.prompts.dialog {
        Some(Dialog::Presets(chooser)) if chooser.confirm.is_some() => chooser.confirm = None,
        _ => state.prompts.dialog = None,
    }
}

/// Enter: on the list, apply the preset (asking first when edits would be lost); on the question,
/// do what was chosen.
pub fn choose(state: &mut State) -> Vec<Effect> {
    let dirty = state.prompts.is_dirty();
    let file_exists = state.prompts.editing().is_some_and(|e| e.file_exists);
    let Some(Dialog::Presets(chooser)) = &mut state.prompts.dialog else { return Vec::new() };
    if chooser.applying {
        return Vec::new();
    }
    if let Some(confirm) = chooser.confirm.take() {
        return match confirm.selected {
            ApplyChoice::Cancel => Vec::new(),
            ApplyChoice::KeepCopy => apply(state, confirm.preset, true),
            ApplyChoice::Replace => apply(state, confirm.preset, false),
        };
    }
    let Some(preset) = chooser.chosen() else { return Vec::new() };
    let own_file = chooser.current.is_none();
    if !dirty && chooser.current == Some(preset.name) {
        state.prompts.dialog = None;
        state.notify(
            format!("Your hierarchy is already the {} preset: nothing to write.", preset.name),
            Level::Info,
        );
        return Vec::new();
    }
    if dirty || own_file {
        let selected = if file_exists { ApplyChoice::KeepCopy } else { ApplyChoice::Cancel };
        chooser.confirm =
            Some(ConfirmApply { preset, unsaved: dirty, own_file, can_keep_copy: file_exists, selected });
        return Vec::new();
    }
    apply(state, preset, false)
}

/// The effect that writes `preset` over the file the tab edits (keeping a copy first if asked).
fn apply(state: &mut State, preset: &'static Preset, keep_copy: bool) -> Vec<Effect> {
    let Some(editing) = state.prompts.editing() else { return Vec::new() };
    let path = editing.save_path.clone();
    let saved = editing.draft.saved().text().to_string();
    let current = editing.file_exists.then_some(saved.as_str());
    let written = preset.file_over(current);
    let hierarchy = match HierarchyDocument::parse(&written.text, &path.display().to_string()) {
        Ok(document) => Arc::new(document.hierarchy().clone()),
        Err(e) => {
            state.notify(format!("The {} preset cannot be used: {e}", preset.name), Level::Error);
            return Vec::new();
        }
    };
    let expected = editing.file_exists.then(|| content_hash(saved.as_bytes()));
    let backup = (keep_copy && editing.file_exists).then(|| backup_path(&path));
    if let Some(Dialog::Presets(chooser)) = &mut state.prompts.dialog {
        chooser.applying = true;
    }
    vec![Effect::Prompts(PromptsEffect::ApplyPreset {
        name: preset.name,
        path,
        text: written.text,
        expected,
        backup,
        hierarchy,
    })]
}

/// `hierarchy.toml` → `hierarchy.toml.bak`, beside it.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "hierarchy.toml".into());
    name.push(".bak");
    path.with_file_name(name)
}

/// The shell wrote the preset (and runs it), or could not: the tab now edits the new file, as it
/// does after a save.
pub fn applied(
    state: &mut State,
    name: &'static str,
    path: &Path,
    text: &str,
    result: Result<PresetWritten, String>,
) -> Vec<Effect> {
    if let Some(Dialog::Presets(_)) = state.prompts.dialog {
        state.prompts.dialog = None;
    }
    let written = match result {
        Ok(written) => written,
        Err(message) => {
            state.notify(format!("The {name} preset was not applied: {message}"), Level::Error);
            return Vec::new();
        }
    };
    let shown = path.display().to_string();
    if let FileState::Ready(editing) = &mut state.prompts.file {
        if let Ok(document) = HierarchyDocument::parse(text, &shown) {
            editing.draft = PromptsDraft::new(document);
        }
        editing.file_exists = true;
    }
    state.prompts.editors.clear();
    state.prompts.focus = PromptsFocus::Tree;
    let root = state.prompts.draft().map(|d| d.hierarchy().root().id.clone()).unwrap_or_default();
    if state.prompts.draft().is_some_and(|d| d.hierarchy().node(&state.prompts.selected).is_none()) {
        state.prompts.selected = root;
        state.prompts.form_top = 0;
    }
    let copy =
        written.backup.map(|b| format!(" Your old file is kept as {}.", b.display())).unwrap_or_default();
    let calls = presets::find(name).map_or(0, Preset::calls_per_question);
    match written.outcome {
        SaveOutcome::InUse(engine) => {
            state.notify(
                format!("Applied the {name} preset to {shown}.{copy} The next run uses it: {calls} calls per question."),
                Level::Info,
            );
            run::engine_replaced(state, engine)
        }
        SaveOutcome::NotInUse(why) => {
            state.notify(
                format!(
                    "Wrote the {name} preset to {shown}, but the next run cannot use it yet: {why}.{copy}"
                ),
                Level::Error,
            );
            Vec::new()
        }
    }
}
