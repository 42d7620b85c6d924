//! Incremental word wrapping. A [`Wrapper`] takes text in pieces (streamed tokens) and keeps the
//! wrapped rows up to date in time proportional to the new text, not the whole transcript: rows
//! already finished never change, only the row being written does.
//!
//! Widths are measured per grapheme with `unicode-width` (as ratatui does), so a wide character
//! or an emoji never makes a row longer than its pane.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::tui::theme::Role;

/// A run of text in one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seg {
    pub text: String,
    pub role: Role,
}

/// One screen row: styled runs, and their total display width.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub segs: Vec<Seg>,
    pub width: usize,
}

impl Row {
    /// A row of one run.
    pub fn plain(text: impl Into<String>, role: Role) -> Row {
        let text = text.into();
        let width = text.width();
        Row { segs: vec![Seg { text, role }], width }
    }

    fn push(&mut self, text: &str, role: Role, width: usize) {
        match self.segs.last_mut() {
            Some(last) if last.role == role => last.text.push_str(text),
            _ => self.segs.push(Seg { text: text.to_string(), role }),
        }
        self.width += width;
    }

    fn append(&mut self, other: &Row) {
        for seg in &other.segs {
            self.push(&seg.text, seg.role, 0);
        }
        self.width += other.width;
    }

    fn is_empty(&self) -> bool {
        self.segs.is_empty()
    }

    /// The row's text without styles.
    pub fn text(&self) -> String {
        self.segs.iter().map(|s| s.text.as_str()).collect()
    }
}

/// Greedy word wrapper over a growing text.
#[derive(Debug, Clone)]
pub struct Wrapper {
    width: usize,
    done: Vec<Row>,
    /// Committed content of the row being written.
    line: Row,
    /// True once `line` holds text (not just a hanging indent).
    line_has_text: bool,
    /// Spaces waiting between `line` and the next word.
    gap: Row,
    /// The word being written.
    word: Row,
    /// Indent of continuation rows in the current logical line (lists, quotes).
    hang: usize,
    hang_role: Role,
}

impl Wrapper {
    /// A wrapper for rows `width` columns wide (at least 1).
    pub fn new(width: usize) -> Self {
        Self {
            width: width.max(1),
            done: Vec::new(),
            line: Row::default(),
            line_has_text: false,
            gap: Row::default(),
            word: Row::default(),
            hang: 0,
            hang_role: Role::Text,
        }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// Indents continuation rows of the current logical line by `columns` (capped at half the width).
    pub fn set_hang(&mut self, columns: usize, role: Role) {
        self.hang = columns.min(self.width / 2);
        self.hang_role = role;
    }

    /// Appends text in one role. `\n` ends the logical line.
    pub fn push_str(&mut self, text: &str, role: Role) {
        for grapheme in text.graphemes(true) {
            self.push_grapheme(grapheme, role);
        }
    }

    /// Appends a piece that must stay whole on one row if it fits (a list bullet, a label).
    pub fn push_unbroken(&mut self, text: &str, role: Role) {
        for grapheme in text.graphemes(true) {
            if grapheme == " " {
                self.push_word_grapheme(grapheme, role, 1);
            } else {
                self.push_grapheme(grapheme, role);
            }
        }
    }

    /// Ends the logical line (like pushing `\n`).
    pub fn newline(&mut self) {
        self.place_word();
        let row = std::mem::take(&mut self.line);
        self.done.push(row);
        self.gap = Row::default();
        self.line_has_text = false;
        self.hang = 0;
    }

    fn push_grapheme(&mut self, grapheme: &str, role: Role) {
        if grapheme == "\n" || grapheme == "\r\n" {
            self.newline();
            return;
        }
        if grapheme.chars().any(char::is_control) {
            return;
        }
        if grapheme == " " {
            self.place_word();
            if !self.line_has_text && self.line.width > 0 {
                // Leading spaces of a continuation row would only add to the hanging indent.
                return;
            }
            self.gap.push(" ", role, 1);
            return;
        }
        let width = grapheme.width();
        if width > self.width {
            // Wider than the whole row (a wide character in a 1-column pane): show a stand-in.
            self.push_word_grapheme("·", role, 1);
        } else {
            self.push_word_grapheme(grapheme, role, width);
        }
    }

    fn push_word_grapheme(&mut self, grapheme: &str, role: Role, width: usize) {
        let fresh_row = self.width - self.hang;
        if self.word.width + width > fresh_row {
            // The word cannot fit even on a row of its own: break it here.
            self.break_long_word();
        }
        self.word.push(grapheme, role, width);
    }

    /// Puts as much of an over-long word as fits, then continues it on the next row.
    fn break_long_word(&mut self) {
        let word = std::mem::take(&mut self.word);
        if self.line.width + self.gap.width + word.width <= self.width && self.line_has_text {
            self.commit(&word);
            self.wrap_row();
        } else {
            if self.line_has_text {
                self.wrap_row();
            }
            self.gap = Row::default();
            self.line.append(&word);
            self.line_has_text = true;
            self.wrap_row();
        }
    }

    /// Moves the pending word onto the current row, or onto a new one if it does not fit.
    fn place_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let word = std::mem::take(&mut self.word);
        if self.line.width + self.gap.width + word.width > self.width && self.line_has_text {
            self.wrap_row();
        }
        if !self.line_has_text && self.line.width + self.gap.width + word.width > self.width {
            // Leading indentation that no longer fits is dropped rather than wrapping an empty row.
            self.gap = Row::default();
        }
        self.commit(&word);
    }

