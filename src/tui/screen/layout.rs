//! Where everything goes, as a pure function of the terminal size and the tree's shape. The
//! reducer uses it to know each pane's width (for wrapping) and for mouse hit-tests; views use it
//! to draw. Any tree lays out: a row per depth, each parent spanning its children's columns
//! (weighted by leaves). A tree too wide or too deep for the terminal gets a compact list instead.

use ratatui::layout::Rect;

use crate::tui::state::run_view::RunView;

/// Below this the screen says "too small" instead of drawing.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;
/// Smallest useful pane: a title, two lines of text, a footer.
const PANE_MIN_WIDTH: u16 = 18;
const PANE_MIN_HEIGHT: u16 = 4;

/// How the tree is drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TreeLayout {
    #[default]
    Hidden,
    /// One pane per node (pre-order index), `gap` rows between depths for connectors.
    Chart { panes: Vec<Rect>, gap: u16 },
    /// One row per node (`None` for rows scrolled out of view), and below the list, when there
    /// is room, the pane of one node (the focused one, else the one working).
    Compact { rows: Vec<Option<Rect>>, detail: Option<(usize, Rect)> },
}

/// The screen's regions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScreenLayout {
    pub area: Rect,
    pub too_small: bool,
    pub tabs: Rect,
    pub tree: Rect,
    pub tree_layout: TreeLayout,
    pub answer: Option<Rect>,
    pub prompt: Rect,
    pub status: Rect,
}

impl ScreenLayout {
    /// The text area inside a node's pane (chart layout only).
    pub fn pane_text_area(&self, node: usize) -> Option<Rect> {
        match &self.tree_layout {
            TreeLayout::Chart { panes, .. } => panes.get(node).map(|r| inner(*r)),
            TreeLayout::Compact { detail: Some((shown, rect)), .. } if *shown == node => Some(inner(*rect)),
            _ => None,
        }
    }

    /// The node drawn at a screen position.
    pub fn node_at(&self, x: u16, y: u16) -> Option<usize> {
        let hit = |r: &Rect| r.contains(ratatui::layout::Position { x, y });
        match &self.tree_layout {
            TreeLayout::Chart { panes, .. } => panes.iter().position(hit),
            TreeLayout::Compact { rows, detail } => rows
                .iter()
                .position(|r| r.as_ref().is_some_and(hit))
                .or_else(|| detail.filter(|(_, r)| hit(r)).map(|(node, _)| node)),
            TreeLayout::Hidden => None,
        }
    }

    pub fn is_compact(&self) -> bool {
        matches!(self.tree_layout, TreeLayout::Compact { .. })
    }
}

/// A full-screen overlay (help, the messages log) covers everything but the status bar.
pub fn overlay_frame(area: Rect) -> Rect {
    Rect::new(area.x, area.y, area.width, area.height.saturating_sub(1))
}

/// Where an overlay's text goes on a screen of `area`: inside its border, a column in from each
/// side, at most `max_width` wide.
pub fn overlay_body(area: Rect, max_width: u16) -> Rect {
    let body = inner(overlay_frame(area));
    Rect::new(body.x + 1, body.y, body.width.saturating_sub(2).min(max_width), body.height)
}

