//! The rows of the Prompts tab's form that the layout measures and the view draws: each field's
//! label, what is wrong with it, and the placeholders a prompt may use.

use crate::config::edit::{Field, PromptField, placeholders_for};
use crate::tui::state::State;
use crate::tui::state::prompts::unused_reason;
use crate::tui::text::wrap::{Row, Wrapper};
use crate::tui::theme::Role;

/// The label of a field as the form shows it ("Answer template", "Temperature").
pub fn label_text(field: Field) -> String {
    match field {
        Field::Prompt(PromptField::System) => "System prompt".into(),
        Field::Prompt(prompt) => format!("{} template", prompt.label()),
        other => other.label().into(),
    }
}

/// The label row's pieces: focus mark, label, unsaved and problem marks, why a template is unused.
pub fn label_parts(state: &State, field: Field) -> Vec<(String, Role)> {
    let focused = state.prompts.focused_field() == Some(field);
    let mut parts = vec![(if focused { "▸ " } else { "  " }.to_string(), Role::Accent)];
    parts.push((label_text(field), if focused { Role::Accent } else { Role::Dim }));
    let Some(draft) = state.prompts.draft() else { return parts };
    let id = &state.prompts.selected;
    if draft.is_field_dirty(id, field) {
        parts.push((" ●".into(), Role::Unsaved));
    }
    if !draft.field_problems(id, field).is_empty() {
        parts.push((" ▲".into(), Role::Problem));
    }
    if let (Field::Prompt(prompt), Some(node)) = (field, draft.hierarchy().node(id))
        && let Some(reason) = unused_reason(node, prompt)
    {
        parts.push((format!("  ({reason})"), Role::Dim));
    }
    parts
}

/// What is wrong with a field, wrapped: each problem, then what to do about it; then what is
/// odd about it without blocking saving (a name another member has).
pub fn problem_rows(state: &State, id: &str, field: Field, width: usize) -> Vec<Row> {
    let Some(draft) = state.prompts.draft() else { return Vec::new() };
    let problems = draft.field_problems(id, field);
    let warnings = draft.field_warnings(id, field);
    if problems.is_empty() && warnings.is_empty() {
        return Vec::new();
    }
    let mut w = Wrapper::new(width);
    let marked = problems
        .iter()
        .map(|p| ("✖ ", Role::Problem, p))
        .chain(warnings.iter().map(|p| ("! ", Role::StatusWarn, p)));
    for (mark, role, problem) in marked {
        w.push_unbroken(mark, role);
        w.set_hang(2, Role::Text);
        w.push_str(&problem.message, role);
        w.newline();
        if let Some(help) = &problem.help {
            w.push_unbroken("  ", Role::Dim);
            w.set_hang(2, Role::Text);
            w.push_str(help, Role::Dim);
            w.newline();
        }
    }
    w.all_rows()
}

/// The placeholders a prompt may use, on as few rows as fit: `may use {name} {task}*`.
pub fn placeholder_rows(prompt: PromptField, width: usize) -> Vec<Row> {
    let mut w = Wrapper::new(width);
    w.push_unbroken("may use ", Role::Dim);
    for (i, p) in placeholders_for(prompt).into_iter().enumerate() {
        if i > 0 {
            w.push_str(" ", Role::Dim);
        }
        let role = if p.required { Role::Accent } else { Role::Code };
        let mark = if p.required { "*" } else { "" };
        w.push_unbroken(&format!("{{{}}}{mark}", p.name), role);
    }
    if placeholders_for(prompt).iter().any(|p| p.required) {
        w.push_str(" (* required)", Role::Dim);
    }
    w.all_rows()
}

/// The placeholders with their meanings, one after another, for the column beside the editor.
pub fn side_rows(prompt: PromptField, width: usize) -> Vec<Row> {
    let mut w = Wrapper::new(width);
    w.push_str("Placeholders", Role::Heading);
    w.newline();
    for p in placeholders_for(prompt) {
        let role = if p.required { Role::Accent } else { Role::Code };
        let name = if p.required { format!("{{{}}} required", p.name) } else { format!("{{{}}}", p.name) };
        w.push_unbroken(&name, role);
        w.newline();
        w.push_unbroken("  ", Role::Dim);
        w.set_hang(2, Role::Dim);
        w.push_str(p.meaning, Role::Dim);
        w.newline();
    }
    w.all_rows()
}
