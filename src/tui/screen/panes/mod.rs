//! The text of each node's pane: its whole story as sections in call order (what it was asked,
//! its split, its answer or synthesis, reflections and revisions), each under a header row and
//! foldable once finished; or, before it has any, what it says at rest. Finished sections are
//! wrapped once per width and kept; only the streaming call's rows grow as tokens arrive, so a
//! frame never re-wraps a whole pane.

pub mod bodies;
pub mod footer;
pub mod heading;
pub mod section;

use self::section::SectionText;
use crate::engine::NodeStatus;
use crate::tui::screen::caption;
use crate::tui::screen::layout::ScreenLayout;
use crate::tui::state::run_view::{NodeView, RunView};
use crate::tui::state::{RunTab, SectionId};
use crate::tui::text::cached::Memo;
use crate::tui::text::wrap::{self, Row, Wrapper, truncate};
use crate::tui::theme::Role;

/// Text rows a pane needs before it gives one to its caption (the sentence under its title).
pub const CAPTION_MIN_HEIGHT: usize = 4;

/// One pane's rows and the size they were wrapped for.
#[derive(Debug, Clone, Default)]
pub struct PaneText {
    /// The node's sections, in order: what it was asked, then each call.
    sections: Vec<SectionText>,
    /// What the pane says when it has no section yet (its model when idle).
    pub note: Memo<(u64, usize, u64)>,
    /// Rows and columns of the pane's text, under its caption row when it has one.
    pub height: usize,
    pub width: usize,
    /// What the node is doing in plain words, as drawn at the top of the pane's text area
    /// (no row before any run, or in a small pane; at most two).
    pub caption: Vec<Row>,
    /// Whether the caption is shown uncut (a wait it tells need not be told again below).
    pub caption_whole: bool,
    /// What the caption was made for: (run generation, run shape, width, text rows).
    caption_key: Option<(u64, u64, usize, usize)>,
}

/// Where a row of a pane falls: in which section, and where that section starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionSpot {
    pub id: SectionId,
    /// The section's header row.
    pub start: usize,
    /// Whether it can be folded (its call has ended).
    pub foldable: bool,
    pub folded: bool,
    /// Rows under its header when open (kept while folded).
    pub body: usize,
}

impl PaneText {
    /// Whether the pane shows sections (else its note).
    pub fn has_sections(&self) -> bool {
        !self.sections.is_empty()
    }

    /// Rows of what the pane shows now.
    pub fn len(&self) -> usize {
        if self.has_sections() {
            self.sections.iter().map(SectionText::row_count).sum()
        } else {
            self.note.len()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows `top..top + height` of what the pane shows now.
    pub fn rows(&self, top: usize, height: usize) -> Vec<Row> {
        if !self.has_sections() {
            return self.note.rows(top, height);
        }
        let mut out = Vec::with_capacity(height);
        let mut start = 0;
        for section in &self.sections {
            let len = section.row_count();
            if out.len() >= height {
                break;
            }
            if top < start + len {
                let want = height - out.len();
                section.rows(top.saturating_sub(start), want, &mut out);
            }
            start += len;
        }
        out
    }

    /// The footer rows under the text of node `index`'s pane (see [`footer`]).
    pub fn footer(&self, run: &RunView, index: usize) -> Vec<Row> {
        footer::rows(run, index, self.width, self.height, !self.caption.is_empty(), self.caption_whole)
    }

    /// Rows of the pane that show its text: under the caption, above the footer.
    pub fn body_height(&self, run: &RunView, index: usize) -> usize {
        self.height.saturating_sub(self.footer(run, index).len())
    }

    /// The section that row `row` belongs to.
    pub fn section_at(&self, row: usize) -> Option<SectionSpot> {
        let mut start = 0;
        for section in &self.sections {
            let len = section.row_count();
            if row < start + len {
                let (foldable, folded, body) = (section.foldable(), section.is_folded(), section.body_len());
                return Some(SectionSpot { id: section.id, start, foldable, folded, body });
            }
            start += len;
        }
        None
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
        let node = &run.view.nodes[i];
        let rows = rect.height as usize;
        pane.width = rect.width as usize;
        sync_caption(pane, run, i, rows);
        pane.height = rows - pane.caption.len();
        sync_sections(&mut pane.sections, run, i);
        // The calls by position, not by id: no lookup per section and message.
        let asked = usize::from(node.task.is_some());
        for (k, section) in pane.sections.iter_mut().enumerate() {
            let call = k.checked_sub(asked).and_then(|c| node.calls.get(c)).map(|&c| &run.view.calls[c]);
            section.sync(&run.view, i, call, pane.width, run.is_folded(i, section.id));
        }
        if pane.sections.is_empty() {
            let first_run = generation == 0 && i == 0;
            let kind = match node.status {
                None => 0,
                Some(NodeStatus::Cancelled) => 1,
                Some(NodeStatus::Failed { .. }) => 2,
                Some(_) => 3,
            };
            pane.note.ensure((generation, pane.width, kind), pane.width, |w| note(w, node, first_run));
        } else {
            pane.note.reset();
        }
    }
}

/// Brings the caption of pane `index` (the sentence under its title) up to date: none before
/// any run or in a pane under [`CAPTION_MIN_HEIGHT`] rows, else wrapped to one row, or two in a
/// pane with room (not for a failure), the last cut when it needs more. Rebuilt only when the run's shape changes,
/// so a streamed token costs no sentence.
fn sync_caption(pane: &mut PaneText, run: &RunTab, index: usize, rows: usize) {
    let key = (run.generation, run.view.shape, pane.width, rows);
    if pane.caption_key == Some(key) {
        return;
    }
    pane.caption_key = Some(key);
    pane.caption.clear();
    pane.caption_whole = false;
    let Some(caption) = caption::caption(&run.view, index).filter(|_| rows >= CAPTION_MIN_HEIGHT) else {
        return;
    };
    // A failure's reason is told in full below (the footer, or the failed call's section).
    let room = if rows >= CAPTION_MIN_HEIGHT + 2 && caption.role != Role::NodeFailed { 2 } else { 1 };
    let mut lines = wrap::wrap(&caption.text, pane.width, caption.role);
    pane.caption_whole = lines.len() <= room;
    if !pane.caption_whole {
        let rest: Vec<String> = lines[room - 1..].iter().map(Row::text).collect();
        lines.truncate(room - 1);
        lines.push(Row::plain(truncate(&rest.join(" "), pane.width), caption.role));
    }
    pane.caption = lines;
}

/// Keeps the sections that still match the node's (what it was asked, then each of its calls)
/// and adds the new ones.
fn sync_sections(sections: &mut Vec<SectionText>, run: &RunTab, node: usize) {
    let n = &run.view.nodes[node];
    let asked = usize::from(n.task.is_some());
    let wanted = asked + n.calls.len();
    let id_at = |k: usize| match k.checked_sub(asked) {
        None => SectionId::Asked,
        Some(c) => SectionId::Call(run.view.calls[n.calls[c]].id),
    };
    let keep = sections.iter().enumerate().take_while(|(k, s)| *k < wanted && s.id == id_at(*k)).count();
    sections.truncate(keep);
    sections.extend((keep..wanted).map(|k| SectionText::new(id_at(k))));
}

/// What a pane says before its node has a task or a call.
fn note(w: &mut Wrapper, node: &NodeView, first_run: bool) {
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

#[cfg(test)]
mod tests;