/// The inside of a bordered rect.
pub fn inner(r: Rect) -> Rect {
    Rect::new(
        r.x.saturating_add(1),
        r.y.saturating_add(1),
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

/// Lays out the Run tab; `answer_rows` is the answer panel's text height when it shows.
pub fn compute(area: Rect, run: &RunView, answer_rows: Option<usize>, prompt_lines: usize) -> ScreenLayout {
    compute_with_focus(area, run, answer_rows, prompt_lines, 0)
}

/// Lays out the Run tab. `spotlight` is the node a compact layout keeps in view and shows in
/// full below its list (the focused node, or the one working).
pub fn compute_with_focus(
    area: Rect,
    run: &RunView,
    answer_rows: Option<usize>,
    prompt_lines: usize,
    spotlight: usize,
) -> ScreenLayout {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return ScreenLayout { area, too_small: true, ..ScreenLayout::default() };
    }
    let tabs = Rect::new(area.x, area.y, area.width, 1);
    let status = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    let prompt_h = (prompt_lines as u16 + 2).clamp(3, 8).min(area.height / 3);
    let prompt = Rect::new(area.x, status.y - prompt_h, area.width, prompt_h);
    let middle = Rect::new(area.x, tabs.bottom(), area.width, prompt.y.saturating_sub(tabs.bottom()));
    let (tree, answer) = if let Some(rows) = answer_rows {
        // As tall as the answer needs, up to two fifths of the space (it scrolls beyond).
        let most = (middle.height * 2 / 5).max(5);
        let answer_h = (rows as u16).saturating_add(2).clamp(4, most).min(middle.height.saturating_sub(3));
        let tree = Rect::new(middle.x, middle.y, middle.width, middle.height - answer_h);
        (tree, Some(Rect::new(middle.x, tree.bottom(), middle.width, answer_h)))
    } else {
        (middle, None)
    };
    let tree_layout = chart(tree, run).unwrap_or_else(|| compact(tree, run, spotlight));
    ScreenLayout { area, too_small: false, tabs, tree, tree_layout, answer, prompt, status }
}

/// Leaves under each node (a leaf counts itself), by pre-order index.
fn leaf_counts(run: &RunView) -> Vec<u16> {
    let mut counts = vec![0u16; run.nodes.len()];
    for i in (0..run.nodes.len()).rev() {
        let node = &run.nodes[i];
        counts[i] = if node.children.is_empty() {
            1
        } else {
            node.children.iter().map(|&c| counts.get(c).copied().unwrap_or(1)).sum::<u16>().max(1)
        };
    }
    counts
}

/// The org chart, or `None` if it would not fit.
fn chart(tree: Rect, run: &RunView) -> Option<TreeLayout> {
    if run.nodes.is_empty() {
        return None;
    }
    let depths = run.nodes.iter().map(|n| n.depth).max().unwrap_or(0) as u16 + 1;
    let leaves = leaf_counts(run);
    if tree.width < leaves[0].saturating_mul(PANE_MIN_WIDTH) {
        return None;
    }
    let gap = [2u16, 1].into_iter().find(|gap| {
        let rows = tree.height.saturating_sub(gap * (depths - 1));
        rows / depths >= PANE_MIN_HEIGHT
    })?;
    let row_h = (tree.height - gap * (depths - 1)) / depths;
    let mut spans = vec![(0u16, 0u16); run.nodes.len()];
    spans[0] = (tree.x, tree.width);
    // Pre-order guarantees a parent's span is set before its children's.
    for i in 0..run.nodes.len() {
        let (x, width) = spans[i];
        let children = &run.nodes[i].children;
        let total: u32 = children.iter().map(|&c| u32::from(leaves[c])).sum::<u32>().max(1);
        let mut used: u32 = 0;
        for &c in children {
            let start = u32::from(width) * used / total;
            used += u32::from(leaves[c]);
            let end = u32::from(width) * used / total;
            spans[c] = (x + start as u16, (end - start) as u16);
        }
    }
    let panes = run
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let (x, width) = spans[i];
            let depth = node.depth as u16;
            let y = tree.y + depth * (row_h + gap);
            let height = if depth + 1 == depths { tree.bottom() - y } else { row_h };
            // One column between neighbours, none at the right edge.
            let width = if x + width < tree.right() { width.saturating_sub(1) } else { width };
            Rect::new(x, y, width, height)
        })
        .collect();
    Some(TreeLayout::Chart { panes, gap })
}

/// One row per node, scrolled so the spotlight shows, and the spotlight's pane below if it fits.
fn compact(tree: Rect, run: &RunView, spotlight: usize) -> TreeLayout {
    let count = run.nodes.len();
    let room_for_detail = (tree.height as usize).saturating_sub(count) >= PANE_MIN_HEIGHT as usize;
    let visible = if room_for_detail { count } else { tree.height as usize };
    let first = if count > visible && spotlight >= visible {
        (spotlight + 1 - visible).min(count - visible)
    } else {
        0
    };
    let rows = (0..count)
        .map(|i| {
            (i >= first && i < first + visible)
                .then(|| Rect::new(tree.x, tree.y + (i - first) as u16, tree.width, 1))
        })
        .collect();
    let detail = room_for_detail.then(|| {
        let top = tree.y + count as u16;
        (spotlight.min(count.saturating_sub(1)), Rect::new(tree.x, top, tree.width, tree.bottom() - top))
    });
    TreeLayout::Compact { rows, detail }
}

/// The zoom view's regions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZoomLayout {
    pub frame: Rect,
    pub document: Rect,
    pub timeline: Option<Rect>,
}

