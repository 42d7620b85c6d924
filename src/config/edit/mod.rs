//! Editing `hierarchy.toml` from the Prompts tab: the user's file changed in place (comments and
//! layout kept), every change checked by the engine's loader, unsaved edits tracked with their
//! problems, atomic saving, and `$EDITOR` for long prompts.
//!
//! - [`HierarchyDocument`]: the file as an editable document (prompts, settings, structure).
//! - [`PromptsDraft`]: the tab's state: saved vs edited, dirty flags, problems, revert, reset.
//! - [`open_for_editing`] and [`save_atomically`]: where the file is read from and written to.
//! - [`edit_in_external_editor`]: the `$EDITOR` escape hatch.

mod document;
mod draft;
mod external;
mod fields;
mod rebase;
mod reset;
mod save;
mod strings;
mod structure;
mod tables;

#[cfg(test)]
mod tests;

pub use document::HierarchyDocument;
pub use draft::PromptsDraft;
pub use external::{edit_in_external_editor, edit_with, editor_command};
pub use fields::{Field, FieldProblem, Placeholder, PromptField, Setting, placeholders_for};
pub use save::{
    EditSession, SaveRefused, content_hash, open_for_editing, save_atomically, save_unless_changed,
};
