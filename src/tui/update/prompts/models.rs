//! The model picker: ask the server for its models, pick one, give it to the selected member or
//! to every member, and save hierarchy.toml at once (through the draft, so comments are kept and
//! the next run's engine is rebuilt as after any save).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{fields, save};
use crate::config::edit::Field;
use crate::llm::lmstudio::ServedModel;
use crate::tui::action::{Action, App, Move, Prompts};
use crate::tui::msg::{Effect, PromptsEffect};
use crate::tui::state::prompts::{Dialog, FileState, ModelList, ModelPicker, PickerStep, Target};
use crate::tui::state::{Level, State};
use crate::tui::update::routed::Routed;

/// Rows moved by a page in the list.
const PAGE: isize = 10;

/// Opens the picker and asks the server for its models. A dialog already open stays (it may be
/// a question about unsaved edits): the user answers it first.
pub fn open_models(state: &mut State) -> Vec<Effect> {
    state.prompts.revision += 1;
    if let FileState::Unavailable(reason) = &state.prompts.file {
        let text = format!("Models cannot be chosen here: {reason}");
        state.notify(text, Level::Error);
        return Vec::new();
    }
    match &state.prompts.dialog {
        None => {}
        Some(Dialog::Models(_)) => return list_again(state),
        Some(_) => {
            state.notify("Close the open dialog first (Esc), then choose models.", Level::Info);
            return Vec::new();
        }
    }
    state.prompts.dialog = Some(Dialog::Models(Box::new(ModelPicker::loading())));
    vec![Effect::Prompts(PromptsEffect::ListModels)]
}

/// Asks the server again (after it could not be reached, say); the choice made so far goes.
fn list_again(state: &mut State) -> Vec<Effect> {
    let Some(picker) = picker_mut(state) else { return Vec::new() };
    *picker = ModelPicker::loading();
    vec![Effect::Prompts(PromptsEffect::ListModels)]
}

/// The server's answer: the list, with the cursor on the selected member's model.
pub fn listed(state: &mut State, url: String, result: Result<Vec<ServedModel>, String>) {
    let in_use = member_model(state, &state.prompts.selected.clone());
    let Some(picker) = picker_mut(state) else { return };
    if picker.list != ModelList::Loading {
        return;
    }
    picker.list = match result {
        Ok(models) => {
            picker.selected = models.iter().position(|m| Some(&m.id) == in_use.as_ref()).unwrap_or(0);
            ModelList::Listed { url, models }
        }
        Err(reason) => ModelList::Failed { url, reason },
    };
}

/// An action while the picker is open.
pub fn on_action(state: &mut State, action: Action) -> Routed {
    let Some(picker) = picker_mut(state) else { return Routed::Done(Vec::new()) };
    let assigning = matches!(picker.step, PickerStep::Assign { .. });
    Routed::Done(match action {
        Action::Prompts(Prompts::Choose) => choose(state),
        Action::App(App::Close) if assigning => {
            picker.step = PickerStep::Models;
            Vec::new()
        }
        Action::App(App::Close) => {
            state.prompts.dialog = None;
            Vec::new()
        }
        Action::App(App::ChooseModels) => list_again(state),
        Action::Move(step) => match step {
            Move::SelectPrev | Move::FocusPrev | Move::FocusUp => move_by(state, -1),
            Move::SelectNext | Move::FocusNext | Move::FocusDown => move_by(state, 1),
            Move::PageUp => move_by(state, -PAGE),
            Move::PageDown => move_by(state, PAGE),
            Move::ScrollTop => move_by(state, isize::MIN / 2),
            Move::ScrollBottom => move_by(state, isize::MAX / 2),
            _ => Vec::new(),
        },
        // Quitting and help work over the picker; anything else waits for it to close.
        Action::App(App::Quit | App::Interrupt | App::Help | App::CycleTheme | App::Health) => {
            return Routed::Pass(action);
        }
        _ => Vec::new(),
    })
}

