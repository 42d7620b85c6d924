//! The zoom view's facts: which node it shows and how far it is scrolled. Its document (task,
//! every call's messages and reply, the failure) is derived in `tui::screen::zoom`.

use super::scroll::Scroll;

/// The zoom view of one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoomState {
    pub node: usize,
    pub scroll: Scroll,
}

impl ZoomState {
    pub fn new(node: usize) -> Self {
        Self { node, scroll: Scroll::At(0) }
    }

    /// Shows another node, from the top.
    pub fn show(&mut self, node: usize) {
        *self = ZoomState::new(node);
    }
}
