//! The message-flow view's screen: the run's messages in time order ([`rows`]), the lanes they
//! are drawn in at the current width ([`lanes`]), where the view's parts go, and the message
//! opened from it ([`message`]). The rows are derived again only when a call starts or ends, a
//! node changes state or the run ends: a streamed token changes none of them.

pub mod lanes;
pub mod message;
pub mod rows;

use ratatui::layout::Rect;

use self::lanes::Lanes;
use self::message::MessageDoc;
use self::rows::FlowRow;
use super::layout::{inner, overlay_frame};
use crate::tui::state::flow::FlowState;
use crate::tui::state::run_view::RunView;

/// Where the flow view's parts go on a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FlowLayout {
    /// The bordered frame, over everything but the status bar.
    pub frame: Rect,
    /// The lanes' names (none in the list form, or when there is no room).
    pub header: Option<Rect>,
    /// The messages, or the opened message's document.
    pub body: Rect,
}

impl FlowLayout {
    /// The layout at `area`; an opened message takes the header's row too.
    pub fn new(area: Rect, lanes: &Lanes, open: bool) -> FlowLayout {
        let frame = overlay_frame(area);
        let inside = inner(frame);
        let inside = Rect::new(inside.x + 1, inside.y, inside.width.saturating_sub(2), inside.height);
        let header = !open && matches!(lanes, Lanes::Diagram { .. }) && inside.height >= 3;
        if !header {
            return FlowLayout { frame, header: None, body: inside };
        }
        let body = Rect::new(inside.x, inside.y + 1, inside.width, inside.height - 1);
        FlowLayout { frame, header: Some(Rect { height: 1, ..inside }), body }
    }
}

/// The flow view's screen, kept while the view is open.
#[derive(Debug, Clone, Default)]
pub struct FlowScreen {
    /// What the rows were built from: the run's generation and its shape, which moves with every
    /// event but a token (rows never show streamed text).
    rows_for: (u64, u64),
    /// Every message of the run, in time order.
    pub rows: Vec<FlowRow>,
    pub lanes: Lanes,
    lanes_for: (u64, u16),
    pub layout: FlowLayout,
    /// The opened message, while one is.
    pub message: Option<MessageDoc>,
}

impl FlowScreen {
    /// Brings the rows, the lanes and the opened message up to date with the run.
    pub fn sync(&mut self, flow: &FlowState, run: &RunView, generation: u64, area: Rect) {
        let rows_for = (generation, run.shape);
        if rows_for != self.rows_for || self.rows.is_empty() {
            self.rows = rows::rows(run);
            self.rows_for = rows_for;
        }
        let width = overlay_frame(area).width.saturating_sub(4);
        if self.lanes_for != (generation, width) {
            self.lanes = Lanes::new(run, width as usize);
            self.lanes_for = (generation, width);
        }
        self.layout = FlowLayout::new(area, &self.lanes, flow.open.is_some());
        let body = self.layout.body;
        let call = flow.open.and_then(|open| run.call(open.call));
        self.message = call.map(|call| {
            let mut doc = self.message.take().unwrap_or_default();
            doc.sync(call, generation, body.width.max(1) as usize, body.height as usize);
            doc
        });
    }

    /// Rows of the list on screen (for paging).
    pub fn height(&self) -> usize {
        self.layout.body.height.max(1) as usize
    }
}
