//! Keys in the Prompts tab's dialogs. Questions take Enter (or their first letters) and Esc;
//! input dialogs take text; pick lists and the comparison scroll.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::leave::leave;
use super::save::save;
use super::{fields, models, presets, structure};
use crate::text::sanitize::sanitize;
use crate::tui::action::{Action, App, Move, Prompts};
use crate::tui::msg::{Effect, PromptsEffect};
use crate::tui::state::State;
use crate::tui::state::prompts::{Choice, Dialog, FileChoice, InputPurpose, Leave, PickPurpose};
use crate::tui::update::routed::Routed;

/// Rows moved by a page in a list or the comparison.
const PAGE: isize = 10;

/// An action while a dialog is open.
pub fn on_action(state: &mut State, action: Action) -> Routed {
    if matches!(state.prompts.dialog, Some(Dialog::Models(_))) {
        return models::on_action(state, action);
    }
    Routed::Done(match action {
        Action::Prompts(Prompts::Choose) => choose(state),
        Action::App(App::Close) => {
            close(state);
            Vec::new()
        }
        Action::Move(Move::SelectPrev) => move_by(state, -1),
        Action::Move(Move::SelectNext) => move_by(state, 1),
        Action::Move(Move::PageUp) => move_by(state, -PAGE),
        Action::Move(Move::PageDown) => move_by(state, PAGE),
        Action::Move(Move::ScrollTop) => move_by(state, isize::MIN / 2),
        Action::Move(Move::ScrollBottom) => move_by(state, isize::MAX / 2),
        // Quitting and help work over a dialog; anything else waits for it to close.
        Action::App(App::Quit | App::Interrupt | App::Help | App::CycleTheme | App::Health) => {
            return Routed::Pass(action);
        }
        _ => Vec::new(),
    })
}

/// A key with no action: text for an input dialog, or a question's letter.
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if matches!(state.prompts.dialog, Some(Dialog::Models(_))) {
        return models::on_key(state, key);
    }
    let plain_char = match key.code {
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
            Some(c.to_ascii_lowercase())
        }
        _ => None,
    };
    match (&mut state.prompts.dialog, plain_char) {
        (Some(Dialog::Presets(_)), _) => presets::on_key(state, key),
        (Some(Dialog::Input { editor, error, .. }), _) => {
            if editor.input(key) {
                *error = None;
            }
            Vec::new()
        }
        (Some(Dialog::Unsaved { selected, .. }), None) => {
            let at = Choice::ALL.iter().position(|c| c == selected).unwrap_or(0);
            match key.code {
                KeyCode::Left => *selected = Choice::ALL[(at + 2) % 3],
                KeyCode::Right | KeyCode::Tab => *selected = Choice::ALL[(at + 1) % 3],
                _ => {}
            }
            Vec::new()
        }
        (Some(Dialog::FileChanged(changed)), None) => {
            let choices = changed.choices();
            let at = choices.iter().position(|c| *c == changed.selected).unwrap_or(0);
            let n = choices.len();
            match key.code {
                KeyCode::Left => changed.selected = choices[(at + n - 1) % n],
                KeyCode::Right | KeyCode::Tab => changed.selected = choices[(at + 1) % n],
                _ => {}
            }
            Vec::new()
        }
        (Some(Dialog::FileChanged(changed)), Some(c)) => {
            let picked = changed
                .choices()
                .into_iter()
                .find(|choice| choice.label().to_ascii_lowercase().starts_with(c));
            match picked {
                Some(choice) => {
                    changed.selected = choice;
                    choose(state)
                }
                None => Vec::new(),
            }
        }
        (Some(Dialog::Unsaved { selected, .. }), Some(c)) => {
            let picked =
                Choice::ALL.into_iter().find(|choice| choice.label().to_ascii_lowercase().starts_with(c));
            match picked {
                Some(choice) => {
                    *selected = choice;
                    choose(state)
                }
                None => Vec::new(),
            }
        }
        (
            Some(Dialog::ConfirmRemove { .. } | Dialog::ConfirmReset { .. } | Dialog::ConfirmRevert { .. }),
            Some('y'),
        ) => choose(state),
        (
            Some(Dialog::ConfirmRemove { .. } | Dialog::ConfirmReset { .. } | Dialog::ConfirmRevert { .. }),
            Some('n'),
        ) => {
            close(state);
            Vec::new()
        }
        (Some(Dialog::Diff(_) | Dialog::Pick(_)), Some('q')) => {
            close(state);
            Vec::new()
        }
        (Some(Dialog::Diff(_) | Dialog::Pick(_)), Some('k')) => move_by(state, -1),
        (Some(Dialog::Diff(_) | Dialog::Pick(_)), Some('j')) => move_by(state, 1),
        _ => Vec::new(),
    }
}

