//! The form's text fields, drawn by the tab itself rather than by the editor widget, so that
//! wrapping is the one the layout counts: at spaces, never inside a word like `{role}` (unless a
//! word is wider than the field), and never starting a row with the space it broke at. The
//! editor (`ratatui-textarea`) keeps the text, the cursor and the undo history; this module
//! maps between its (line, column) cursor and rows on screen, for drawing, for scrolling the
//! focused field, and for moving up and down by screen rows.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui_textarea::TextArea;

use crate::tui::text::field_rows::{cursor_cell, visible, width_of, wrap};
use crate::tui::text::wrap::truncate;

/// How a field's text is drawn.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub text: Style,
    /// For the placeholder of an empty field and the "more lines" mark.
    pub dim: Style,
    /// The field has the keyboard: its cursor is drawn.
    pub cursor: bool,
}

/// Draws a multi-line field from screen row `top`. Without the cursor, a text longer than the
/// area ends in a row saying how many more lines there are.
pub fn draw_text(buf: &mut Buffer, area: Rect, editor: &TextArea<'_>, top: usize, look: Look) {
    if area.is_empty() {
        return;
    }
    let lines = editor.lines();
    let width = area.width as usize;
    if editor.is_empty() {
        draw_placeholder(buf, area, editor, look);
        return;
    }
    let rows = wrap(lines, width);
    let height = area.height as usize;
    let cut = !look.cursor && rows.len() > top + height;
    let shown = if cut { height - 1 } else { height };
    for (i, row) in rows.iter().skip(top).take(shown).enumerate() {
        let text = visible(&lines[row.line], row, width);
        buf.set_stringn(area.x, area.y + i as u16, &text, width, look.text);
    }
    if cut {
        let more = rows.len() - top - shown;
        let s = if more == 1 { "" } else { "s" };
        let mark = truncate(&format!("… {more} more line{s}"), width);
        buf.set_stringn(area.x, area.bottom() - 1, &mark, width, look.dim);
    }
    if look.cursor {
        let cursor = editor.cursor();
        let (row, x) = cursor_cell(&rows, lines, (cursor.0, cursor.1));
        if row >= top && row < top + height {
            let x = x.min(width - 1) as u16;
            buf.set_style(Rect::new(area.x + x, area.y + (row - top) as u16, 1, 1), cursor_style());
        }
    }
}

/// Draws a one-line field. Without the cursor, a value wider than the field shows its start and
/// `…`; with it, the value slides so the cursor stays in view.
pub fn draw_line(buf: &mut Buffer, area: Rect, editor: &TextArea<'_>, look: Look) {
    if area.is_empty() {
        return;
    }
    if editor.is_empty() {
        draw_placeholder(buf, area, editor, look);
        return;
    }
    let width = area.width as usize;
    let text = editor.lines().first().map(String::as_str).unwrap_or_default();
    if !look.cursor {
        buf.set_stringn(area.x, area.y, truncate(text, width), width, look.text);
        return;
    }
    let col = editor.cursor().1;
    let before: usize = text.chars().take(col).map(width_of).sum();
    // Keep the cursor's cell on screen: skip whole characters until it fits.
    let mut skipped = 0;
    let mut chars = text.chars().peekable();
    while before.saturating_sub(skipped) >= width {
        skipped += chars.next().map_or(1, width_of);
    }
    let shown: String = chars.collect();
    buf.set_stringn(area.x, area.y, &shown, width, look.text);
    let x = before.saturating_sub(skipped).min(width - 1) as u16;
    buf.set_style(Rect::new(area.x + x, area.y, 1, 1), cursor_style());
}

fn draw_placeholder(buf: &mut Buffer, area: Rect, editor: &TextArea<'_>, look: Look) {
    let width = area.width as usize;
    let placeholder = editor.placeholder_text();
    buf.set_stringn(area.x, area.y, truncate(placeholder, width), width, look.dim);
    if look.cursor {
        buf.set_style(Rect::new(area.x, area.y, 1, 1), cursor_style());
    }
}

fn cursor_style() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}