/// A key with no action: the list's letters (j k, r lists again, q closes), and in the second
/// step t (this member), a (all members), and the arrows between the two.
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let letter = match key.code {
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
            Some(c.to_ascii_lowercase())
        }
        _ => None,
    };
    let Some(picker) = picker_mut(state) else { return Vec::new() };
    match (&mut picker.step, letter) {
        (PickerStep::Assign { target, .. }, Some(c @ ('t' | 'a'))) => {
            *target = if c == 't' { Target::Member } else { Target::All };
            choose(state)
        }
        (PickerStep::Assign { target, .. }, None)
            if matches!(key.code, KeyCode::Left | KeyCode::Right | KeyCode::Tab | KeyCode::BackTab) =>
        {
            *target = target.other();
            Vec::new()
        }
        (PickerStep::Models, Some('q')) => {
            state.prompts.dialog = None;
            Vec::new()
        }
        (PickerStep::Models, Some('r')) => list_again(state),
        (PickerStep::Models, Some('k')) => move_by(state, -1),
        (PickerStep::Models, Some('j')) => move_by(state, 1),
        _ => Vec::new(),
    }
}

/// Up and down: through the list, or between the two answers of the second step.
fn move_by(state: &mut State, delta: isize) -> Vec<Effect> {
    let Some(picker) = picker_mut(state) else { return Vec::new() };
    let count = picker.models().len();
    match &mut picker.step {
        PickerStep::Assign { target, .. } => *target = target.other(),
        PickerStep::Models if count > 0 => {
            picker.selected = picker.selected.saturating_add_signed(delta).min(count - 1);
        }
        PickerStep::Models => {}
    }
    Vec::new()
}

/// Enter: the model under the cursor goes to the second step; there, it is given and saved.
fn choose(state: &mut State) -> Vec<Effect> {
    let refusal = refusal(state);
    let Some(picker) = picker_mut(state) else { return Vec::new() };
    match picker.step.clone() {
        PickerStep::Models => {
            let Some(model) = picker.current().cloned() else { return Vec::new() };
            if let Some(why) = refusal {
                picker.refused = Some(why.clone());
                state.notify(why, Level::Warn);
                return Vec::new();
            }
            picker.refused = None;
            picker.step = PickerStep::Assign { model: model.id, state: model.state, target: Target::Member };
            Vec::new()
        }
        PickerStep::Assign { model, target, .. } => {
            if let Some(why) = refusal {
                picker.refused = Some(why.clone());
                picker.step = PickerStep::Models;
                state.notify(why, Level::Warn);
                return Vec::new();
            }
            assign(state, &model, target)
        }
    }
}

/// Why a model cannot be given now: choosing saves the file, and it must not save edits the
/// user has not decided to save (nor race a save under way).
fn refusal(state: &State) -> Option<String> {
    if state.prompts.draft().is_none() {
        return Some("The prompts are not open yet: wait a moment and choose again.".into());
    }
    if state.prompts.saving {
        return Some("A save is under way: choose again once it is done.".into());
    }
    state.prompts.is_dirty().then(|| {
        "You have unsaved edits, and choosing a model saves the file at once: save them (s) or \
         discard them (u) first, then choose the model again."
            .into()
    })
}

/// Gives `model` to the selected member or to every member, then saves.
fn assign(state: &mut State, model: &str, target: Target) -> Vec<Effect> {
    let ids = match target {
        Target::Member => vec![state.prompts.selected.clone()],
        Target::All => state.prompts.tree_rows().into_iter().map(|(id, _)| id).collect(),
    };
    let changing: Vec<String> =
        ids.into_iter().filter(|id| member_model(state, id).is_some_and(|m| m != model)).collect();
    state.prompts.dialog = None;
    if changing.is_empty() {
        let who = match target {
            Target::Member => member_name(state, &state.prompts.selected.clone()),
            Target::All => "Every member".into(),
        };
        state.notify(format!("{who} already uses {model}: nothing to change."), Level::Info);
        return Vec::new();
    }
    for id in &changing {
        fields::set_field(state, id, Field::Model, model);
    }
    save::save(state)
}

/// The model a member of the draft uses.
fn member_model(state: &State, id: &str) -> Option<String> {
    state.prompts.draft()?.hierarchy().node(id).map(|n| n.model.clone())
}

fn member_name(state: &State, id: &str) -> String {
    state
        .prompts
        .draft()
        .and_then(|d| d.hierarchy().node(id))
        .map_or_else(|| id.to_string(), |n| n.name.clone())
}

fn picker_mut(state: &mut State) -> Option<&mut ModelPicker> {
    match &mut state.prompts.dialog {
        Some(Dialog::Models(picker)) => Some(picker),
        _ => None,
    }
}