/// Pasted text goes into an input dialog, on one line.
pub fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    if let Some(Dialog::Input { editor, error, .. }) = &mut state.prompts.dialog {
        editor.insert_str(sanitize(text).split_whitespace().collect::<Vec<_>>().join(" "));
        *error = None;
    }
    Vec::new()
}

/// Esc: the dialog closes without doing anything (for the unsaved-edits question: stay; for the
/// changed-file question: cancel).
fn close(state: &mut State) {
    if let Some(Dialog::Presets(_)) = state.prompts.dialog {
        return presets::close(state);
    }
    if let Some(Dialog::FileChanged(mut changed)) = state.prompts.dialog.take() {
        changed.selected = FileChoice::Cancel;
        state.prompts.dialog = Some(Dialog::FileChanged(changed));
        choose(state);
    }
    state.prompts.dialog = None;
}

fn move_by(state: &mut State, delta: isize) -> Vec<Effect> {
    let max_scroll = diff_max_scroll(state);
    match &mut state.prompts.dialog {
        Some(Dialog::Pick(pick)) if !pick.items.is_empty() => {
            pick.selected = pick.selected.saturating_add_signed(delta).min(pick.items.len() - 1);
        }
        Some(Dialog::Diff(view)) => view.scroll = view.scroll.saturating_add_signed(delta).min(max_scroll),
        Some(Dialog::Presets(chooser)) => presets::move_by(chooser, delta),
        _ => {}
    }
    Vec::new()
}

/// How far the comparison can scroll on this screen.
fn diff_max_scroll(state: &State) -> usize {
    let Some(Dialog::Diff(view)) = &state.prompts.dialog else { return 0 };
    let area = crate::tui::screen::prompts::dialog::diff_area(state.area());
    let rows = crate::tui::screen::prompts::diff::rows(&view.diff, area.width as usize).len();
    rows.saturating_sub(area.height as usize)
}

/// Enter: do what the dialog asks.
fn choose(state: &mut State) -> Vec<Effect> {
    let Some(dialog) = state.prompts.dialog.take() else { return Vec::new() };
    match dialog {
        Dialog::ConfirmRemove { id, .. } => structure::remove(state, &id),
        Dialog::ConfirmReset { id, .. } => structure::reset(state, &id),
        Dialog::ConfirmRevert { .. } => structure::revert(state),
        Dialog::Unsaved { then, selected } => return answer_unsaved(state, then, selected),
        Dialog::FileChanged(changed) => {
            let choice = changed.selected;
            return super::disk::answer(state, *changed, choice);
        }
        Dialog::Input { purpose, editor, .. } => {
            let text = editor.lines().join(" ");
            let result = match &purpose {
                InputPurpose::AddChild { parent } => structure::add_child(state, parent, &text),
                InputPurpose::Rename { id } => structure::rename(state, id, &text),
                InputPurpose::ChangeId { id } => structure::change_id(state, id, &text),
            };
            if let Err(message) = result {
                state.prompts.dialog = Some(Dialog::Input { purpose, editor, error: Some(message) });
            }
        }
        Dialog::Pick(mut pick) => {
            let Some(item) = pick.items.get(pick.selected).cloned() else {
                // Nothing to pick (or still loading): Enter closes, like Esc.
                return Vec::new();
            };
            match &pick.purpose {
                PickPurpose::MoveUnder { id } => structure::move_under(state, id, &item.value),
                PickPurpose::Model { id } => {
                    fields::set_field(state, id, crate::config::edit::Field::Model, &item.value)
                }
                PickPurpose::CompareRun => {
                    pick.loading = true;
                    pick.note = Some(format!("Reading the prompts of run {}…", item.value));
                    state.prompts.dialog = Some(Dialog::Pick(pick));
                    return vec![Effect::Prompts(PromptsEffect::LoadPastPrompts {
                        run_id: item.value,
                        title: item.detail,
                    })];
                }
            }
        }
        // The picker takes its keys itself (`models`).
        Dialog::Diff(_) | Dialog::Models(_) => {}
        Dialog::Presets(chooser) => {
            state.prompts.dialog = Some(Dialog::Presets(chooser));
            return presets::choose(state);
        }
    }
    Vec::new()
}

/// The unsaved-edits question answered.
fn answer_unsaved(state: &mut State, then: Leave, choice: Choice) -> Vec<Effect> {
    match choice {
        Choice::Stay => Vec::new(),
        Choice::Discard => {
            structure::revert(state);
            leave(state, then)
        }
        Choice::Save => {
            // When it cannot be saved, `save` says why and shows the field; the user stays.
            let effects = save(state);
            if state.prompts.saving {
                state.prompts.after_save = Some(then);
            }
            effects
        }
    }
}
