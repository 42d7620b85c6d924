//! The Prompts tab's state, without I/O: the saved document, the edited one, and the edits the
//! engine would refuse as they stand. The edited document is always a valid hierarchy; a field
//! whose new text is not acceptable yet (a template missing `{task}`, a temperature of 3) is held
//! as pending with its problems, shown beside the field, and blocks saving until it is fixed.

use super::document::HierarchyDocument;
use super::fields::{Field, FieldProblem, Placeholder, PromptField, placeholders_for};
use crate::config::{ConfigError, Hierarchy};

/// An edit that cannot be applied as it stands, and why.
#[derive(Debug, Clone, PartialEq)]
struct Pending {
    id: String,
    field: Field,
    text: String,
    problems: Vec<FieldProblem>,
}

/// Unsaved edits of a hierarchy: what the Prompts tab shows and changes.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptsDraft {
    saved: HierarchyDocument,
    current: HierarchyDocument,
    pending: Vec<Pending>,
}

impl PromptsDraft {
    /// A draft with no edits over the document as it is on disk (or the built-in one).
    pub fn new(saved: HierarchyDocument) -> Self {
        Self { current: saved.clone(), saved, pending: Vec::new() }
    }

    /// The document as last saved.
    pub fn saved(&self) -> &HierarchyDocument {
        &self.saved
    }

    /// The edited document (always valid; pending edits are not in it).
    pub fn current(&self) -> &HierarchyDocument {
        &self.current
    }

    /// The tree as edited, for the tab's tree view.
    pub fn hierarchy(&self) -> &Hierarchy {
        self.current.hierarchy()
    }

    /// True if anything differs from the saved file, pending edits included.
    pub fn is_dirty(&self) -> bool {
        self.current.text() != self.saved.text() || !self.pending.is_empty()
    }

    /// True if the field's value differs from the saved one (or an edit of it is pending). Every
    /// field of a node added since the last save is dirty.
    pub fn is_field_dirty(&self, id: &str, field: Field) -> bool {
        self.pending_of(id, field).is_some()
            || self.current.field_text(id, field) != self.saved.field_text(id, field)
    }

    /// The node's fields that differ from the saved file.
    pub fn dirty_fields(&self, id: &str) -> Vec<Field> {
        Field::all().filter(|f| self.is_field_dirty(id, *f)).collect()
    }

    /// True if the node is new, has a changed field, or moved (another parent or children list).
    pub fn is_node_dirty(&self, id: &str) -> bool {
        let (now, before) = (self.current.hierarchy(), self.saved.hierarchy());
        let parent = |h: &Hierarchy| h.parent_of(id).map(|p| p.id.clone());
        let children = |h: &Hierarchy| h.node(id).map(|n| n.children.clone());
        before.node(id).is_none()
            || parent(now) != parent(before)
            || children(now) != children(before)
            || !self.dirty_fields(id).is_empty()
    }

    /// What the field's editor shows: the pending text if there is one, else the current value.
    pub fn field_text(&self, id: &str, field: Field) -> Option<String> {
        match self.pending_of(id, field) {
            Some(p) => Some(p.text.clone()),
            None => self.current.field_text(id, field),
        }
    }

    /// Sets a field from the text typed in its editor. Applied when the engine accepts it; else
    /// held as pending and its problems returned (also shown by `field_problems`).
    pub fn edit(&mut self, id: &str, field: Field, text: &str) -> Vec<FieldProblem> {
        self.pending.retain(|p| !(p.id == id && p.field == field));
        match self.try_apply(id, field, text) {
            Ok(()) => {
                self.retry_pending();
                Vec::new()
            }
            Err(problems) => {
                let pending = Pending { id: id.into(), field, text: text.into(), problems: problems.clone() };
                self.pending.push(pending);
                problems
            }
        }
    }

    /// Drops the field's pending edit and gives it back its saved value.
    pub fn revert_field(&mut self, id: &str, field: Field) -> Result<(), ConfigError> {
        self.pending.retain(|p| !(p.id == id && p.field == field));
        let saved = self.saved.clone();
        self.current.copy_field_from(&saved, id, field)?;
        self.retry_pending();
        Ok(())
    }

