//! Where the History tab's parts go (the reducer uses it for paging and the mouse).

use ratatui::layout::Rect;

/// Where the History tab's parts go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HistoryLayout {
    pub tabs: Rect,
    pub search: Rect,
    pub header: Rect,
    pub list: Rect,
    pub detail: Rect,
    pub status: Rect,
}

/// The History tab's layout for a screen (the reducer uses it for paging and the mouse).
pub fn layout(area: Rect) -> HistoryLayout {
    let row = |y: u16, height: u16| Rect::new(area.x, y.min(area.bottom()), area.width, height);
    let status_y = area.bottom().saturating_sub(1);
    let detail_y = status_y.saturating_sub(1);
    let list_y = area.y.saturating_add(5);
    HistoryLayout {
        tabs: row(area.y, 1.min(area.height)),
        search: row(area.y.saturating_add(1), 3.min(area.height.saturating_sub(1))),
        header: row(area.y.saturating_add(4), 1),
        list: row(list_y, detail_y.saturating_sub(list_y)),
        detail: row(detail_y, 1),
        status: row(status_y, 1),
    }
}
