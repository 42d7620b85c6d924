//! Changing the tree (add, remove, rename, change an id, move, reorder), resetting a member to
//! the shipped values or `[defaults]`, and discarding edits. The draft refuses what the engine would refuse;
//! its reason is shown, never thrown.

use super::tree;
use crate::config::ConfigError;
use crate::config::edit::HierarchyDocument;
use crate::tui::action::{Action, Prompts};
use crate::tui::msg::Effect;
use crate::tui::state::prompts::{Dialog, InputPurpose, Pick, PickItem, PickPurpose, PromptsFocus};
use crate::tui::state::{Level, State};

/// The tree actions on the selected member.
pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    let id = state.prompts.selected.clone();
    let Some(draft) = state.prompts.draft() else {
        state.notify("The prompts are not open yet.", Level::Warn);
        return Vec::new();
    };
    let h = draft.hierarchy();
    let Some(node) = h.node(&id) else { return Vec::new() };
    let name = node.name.clone();
    let parent = h.parent_of(&id).map(|p| p.id.clone());
    match action {
        Action::Prompts(Prompts::AddChild) => {
            state.prompts.dialog = Some(Dialog::input(InputPurpose::AddChild { parent: id }, ""));
        }
        Action::Prompts(Prompts::Rename) => {
            state.prompts.dialog = Some(Dialog::input(InputPurpose::Rename { id }, &name));
        }
        Action::Prompts(Prompts::ChangeId) => {
            let text = id.clone();
            state.prompts.dialog = Some(Dialog::input(InputPurpose::ChangeId { id }, &text));
        }
        Action::Prompts(Prompts::RemoveNode) if parent.is_none() => state.notify(
            format!("{name} is the top of the tree and cannot be removed; rename it or change its prompts instead."),
            Level::Warn,
        ),
        Action::Prompts(Prompts::RemoveNode) => {
            let below: Vec<String> = draft
                .hierarchy()
                .preorder()
                .into_iter()
                .filter(|n| n.id != id && is_below(draft.hierarchy(), &n.id, &id))
                .map(|n| n.name.clone())
                .collect();
            state.prompts.dialog = Some(Dialog::ConfirmRemove { id, name, below });
        }
        Action::Prompts(Prompts::MoveNode) if parent.is_none() => state.notify(
            format!("{name} is the top of the tree and cannot be moved under another member."),
            Level::Warn,
        ),
        Action::Prompts(Prompts::MoveNode) => {
            let items: Vec<PickItem> = h
                .preorder()
                .into_iter()
                .filter(|n| !is_below(h, &n.id, &id) && Some(&n.id) != parent.as_ref())
                .map(|n| PickItem {
                    value: n.id.clone(),
                    label: format!("{}{}", "  ".repeat(h.depth_of(&n.id).unwrap_or(0)), n.name),
                    detail: n.role.clone(),
                })
                .collect();
            let note = items.is_empty().then(|| format!("There is no other member {name} can go under."));
            let pick = Pick { purpose: PickPurpose::MoveUnder { id }, items, selected: 0, loading: false, note };
            state.prompts.dialog = Some(Dialog::Pick(Box::new(pick)));
        }
        Action::Prompts(Prompts::ShiftUp | Prompts::ShiftDown) => {
            let offset = if action == Action::Prompts(Prompts::ShiftUp) { -1 } else { 1 };
            let result = state.prompts.draft_mut().map(|d| d.shift_among_siblings(&id, offset));
            report(state, result);
        }
        Action::Prompts(Prompts::ResetNode) => ask_reset(state, id, name),
        _ => {}
    }
    Vec::new()
}

/// True if `id` is `ancestor` or somewhere under it.
fn is_below(h: &crate::config::Hierarchy, id: &str, ancestor: &str) -> bool {
    let mut at = Some(id.to_string());
    while let Some(current) = at {
        if current == ancestor {
            return true;
        }
        at = h.parent_of(&current).map(|p| p.id.clone());
    }
    false
}

/// Asks before discarding every unsaved edit.
pub fn ask_revert(state: &mut State) -> Vec<Effect> {
    let Some(draft) = state.prompts.draft() else { return Vec::new() };
    if !draft.is_dirty() {
        state.notify("Nothing to revert: there are no unsaved edits.", Level::Info);
        return Vec::new();
    }
    let h = draft.hierarchy();
    let changed = h.nodes.iter().filter(|n| draft.is_node_dirty(&n.id)).count()
        + draft.saved().hierarchy().nodes.iter().filter(|n| h.node(&n.id).is_none()).count();
    state.prompts.dialog = Some(Dialog::ConfirmRevert { changed: changed.max(1) });
    Vec::new()
}

/// Discards every unsaved edit.
pub fn revert(state: &mut State) {
    if let Some(draft) = state.prompts.draft_mut() {
        draft.revert();
    }
    state.prompts.editors.clear();
    state.notify("Reverted: the prompts are as last saved.", Level::Info);
}

/// Removes a member and its branch (after the question).
pub fn remove(state: &mut State, id: &str) {
    let parent = state.prompts.draft().and_then(|d| d.hierarchy().parent_of(id).map(|p| p.id.clone()));
    let name = node_name(state, id);
    let Some(result) = state.prompts.draft_mut().map(|d| d.remove_node(id)) else { return };
    match result {
        Ok(removed) => {
            for gone in &removed {
                state.prompts.editors.forget_node(gone);
            }
            if let Some(parent) = parent {
                tree::select(state, &parent);
            }
            state.prompts.focus = PromptsFocus::Tree;
            let others = match removed.len() {
                0 | 1 => String::new(),
                n => format!(" and the {} under it", n - 1),
            };
            state.notify(format!("Removed {name}{others}. Save to keep it, or revert."), Level::Info);
        }
        Err(e) => error(state, &e),
    }
}

