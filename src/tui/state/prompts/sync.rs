//! What drawing the Prompts tab needs, derived after every message: a valid selection, an
//! editor for each field on screen (styled for focus), and the form scrolled to the focused field.

use ratatui::style::{Modifier, Style};

use super::{FileState, PromptsFocus};
use crate::tui::state::{State, Tab};
use crate::tui::theme::Role;

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
        let theme = self.theme().clone();
        let focused = match self.prompts.focus {
            PromptsFocus::Field(field) if self.prompts.dialog.is_none() && self.overlays.is_empty() => {
                Some(field)
            }
            _ => None,
        };
        for ((node, field), editor) in self.prompts.editors.all_mut() {
            let has_cursor = *node == id && Some(*field) == focused;
            let cursor =
                if has_cursor { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
            editor.set_cursor_style(cursor);
            editor.set_cursor_line_style(Style::new());
            editor.set_style(theme.style(Role::Text));
            editor.set_placeholder_style(theme.style(Role::Dim));
        }
        if let Some(super::Dialog::Input { editor, .. }) = &mut self.prompts.dialog {
            editor.set_cursor_style(Style::new().add_modifier(Modifier::REVERSED));
            editor.set_cursor_line_style(Style::new());
        }
        if self.tab == Tab::Prompts {
            self.prompts.form_top = crate::tui::view::prompts::layout::form_top(self, self.area());
        }
    }
}
