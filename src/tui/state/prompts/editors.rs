//! One text editor per field, kept while the tab lives so each field has its own undo history,
//! even across switching members. The editor's text is what the user typed; the draft holds
//! what the file will say (the two differ only in trailing spaces the file does not keep).
//!
//! A value set from outside the editor (`$EDITOR`, a picked model, a rename) is applied as an
//! edit of the changed span, so it enters the undo history. Replacing a span takes the editor
//! two steps (delete, insert); undo and redo take them together, as the one change it was.

use std::collections::HashMap;

use ratatui_textarea::{CursorMove, TextArea};

use super::fields::{FieldKind, kind_of};
use crate::config::edit::Field;

/// Replacements remembered per field, for undo and redo.
const MAX_REPLACEMENTS: usize = 50;

/// The editors of the fields shown so far, by member id and field.
#[derive(Debug, Clone, Default)]
pub struct Editors {
    map: HashMap<(String, Field), TextArea<'static>>,
    replacements: HashMap<(String, Field), Vec<Replacement>>,
    /// The first screen row shown of each prompt, kept so the cursor stays in view.
    tops: HashMap<(String, Field), usize>,
}

/// A span replaced from outside the editor: the texts before, between its two steps, and after.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Replacement {
    before: String,
    between: String,
    after: String,
}

/// A new editor holding `text`.
pub fn editor_for(field: Field, text: &str) -> TextArea<'static> {
    let kind = kind_of(field);
    let lines: Vec<String> = match kind {
        FieldKind::Text => text.split('\n').map(str::to_string).collect(),
        _ => vec![text.replace('\n', " ")],
    };
    // The tab draws the text itself (see `view::prompts::textbox`): the editor does not wrap.
    let mut editor = TextArea::new(lines);
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

    /// The first screen row the field shows while it has the keyboard.
    pub fn top(&self, id: &str, field: Field) -> usize {
        self.tops.get(&(id.to_string(), field)).copied().unwrap_or(0)
    }

    /// Scrolls the field the least that shows screen row `cursor` in `height` rows of `rows`.
    pub fn scroll_to(&mut self, id: &str, field: Field, cursor: usize, height: usize, rows: usize) {
        let top = self.tops.entry((id.to_string(), field)).or_default();
        let height = height.max(1);
        if cursor < *top {
            *top = cursor;
        } else if cursor >= *top + height {
            *top = cursor + 1 - height;
        }
        *top = (*top).min(rows.saturating_sub(height));
    }

    /// The text in the field's editor.
    pub fn text(&self, id: &str, field: Field) -> Option<String> {
        self.get(id, field).map(|e| e.lines().join("\n"))
    }

    /// Replaces the field's editor with one holding `text`, and no history (the value changed
    /// under it, as when the file was changed outside ailab).
    pub fn replace(&mut self, id: &str, field: Field, text: &str) {
        let key = (id.to_string(), field);
        self.replacements.remove(&key);
        self.map.insert(key, editor_for(field, text));
    }

    /// Sets the field's text as an edit that undo takes back (a value set from outside the
    /// editor: `$EDITOR`, a pick, a rename). Only the span that differs is replaced. Returns
    /// false when the text was already that.
    pub fn set_text(&mut self, id: &str, field: Field, text: &str) -> bool {
        let key = (id.to_string(), field);
        let text = if kind_of(field) == FieldKind::Text { text.to_string() } else { text.replace('\n', " ") };
        let Some(editor) = self.map.get_mut(&key) else {
            self.map.insert(key, editor_for(field, &text));
            return true;
        };
        let before = joined(editor);
        if before == text {
            return false;
        }
        let old: Vec<char> = before.chars().collect();
        let new: Vec<char> = text.chars().collect();
        let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
        let room = old.len().min(new.len()) - prefix;
        let suffix = old.iter().rev().zip(new.iter().rev()).take(room).take_while(|(a, b)| a == b).count();
        let (Some(start), Some(end)) = (position(&old[..prefix]), position(&old[..old.len() - suffix]))
        else {
            // Too far into the text for the editor's cursor: start it again with the new text.
            self.replace(id, field, &text);
            return true;
        };
        let inserted: String = new[prefix..new.len() - suffix].iter().collect();
        editor.cancel_selection();
        editor.move_cursor(start);
        if end != start {
            editor.start_selection();
            editor.move_cursor(end);
        }
        editor.insert_str(&inserted);
        editor.cancel_selection();
        if end != start && !inserted.is_empty() {
            let between: String = old[..prefix].iter().chain(&old[old.len() - suffix..]).collect();
            let list = self.replacements.entry(key).or_default();
            list.push(Replacement { before, between, after: text });
            if list.len() > MAX_REPLACEMENTS {
                list.remove(0);
            }
        }
        true
    }

    /// Undoes the field's last change (a replacement as a whole). False when there is none.
    pub fn undo(&mut self, id: &str, field: Field) -> bool {
        self.step(id, field, true)
    }

    /// Redoes the field's last undone change. False when there is none.
    pub fn redo(&mut self, id: &str, field: Field) -> bool {
        self.step(id, field, false)
    }

    fn step(&mut self, id: &str, field: Field, back: bool) -> bool {
        let key = (id.to_string(), field);
        let Some(editor) = self.map.get_mut(&key) else { return false };
        let one = |e: &mut TextArea<'static>| if back { e.undo() } else { e.redo() };
        let now = joined(editor);
        let replaced = self
            .replacements
            .get(&key)
            .and_then(|list| list.iter().rev().find(|r| if back { r.after == now } else { r.before == now }));
        if let Some(r) = replaced {
            // Both steps, if the history's last two steps are that replacement's.
            let (mid, end) = if back { (&r.between, &r.before) } else { (&r.between, &r.after) };
            let mut probe = editor.clone();
            if one(&mut probe) && joined(&probe) == *mid && one(&mut probe) && joined(&probe) == *end {
                *editor = probe;
                return true;
            }
        }
        one(editor)
    }

    /// Forgets the editors of one member (they are made again from the draft when shown).
    pub fn forget_node(&mut self, id: &str) {
        self.map.retain(|(node, _), _| node != id);
        self.replacements.retain(|(node, _), _| node != id);
        self.tops.retain(|(node, _), _| node != id);
    }

    /// Forgets every editor.
    pub fn clear(&mut self) {
        self.map.clear();
        self.replacements.clear();
        self.tops.clear();
    }

    /// Moves a member's editors to its new id.
    pub fn rename_node(&mut self, id: &str, new_id: &str) {
        let keys: Vec<(String, Field)> = self.map.keys().filter(|(node, _)| node == id).cloned().collect();
        for key in keys {
            if let Some(editor) = self.map.remove(&key) {
                self.map.insert((new_id.to_string(), key.1), editor);
            }
            if let Some(list) = self.replacements.remove(&key) {
                self.replacements.insert((new_id.to_string(), key.1), list);
            }
            if let Some(top) = self.tops.remove(&key) {
                self.tops.insert((new_id.to_string(), key.1), top);
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

/// The editor's text, lines joined.
fn joined(editor: &TextArea<'_>) -> String {
    editor.lines().join("\n")
}

/// The cursor move to the end of `text` (a prefix of the editor's text), if the editor can jump there.
fn position(text: &[char]) -> Option<CursorMove> {
    let row = text.iter().filter(|c| **c == '\n').count();
    let col = text.iter().rev().take_while(|c| **c != '\n').count();
    Some(CursorMove::Jump(u16::try_from(row).ok()?, u16::try_from(col).ok()?))
}
