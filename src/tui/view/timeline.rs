//! The waterfall of every call in the run, on one time axis: what ran in parallel, what waited.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use unicode_width::UnicodeWidthStr;

use super::span;
use crate::config::Phase;
use crate::tui::format;
use crate::tui::state::State;
use crate::tui::state::run_view::CallView;
use crate::tui::text::wrap::truncate;
use crate::tui::theme::Role;

fn phase_role(call: &CallView) -> Role {
    if call.error.is_some() {
        return Role::NodeFailed;
    }
    match call.phase {
        Phase::Split => Role::NodeSplitting,
        Phase::Synthesize | Phase::Aggregate => Role::NodeSynthesizing,
        Phase::Reflect => Role::NodeReflecting,
        Phase::Revise => Role::NodeRevising,
        Phase::Critique | Phase::Judge => Role::NodeCritiquing,
        Phase::Answer | Phase::Solo | Phase::Sample => Role::NodeAnswering,
    }
}

/// Draws the axis row and one row per call (the latest calls when they do not all fit).
pub fn draw(frame: &mut Frame, rect: Rect, state: &State, zoomed: usize) {
    let theme = state.theme();
    let run = &state.run;
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

    // When not every call fits, start at the zoomed node's first call (or show the latest).
    let rows = rect.height as usize - 1;
    let last_start = run.calls.len().saturating_sub(rows);
    let skip = run.calls.iter().position(|c| c.node == zoomed).unwrap_or(last_start).min(last_start);
    for (call, y) in run.calls.iter().skip(skip).zip(rect.y + 1..rect.bottom()) {
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