/// Lays out the zoom view over everything but the status bar.
pub fn zoom(area: Rect, calls: usize) -> ZoomLayout {
    let frame = overlay_frame(area);
    let body = inner(frame);
    let wanted = if calls == 0 { 0 } else { calls as u16 + 2 };
    let timeline_h = wanted.min(body.height / 3);
    let (document_h, timeline) = if timeline_h >= 3 {
        let doc_h = body.height - timeline_h;
        (doc_h, Some(Rect::new(body.x + 1, body.y + doc_h, body.width.saturating_sub(2), timeline_h)))
    } else {
        (body.height, None)
    };
    let document = Rect::new(body.x + 1, body.y, body.width.saturating_sub(2), document_h);
    ZoomLayout { frame, document, timeline }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::engine::testkit;

    fn run() -> RunView {
        RunView::idle(Arc::new(testkit::six_node_tree()))
    }

    #[test]
    fn six_nodes_lay_out_as_an_org_chart() {
        let layout = compute(Rect::new(0, 0, 120, 40), &run(), None, 1);
        let TreeLayout::Chart { panes, gap } = &layout.tree_layout else { panic!("{layout:?}") };
        assert_eq!(*gap, 2);
        // atlas spans everything; nova two thirds, sage one third; leaves one third each.
        assert_eq!(panes[0].width, 120);
        assert_eq!((panes[1].x, panes[4].x), (0, 80));
        assert!(panes[2].y > panes[1].y && panes[1].y > panes[0].y);
        for (i, a) in panes.iter().enumerate() {
            for b in &panes[i + 1..] {
                assert!(!a.intersects(*b), "{a:?} overlaps {b:?}");
            }
            assert!(layout.tree.contains(a.as_position()) && a.right() <= 120);
        }
    }

    #[test]
    fn narrow_terminals_get_the_compact_list() {
        let layout = compute(Rect::new(0, 0, 50, 20), &run(), None, 1);
        assert!(layout.is_compact());
        assert_eq!(layout.node_at(3, layout.tree.y + 2), Some(2));
    }

    #[test]
    fn too_small_is_flagged() {
        assert!(compute(Rect::new(0, 0, 30, 8), &run(), None, 1).too_small);
    }

    #[test]
    fn compact_list_scrolls_to_the_focus() {
        let layout = compute_with_focus(Rect::new(0, 0, 40, 12), &run(), Some(3), 1, 5);
        let TreeLayout::Compact { rows, detail } = &layout.tree_layout else { panic!() };
        assert!(rows[5].is_some());
        assert!(detail.is_none(), "no room for a pane under the list");
    }

    #[test]
    fn compact_list_shows_the_spotlight_pane_when_there_is_room() {
        let layout = compute_with_focus(Rect::new(0, 0, 52, 24), &run(), None, 1, 3);
        let TreeLayout::Compact { detail: Some((node, rect)), .. } = &layout.tree_layout else { panic!() };
        assert_eq!(*node, 3);
        assert!(rect.height >= 4);
        assert_eq!(layout.node_at(rect.x + 1, rect.y + 1), Some(3));
        assert_eq!(layout.pane_text_area(3), Some(inner(*rect)));
    }

    /// A random tree: node i > 0 hangs under a random earlier node.
    fn random_tree(parents: &[usize]) -> RunView {
        let count = parents.len() + 1;
        let ids: Vec<String> = (0..count).map(|i| format!("n{i}")).collect();
        let children: Vec<Vec<&str>> = (0..count)
            .map(|p| (1..count).filter(|&c| parents[c - 1] % c == p).map(|c| ids[c].as_str()).collect())
            .collect();
        let spec: Vec<(&str, &[&str])> =
            (0..count).map(|i| (ids[i].as_str(), children[i].as_slice())).collect();
        RunView::idle(Arc::new(testkit::hierarchy(&spec)))
    }

    proptest::proptest! {
        /// Any tree at any size: panes never overlap, stay inside the tree area, and every node
        /// is placed (or listed) exactly once.
        #[test]
        fn any_tree_lays_out_without_overlap(
            parents in proptest::collection::vec(0usize..100, 0..14),
            width in 1u16..220,
            height in 1u16..70,
            answer in proptest::option::of(0usize..30),
        ) {
            let run = random_tree(&parents);
            let layout = compute(Rect::new(0, 0, width, height), &run, answer, 1);
            if layout.too_small {
                return Ok(());
            }
            match &layout.tree_layout {
                TreeLayout::Chart { panes, .. } => {
                    proptest::prop_assert_eq!(panes.len(), run.nodes.len());
                    for (i, a) in panes.iter().enumerate() {
                        proptest::prop_assert!(a.width >= 2 && a.height >= 4, "{:?}", a);
                        proptest::prop_assert!(layout.tree.union(*a) == layout.tree, "{:?} outside {:?}", a, layout.tree);
                        for b in &panes[i + 1..] {
                            proptest::prop_assert!(!a.intersects(*b), "{:?} overlaps {:?}", a, b);
                        }
                    }
                }
                TreeLayout::Compact { rows, .. } => proptest::prop_assert_eq!(rows.len(), run.nodes.len()),
                TreeLayout::Hidden => proptest::prop_assert!(false, "the tree is hidden"),
            }
        }
    }
}
