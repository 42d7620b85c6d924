//! Which fields a member's form shows, and how each one is edited.

use crate::config::NodeConfig;
use crate::config::edit::{Field, PromptField, PromptsDraft};

/// How a field takes input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text (names, numbers, the model id).
    Line,
    /// On or off.
    Toggle,
    /// A multi-line prompt.
    Text,
}

/// The kind of a field.
pub fn kind_of(field: Field) -> FieldKind {
    match field {
        Field::Critique => FieldKind::Toggle,
        Field::Prompt(_) => FieldKind::Text,
        _ => FieldKind::Line,
    }
}

/// The member's fields in form order: its settings, its system prompt, then the templates a run
/// sends for it. A template it does not use still shows while it has unsaved edits or problems,
/// so nothing that blocks saving is ever hidden.
pub fn fields_of(draft: &PromptsDraft, node: &NodeConfig) -> Vec<Field> {
    let mut out: Vec<Field> = Field::SETTINGS
        .into_iter()
        .filter(|f| *f != Field::Critique || node.is_parent() || node.critique)
        .collect();
    for prompt in PromptField::ALL {
        let field = Field::Prompt(prompt);
        let keep = prompt.used_by(node)
            || draft.is_field_dirty(&node.id, field)
            || !draft.field_problems(&node.id, field).is_empty();
        if keep {
            out.push(field);
        }
    }
    out
}

/// Why a template shows although the member does not use it now.
pub fn unused_reason(node: &NodeConfig, prompt: PromptField) -> Option<&'static str> {
    if prompt.used_by(node) {
        return None;
    }
    Some(match prompt {
        PromptField::Split | PromptField::Synthesize => "not used: this member has nobody under it",
        PromptField::Answer => "not used: this member delegates instead of answering",
        PromptField::Reflect => "not used: reflect rounds is 0",
        PromptField::Revise => "not used: no reflect rounds and no critique",
        PromptField::Critique => "not used: critique is off",
        PromptField::System => "not used",
    })
}
