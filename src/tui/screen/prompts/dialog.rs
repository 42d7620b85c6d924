//! Where the Prompts tab's comparison dialog puts its rows (the reducer pages through them).

use ratatui::layout::Rect;

use crate::tui::screen::layout::inner;

/// The comparison's frame on a screen of `area`: everything but the tab and status bars.
pub fn diff_frame(area: Rect) -> Rect {
    Rect::new(area.x, area.y + 1, area.width, area.height.saturating_sub(2))
}

/// Where the comparison's rows go on a screen of `area` (under its one-line heading).
pub fn diff_area(area: Rect) -> Rect {
    let body = inner(diff_frame(area));
    Rect::new(body.x + 1, body.y + 1, body.width.saturating_sub(2), body.height.saturating_sub(1))
}