    /// Makes the node inherit the field from `[defaults]` (its own value is removed).
    pub fn use_default_for(&mut self, id: &str, field: Field) -> Result<(), ConfigError> {
        self.pending.retain(|p| !(p.id == id && p.field == field));
        self.current.unset(id, field)?;
        self.retry_pending();
        Ok(())
    }

    /// Every problem of the draft: (node id, field, problems), in the order the edits were made.
    pub fn problems(&self) -> Vec<(&str, Field, &[FieldProblem])> {
        self.pending.iter().map(|p| (p.id.as_str(), p.field, p.problems.as_slice())).collect()
    }

    /// The node's fields that have problems, with them.
    pub fn node_problems(&self, id: &str) -> Vec<(Field, &[FieldProblem])> {
        self.pending.iter().filter(|p| p.id == id).map(|p| (p.field, p.problems.as_slice())).collect()
    }

    /// The problems of one field (empty when it is fine).
    pub fn field_problems(&self, id: &str, field: Field) -> &[FieldProblem] {
        self.pending_of(id, field).map_or(&[], |p| p.problems.as_slice())
    }

    /// What is odd about a field without blocking saving: a name another member also has (the
    /// engine tells members apart by id, but the tree, History and a parent's split prompt show
    /// names). Empty when there is nothing to say.
    pub fn field_warnings(&self, id: &str, field: Field) -> Vec<FieldProblem> {
        if field != Field::Name {
            return Vec::new();
        }
        let h = self.hierarchy();
        let Some(name) = self.field_text(id, field).map(|n| n.trim().to_lowercase()) else {
            return Vec::new();
        };
        let twins: Vec<&str> = h
            .nodes
            .iter()
            .filter(|n| n.id != id && !name.is_empty() && n.name.trim().to_lowercase() == name)
            .map(|n| n.id.as_str())
            .collect();
        if twins.is_empty() {
            return Vec::new();
        }
        let siblings =
            h.parent_of(id).is_some_and(|p| twins.iter().any(|t| p.children.iter().any(|c| c == t)));
        let which = match twins.as_slice() {
            [one] => format!("the member with the id \"{one}\" has"),
            many => format!(
                "the members {} have",
                many.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", ")
            ),
        };
        let help = if siblings {
            "give each its own name: their parent's split prompt lists them by name, and the model cannot tell them apart"
        } else {
            "give each its own name: the tree and History show names, not ids"
        };
        vec![FieldProblem { message: format!("{which} this name too"), help: Some(help.into()) }]
    }

    /// True when there is something to save and nothing blocks it.
    pub fn can_save(&self) -> bool {
        self.is_dirty() && self.pending.is_empty()
    }

    /// The text to write, when it can be saved.
    pub fn text_to_save(&self) -> Option<&str> {
        self.can_save().then(|| self.current.text())
    }

    /// Records that `text` was written to the file: it becomes the saved state. Edits made while
    /// the save was under way stay unsaved.
    pub fn mark_saved(&mut self, text: &str) {
        if text == self.current.text() {
            self.saved = self.current.clone();
        } else if let Ok(saved) = HierarchyDocument::parse(text, self.saved.source()) {
            self.saved = saved;
        }
    }

    /// A new saved state and the edited document over it (see `rebase`); pending edits are tried again.
    pub(super) fn replace_saved(&mut self, saved: HierarchyDocument, current: HierarchyDocument) {
        self.saved = saved;
        self.current = current;
        self.retry_pending();
    }

    /// Discards every unsaved edit.
    pub fn revert(&mut self) {
        self.current = self.saved.clone();
        self.pending.clear();
    }

    /// The placeholders a prompt may use, required ones marked, for the list beside its editor.
    pub fn placeholders_for(field: PromptField) -> Vec<Placeholder> {
        placeholders_for(field)
    }

    /// See [`HierarchyDocument::reset_node_to_default`]; the node's pending edits are dropped.
    pub fn reset_node_to_default(&mut self, id: &str) -> Result<(), ConfigError> {
        self.current.reset_node_to_default(id)?;
        self.pending.retain(|p| p.id != id);
        self.retry_pending();
        Ok(())
    }

    /// See [`HierarchyDocument::add_child`].
    pub fn add_child(&mut self, parent: &str, name: Option<&str>) -> Result<String, ConfigError> {
        let id = self.current.add_child(parent, name)?;
        self.retry_pending();
        Ok(id)
    }

    /// See [`HierarchyDocument::remove_node`]; pending edits of removed nodes are dropped.
    pub fn remove_node(&mut self, id: &str) -> Result<Vec<String>, ConfigError> {
        let removed = self.current.remove_node(id)?;
        self.pending.retain(|p| !removed.contains(&p.id));
        self.retry_pending();
        Ok(removed)
    }

    /// See [`HierarchyDocument::change_id`]; pending edits follow the node.
    pub fn change_id(&mut self, id: &str, new_id: &str) -> Result<(), ConfigError> {
        self.current.change_id(id, new_id)?;
        for p in self.pending.iter_mut().filter(|p| p.id == id) {
            p.id = new_id.trim().to_string();
        }
        self.retry_pending();
        Ok(())
    }

    /// See [`HierarchyDocument::move_node`].
    pub fn move_node(&mut self, id: &str, new_parent: &str) -> Result<(), ConfigError> {
        self.current.move_node(id, new_parent)?;
        self.retry_pending();
        Ok(())
    }

    /// See [`HierarchyDocument::shift_among_siblings`].
    pub fn shift_among_siblings(&mut self, id: &str, offset: isize) -> Result<(), ConfigError> {
        self.current.shift_among_siblings(id, offset)
    }

    fn pending_of(&self, id: &str, field: Field) -> Option<&Pending> {
        self.pending.iter().find(|p| p.id == id && p.field == field)
    }

    /// Applies typed text to the current document, or says why it cannot be.
    fn try_apply(&mut self, id: &str, field: Field, text: &str) -> Result<(), Vec<FieldProblem>> {
        if self.current.hierarchy().node(id).is_none() {
            return Err(FieldProblem::from_error(&super::tables::unknown_node(self.current.source(), id)));
        }
        let problem = |message: String| vec![FieldProblem { message, help: None }];
        // Typing a field back to its saved value gives back the saved file, byte for byte.
        let back_to_saved = match field {
            Field::Prompt(_) => self.saved.field_text(id, field).is_some_and(|saved| saved == text.trim()),
            setting => {
                let typed = setting.parse_setting(text);
                let saved = self.saved.field_text(id, field).and_then(|t| setting.parse_setting(&t));
                matches!((typed, saved), (Some(Ok(a)), Some(Ok(b))) if a == b)
            }
        };
        let result = if back_to_saved {
            let saved = self.saved.clone();
            self.current.copy_field_from(&saved, id, field)
        } else {
            match field {
                Field::Prompt(prompt) => {
                    let problems = prompt.problems(text);
                    if !problems.is_empty() {
                        return Err(problems);
                    }
                    self.current.set_prompt(id, prompt, &as_written(text))
                }
                setting => match setting.parse_setting(text) {
                    Some(Ok(value)) => self.current.set_setting(id, &value),
                    Some(Err(message)) => return Err(problem(message)),
                    None => return Err(problem(format!("{} cannot be set here", setting.label()))),
                },
            }
        };
        result.map_err(|e| FieldProblem::from_error(&e))
    }

    /// Tries every pending edit again: another change may have made it acceptable.
    fn retry_pending(&mut self) {
        loop {
            let before = self.pending.len();
            for p in std::mem::take(&mut self.pending) {
                if let Err(problems) = self.try_apply(&p.id, p.field, &p.text) {
                    self.pending.push(Pending { problems, ..p });
                }
            }
            // One edit applied may let another one apply: go round until nothing changes.
            if self.pending.is_empty() || self.pending.len() == before {
                break;
            }
        }
    }
}

/// A prompt as the file writes it: its own lines, ending in a newline so the closing quotes sit
/// on their own line. The engine trims prompts, so this changes nothing it sends.
fn as_written(text: &str) -> String {
    let trimmed = text.trim_end();
    if trimmed.is_empty() { String::new() } else { format!("{trimmed}\n") }
}
