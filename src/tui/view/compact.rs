//! The compact tree, for terminals too small for the org chart: one row per node with its name,
//! its state and the tail of what it is writing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use unicode_width::UnicodeWidthStr;

use crate::config::Phase;
use crate::text::sanitize::one_line;
use crate::tui::format;
use crate::tui::state::run_view::RunView;
use crate::tui::state::{Focus, State};
use crate::tui::text::split;
use crate::tui::text::wrap::{tail_of, truncate};
use crate::tui::theme::Role;
use crate::tui::view::paint::span;

/// `├─ `, `│  └─ `: the tree-drawing prefix of a node.
fn prefix(run: &RunView, index: usize) -> String {
    let mut parts = Vec::new();
    let mut node = index;
    while let Some(parent) = run.nodes.get(node).and_then(|n| n.parent) {
        let last = run.nodes[parent].children.last() == Some(&node);
        parts.push(if node == index {
            if last { "└─ " } else { "├─ " }
        } else if last {
            "   "
        } else {
            "│  "
        });
        node = parent;
    }
    parts.reverse();
    parts.concat()
}

/// The last line of the node's current text (or its task), for the tail column.
fn tail(run: &RunView, index: usize) -> String {
    let text = match run.current_call(index) {
        // A split shows its latest sub-task, as its pane's list does, not the raw JSON.
        Some(call) if call.phase == Phase::Split && call.text.len() < 64 * 1024 => {
            if let Some(items) = split::items(&call.text) {
                let count = items.tasks.len();
                let last = items.tasks.last().map(|t| one_line(t)).unwrap_or_default();
                return format!("{count}. {last}");
            }
            call.text.as_str()
        }
        Some(call) if !call.text.is_empty() => call.text.as_str(),
        Some(call) => call.reasoning.as_str(),
        None => run.nodes[index].task.as_deref().unwrap_or(""),
    };
    // Only the end of the text matters: look at a bounded suffix so long answers cost nothing.
    let text = text.trim_end();
    let mut start = text.len().saturating_sub(512);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    text[start..].rsplit('\n').next().unwrap_or("").to_string()
}

pub fn draw(frame: &mut Frame, rows: &[Option<Rect>], state: &State) {
    let theme = state.theme();
    let run = &state.run.view;
    let name_width =
        run.nodes.iter().enumerate().map(|(i, n)| prefix(run, i).width() + n.name.width()).max().unwrap_or(0);
    for (i, rect) in rows.iter().enumerate() {
        let (Some(rect), Some(node)) = (rect, run.nodes.get(i)) else { continue };
        let focused = state.run.focus == Focus::Node(i) && state.overlays.is_empty();
        let (label, glyph, role) = format::node_state(node.status.as_ref());
        let glyph = if node.is_active() { format::spinner(state.now_ms) } else { glyph };
        let lead = prefix(run, i);
        let pad = name_width.saturating_sub(lead.width() + node.name.width());
        let head = format!("{lead}{glyph} {}{} ", node.name, " ".repeat(pad));
        let state_col = format!("{label:<12} ");
        let used = head.width() + state_col.width();
        let rest = (rect.width as usize).saturating_sub(used);
        let tail = tail_of(&tail(run, i), rest);
        let name_style = if focused { theme.style(Role::Selection) } else { theme.style(Role::Title) };
        let line = Line::from(vec![
            span(truncate(&head, rect.width as usize), name_style),
            span(state_col, theme.style(role)),
            span(tail, theme.style(Role::Dim)),
        ]);
        frame.buffer_mut().set_line(rect.x, rect.y, &line, rect.width);
    }
}
