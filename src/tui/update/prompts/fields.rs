//! Editing the selected member's fields: typing, undo and redo, on/off switches, the served
//! models, and `$EDITOR`. Every change to an editor goes straight into the draft, which keeps it
//! (or holds it as pending, with its problems, when the engine would refuse it).

use crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::CursorMove;

use crate::config::edit::Field;
use crate::text::sanitize::sanitize;
use crate::tui::action::{Action, Prompts};
use crate::tui::msg::{Effect, PromptsEffect};
use crate::tui::state::health::Health;
use crate::tui::state::prompts::{Dialog, FieldKind, Pick, PickItem, PickPurpose, PromptsFocus, kind_of};
use crate::tui::state::{Level, State};

/// Gives the keyboard to the form: the field edited last, else the first one.
pub fn enter_form(state: &mut State) {
    let fields = state.prompts.fields();
    let Some(first) = fields.first().copied() else {
        state.notify("The prompts are not open yet.", Level::Warn);
        return;
    };
    let field = state.prompts.last_field.filter(|f| fields.contains(f)).unwrap_or(first);
    state.prompts.focus = PromptsFocus::Field(field);
}

/// Moves the keyboard `delta` fields on, round the form.
pub fn focus_step(state: &mut State, delta: isize) {
    let fields = state.prompts.fields();
    let Some(field) = state.prompts.focused_field() else { return };
    let at = fields.iter().position(|f| *f == field).unwrap_or(0) as isize;
    let count = fields.len() as isize;
    let next = (at + delta).rem_euclid(count.max(1)) as usize;
    if let Some(next) = fields.get(next) {
        state.prompts.focus = PromptsFocus::Field(*next);
        state.prompts.last_field = Some(*next);
    }
}

/// A key with no action: text for the focused field.
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(field) = state.prompts.focused_field() else { return Vec::new() };
    match (kind_of(field), key.code) {
        (FieldKind::Toggle, KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right) => toggle(state, field),
        (FieldKind::Toggle, _) => {}
        (FieldKind::Line, KeyCode::Up) => focus_step(state, -1),
        (FieldKind::Line, KeyCode::Down) => focus_step(state, 1),
        (FieldKind::Text, KeyCode::Up | KeyCode::Down) if key.modifiers.is_empty() => {
            move_by_row(state, field, if key.code == KeyCode::Up { -1 } else { 1 });
        }
        _ => {
            let id = state.prompts.selected.clone();
            let changed = state.prompts.editors.get_mut(&id, field).is_some_and(|editor| editor.input(key));
            if changed {
                apply(state, &id, field);
            }
        }
    }
    Vec::new()
}

/// Moves the cursor of a prompt one row up or down as the form shows it wrapped (past the first
/// row: to the start; past the last: to the end).
fn move_by_row(state: &mut State, field: Field, delta: isize) {
    use crate::tui::{screen::prompts::layout, text::field_rows as textbox};
    let width = layout::compute(state, state.area())
        .blocks
        .iter()
        .find(|b| b.field == field)
        .map(|b| b.editor.width as usize);
    let id = state.prompts.selected.clone();
    let (Some(editor), Some(width)) = (state.prompts.editors.get_mut(&id, field), width) else { return };
    let rows = textbox::wrap(editor.lines(), width);
    let cursor = editor.cursor();
    let (row, x) = textbox::cursor_cell(&rows, editor.lines(), (cursor.0, cursor.1));
    let to = match row.checked_add_signed(delta).filter(|r| *r < rows.len()) {
        Some(target) => textbox::position_at(&rows, editor.lines(), target, x),
        None if delta < 0 => (0, 0),
        None => {
            let last = editor.lines().len().saturating_sub(1);
            (last, editor.lines().get(last).map_or(0, |l| l.chars().count()))
        }
    };
    if let (Ok(line), Ok(col)) = (u16::try_from(to.0), u16::try_from(to.1)) {
        editor.move_cursor(CursorMove::Jump(line, col));
    }
}

