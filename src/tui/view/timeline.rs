//! The waterfall of every call in the run, on one time axis: what ran in parallel, what waited.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use unicode_width::UnicodeWidthStr;

use crate::config::Phase;
use crate::tui::format;
use crate::tui::state::State;
use crate::tui::state::run_counts::CallOutcome;
use crate::tui::state::run_view::CallView;
use crate::tui::text::wrap::truncate;
use crate::tui::theme::Role;
use crate::tui::view::paint::span;

fn phase_role(call: &CallView) -> Role {
    match call.outcome() {
        CallOutcome::Failed => return Role::NodeFailed,
        CallOutcome::Cancelled => return Role::NodeCancelled,
        CallOutcome::Running | CallOutcome::Done => {}
    }
    match call.phase {
        Phase::Split => Role::NodeSplitting,
        Phase::Synthesize | Phase::Aggregate => Role::NodeSynthesizing,
        Phase::Reflect => Role::NodeReflecting,
        Phase::Revise => Role::NodeRevising,
        Phase::Critique | Phase::Judge => Role::NodeCritiquing,
        Phase::Answer | Phase::Solo | Phase::Sample | Phase::Expand => Role::NodeAnswering,
    }
}

/// Draws the axis row and one row per call; when they do not all fit, the zoomed node's calls
/// and those around them, with a row counting each stretch left out.
pub fn draw(frame: &mut Frame, rect: Rect, state: &State, zoomed: usize) {
    let theme = state.theme();
    let run = &state.run.view;
    if rect.height < 2 || rect.width < 20 || run.calls.is_empty() {
        return;
    }
    let t0 = run.started_ms.or_else(|| run.calls.iter().map(|c| c.started_ms).min()).unwrap_or(0);
    let t1 = run
        .calls
        .iter()
        .map(|c| c.ended_ms.unwrap_or(state.now_ms))
        .chain(run.finished_ms)
        .max()
        .unwrap_or(t0)
        .max(t0 + 1);
    let label_w = (rect.width as usize / 3).clamp(12, 26);
    let bar_w = (rect.width as usize).saturating_sub(label_w + 1).max(1);
    let span_ms = (t1 - t0) as f64;
    let col = |t: i64| (((t - t0) as f64 / span_ms) * bar_w as f64).floor() as usize;

    let end_label = format::duration(t1 - t0);
    let axis = format!(
        "{:<label_w$} 0 {}{end_label}",
        "Timeline",
        "─".repeat(bar_w.saturating_sub(end_label.width() + 3)),
    );
    frame.buffer_mut().set_line(
        rect.x,
        rect.y,
        &Line::from(span(axis, theme.style(Role::Heading))),
        rect.width,
    );

    let rows = rect.height as usize - 1;
    let mine: Vec<usize> = (0..run.calls.len()).filter(|&i| run.calls[i].node == zoomed).collect();
    for (item, y) in pick_rows(run.calls.len(), &mine, rows).into_iter().zip(rect.y + 1..rect.bottom()) {
        let call = match item {
            Item::Call(i) => &run.calls[i],
            Item::Hidden(count) => {
                let text = format!("  ⋯ {count} more call{}", if count == 1 { "" } else { "s" });
                let line = Line::from(span(truncate(&text, rect.width as usize), theme.style(Role::Dim)));
                frame.buffer_mut().set_line(rect.x, y, &line, rect.width);
                continue;
            }
        };
        let node = &run.nodes[call.node];
        let mine = call.node == zoomed;
        let marker = if mine { "▶" } else { " " };
        let label = truncate(&format!("{marker}#{} {} {}", call.id, node.name, call.phase), label_w);
        let start = col(call.started_ms).min(bar_w - 1);
        let end = col(call.ended_ms.unwrap_or(state.now_ms)).clamp(start + 1, bar_w);
        let fill = if call.is_finished() { "█" } else { "▒" };
        let bar_style = theme.style(phase_role(call));
        let line = Line::from(vec![
            span(format!("{label:<label_w$} "), theme.style(if mine { Role::Title } else { Role::Dim })),
            span(" ".repeat(start), theme.style(Role::Dim)),
            span(fill.repeat(end - start), bar_style),
        ]);
        frame.buffer_mut().set_line(rect.x, y, &line, rect.width);
    }
}

/// A row of the timeline: a call (by index), or a count of calls left out at that place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Call(usize),
    Hidden(usize),
}

