//! Moving focus: in a cycle (Tab), or to the nearest pane in a direction (arrows), whatever
//! shape the tree's layout has.

use ratatui::layout::Rect;

use crate::tui::screen::Screen;
use crate::tui::screen::layout::TreeLayout;
use crate::tui::state::{Focus, State};

/// A direction for the arrow keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Left,
    Right,
}

/// Focusable places in cycle order: the prompt, each node, the answer.
fn cycle(state: &State) -> Vec<Focus> {
    let mut order = vec![Focus::Prompt];
    order.extend((0..state.run.view.nodes.len()).map(Focus::Node));
    if state.run.shows_answer() {
        order.push(Focus::Answer);
    }
    order
}

/// Tab / Shift-Tab.
pub fn step(state: &mut State, forward: bool) {
    let order = cycle(state);
    let at = order.iter().position(|f| *f == state.run.focus).unwrap_or(0);
    let next = if forward { (at + 1) % order.len() } else { (at + order.len() - 1) % order.len() };
    state.run.focus = order[next];
}

/// Each focusable place with where it is on screen.
fn places(screen: &Screen) -> Vec<(Focus, Rect)> {
    let layout = &screen.layout;
    let mut out: Vec<(Focus, Rect)> = match &layout.tree_layout {
        TreeLayout::Chart { panes, .. } => {
            panes.iter().enumerate().map(|(i, r)| (Focus::Node(i), *r)).collect()
        }
        TreeLayout::Compact { rows, .. } => rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                // Rows scrolled out of view sit just above or below the list.
                let y = r.map_or(if i == 0 { layout.tree.y } else { layout.tree.bottom() }, |r| r.y);
                (Focus::Node(i), Rect::new(layout.tree.x, y, layout.tree.width, 1))
            })
            .collect(),
        TreeLayout::Hidden => Vec::new(),
    };
    if let Some(answer) = layout.answer {
        out.push((Focus::Answer, answer));
    }
    out.push((Focus::Prompt, layout.prompt));
    out
}

/// Arrow keys. In the org chart, up is the parent and down the child nearest below; left and
/// right move along the row of the same depth (stopping at its ends). In the compact list, up and down move through the list. Anything
/// else (the answer panel, leaving the tree) goes to the nearest place in that direction.
pub fn toward(state: &mut State, screen: &Screen, direction: Direction) {
    let places = places(screen);
    let Some(&(_, from)) = places.iter().find(|(f, _)| *f == state.run.focus) else { return };
    if let Focus::Node(i) = state.run.focus {
        let compact = screen.layout.is_compact();
        let count = state.run.view.nodes.len();
        let next = match (direction, compact) {
            (Direction::Up, true) => i.checked_sub(1),
            (Direction::Down, true) => (i + 1 < count).then_some(i + 1),
            (Direction::Up, false) => state.run.view.nodes[i].parent,
            (Direction::Down, false) => {
                let children = &state.run.view.nodes[i].children;
                let centre_x = |f: Focus| places.iter().find(|(p, _)| *p == f).map(|(_, r)| centre(r).0);
                let here = centre(&from).0;
                children
                    .iter()
                    .copied()
                    .min_by_key(|&c| centre_x(Focus::Node(c)).map_or(i32::MAX, |x| (x - here).abs()))
            }
            (Direction::Left | Direction::Right, false) => {
                // Along the row of this depth, in screen order; the ends of a row stop there.
                let depth = state.run.view.nodes[i].depth;
                let x_of = |n: usize| places.iter().find(|(p, _)| *p == Focus::Node(n)).map(|(_, r)| r.x);
                let mut row: Vec<(u16, usize)> = (0..count)
                    .filter(|&n| state.run.view.nodes[n].depth == depth)
                    .filter_map(|n| Some((x_of(n)?, n)))
                    .collect();
                row.sort_unstable();
                let at = row.iter().position(|&(_, n)| n == i);
                let next = match (direction, at) {
                    (Direction::Left, Some(at)) => at.checked_sub(1).and_then(|a| row.get(a)),
                    (_, Some(at)) => row.get(at + 1),
                    _ => None,
                };
                if let Some(&(_, next)) = next {
                    state.run.focus = Focus::Node(next);
                }
                return;
            }
            _ => None,
        };
        if let Some(next) = next {
            state.run.focus = Focus::Node(next);
            return;
        }
        if direction == Direction::Up {
            return;
        }
    }
    nearest(state, &places, from, direction);
}

/// A rect's centre on a half-cell grid.
fn centre(r: &Rect) -> (i32, i32) {
    (i32::from(r.x) * 2 + i32::from(r.width), i32::from(r.y) * 2 + i32::from(r.height))
}

/// The nearest place whose centre lies in `direction`, preferring places level with `from`.
fn nearest(state: &mut State, places: &[(Focus, Rect)], from: Rect, direction: Direction) {
    let (fx, fy) = centre(&from);
    let best = places
        .iter()
        .filter(|(f, _)| *f != state.run.focus)
        .filter_map(|(f, r)| {
            let (x, y) = centre(r);
            let (dx, dy) = (x - fx, y - fy);
            let (along, across) = match direction {
                Direction::Up => (-dy, dx.abs()),
                Direction::Down => (dy, dx.abs()),
                Direction::Left => (-dx, dy.abs()),
                Direction::Right => (dx, dy.abs()),
            };
            // Sideways drift costs more than distance, so rows and columns stay put.
            (along > 0).then_some((along + across * 4, *f))
        })
        .min_by_key(|(score, _)| *score);
    if let Some((_, focus)) = best {
        state.run.focus = focus;
    }
}