    fn commit(&mut self, word: &Row) {
        let gap = std::mem::take(&mut self.gap);
        self.line.append(&gap);
        self.line.append(word);
        self.line_has_text = true;
    }

    /// Ends the current row because it is full; the logical line continues below.
    fn wrap_row(&mut self) {
        let row = std::mem::take(&mut self.line);
        self.done.push(row);
        self.gap = Row::default();
        self.line_has_text = false;
        if self.hang > 0 {
            self.line.push(&" ".repeat(self.hang), self.hang_role, self.hang);
        }
    }

    /// The rows of the logical line still being written (0, 1 or 2 rows).
    fn tail(&self) -> Vec<Row> {
        let has_gap = !self.gap.is_empty();
        if self.word.is_empty() {
            if !self.line_has_text && !has_gap {
                return Vec::new();
            }
            let mut row = self.line.clone();
            if has_gap {
                let room = self.width.saturating_sub(row.width).min(self.gap.width);
                row.push(&" ".repeat(room), Role::Text, room);
            }
            return vec![row];
        }
        if self.line.width + self.gap.width + self.word.width <= self.width {
            let mut row = self.line.clone();
            row.append(&self.gap);
            row.append(&self.word);
            return vec![row];
        }
        if !self.line_has_text {
            let mut row = self.line.clone();
            row.append(&self.word);
            return vec![row];
        }
        let mut next = Row::default();
        if self.hang > 0 {
            next.push(&" ".repeat(self.hang), self.hang_role, self.hang);
        }
        next.append(&self.word);
        vec![self.line.clone(), next]
    }