/// Enter, undo, redo and `$EDITOR` on the focused field.
pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(field) = state.prompts.focused_field() else {
        if action == Action::Prompts(Prompts::ExternalEditor) {
            state.notify("Pick a field first (Enter), then open it in your editor.", Level::Info);
        }
        return Vec::new();
    };
    let id = state.prompts.selected.clone();
    match action {
        Action::Prompts(Prompts::Choose) => match (kind_of(field), field) {
            (FieldKind::Toggle, _) => toggle(state, field),
            (FieldKind::Line, Field::Model) => pick_model(state, &id),
            (FieldKind::Line, _) => focus_step(state, 1),
            (FieldKind::Text, _) => {
                if let Some(editor) = state.prompts.editors.get_mut(&id, field) {
                    editor.insert_newline();
                    apply(state, &id, field);
                }
            }
        },
        Action::Prompts(Prompts::Undo | Prompts::Redo) => {
            let editors = &mut state.prompts.editors;
            let changed = if action == Action::Prompts(Prompts::Undo) {
                editors.undo(&id, field)
            } else {
                editors.redo(&id, field)
            };
            if changed {
                apply(state, &id, field);
            } else {
                let what = if action == Action::Prompts(Prompts::Undo) { "undo" } else { "redo" };
                state.notify(format!("Nothing to {what} in {}.", field.label()), Level::Info);
            }
        }
        Action::Prompts(Prompts::ExternalEditor) => {
            if kind_of(field) == FieldKind::Toggle {
                state.notify("Critique is on or off: press Space to switch it.", Level::Info);
                return Vec::new();
            }
            let text = state.prompts.editors.text(&id, field).unwrap_or_default();
            return vec![Effect::Prompts(PromptsEffect::ExternalEditor { node: id, field, text })];
        }
        _ => {}
    }
    Vec::new()
}

/// Pasted text: one line for a setting, as it is for a prompt.
pub fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    let Some(field) = state.prompts.focused_field() else { return Vec::new() };
    let clean = sanitize(text);
    let text = match kind_of(field) {
        FieldKind::Toggle => return Vec::new(),
        FieldKind::Line => clean.split_whitespace().collect::<Vec<_>>().join(" "),
        FieldKind::Text => clean,
    };
    let id = state.prompts.selected.clone();
    if let Some(editor) = state.prompts.editors.get_mut(&id, field) {
        editor.insert_str(text);
        apply(state, &id, field);
    }
    Vec::new()
}

/// Sets a field's editor and the draft to `text` (a value chosen or edited outside the editor),
/// as an edit that undo takes back.
pub fn set_field(state: &mut State, id: &str, field: Field, text: &str) {
    if state.prompts.editors.get(id, field).is_none() {
        let current = state.prompts.draft().and_then(|d| d.field_text(id, field)).unwrap_or_default();
        state.prompts.editors.ensure(id, field, || current);
    }
    state.prompts.editors.set_text(id, field, text);
    apply(state, id, field);
}

/// Hands the editor's text to the draft.
fn apply(state: &mut State, id: &str, field: Field) {
    let Some(text) = state.prompts.editors.text(id, field) else { return };
    if let Some(draft) = state.prompts.draft_mut() {
        draft.edit(id, field, &text);
    }
}

fn toggle(state: &mut State, field: Field) {
    let id = state.prompts.selected.clone();
    let on = state
        .prompts
        .draft()
        .and_then(|d| d.field_text(&id, field))
        .is_some_and(|t| matches!(t.trim(), "on" | "true" | "yes" | "1"));
    set_field(state, &id, field, if on { "off" } else { "on" });
}

/// Opens the list of models the server serves (from the server check).
fn pick_model(state: &mut State, id: &str) {
    let current = state.prompts.editors.text(id, Field::Model).unwrap_or_default();
    let served = served_models(state);
    let note = match &state.health {
        Health::Checking => {
            Some("The server check is still running; type the model id, or try again.".into())
        }
        Health::Checked(_) if served.is_empty() => {
            Some("The server lists no models (or cannot be reached: F2 shows why). Type the model id.".into())
        }
        Health::Checked(_) => None,
    };
    let selected = served.iter().position(|m| *m == current).unwrap_or(0);
    let items = served
        .into_iter()
        .map(|model| PickItem {
            detail: if model == current { "in use".into() } else { String::new() },
            label: model.clone(),
            value: model,
        })
        .collect();
    let pick =
        Pick { purpose: PickPurpose::Model { id: id.to_string() }, items, selected, loading: false, note };
    state.prompts.dialog = Some(Dialog::Pick(Box::new(pick)));
}

/// Every model the servers answered with, in their order, once each.
fn served_models(state: &State) -> Vec<String> {
    let Health::Checked(report) = &state.health else { return Vec::new() };
    let mut out: Vec<String> = Vec::new();
    for models in report.endpoints.iter().filter_map(|e| e.models.as_ref().ok()) {
        for model in models {
            if !out.contains(model) {
                out.push(model.clone());
            }
        }
    }
    out
}
