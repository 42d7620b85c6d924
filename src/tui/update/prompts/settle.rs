//! The Prompts tab kept consistent after every message: a valid selection and focus, an editor
//! for each field of the selected member, the form scrolled to the focused field, and the focused
//! prompt scrolled to its cursor (both measured with the tab's layout at the current size).

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::tui::screen::prompts::layout;
use crate::tui::state::prompts::{Dialog, FieldKind, FileState, PromptsFocus, kind_of};
use crate::tui::state::{State, Tab};
use crate::tui::text::field_rows;

/// Settles the tab after a message.
pub fn settle(state: &mut State) {
    let key = (
        state.prompts.revision,
        state.size,
        state.theme_index,
        state.overlays.len(),
        state.tab == Tab::Prompts,
    );
    // Streamed tokens and ticks change nothing here: skip the work.
    if state.prompts.synced == Some(key) {
        return;
    }
    state.prompts.synced = Some(key);
    let FileState::Ready(editing) = &state.prompts.file else { return };
    let h = editing.draft.hierarchy();
    if h.node(&state.prompts.selected).is_none() {
        state.prompts.selected = h.root().id.clone();
        state.prompts.form_top = 0;
    }
    if let PromptsFocus::Field(field) = state.prompts.focus
        && !state.prompts.fields().contains(&field)
    {
        state.prompts.focus = PromptsFocus::Tree;
    }
    let id = state.prompts.selected.clone();
    for field in state.prompts.fields() {
        let text = state.prompts.draft().and_then(|d| d.field_text(&id, field)).unwrap_or_default();
        state.prompts.editors.ensure(&id, field, || text);
    }
    if let Some(Dialog::Input { editor, .. }) = &mut state.prompts.dialog {
        editor.set_cursor_style(Style::new().add_modifier(Modifier::REVERSED));
        editor.set_cursor_line_style(Style::new());
    }
    if state.tab == Tab::Prompts {
        let area = state.area();
        state.prompts.form_top = layout::form_top(state, area);
        scroll_focused_prompt(state, area);
    }
}

/// Scrolls the focused prompt so its cursor shows (the form draws it from that row).
fn scroll_focused_prompt(state: &mut State, area: Rect) {
    let Some(field) = state.prompts.focused_field().filter(|f| kind_of(*f) == FieldKind::Text) else {
        return;
    };
    let layout = layout::compute(state, area);
    let Some(block) = layout.blocks.iter().find(|b| b.field == field) else { return };
    let id = state.prompts.selected.clone();
    let Some(editor) = state.prompts.editors.get(&id, field) else { return };
    let rows = field_rows::wrap(editor.lines(), block.editor.width as usize);
    let cursor = editor.cursor();
    let (row, _) = field_rows::cursor_cell(&rows, editor.lines(), (cursor.0, cursor.1));
    let (height, count) = (block.editor.height as usize, rows.len());
    state.prompts.editors.scroll_to(&id, field, row, height, count);
}
