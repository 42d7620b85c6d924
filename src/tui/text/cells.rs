//! Building rows cell by cell for tables and charts (the wrapper is for prose).

use unicode_width::UnicodeWidthStr;

use crate::tui::text::wrap::{Row, Seg, Wrapper, truncate};
use crate::tui::theme::Role;

/// A row built piece by piece, never wider than its limit.
#[derive(Debug, Default)]
pub struct RowBuilder {
    row: Row,
    limit: usize,
}

impl RowBuilder {
    pub fn new(limit: usize) -> Self {
        Self { row: Row::default(), limit }
    }

    /// Appends `text` in `role`, cut to the room left.
    pub fn push(&mut self, text: &str, role: Role) -> &mut Self {
        let room = self.limit.saturating_sub(self.row.width);
        let text = truncate(text, room);
        let width = text.width();
        if width == 0 {
            return self;
        }
        match self.row.segs.last_mut() {
            Some(last) if last.role == role => last.text.push_str(&text),
            _ => self.row.segs.push(Seg { text, role }),
        }
        self.row.width += width;
        self
    }

    /// Appends `text` padded (or cut) to exactly `width` columns, left-aligned.
    pub fn left(&mut self, text: &str, width: usize, role: Role) -> &mut Self {
        let text = truncate(text, width);
        let pad = width.saturating_sub(text.width());
        self.push(&text, role).push(&" ".repeat(pad), Role::Text)
    }

    /// Appends `text` padded to exactly `width` columns, right-aligned.
    pub fn right(&mut self, text: &str, width: usize, role: Role) -> &mut Self {
        let text = truncate(text, width);
        let pad = width.saturating_sub(text.width());
        self.push(&" ".repeat(pad), Role::Text).push(&text, role)
    }

    pub fn width(&self) -> usize {
        self.row.width
    }

    pub fn build(self) -> Row {
        self.row
    }
}

/// Prose wrapped to `width`, continuation rows indented by `hang`.
pub fn paragraph(pieces: &[(&str, Role)], width: usize, hang: usize) -> Vec<Row> {
    let mut w = Wrapper::new(width);
    w.set_hang(hang, Role::Text);
    for (text, role) in pieces {
        w.push_str(text, *role);
    }
    w.all_rows()
}
