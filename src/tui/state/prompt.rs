//! The prompt box: a multi-line editor with a history of sent prompts.

use ratatui_textarea::{CursorMove, Input, Key, TextArea};

use crate::text::sanitize::sanitize;

/// The editor and its history.
#[derive(Debug, Clone)]
pub struct PromptBox {
    pub editor: TextArea<'static>,
    history: Vec<String>,
    /// Position while browsing the history (`None`: editing a fresh prompt).
    browsing: Option<usize>,
    /// The unsent text kept aside while browsing.
    draft: String,
}

impl Default for PromptBox {
    fn default() -> Self {
        Self { editor: new_editor(""), history: Vec::new(), browsing: None, draft: String::new() }
    }
}

fn new_editor(text: &str) -> TextArea<'static> {
    let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let mut editor = TextArea::new(lines);
    editor.set_placeholder_text("Ask the team something… (Enter sends, Alt-Enter or Ctrl-J for a new line)");
    editor.move_cursor(CursorMove::Bottom);
    editor.move_cursor(CursorMove::End);
    editor
}

impl PromptBox {
    /// The whole text.
    pub fn text(&self) -> String {
        self.editor.lines().join("\n")
    }

    pub fn line_count(&self) -> usize {
        self.editor.lines().len()
    }

    /// Replaces the text, keeping the editor's styling (set by the view).
    pub fn set_text(&mut self, text: &str) {
        self.editor = new_editor(text);
    }

    /// Takes the prompt to send: trimmed, recorded in history, editor cleared. `None` if blank.
    pub fn take(&mut self) -> Option<String> {
        let text = self.text().trim().to_string();
        if text.is_empty() {
            return None;
        }
        if self.history.last() != Some(&text) {
            self.history.push(text.clone());
        }
        self.browsing = None;
        self.draft.clear();
        self.set_text("");
        Some(text)
    }

    /// Puts a prompt back (a run that could not start).
    pub fn restore(&mut self, text: &str) {
        self.set_text(text);
    }

    /// Up: on the first line, recall the previous prompt; elsewhere, move the cursor.
    pub fn history_prev(&mut self) {
        if self.editor.cursor().0 > 0 {
            self.editor.move_cursor(CursorMove::Up);
            return;
        }
        let next = match self.browsing {
            None if self.history.is_empty() => return,
            None => {
                self.draft = self.text();
                self.history.len() - 1
            }
            Some(0) => return,
            Some(i) => i - 1,
        };
        self.browsing = Some(next);
        let text = self.history[next].clone();
        self.set_text(&text);
    }

    /// Down: on the last line, recall the next prompt (or the draft); elsewhere, move the cursor.
    pub fn history_next(&mut self) {
        if self.editor.cursor().0 + 1 < self.line_count() {
            self.editor.move_cursor(CursorMove::Down);
            return;
        }
        let Some(i) = self.browsing else { return };
        if i + 1 < self.history.len() {
            self.browsing = Some(i + 1);
            let text = self.history[i + 1].clone();
            self.set_text(&text);
        } else {
            self.browsing = None;
            let draft = std::mem::take(&mut self.draft);
            self.set_text(&draft);
        }
    }

    pub fn newline(&mut self) {
        self.editor.insert_newline();
    }

    /// Pasted text goes in as typed, minus anything that is not text.
    pub fn paste(&mut self, text: &str) {
        self.editor.insert_str(sanitize(text));
    }

    /// Any other key: the editor's own handling (cursor moves, deletes, undo…), except that
    /// Ctrl-U deletes to the start of the line as in a shell, and Ctrl-Z undoes.
    pub fn input(&mut self, input: impl Into<Input>) {
        let input = input.into();
        match input {
            Input { key: Key::Char('u'), ctrl: true, alt: false, .. } => {
                self.editor.delete_line_by_head();
            }
            Input { key: Key::Char('z'), ctrl: true, alt: false, .. } => {
                self.editor.undo();
            }
            other => {
                self.editor.input(other);
            }
        }
    }

    /// Prompts sent in this session, oldest first.
    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// Adds a prompt sent another way (running a past one again) to the history.
    pub fn remember(&mut self, text: &str) {
        let text = text.trim();
        if !text.is_empty() && self.history.last().map(String::as_str) != Some(text) {
            self.history.push(text.to_string());
        }
    }

    /// Puts prompts of earlier sessions (oldest first) before this session's, so Up reaches them.
    pub fn seed_history(&mut self, earlier: Vec<String>) {
        let mut seeded: Vec<String> = earlier.into_iter().filter(|p| !p.trim().is_empty()).collect();
        seeded.dedup();
        let added = seeded.len();
        let session = self.history.len();
        seeded.append(&mut self.history);
        seeded.dedup();
        let removed = added + session - seeded.len();
        self.history = seeded;
        if let Some(at) = &mut self.browsing {
            *at = (*at + added).saturating_sub(removed).min(self.history.len().saturating_sub(1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_recall_keeps_the_draft() {
        let mut p = PromptBox::default();
        p.set_text("first");
        assert_eq!(p.take().as_deref(), Some("first"));
        p.set_text("second");
        p.take();
        p.set_text("draft");
        p.history_prev();
        assert_eq!(p.text(), "second");
        p.history_prev();
        assert_eq!(p.text(), "first");
        p.history_prev();
        assert_eq!(p.text(), "first");
        p.history_next();
        assert_eq!(p.text(), "second");
        p.history_next();
        assert_eq!(p.text(), "draft");
    }

    #[test]
    fn blank_prompts_are_not_sent() {
        let mut p = PromptBox::default();
        p.set_text("  \n ");
        assert_eq!(p.take(), None);
        assert!(p.history().is_empty());
    }

    #[test]
    fn earlier_sessions_come_before_this_one() {
        let mut p = PromptBox::default();
        p.set_text("today");
        p.take();
        p.seed_history(vec!["monday".into(), "tuesday".into(), "tuesday".into(), " ".into()]);
        assert_eq!(p.history(), ["monday", "tuesday", "today"]);
        p.history_prev();
        p.history_prev();
        assert_eq!(p.text(), "tuesday");
        p.remember("again");
        p.remember("again");
        assert_eq!(p.history(), ["monday", "tuesday", "today", "again"]);
    }

    #[test]
    fn up_moves_within_a_multiline_prompt_first() {
        let mut p = PromptBox::default();
        p.set_text("old");
        p.take();
        p.set_text("line one\nline two");
        p.history_prev();
        assert_eq!(p.text(), "line one\nline two");
        p.history_prev();
        assert_eq!(p.text(), "old");
    }
}