    /// Number of rows, including the one being written.
    pub fn len(&self) -> usize {
        self.done.len() + self.tail().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows `top..top + height` (fewer at the end). Only these rows are copied.
    pub fn rows(&self, top: usize, height: usize) -> Vec<Row> {
        let mut out = Vec::with_capacity(height);
        let end = top.saturating_add(height);
        if top < self.done.len() {
            out.extend(self.done[top..end.min(self.done.len())].iter().cloned());
        }
        if end > self.done.len() {
            let tail = self.tail();
            let skip = top.saturating_sub(self.done.len());
            out.extend(tail.into_iter().skip(skip).take(end - self.done.len().max(top)));
        }
        out
    }

    /// Every row (for tests and copying).
    pub fn all_rows(&self) -> Vec<Row> {
        self.rows(0, self.len())
    }
}

/// Wraps a whole text at once.
pub fn wrap(text: &str, width: usize, role: Role) -> Vec<Row> {
    let mut wrapper = Wrapper::new(width);
    wrapper.push_str(text, role);
    wrapper.all_rows()
}

/// Cuts `text` to at most `width` columns, ending in `…` when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let w = grapheme.width();
        if used + w > width - 1 {
            break;
        }
        out.push_str(grapheme);
        used += w;
    }
    out.push('…');
    out
}

/// The last `width` columns of `text`, starting with `…` when cut (a live tail).
pub fn tail_of(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut kept: Vec<&str> = Vec::new();
    let mut used = 0;
    for grapheme in text.graphemes(true).rev() {
        let w = grapheme.width();
        if used + w > width - 1 {
            break;
        }
        kept.push(grapheme);
        used += w;
    }
    kept.reverse();
    format!("…{}", kept.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(rows: &[Row]) -> Vec<String> {
        rows.iter().map(Row::text).collect()
    }

    #[test]
    fn wraps_words_greedily() {
        let rows = wrap("the quick brown fox jumps over", 10, Role::Text);
        assert_eq!(texts(&rows), ["the quick", "brown fox", "jumps over"]);
    }

    #[test]
    fn breaks_words_longer_than_the_row() {
        let rows = wrap("abcdefghijkl xy", 5, Role::Text);
        assert_eq!(texts(&rows), ["abcde", "fghij", "kl xy"]);
    }

    #[test]
    fn keeps_blank_lines_and_indentation() {
        let rows = wrap("a\n\n  b", 10, Role::Text);
        assert_eq!(texts(&rows), ["a", "", "  b"]);
    }

    #[test]
    fn streaming_in_pieces_matches_wrapping_at_once() {
        let text = "Streaming text arrives in pieces that split words, like hel lo, and lines\nacross calls.";
        let whole = wrap(text, 12, Role::Text);
        for step in [1, 2, 3, 7] {
            let mut w = Wrapper::new(12);
            let chars: Vec<char> = text.chars().collect();
            for chunk in chars.chunks(step) {
                w.push_str(&chunk.iter().collect::<String>(), Role::Text);
            }
            assert_eq!(texts(&w.all_rows()), texts(&whole), "step {step}");
        }
    }

    #[test]
    fn wide_characters_never_exceed_the_width() {
        for width in 1..8 {
            let rows = wrap("世界世界世 👩‍🔬👩‍🔬 emoji", width, Role::Text);
            for row in &rows {
                assert!(row.width <= width && row.text().width() <= width, "{width}: {:?}", row.text());
            }
        }
    }

    #[test]
    fn hanging_indent_applies_to_continuation_rows() {
        let mut w = Wrapper::new(10);
        w.push_unbroken("• ", Role::ListMarker);
        w.set_hang(2, Role::Text);
        w.push_str("one two three four", Role::Text);
        w.newline();
        assert_eq!(texts(&w.all_rows()), ["• one two", "  three", "  four"]);
    }

    #[test]
    fn rows_slices_include_the_live_tail() {
        let mut w = Wrapper::new(5);
        w.push_str("aaa bbb ccc", Role::Text);
        assert_eq!(w.len(), 3);
        assert_eq!(texts(&w.rows(1, 5)), ["bbb", "ccc"]);
        assert_eq!(texts(&w.rows(2, 1)), ["ccc"]);
    }

    #[test]
    fn truncation_respects_width() {
        assert_eq!(truncate("hello world", 8), "hello w…");
        assert_eq!(truncate("世界世界", 5), "世界…");
        assert_eq!(tail_of("hello world", 6), "…world");
    }
}
