//! Where the Lab tab's parts go, as pure functions of the screen and the tab's state. The reducer
//! uses them for wrapping widths and mouse hits; the views use them to draw.

use ratatui::layout::Rect;

use crate::tui::state::lab::{LabState, VoteScreen};
use crate::tui::text::wrap::wrap;
use crate::tui::theme::Role;

/// Side by side from this width; stacked below it.
const SIDE_BY_SIDE: u16 = 70;

/// The Lab tab's body: everything between the tab bar and the status bar.
pub fn body(area: Rect) -> Rect {
    Rect::new(area.x, area.y.saturating_add(1), area.width, area.height.saturating_sub(2))
}

/// The text area of a bordered panel (the scoreboard's table needs every column at 80 wide).
pub fn inner_text(r: Rect) -> Rect {
    crate::tui::screen::layout::inner(r)
}

/// The scoreboard view's regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BoardLayout {
    /// The box asking for a prompt to compare, when open.
    pub ask: Option<Rect>,
    /// The comparison running, or the last one's result.
    pub progress: Option<Rect>,
    /// The scoreboard (bordered).
    pub board: Rect,
    /// The queue of pairs waiting for a vote (bordered).
    pub queue: Rect,
}

/// Lays out the scoreboard view in `body`.
pub fn board(body: Rect, lab: &LabState) -> BoardLayout {
    let mut top = body.y;
    let bottom = body.bottom();
    let ask = lab.ask.is_some().then(|| {
        let rect = Rect::new(body.x, top, body.width, 3u16.min(body.height));
        top += rect.height;
        rect
    });
    let progress_rows: u16 = match (&lab.comparison, &lab.last) {
        (None, None) => 0,
        _ if body.height >= 20 => 2,
        _ => 1,
    };
    let progress = (progress_rows > 0).then(|| {
        let rect = Rect::new(body.x, top, body.width, progress_rows.min(bottom.saturating_sub(top)));
        top += rect.height;
        rect
    });
    let left = bottom.saturating_sub(top);
    let wanted = lab.queue().len().max(1) as u16 + 2;
    let queue_h = wanted.clamp(3, (left / 3).max(3)).min(left);
    let board = Rect::new(body.x, top, body.width, left - queue_h);
    let queue = Rect::new(body.x, board.bottom(), body.width, queue_h);
    BoardLayout { ask, progress, board, queue }
}

/// The vote screen's regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VoteLayout {
    pub header: Rect,
    pub prompt: Rect,
    /// The answer panes (bordered) and their text areas.
    pub a: Rect,
    pub b: Rect,
    pub a_text: Rect,
    pub b_text: Rect,
    pub reason: Rect,
    pub keys: Rect,
}

/// Rows the prompt takes on the vote screen.
pub fn prompt_rows(screen: &VoteScreen, width: u16, body_height: u16) -> u16 {
    let most = match body_height {
        h if h >= 28 => 4,
        h if h >= 16 => 2,
        _ => 1,
    };
    let text = screen.item.as_ref().map_or("", |i| i.pending.prompt.text.as_str());
    let rows = wrap(text, width.saturating_sub(8).max(1) as usize, Role::Text).len() as u16;
    rows.clamp(1, most)
}

/// Lays out the vote screen in `body`: header, prompt, the two answers, reason, keys.
pub fn vote(body: Rect, screen: &VoteScreen) -> VoteLayout {
    let header = Rect::new(body.x, body.y, body.width, 1u16.min(body.height));
    let prompt_h = prompt_rows(screen, body.width, body.height).min(body.height.saturating_sub(1));
    let prompt = Rect::new(body.x, header.bottom(), body.width, prompt_h);
    let keys_h: u16 = if body.height >= 16 { 2 } else { 1 };
    let tail = (keys_h + 1).min(body.bottom().saturating_sub(prompt.bottom()));
    let keys_h = tail.saturating_sub(1).min(keys_h);
    let keys = Rect::new(body.x, body.bottom() - keys_h, body.width, keys_h);
    let reason = Rect::new(body.x, keys.y.saturating_sub(1).max(prompt.bottom()), body.width, 1);
    let panes = Rect::new(body.x, prompt.bottom(), body.width, reason.y.saturating_sub(prompt.bottom()));
    let (a, b) = if body.width >= SIDE_BY_SIDE {
        let half = panes.width / 2;
        (
            Rect::new(panes.x, panes.y, half, panes.height),
            Rect::new(panes.x + half, panes.y, panes.width - half, panes.height),
        )
    } else {
        let half = panes.height / 2;
        (
            Rect::new(panes.x, panes.y, panes.width, half),
            Rect::new(panes.x, panes.y + half, panes.width, panes.height - half),
        )
    };
    let text = |r: Rect| {
        Rect::new(
            r.x + 2u16.min(r.width),
            r.y + 1u16.min(r.height),
            r.width.saturating_sub(4),
            r.height.saturating_sub(2),
        )
    };
    VoteLayout { header, prompt, a, b, a_text: text(a), b_text: text(b), reason, keys }
}

/// The first queue row shown in a list `height` rows tall, keeping `selected` in view.
pub fn queue_first(selected: usize, count: usize, height: usize) -> usize {
    (selected + 1).saturating_sub(height).min(count.saturating_sub(height))
}