/// Which of `count` calls fit in `rows` rows: every call of the zoomed node (`mine`) first, then
/// the calls around them; each stretch left out becomes one "⋯ N more calls" row, so nothing
/// disappears without a trace. With no call of its own, the node sees the latest calls.
pub fn pick_rows(count: usize, mine: &[usize], rows: usize) -> Vec<Item> {
    if count <= rows {
        return (0..count).map(Item::Call).collect();
    }
    if rows == 0 {
        return Vec::new();
    }
    let mut shown = vec![false; count];
    let seeds: Vec<usize> = if mine.is_empty() { vec![count - 1] } else { mine.to_vec() };
    for &i in &seeds {
        shown[i] = true;
        if needed(&shown) > rows {
            shown[i] = false;
            break;
        }
    }
    // Grow outwards from every shown call of the node, nearest neighbours first.
    let anchors: Vec<usize> = (0..count).filter(|&i| shown[i]).collect();
    for distance in 1..count {
        let mut grew = false;
        for &a in &anchors {
            for candidate in [a.checked_sub(distance), Some(a + distance)].into_iter().flatten() {
                if candidate >= count || shown[candidate] {
                    continue;
                }
                shown[candidate] = true;
                if needed(&shown) > rows {
                    shown[candidate] = false;
                } else {
                    grew = true;
                }
            }
        }
        if !grew && distance > count / 2 + 1 {
            break;
        }
    }
    let mut items = Vec::new();
    let mut hidden = 0;
    for (i, &on) in shown.iter().enumerate() {
        if on {
            if hidden > 0 {
                items.push(Item::Hidden(hidden));
                hidden = 0;
            }
            items.push(Item::Call(i));
        } else {
            hidden += 1;
        }
    }
    if hidden > 0 {
        items.push(Item::Hidden(hidden));
    }
    items
}

/// Rows needed to show the marked calls with one row per stretch of unmarked ones.
fn needed(shown: &[bool]) -> usize {
    let gaps = shown.iter().enumerate().filter(|&(i, &on)| !on && (i == 0 || shown[i - 1])).count();
    shown.iter().filter(|&&on| on).count() + gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(items: &[Item]) -> Vec<usize> {
        items.iter().filter_map(|i| if let Item::Call(c) = i { Some(*c) } else { None }).collect()
    }

    fn hidden(items: &[Item]) -> usize {
        items.iter().map(|i| if let Item::Hidden(n) = i { *n } else { 0 }).sum()
    }

    #[test]
    fn everything_fits_as_is() {
        assert_eq!(pick_rows(3, &[1], 5), vec![Item::Call(0), Item::Call(1), Item::Call(2)]);
    }

    #[test]
    fn the_zoomed_nodes_calls_always_show_and_the_rest_is_counted() {
        // 22 calls, the root made the first and the last two; 11 rows.
        let items = pick_rows(22, &[0, 20, 21], 11);
        assert_eq!(items.len(), 11);
        let shown = calls(&items);
        for mine in [0, 20, 21] {
            assert!(shown.contains(&mine), "{items:?}");
        }
        assert_eq!(shown.len() + hidden(&items), 22, "every call is shown or counted: {items:?}");
    }

    #[test]
    fn a_node_with_more_calls_than_rows_keeps_a_row_for_the_rest() {
        let mine: Vec<usize> = (0..30).collect();
        let items = pick_rows(30, &mine, 5);
        assert_eq!(items, vec![Item::Call(0), Item::Call(1), Item::Call(2), Item::Call(3), Item::Hidden(26)]);
    }

    #[test]
    fn a_node_without_calls_sees_the_latest() {
        let items = pick_rows(10, &[], 4);
        assert_eq!(items, vec![Item::Hidden(7), Item::Call(7), Item::Call(8), Item::Call(9)]);
    }

    #[test]
    fn any_shape_fits_its_rows_and_accounts_for_every_call() {
        for count in 1..30 {
            for rows in 1..12 {
                for step in 1..5 {
                    let mine: Vec<usize> = (0..count).step_by(step * 3).collect();
                    let items = pick_rows(count, &mine, rows);
                    assert!(items.len() <= rows, "{count} {rows} {items:?}");
                    assert_eq!(calls(&items).len() + hidden(&items), count, "{count} {rows} {items:?}");
                }
            }
        }
    }
}
