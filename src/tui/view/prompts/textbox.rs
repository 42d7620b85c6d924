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

use crate::tui::text::field_rows::{ScreenRow, cursor_cell, width_of, wrap};
use crate::tui::text::wrap::truncate;

/// The characters of a row that fit in `width` columns.
fn visible(text: &str, row: &ScreenRow, width: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in text.chars().skip(row.start).take(row.end - row.start) {
        if used + width_of(c) > width {
            break;
        }
        used += width_of(c);
        out.push(if c == '\t' { ' ' } else { c });
    }
    out
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(text: &str, width: usize) -> Vec<String> {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        wrap(&lines, width).iter().map(|r| visible(&lines[r.line], r, width).trim_end().to_string()).collect()
    }

    #[test]
    fn rows_break_at_spaces_keep_placeholders_whole_and_never_start_with_the_space() {
        assert_eq!(
            rows_of("You are {name}, the {role} of a team.", 14),
            ["You are", "{name}, the", "{role} of a", "team."]
        );
        assert_eq!(rows_of("a  b", 1), ["a", "b"]);
        assert_eq!(rows_of("", 5), [""]);
        assert_eq!(rows_of("one\n\ntwo", 5), ["one", "", "two"]);
        // Indentation at the start of a line is the text's own: kept.
        assert_eq!(rows_of("  - item", 10), ["  - item"]);
    }

    #[test]
    fn a_word_wider_than_the_field_is_cut_where_the_field_ends() {
        assert_eq!(rows_of("see https://example.com/x ok", 8), ["see", "https://", "example.", "com/x ok"]);
        assert_eq!(rows_of("日本語です", 4), ["日本", "語で", "す"]);
        assert_eq!(row_count("日本語です", 4), 3);
    }

    #[test]
    fn the_cursor_maps_to_its_cell_and_back() {
        let lines = vec!["You are {name}, the {role}.".to_string(), "Be brief.".to_string()];
        let rows = wrap(&lines, 12);
        assert_eq!(rows.len(), 4);
        // "the" is at column 16 of the line, 8 columns into row 1.
        assert_eq!(cursor_cell(&rows, &lines, (0, 16)), (1, 8));
        assert_eq!(position_at(&rows, &lines, 1, 8), (0, 16));
        // The break's space belongs to the row above: the cursor on it stays there.
        assert_eq!(cursor_cell(&rows, &lines, (0, 7)), (0, 7));
        // Moving to a shorter row stops at its end, before the next row's first character.
        assert_eq!(position_at(&rows, &lines, 0, 40), (0, 7));
        assert_eq!(position_at(&rows, &lines, 3, 40), (1, 9));
    }
}
