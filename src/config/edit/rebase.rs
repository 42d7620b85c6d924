//! Saving over a file that was changed outside ailab: the user's unsaved edits are applied again
//! on top of the file as it is now, as long as both sides changed different fields. When they
//! touched the same field, or the user changed the team's structure, there is nothing safe to do
//! alone: the conflicts are listed so the user can choose.

use super::document::HierarchyDocument;
use super::draft::PromptsDraft;
use super::fields::Field;
use crate::config::Hierarchy;

/// Why the user's edits cannot be applied again on the changed file, one line each.
pub type Conflicts = Vec<String>;

impl PromptsDraft {
    /// Makes `theirs` (the file as it is on disk now) the saved state and applies the unsaved
    /// edits on top of it again, field by field; pending edits stay pending. Returns how many
    /// fields were carried over. `Err` lists what both sides changed; the draft is then untouched.
    pub fn rebase(&mut self, theirs: HierarchyDocument) -> Result<usize, Conflicts> {
        let (saved, current) = (self.saved(), self.current());
        if theirs.text() == saved.text() {
            return Ok(0);
        }
        if shape(saved.hierarchy()) != shape(current.hierarchy()) {
            return Err(vec![
                "you changed the team's structure (added, removed, moved or renamed the id of a member)"
                    .into(),
            ]);
        }
        let mut merged = theirs.clone();
        let mut conflicts = Conflicts::new();
        let mut carried = 0;
        for node in &current.hierarchy().nodes {
            let id = node.id.as_str();
            for field in Field::all() {
                let mine = current.written(id, field);
                let base = saved.written(id, field);
                if mine == base {
                    continue;
                }
                let what = format!("{} · {}", node.name, field.label());
                if theirs.hierarchy().node(id).is_none() {
                    conflicts.push(format!("{what}: the file no longer has a member with the id \"{id}\""));
                    continue;
                }
                let now = theirs.written(id, field);
                if now == mine {
                    continue;
                }
                if now != base {
                    let values = match field {
                        Field::Prompt(_) => String::new(),
                        _ => match (theirs.field_text(id, field), current.field_text(id, field)) {
                            (Some(file), Some(yours)) => {
                                format!(" (the file: {}; yours: {})", shown(&file), shown(&yours))
                            }
                            _ => String::new(),
                        },
                    };
                    conflicts.push(format!("{what}: changed in the file too{values}"));
                    continue;
                }
                match merged.copy_field_from(current, id, field) {
                    Ok(()) => carried += 1,
                    Err(e) => {
                        let reason = e.problems.first().map_or(String::new(), |p| format!(": {}", p.message));
                        conflicts.push(format!("{what}: does not fit the changed file{reason}"));
                    }
                }
            }
        }
        if !conflicts.is_empty() {
            return Err(conflicts);
        }
        self.replace_saved(theirs, merged);
        Ok(carried)
    }
}

/// The team's structure: every member's id in file order, with its children in order.
fn shape(h: &Hierarchy) -> Vec<(&str, &[String])> {
    h.nodes.iter().map(|n| (n.id.as_str(), n.children.as_slice())).collect()
}

/// A setting's value in a sentence ("none" when it is unset).
fn shown(value: &str) -> &str {
    if value.is_empty() { "none" } else { value }
}
