//! The text of each node's pane: its latest call wrapped to the pane (kept in step as tokens
//! stream, so a frame never re-wraps a whole reply), or what it says before it makes a call.

use crate::engine::NodeStatus;
use crate::tui::format;
use crate::tui::screen::layout::ScreenLayout;
use crate::tui::state::RunTab;
use crate::tui::state::run_view::NodeView;
use crate::tui::text::cached::{CallText, Memo};
use crate::tui::text::wrap::{Row, Wrapper};
use crate::tui::theme::Role;

/// One pane's rows and the size they were wrapped for.
#[derive(Debug, Clone, Default)]
pub struct PaneText {
    /// The latest call's text.
    pub body: CallText,
    /// What the pane says when it has no call yet (its task, or its model when idle).
    pub note: Memo<(u64, usize, u64)>,
    /// Text rows and columns of the pane at the current layout.
    pub height: usize,
    pub width: usize,
    /// Whether the node has a call to show (else the note shows).
    pub has_call: bool,
}

impl PaneText {
    /// Rows of what the pane shows now.
    pub fn len(&self) -> usize {
        if self.has_call { self.body.len() } else { self.note.len() }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows `top..top + height` of what the pane shows now.
    pub fn rows(&self, top: usize, height: usize) -> Vec<Row> {
        if self.has_call { self.body.rows(top, height) } else { self.note.rows(top, height) }
    }
}

/// Brings every pane's rows up to date with the run, at the sizes of `layout`.
pub fn sync(panes: &mut Vec<PaneText>, run: &RunTab, layout: &ScreenLayout) {
    panes.resize_with(run.view.nodes.len(), PaneText::default);
    let generation = run.generation;
    for (i, pane) in panes.iter_mut().enumerate() {
        let Some(rect) = layout.pane_text_area(i) else {
            // Not on screen (the compact list): nothing wrapped is kept for it.
            *pane = PaneText { height: 1, ..PaneText::default() };
            continue;
        };
        pane.width = rect.width as usize;
        pane.height = rect.height as usize;
        let node = &run.view.nodes[i];
        match run.view.current_call(i) {
            Some(call) => {
                pane.has_call = true;
                pane.body.sync(call, pane.width);
            }
            None => {
                pane.has_call = false;
                let first_run = generation == 0 && i == 0;
                let (label, _, _) = format::node_state(node.status.as_ref());
                let key = node.task.as_ref().map_or(0, String::len) as u64 ^ (label.len() as u64) << 48;
                pane.note.ensure((generation, pane.width, key), pane.width, |w| note(w, node, first_run));
            }
        }
    }
}

/// What a pane says before its node makes a call.
fn note(w: &mut Wrapper, node: &NodeView, first_run: bool) {
    if let Some(task) = &node.task {
        match &node.fallback_reason {
            Some(why) => w.push_str(&format!("Task (fallback: {why}): "), Role::Dim),
            None => w.push_str("Task: ", Role::Dim),
        }
        w.push_str(task, Role::Dim);
        return;
    }
    match &node.status {
        None => {
            w.push_str(&format!("model {}", node.model), Role::Dim);
            if first_run {
                w.newline();
                w.push_str("Type a prompt below and press Enter.", Role::Dim);
            }
        }
        Some(NodeStatus::Cancelled) => w.push_str("Stopped before it got a task.", Role::Dim),
        Some(NodeStatus::Failed { .. }) => {}
        Some(_) => w.push_str("Waiting for its task…", Role::Dim),
    }
}
