//! Rows on screen of an editor's text (the Prompts tab's fields): wrapped at spaces, never inside
//! a word like `{role}` (unless a word is wider than the field), and never starting a row with the
//! space it broke at. Maps between the editor's (line, column) cursor and rows on screen, for
//! drawing, for scrolling the focused field, and for moving up and down by screen rows.

use unicode_width::UnicodeWidthChar;

/// One row on screen of a wrapped text: the characters `start..end` of line `line`. The rows of
/// a line cover it without gaps; the spaces a row broke at end it (and are not drawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenRow {
    pub line: usize,
    pub start: usize,
    pub end: usize,
}

/// Columns a character takes (a tab is shown as one space).
pub fn width_of(c: char) -> usize {
    if c == '\t' { 1 } else { c.width().unwrap_or(0) }
}

/// The rows of `lines` wrapped to `width` columns.
pub fn wrap(lines: &[String], width: usize) -> Vec<ScreenRow> {
    let width = width.max(1);
    let mut rows = Vec::new();
    for (line, text) in lines.iter().enumerate() {
        let chars: Vec<char> = text.chars().collect();
        let mut start = 0;
        let mut used = 0;
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == ' ' {
                // Spaces may run past the edge: they end the row, unseen.
                used += 1;
                i += 1;
                continue;
            }
            let word_end = chars[i..].iter().position(|c| *c == ' ').map_or(chars.len(), |n| i + n);
            let word: usize = chars[i..word_end].iter().map(|c| width_of(*c)).sum();
            if used + word <= width {
                used += word;
                i = word_end;
            } else if i > start {
                rows.push(ScreenRow { line, start, end: i });
                (start, used) = (i, 0);
            } else {
                // A word wider than the field: cut it where the field ends.
                let mut fit = 0;
                let mut cut = i;
                while cut < word_end && (cut == i || fit + width_of(chars[cut]) <= width) {
                    fit += width_of(chars[cut]);
                    cut += 1;
                }
                rows.push(ScreenRow { line, start, end: cut });
                (start, used, i) = (cut, 0, cut);
            }
        }
        rows.push(ScreenRow { line, start, end: chars.len() });
    }
    rows
}

/// How many rows `text` takes at `width` columns.
pub fn row_count(text: &str, width: usize) -> usize {
    let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    wrap(&lines, width).len()
}

/// The row and column on screen of the cursor at (`line`, `col`).
pub fn cursor_cell(rows: &[ScreenRow], lines: &[String], (line, col): (usize, usize)) -> (usize, usize) {
    let index = rows.iter().rposition(|r| r.line == line && r.start <= col).unwrap_or(0);
    let Some(row) = rows.get(index) else { return (0, 0) };
    let x =
        lines.get(line).map_or(0, |t| t.chars().skip(row.start).take(col - row.start).map(width_of).sum());
    (index, x)
}

/// The cursor position (line, column) at column `x` of screen row `index`.
pub fn position_at(rows: &[ScreenRow], lines: &[String], index: usize, x: usize) -> (usize, usize) {
    let Some(row) = rows.get(index) else { return (0, 0) };
    let last_of_line = rows.get(index + 1).is_none_or(|next| next.line != row.line);
    // On a row that continues below, its end is the next row's start: stop before it.
    let end = if last_of_line { row.end } else { row.end.saturating_sub(1).max(row.start) };
    let text = lines.get(row.line).map(String::as_str).unwrap_or_default();
    let mut used = 0;
    let mut col = row.start;
    for c in text.chars().skip(row.start).take(end - row.start) {
        if used + width_of(c) > x {
            break;
        }
        used += width_of(c);
        col += 1;
    }
    (row.line, col)
}

/// The characters of a row that fit in `width` columns.
pub fn visible(text: &str, row: &ScreenRow, width: usize) -> String {
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
