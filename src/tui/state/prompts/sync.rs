//! What drawing the Prompts tab needs, derived after every message: a valid selection, an
//! editor for each field on screen, the form scrolled to the focused field, and the focused
//! prompt scrolled to its cursor.

use ratatui::style::{Modifier, Style};

use super::{FieldKind, FileState, PromptsFocus, kind_of};
use crate::tui::state::{State, Tab};

impl State {
    /// Keeps the Prompts tab's derived state in step with the rest.
    pub(crate) fn sync_prompts(&mut self) {
        let key = (
            self.prompts.revision,
            self.size,
            self.theme_index,
            self.overlays.len(),
            self.tab == Tab::Prompts,
        );
        // Streamed tokens and ticks change nothing here: skip the work.
        if self.prompts.synced == Some(key) {
            return;
        }
        self.prompts.synced = Some(key);
        let FileState::Ready(editing) = &self.prompts.file else { return };
        let h = editing.draft.hierarchy();
        if h.node(&self.prompts.selected).is_none() {
            self.prompts.selected = h.root().id.clone();
            self.prompts.form_top = 0;
        }
        if let PromptsFocus::Field(field) = self.prompts.focus
            && !self.prompts.fields().contains(&field)
        {
            self.prompts.focus = PromptsFocus::Tree;
        }
        let id = self.prompts.selected.clone();
        for field in self.prompts.fields() {
            let text = self.prompts.draft().and_then(|d| d.field_text(&id, field)).unwrap_or_default();
            self.prompts.editors.ensure(&id, field, || text);
        }
        if let Some(super::Dialog::Input { editor, .. }) = &mut self.prompts.dialog {
            editor.set_cursor_style(Style::new().add_modifier(Modifier::REVERSED));
            editor.set_cursor_line_style(Style::new());
        }
        if self.tab == Tab::Prompts {
            let area = self.area();
            self.prompts.form_top = crate::tui::screen::prompts::layout::form_top(self, area);
            self.scroll_focused_prompt(area);
        }
    }

    /// Scrolls the focused prompt so its cursor shows (the form draws it from that row).
    fn scroll_focused_prompt(&mut self, area: ratatui::layout::Rect) {
        use crate::tui::{screen::prompts::layout, text::field_rows as textbox};
        let Some(field) = self.prompts.focused_field().filter(|f| kind_of(*f) == FieldKind::Text) else {
            return;
        };
        let layout = layout::compute(self, area);
        let Some(block) = layout.blocks.iter().find(|b| b.field == field) else { return };
        let id = self.prompts.selected.clone();
        let Some(editor) = self.prompts.editors.get(&id, field) else { return };
        let rows = textbox::wrap(editor.lines(), block.editor.width as usize);
        let cursor = editor.cursor();
        let (row, _) = textbox::cursor_cell(&rows, editor.lines(), (cursor.0, cursor.1));
        let (height, count) = (block.editor.height as usize, rows.len());
        self.prompts.editors.scroll_to(&id, field, row, height, count);
    }
}
