//! The Prompts tab's reducer: keys in its contexts, its actions, and the answers of the shell
//! (file opened and saved, `$EDITOR` closed, record queries). Nothing here does I/O: saving,
//! the editor and the record are effects.

mod dialog;
mod disk;
mod entry;
mod fields;
mod leave;
mod models;
mod presets;
mod replies;
mod save;
mod settle;
mod structure;
mod tree;

pub use entry::{ask_before_leaving, ask_usage, entered};
pub use models::open_models;
pub use settle::settle;

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use super::routed::Routed;
use crate::tui::action::{Action, Context, Move, Prompts};
use crate::tui::msg::{Effect, PromptsEffect};
use crate::tui::state::prompts::{Dialog, PromptsFocus};
use crate::tui::state::{Level, State, Tab};

/// An answer of the shell for the Prompts tab.
pub fn on_msg(state: &mut State, msg: crate::tui::msg::PromptsMsg) -> Vec<Effect> {
    state.prompts.revision += 1;
    replies::on_msg(state, msg)
}

/// A key on the Prompts tab: its action in the current context, else text for the field or
/// dialog that has the keyboard.
pub fn on_key(state: &mut State, key: KeyEvent) -> Routed {
    state.prompts.revision += 1;
    let ctx = state.key_context();
    if let Some(action) = state.keymap.lookup(ctx, &key) {
        return match ctx {
            Context::PromptsDialog => dialog::on_action(state, action),
            _ => on_action(state, action),
        };
    }
    Routed::Done(match ctx {
        Context::PromptsDialog => dialog::on_key(state, key),
        Context::PromptsField => fields::on_key(state, key),
        _ => Vec::new(),
    })
}

/// An action pressed in the tree or a field: the moves there mean moving through the tree or the
/// form; the rest is passed back.
fn on_action(state: &mut State, action: Action) -> Routed {
    let in_field = state.prompts.focused_field().is_some();
    Routed::Done(match action {
        Action::Prompts(action) => perform(state, action),
        Action::Move(step @ (Move::SelectPrev | Move::SelectNext)) if !in_field => {
            tree::select_step(state, if step == Move::SelectNext { 1 } else { -1 });
            Vec::new()
        }
        Action::Move(step @ (Move::FocusNext | Move::FocusPrev)) if in_field => {
            fields::focus_step(state, if step == Move::FocusNext { 1 } else { -1 });
            Vec::new()
        }
        other => return Routed::Pass(other),
    })
}

/// A Prompts action, wherever it was pressed.
pub fn perform(state: &mut State, action: Prompts) -> Vec<Effect> {
    state.prompts.revision += 1;
    match action {
        Prompts::Save => save::save(state),
        Prompts::Revert => structure::ask_revert(state),
        Prompts::CompareVersions => compare(state),
        Prompts::Presets => presets::open(state),
        Prompts::EditFields => {
            fields::enter_form(state);
            Vec::new()
        }
        Prompts::ToTree => {
            state.prompts.last_field = state.prompts.focused_field();
            state.prompts.focus = PromptsFocus::Tree;
            Vec::new()
        }
        Prompts::Choose | Prompts::Undo | Prompts::Redo | Prompts::ExternalEditor => {
            fields::on_action(state, Action::Prompts(action))
        }
        Prompts::AddChild
        | Prompts::RemoveNode
        | Prompts::Rename
        | Prompts::ChangeId
        | Prompts::MoveNode
        | Prompts::ShiftUp
        | Prompts::ShiftDown
        | Prompts::ResetNode => structure::on_action(state, Action::Prompts(action)),
    }
}

/// Runs after every message: a run that ended on this tab changes the version's count.
pub fn follow(state: &mut State) -> Vec<Effect> {
    let going = state.is_running();
    let ended = state.prompts.run_was_going && !going;
    state.prompts.run_was_going = going;
    if ended && state.tab == Tab::Prompts { entry::ask_usage(state) } else { Vec::new() }
}

/// Opens the list of recent runs with other prompts, to compare with one of them.
fn compare(state: &mut State) -> Vec<Effect> {
    if state.prompts.draft().is_none() {
        state.notify("The prompts are not open yet.", Level::Warn);
        return Vec::new();
    }
    state.prompts.dialog = Some(Dialog::loading(crate::tui::state::prompts::PickPurpose::CompareRun));
    vec![Effect::Prompts(PromptsEffect::RecentRuns)]
}

/// Pasted text goes into the field or dialog that has the keyboard.
pub fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    state.prompts.revision += 1;
    match state.key_context() {
        Context::PromptsDialog => dialog::on_paste(state, text),
        Context::PromptsField => fields::on_paste(state, text),
        _ => Vec::new(),
    }
}

/// A click selects the member or focuses the field under the pointer; the wheel moves through
/// the tree or the form.
pub fn on_mouse(state: &mut State, mouse: MouseEvent) -> Vec<Effect> {
    state.prompts.revision += 1;
    if state.prompts.dialog.is_some() {
        return Vec::new();
    }
    let at = Position { x: mouse.column, y: mouse.row };
    let layout = crate::tui::screen::prompts::layout::compute(state, state.area());
    match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some(index) = layout.tree_row_at(at) {
                tree::select_index(state, index);
                state.prompts.focus = PromptsFocus::Tree;
            } else if let Some(field) = layout.field_at(at) {
                state.prompts.focus = PromptsFocus::Field(field);
            }
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let down = mouse.kind == MouseEventKind::ScrollDown;
            if layout.tree.contains(at) {
                tree::select_step(state, if down { 1 } else { -1 });
            } else if layout.form.contains(at) && state.prompts.focused_field().is_some() {
                fields::focus_step(state, if down { 1 } else { -1 });
            } else if layout.form.contains(at) {
                let last = state.prompts.fields().len().saturating_sub(1);
                let top = &mut state.prompts.form_top;
                *top = if down { (*top + 1).min(last) } else { top.saturating_sub(1) };
            }
        }
        _ => {}
    }
    Vec::new()
}