/// Asks before resetting a member, unless the reset would change nothing or be refused (then
/// says so instead: a question is never answered by a refusal).
fn ask_reset(state: &mut State, id: String, name: String) {
    let Some(draft) = state.prompts.draft() else { return };
    let shipped = HierarchyDocument::ships_member(&id);
    let mut trial = draft.clone();
    match trial.reset_node_to_default(&id) {
        Err(e) => error(state, &e),
        Ok(()) if trial == *draft => {
            let has = if shipped {
                "already has the prompts and settings ailab ships for it"
            } else {
                "already takes all its settings and prompts from [defaults]"
            };
            state.notify(format!("Nothing to reset: {name} {has}."), Level::Info);
        }
        Ok(()) => state.prompts.dialog = Some(Dialog::ConfirmReset { id, name, shipped }),
    }
}

/// Resets a member (after the question): the shipped prompts and settings, or `[defaults]`.
pub fn reset(state: &mut State, id: &str) {
    let shipped = HierarchyDocument::ships_member(id);
    let Some(result) = state.prompts.draft_mut().map(|d| d.reset_node_to_default(id)) else { return };
    match result {
        Ok(()) => {
            state.prompts.editors.forget_node(id);
            let name = node_name(state, id);
            let now = if shipped {
                "has ailab's shipped prompts and settings again"
            } else {
                "takes its settings and prompts from [defaults] now"
            };
            state.notify(format!("{name} {now} (not saved yet)."), Level::Info);
        }
        Err(e) => error(state, &e),
    }
}

/// Moves a member under another one.
pub fn move_under(state: &mut State, id: &str, parent: &str) {
    let Some(result) = state.prompts.draft_mut().map(|d| d.move_node(id, parent)) else { return };
    match result {
        Ok(()) => {
            let (name, under) = (node_name(state, id), node_name(state, parent));
            state.notify(format!("Moved {name} under {under} (not saved yet)."), Level::Info);
        }
        Err(e) => error(state, &e),
    }
}

/// Adds a member under `parent`; `Err` holds the reason, for the dialog.
pub fn add_child(state: &mut State, parent: &str, name: &str) -> Result<(), String> {
    let name = name.trim();
    let result = state
        .prompts
        .draft_mut()
        .map(|d| d.add_child(parent, (!name.is_empty()).then_some(name)))
        .ok_or_else(|| "the prompts are not open".to_string())?;
    let id = result.map_err(|e| plain(&e))?;
    let (added, under) = (node_name(state, &id), node_name(state, parent));
    tree::select(state, &id);
    state.prompts.focus = PromptsFocus::Tree;
    state.notify(
        format!("Added {added} under {under}: it starts with the shared prompts; edit them, then save."),
        Level::Info,
    );
    warn_same_name(state, &id);
    Ok(())
}

/// Renames a member; `Err` holds the reason, for the dialog. A refused name leaves no trace.
pub fn rename(state: &mut State, id: &str, name: &str) -> Result<(), String> {
    let Some(draft) = state.prompts.draft_mut() else { return Err("the prompts are not open".into()) };
    let before = draft.clone();
    let problems = draft.edit(id, crate::config::edit::Field::Name, name);
    if let Some(first) = problems.first() {
        *draft = before;
        return Err(first.message.clone());
    }
    super::fields::set_field(state, id, crate::config::edit::Field::Name, name.trim());
    warn_same_name(state, id);
    Ok(())
}

/// Changes a member's id; `Err` holds the reason, for the dialog.
pub fn change_id(state: &mut State, id: &str, new_id: &str) -> Result<(), String> {
    let Some(draft) = state.prompts.draft_mut() else { return Err("the prompts are not open".into()) };
    draft.change_id(id, new_id).map_err(|e| plain(&e))?;
    let new_id = new_id.trim();
    state.prompts.editors.rename_node(id, new_id);
    if state.prompts.selected == id {
        state.prompts.selected = new_id.to_string();
    }
    Ok(())
}

/// Says so when the member's name is another member's too (saving is not blocked: ids differ).
fn warn_same_name(state: &mut State, id: &str) {
    let Some(draft) = state.prompts.draft() else { return };
    if let Some(warning) = draft.field_warnings(id, crate::config::edit::Field::Name).first() {
        let name = node_name(state, id);
        let help = warning.help.as_deref().map_or(String::new(), |h| format!("; {h}"));
        state.notify(format!("Named {name}, but {}{help}.", warning.message), Level::Warn);
    }
}

fn node_name(state: &State, id: &str) -> String {
    state.prompts.draft().and_then(|d| d.hierarchy().node(id)).map_or(id.to_string(), |n| n.name.clone())
}

fn report(state: &mut State, result: Option<Result<(), ConfigError>>) {
    if let Some(Err(e)) = result {
        error(state, &e);
    }
}

fn error(state: &mut State, e: &ConfigError) {
    state.notify(plain(e), Level::Error);
}

/// A config error as one line: each problem with what to do about it.
pub fn plain(e: &ConfigError) -> String {
    e.problems
        .iter()
        .map(|p| match &p.help {
            Some(help) => format!("{} ({help})", p.message),
            None => p.message.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}
