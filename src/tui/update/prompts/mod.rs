//! The Prompts tab's reducer: keys in its contexts, its actions, and the answers of the shell
//! (file opened and saved, `$EDITOR` closed, record queries). Nothing here does I/O: saving,
//! the editor and the record are effects.

mod dialog;
mod disk;
mod fields;
mod replies;
mod settle;
mod structure;
mod tree;

pub use settle::settle;

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use super::actions;
use crate::config::edit::content_hash;
use crate::engine::hierarchy_hash;
use crate::tui::action::{Action, Context};
use crate::tui::msg::{Effect, PromptsEffect};
use crate::tui::screen::Screen;
use crate::tui::state::prompts::{Choice, Dialog, FileState, Leave, PromptsFocus, VersionUsage};
use crate::tui::state::{Level, Overlay, State, Tab};

/// An answer of the shell for the Prompts tab.
pub fn on_msg(state: &mut State, msg: crate::tui::msg::PromptsMsg) -> Vec<Effect> {
    state.prompts.revision += 1;
    replies::on_msg(state, msg)
}

/// A key on the Prompts tab: its action in the current context, else text for the field or
/// dialog that has the keyboard.
pub fn on_key(state: &mut State, screen: &Screen, key: KeyEvent) -> Vec<Effect> {
    state.prompts.revision += 1;
    let ctx = state.key_context();
    if let Some(action) = state.keymap.lookup(ctx, &key) {
        return match ctx {
            Context::PromptsDialog => dialog::on_action(state, screen, action),
            _ => perform(state, screen, action),
        };
    }
    match ctx {
        Context::PromptsDialog => dialog::on_key(state, key),
        Context::PromptsField => fields::on_key(state, key),
        _ => Vec::new(),
    }
}

/// Performs an action of the Prompts tab (or, for the others, what it does everywhere).
pub fn perform(state: &mut State, screen: &Screen, action: Action) -> Vec<Effect> {
    state.prompts.revision += 1;
    let in_field = state.prompts.focused_field().is_some();
    match action {
        Action::PromptsTab if state.tab == Tab::Prompts => switch_tab(state, Tab::Run),
        Action::PromptsTab => switch_tab(state, Tab::Prompts),
        Action::RunTab => switch_tab(state, Tab::Run),
        Action::Save => save(state),
        Action::Revert => structure::ask_revert(state),
        Action::CompareVersions => compare(state),
        Action::SelectPrev | Action::SelectNext if !in_field => {
            tree::select_step(state, if action == Action::SelectNext { 1 } else { -1 });
            Vec::new()
        }
        Action::EditFields => {
            fields::enter_form(state);
            Vec::new()
        }
        Action::ToTree => {
            state.prompts.last_field = state.prompts.focused_field();
            state.prompts.focus = PromptsFocus::Tree;
            Vec::new()
        }
        Action::FocusNext | Action::FocusPrev if in_field => {
            fields::focus_step(state, if action == Action::FocusNext { 1 } else { -1 });
            Vec::new()
        }
        Action::Choose | Action::Undo | Action::Redo | Action::ExternalEditor => {
            fields::on_action(state, action)
        }
        Action::AddChild
        | Action::RemoveNode
        | Action::Rename
        | Action::ChangeId
        | Action::MoveNode
        | Action::ShiftUp
        | Action::ShiftDown
        | Action::ResetNode => structure::on_action(state, action),
        other => actions::perform(state, screen, other),
    }
}

/// Shows another tab. Leaving the Prompts tab with unsaved edits asks first.
pub fn switch_tab(state: &mut State, to: Tab) -> Vec<Effect> {
    super::tabs::show(state, to)
}

fn go_to(state: &mut State, to: Tab) -> Vec<Effect> {
    super::tabs::enter(state, to)
}

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
    state.overlays.retain(|o| !matches!(o, Overlay::Zoom(_)));
    state.prompts.dialog = Some(Dialog::Unsaved { then, selected: Choice::Stay });
    Some(Vec::new())
}

/// Goes where the user was going once the unsaved edits are saved or discarded.
fn leave(state: &mut State, then: Leave) -> Vec<Effect> {
    match then {
        Leave::Quit => actions::quit(state),
        Leave::Tab(tab) => go_to(state, tab),
    }
}

/// Asks the record how many runs used the version the next run will use.
fn ask_usage(state: &mut State) -> Vec<Effect> {
    let hash = hierarchy_hash(&state.hierarchy);
    state.prompts.usage = VersionUsage { hash: hash.clone(), runs: None };
    vec![Effect::Prompts(PromptsEffect::CountVersion { hash })]
}

/// Runs after every message: a run that ended on this tab changes the version's count.
pub fn follow(state: &mut State) -> Vec<Effect> {
    let going = state.is_running();
    let ended = state.prompts.run_was_going && !going;
    state.prompts.run_was_going = going;
    if ended && state.tab == Tab::Prompts { ask_usage(state) } else { Vec::new() }
}

/// Saves the draft, when it can be saved; otherwise says why not. The file is written only if it
/// is still what the tab read or last saved (see [`disk`] for when it is not).
pub fn save(state: &mut State) -> Vec<Effect> {
    let expected = state.prompts.editing().and_then(|editing| {
        editing.file_exists.then(|| content_hash(editing.draft.saved().text().as_bytes()))
    });
    save_expecting(state, expected)
}

/// [`save`] over the file whose content hash is `expected` (`None`: no file).
fn save_expecting(state: &mut State, expected: Option<String>) -> Vec<Effect> {
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
    state.prompts.saving = true;
    vec![Effect::Prompts(PromptsEffect::Save { path, text, expected })]
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
