//! Painting helpers every view uses: wrapped rows into an area, a centred box, a styled span,
//! and how a key reads in a hint.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;

use crate::tui::action::{Action, Context};
use crate::tui::state::State;
use crate::tui::text::wrap::Row;
use crate::tui::theme::Theme;

/// Draws wrapped rows into `area`, one per line, each clipped to the width.
///
/// This is most of what a frame paints (every pane's text, every frame), so printable ASCII,
/// nearly all of a model's text, goes straight into the cells: one byte is one cell, with none
/// of the grapheme and width work that `Buffer::set_stringn` does for any text. Anything else
/// takes that general path. Both give the same cells.
pub fn draw_rows(buf: &mut Buffer, area: Rect, rows: &[Row], theme: &Theme) {
    let right = area.right();
    for (row, y) in rows.iter().zip(area.top()..area.bottom()) {
        let mut x = area.x;
        for seg in &row.segs {
            if x >= right {
                break;
            }
            x = put_text(buf, x, y, right, &seg.text, theme.style(seg.role));
        }
    }
}

/// Writes `text` from `(x, y)`, cut at column `right`; returns the column after it. Printable
/// ASCII goes straight into the row's cells (one byte, one cell); anything else takes
/// `Buffer::set_stringn`. Both give the same cells.
pub fn put_text(buf: &mut Buffer, x: u16, y: u16, right: u16, text: &str, style: Style) -> u16 {
    if !text.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return buf.set_stringn(x, y, text, usize::from(right.saturating_sub(x)), style).0;
    }
    let right = right.min(buf.area.right());
    if y < buf.area.top() || y >= buf.area.bottom() || x < buf.area.left() || x >= right {
        return x;
    }
    let count = text.len().min(usize::from(right - x));
    let start = buf.index_of(x, y);
    for (cell, byte) in buf.content[start..start + count].iter_mut().zip(text.bytes()) {
        cell.set_char(char::from(byte)).set_style(style);
    }
    x + count as u16
}

/// A centred rect of at most `width` × `height` inside `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(area.x + (area.width - width) / 2, area.y + (area.height - height) / 2, width, height)
}

/// A span in a role.
pub fn span<'a>(text: impl Into<std::borrow::Cow<'a, str>>, style: Style) -> Span<'a> {
    Span::styled(text, style)
}

/// The key bound to `action` in `ctx`, as hints show it (empty when none is).
pub fn key_hint(state: &State, ctx: Context, action: Action) -> String {
    state.keymap.hint(ctx, action).unwrap_or_default()
}

/// The key for an action, a letter if one is bound ("y" reads better than "Enter" for yes).
pub fn letter_key(state: &State, ctx: Context, action: Action) -> String {
    let keys = state.keymap.keys_for(ctx, action);
    keys.iter().find(|k| k.chars().count() == 1).or(keys.first()).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::text::wrap::Seg;
    use crate::tui::theme::{Role, ThemeSet};
    use ratatui::text::Line;

    fn to_line<'a>(row: &'a Row, theme: &Theme) -> Line<'a> {
        Line::from(
            row.segs.iter().map(|s| Span::styled(s.text.as_str(), theme.style(s.role))).collect::<Vec<_>>(),
        )
    }

    /// The same rows through ratatui's general path, to compare cell by cell.
    fn by_set_line(area: Rect, rows: &[Row], theme: &Theme) -> Buffer {
        let mut buf = Buffer::empty(area);
        for (row, y) in rows.iter().zip(area.top()..area.bottom()) {
            buf.set_line(area.x, y, &to_line(row, theme), area.width);
        }
        buf
    }

    #[test]
    fn ascii_fast_path_paints_the_same_cells_as_the_general_path() {
        let themes = ThemeSet::built_in();
        let theme = themes.at(0);
        let seg = |text: &str, role: Role| Seg { text: text.into(), role };
        let rows = vec![
            Row { segs: vec![seg("Plain ASCII, clipped at the edge of the pane", Role::ALL[0])], width: 44 },
            Row {
                segs: vec![seg("mixed ", Role::ALL[1]), seg("naïve café 日本語 🌍", Role::ALL[2])],
                width: 25,
            },
            Row {
                segs: vec![seg("wide at the end 日本", Role::ALL[3]), seg("x", Role::ALL[4])], width: 21
            },
            Row {
                segs: vec![seg("a", Role::ALL[0]), seg("", Role::ALL[1]), seg("b c", Role::ALL[2])],
                width: 4,
            },
            Row::default(),
        ];
        for width in [1, 7, 18, 20, 60] {
            let area = Rect::new(3, 2, width, 6);
            let mut fast = Buffer::empty(area);
            draw_rows(&mut fast, area, &rows, theme);
            assert_eq!(fast, by_set_line(area, &rows, theme), "width {width}");
        }
    }
}
