//! One text editor per field, kept while the tab lives so each field has its own undo history,
//! even across switching members. The editor's text is what the user typed; the draft holds
//! what the file will say (the two differ only in trailing spaces the file does not keep).

use std::collections::HashMap;

use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use super::fields::{FieldKind, kind_of};
use crate::config::edit::Field;

/// The editors of the fields shown so far, by member id and field.
#[derive(Debug, Clone, Default)]
pub struct Editors {
    map: HashMap<(String, Field), TextArea<'static>>,
}

/// A new editor holding `text`.
pub fn editor_for(field: Field, text: &str) -> TextArea<'static> {
    let kind = kind_of(field);
    let lines: Vec<String> = match kind {
        FieldKind::Text => text.split('\n').map(str::to_string).collect(),
        _ => vec![text.replace('\n', " ")],
    };
    let mut editor = TextArea::new(lines);
    if kind == FieldKind::Text {
        editor.set_wrap_mode(WrapMode::WordOrGlyph);
    }
    editor.set_max_histories(200);
    match field {
        Field::Seed => editor.set_placeholder_text("none: replies vary from run to run"),
        Field::Endpoint => editor.set_placeholder_text("the server address ([server] base_url)"),
        Field::Prompt(_) => editor.set_placeholder_text("(empty)"),
        _ => {}
    }
    // A prompt starts at its beginning (so an editor without focus shows how it starts); a
    // one-line value at its end, ready to be changed, like any form field.
    if kind != FieldKind::Text {
        editor.move_cursor(CursorMove::End);
    }
    editor
}

impl Editors {
    /// The field's editor, made from `text` if there is none yet.
    pub fn ensure(
        &mut self,
        id: &str,
        field: Field,
        text: impl FnOnce() -> String,
    ) -> &mut TextArea<'static> {
        self.map.entry((id.to_string(), field)).or_insert_with(|| editor_for(field, &text()))
    }

    pub fn get(&self, id: &str, field: Field) -> Option<&TextArea<'static>> {
        self.map.get(&(id.to_string(), field))
    }

    pub fn get_mut(&mut self, id: &str, field: Field) -> Option<&mut TextArea<'static>> {
        self.map.get_mut(&(id.to_string(), field))
    }

    /// The text in the field's editor.
    pub fn text(&self, id: &str, field: Field) -> Option<String> {
        self.get(id, field).map(|e| e.lines().join("\n"))
    }

    /// Replaces the field's editor with one holding `text` (a value set from outside the editor).
    pub fn replace(&mut self, id: &str, field: Field, text: &str) {
        self.map.insert((id.to_string(), field), editor_for(field, text));
    }

    /// Forgets the editors of one member (they are made again from the draft when shown).
    pub fn forget_node(&mut self, id: &str) {
        self.map.retain(|(node, _), _| node != id);
    }

    /// Forgets every editor.
    pub fn clear(&mut self) {
        self.map.clear();
    }

    /// Moves a member's editors to its new id.
    pub fn rename_node(&mut self, id: &str, new_id: &str) {
        let keys: Vec<(String, Field)> = self.map.keys().filter(|(node, _)| node == id).cloned().collect();
        for key in keys {
            if let Some(editor) = self.map.remove(&key) {
                self.map.insert((new_id.to_string(), key.1), editor);
            }
        }
    }

    /// The member and field of every editor.
    pub fn keys(&self) -> impl Iterator<Item = &(String, Field)> {
        self.map.keys()
    }

    /// Every editor, for styling.
    pub fn all_mut(&mut self) -> impl Iterator<Item = (&(String, Field), &mut TextArea<'static>)> {
        self.map.iter_mut()
    }
}
