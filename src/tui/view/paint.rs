//! Painting helpers every view uses: wrapped rows into an area, a centred box, a styled span,
//! and how a key reads in a hint.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::tui::action::{Action, Context};
use crate::tui::state::State;
use crate::tui::text::wrap::Row;
use crate::tui::theme::Theme;

/// Draws wrapped rows into `area`, one per line, each clipped to the width.
pub fn draw_rows(buf: &mut Buffer, area: Rect, rows: &[Row], theme: &Theme) {
    for (row, y) in rows.iter().zip(area.top()..area.bottom()) {
        let line = to_line(row, theme);
        buf.set_line(area.x, y, &line, area.width);
    }
}

/// A wrapped row as a styled line.
pub fn to_line<'a>(row: &'a Row, theme: &Theme) -> Line<'a> {
    Line::from(
        row.segs.iter().map(|s| Span::styled(s.text.as_str(), theme.style(s.role))).collect::<Vec<_>>(),
    )
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
