//! Lines between a parent and its children, showing the flow as it happens: `▼` while a child
//! works on the task it was handed, `▲` once its reply went up, `✖` if it failed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::engine::NodeStatus;
use crate::tui::state::run_view::{NodeView, RunView};
use crate::tui::theme::{Role, Theme};

/// Which way an edge carries work right now, highest priority first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Flow {
    Down,
    Up,
    Failed,
    Idle,
}

fn flow(parent: &NodeView, child: &NodeView) -> Flow {
    match &child.status {
        Some(NodeStatus::Failed { .. }) => Flow::Failed,
        Some(NodeStatus::Done) if !matches!(parent.status, Some(NodeStatus::Done)) => Flow::Up,
        Some(NodeStatus::Waiting) if child.task.is_some() => Flow::Down,
        _ if child.is_active() => Flow::Down,
        _ => Flow::Idle,
    }
}

fn role(flow: Flow) -> Role {
    match flow {
        Flow::Down => Role::FlowDown,
        Flow::Up => Role::FlowUp,
        Flow::Failed => Role::NodeFailed,
        Flow::Idle => Role::FlowIdle,
    }
}

fn arrow(flow: Flow) -> Option<&'static str> {
    match flow {
        Flow::Down => Some("▼"),
        Flow::Up => Some("▲"),
        Flow::Failed => Some("✖"),
        Flow::Idle => None,
    }
}

/// The box-drawing glyph joining lines going up, down, left and right.
fn junction(up: bool, down: bool, left: bool, right: bool) -> &'static str {
    match (up, down, left, right) {
        (true, true, true, true) => "┼",
        (true, true, true, false) => "┤",
        (true, true, false, true) => "├",
        (true, false, true, true) => "┴",
        (true, false, true, false) => "┘",
        (true, false, false, true) => "└",
        (false, true, true, true) => "┬",
        (false, true, true, false) => "┐",
        (false, true, false, true) => "┌",
        (true, _, false, false) | (false, true, false, false) => "│",
        _ => "─",
    }
}

fn centre(r: &Rect) -> u16 {
    r.x + r.width.saturating_sub(1) / 2
}

/// Where a child's line comes down: its centre, or the parent's own column when that is a cell
/// or two away and still over the child (rounding would otherwise draw `┬┴` instead of `┼`).
fn column(child: &Rect, parent_x: u16) -> u16 {
    let own = centre(child);
    let over_child = parent_x >= child.x && parent_x < child.right();
    if own.abs_diff(parent_x) <= 2 && over_child { parent_x } else { own }
}

/// Draws every parent-child edge in the gap rows below the parents.
pub fn draw(buf: &mut Buffer, run: &RunView, panes: &[Rect], gap: u16, theme: &Theme) {
    for (p, parent) in run.nodes.iter().enumerate() {
        if parent.children.is_empty() || gap == 0 {
            continue;
        }
        let Some(prect) = panes.get(p) else { continue };
        let px = centre(prect);
        let bar_y = prect.bottom();
        let edges: Vec<(u16, Flow)> = parent
            .children
            .iter()
            .filter_map(|&c| {
                let rect = panes.get(c)?;
                Some((column(rect, px), flow(parent, run.nodes.get(c)?)))
            })
            .collect();
        let Some(lo) = edges.iter().map(|e| e.0).chain([px]).min() else { continue };
        let hi = edges.iter().map(|e| e.0).chain([px]).max().unwrap_or(lo);
        for x in lo..=hi {
            // The busiest edge passing through this column colours it.
            let through = edges
                .iter()
                .filter(|(cx, _)| (x >= px.min(*cx)) && (x <= px.max(*cx)))
                .map(|e| e.1)
                .min()
                .unwrap_or(Flow::Idle);
            let child_here = edges.iter().find(|(cx, _)| *cx == x);
            let glyph = match child_here {
                Some((_, f)) if gap == 1 => arrow(*f),
                _ => None,
            }
            .unwrap_or_else(|| junction(x == px, child_here.is_some(), x > lo, x < hi));
            set(buf, x, bar_y, glyph, theme.style(role(through)));
        }
        if gap >= 2 {
            for (cx, f) in &edges {
                set(buf, *cx, bar_y + 1, arrow(*f).unwrap_or("│"), theme.style(role(*f)));
            }
        }
    }
}

fn set(buf: &mut Buffer, x: u16, y: u16, symbol: &str, style: Style) {
    if let Some(cell) = buf.cell_mut((x, y)) {
        cell.set_symbol(symbol).set_style(style);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;

    use super::*;
    use crate::engine::testkit;
    use crate::tui::screen::layout::{TreeLayout, compute};
    use crate::tui::theme::ThemeSet;

    /// Every bar row at every width: a child straight under its parent joins with `┼`, never
    /// with a `┬` beside a `┴`.
    #[test]
    fn a_child_under_its_parent_joins_with_a_cross() {
        let trees = [
            testkit::six_node_tree(),
            testkit::hierarchy(&[("a", &["b", "c", "d"]), ("b", &[]), ("c", &[]), ("d", &[])]),
            testkit::hierarchy(&[
                ("a", &["b", "c", "d", "e", "f"]),
                ("b", &[]),
                ("c", &[]),
                ("d", &[]),
                ("e", &[]),
                ("f", &[]),
            ]),
        ];
        let theme = ThemeSet::built_in().at(0).clone();
        for tree in trees {
            let run = RunView::idle(Arc::new(tree));
            for width in 40..200u16 {
                let area = Rect::new(0, 0, width, 40);
                let TreeLayout::Chart { panes, gap } = compute(area, &run, None, 1).tree_layout else {
                    continue;
                };
                let mut buf = Buffer::empty(area);
                draw(&mut buf, &run, &panes, gap, &theme);
                for y in 0..40 {
                    let row: String = (0..width).map(|x| buf[(x, y)].symbol()).collect();
                    for bad in ["┬┴", "┴┬", "┐┴", "┴┌", "┘┬", "┬└"] {
                        assert!(!row.contains(bad), "width {width}: {row}");
                    }
                }
            }
        }
    }
}
