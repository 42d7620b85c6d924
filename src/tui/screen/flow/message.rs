//! The message opened from the flow: one call as the zoom view shows it (its figures, the exact
//! messages it sent with the parameters, and the reply it wrote, streaming while it streams).

use crate::engine::CallId;
use crate::tui::screen::zoom::{call_header, request};
use crate::tui::state::run_view::CallView;
use crate::tui::text::cached::{CallText, Memo};
use crate::tui::text::wrap::Row;

/// (run generation, width, whether the call had finished).
type Key = (u64, usize, bool);

/// One call's exact messages, wrapped for the document area.
#[derive(Debug, Clone, Default)]
pub struct MessageDoc {
    /// The call shown (another call starts over).
    pub call: CallId,
    header: Memo<Key>,
    request: Memo<Key>,
    reply: CallText,
    /// Rows of the document area (for paging).
    pub height: usize,
}

impl MessageDoc {
    /// Brings the document up to date with `call` at `width` × `height`.
    pub fn sync(&mut self, call: &CallView, generation: u64, width: usize, height: usize) {
        if self.call != call.id {
            *self = MessageDoc { call: call.id, ..MessageDoc::default() };
        }
        self.height = height.max(1);
        let key = (generation, width, call.is_finished());
        self.header.ensure(key, width, |w| call_header(w, call, width));
        self.request.ensure(key, width, |w| request(w, call));
        self.reply.sync(call, width);
    }

    /// Total rows.
    pub fn len(&self) -> usize {
        self.header.len() + self.request.len() + self.reply.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows `top..top + height`.
    pub fn rows(&self, top: usize, height: usize) -> Vec<Row> {
        let (h, r) = (self.header.len(), self.request.len());
        let mut out = Vec::with_capacity(height);
        if top < h {
            out.extend(self.header.rows(top, height));
        }
        if out.len() < height && top < h + r {
            out.extend(self.request.rows(top.saturating_sub(h), height - out.len()));
        }
        if out.len() < height {
            out.extend(self.reply.rows(top.saturating_sub(h + r), height - out.len()));
        }
        out
    }

    /// The whole document as plain text (for copying).
    pub fn plain_text(&self) -> String {
        self.rows(0, self.len()).iter().map(Row::text).collect::<Vec<_>>().join("\n")
    }
}
