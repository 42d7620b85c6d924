//! One node's pane: name and role, state, the live text of its current phase, and a footer of
//! figures. The border takes the state's colour while the node works.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType};

use crate::engine::NodeStatus;
use crate::tui::format;
use crate::tui::screen::Screen;
use crate::tui::screen::layout::inner;
use crate::tui::state::run_view::{CallView, CallWait};
use crate::tui::state::{Focus, State};
use crate::tui::text::wrap::{self, Row, truncate};
use crate::tui::theme::Role;
use crate::tui::view::paint::{draw_rows, span};

pub fn draw(frame: &mut Frame, rect: Rect, state: &State, screen: &Screen, index: usize) {
    let (Some(node), Some(scroll), Some(pane)) =
        (state.run.view.nodes.get(index), state.run.panes.get(index), screen.panes.get(index))
    else {
        return;
    };
    let theme = state.theme();
    let focused = state.run.focus == Focus::Node(index) && state.overlays.is_empty();
    let call = state.run.view.current_call(index);
    let wait = call.and_then(|c| c.wait);
    let (label, glyph, role) = match wait {
        // Not answering yet: the call waits for its endpoint's limit.
        Some(CallWait::Queued { .. }) => ("queued", "○", Role::NodeWaiting),
        _ => format::node_state(node.status.as_ref()),
    };
    let glyph = if node.is_active() { format::spinner(state.now_ms) } else { glyph };

    let border_style = if focused {
        theme.style(Role::BorderFocused)
    } else if node.is_active() {
        theme.style(role)
    } else {
        theme.style(Role::Border)
    };
    let badge = format!(" {glyph} {label} ");
    let room = (rect.width as usize).saturating_sub(badge.chars().count() + 4);
    let name = truncate(&node.name, room);
    let role_text = truncate(&format!(" · {}", node.role), room.saturating_sub(name.chars().count()));
    let title = Line::from(vec![
        span(" ", theme.style(Role::Title)),
        span(name, theme.style(Role::Title)),
        span(role_text, theme.style(Role::Dim)),
        span(" ", theme.style(Role::Title)),
    ]);
    let figures = state.run.view.figures(index, state.now_ms);
    let mut block = Block::bordered()
        .border_type(if focused { BorderType::Thick } else { BorderType::Rounded })
        .border_style(border_style)
        .title_top(title)
        .title_top(Line::from(span(badge, theme.style(role))).right_aligned());
    if state.run.view.current_call(index).is_some() {
        let parts = format::figures(&figures);
        let footer = format::fit_parts(&parts, (rect.width as usize).saturating_sub(4));
        if !footer.is_empty() {
            block = block.title_bottom(Line::from(span(format!(" {footer} "), theme.style(Role::Metrics))));
        }
    }
    let text_area = inner(rect);
    if !scroll.is_following() && pane.has_call {
        let total = pane.len();
        let top = scroll.top(total, text_area.height as usize);
        let more = total.saturating_sub(top + text_area.height as usize);
        if more > 0 {
            block = block.title_bottom(
                Line::from(span(format!(" ↓ {more} more "), theme.style(Role::KeyHint))).right_aligned(),
            );
        }
    }
    frame.render_widget(block, rect);

    // The reason, unless the failed call already shows it at the end of its text.
    let call_error = state.run.view.current_call(index).and_then(|c| c.error.as_deref());
    let failure = match &node.status {
        Some(NodeStatus::Failed { reason }) => Some(node.failure.as_deref().unwrap_or(reason)),
        _ => None,
    }
    .filter(|reason| !call_error.is_some_and(|e| reason.contains(e)));
    // A failure keeps the last rows of the pane, at most three; else a flagged answer or a
    // fallback task says why on the last row.
    let notice = wait
        .map(wait_notice)
        .or_else(|| node.flag.as_ref().map(|flag| format!("⚠ flagged: {flag}")))
        .or_else(|| call.is_some_and(CallView::looped).then(|| "⟲ stopped: repeating itself".to_string()))
        .or_else(|| node.fallback_reason.as_ref().map(|why| format!("↳ fallback task: {why}")));
    let failure_rows: Vec<Row> = match (failure, notice) {
        (Some(reason), _) => {
            let mut rows = wrap::wrap(&format!("✖ {reason}"), text_area.width as usize, Role::NodeFailed);
            rows.truncate(3.min(text_area.height as usize / 2).max(1));
            rows
        }
        (None, Some(notice)) if text_area.height > 2 => {
            let mut rows = wrap::wrap(&notice, text_area.width as usize, Role::StatusWarn);
            // A wait is the whole story of a pane that shows no progress: it may take two rows.
            rows.truncate(if wait.is_some() && text_area.height > 4 { 2 } else { 1 });
            rows
        }
        _ => Vec::new(),
    };
    let body_height = (text_area.height as usize).saturating_sub(failure_rows.len());
    let rows = pane.rows(scroll.top(pane.len(), body_height), body_height);
    draw_rows(frame.buffer_mut(), Rect { height: body_height as u16, ..text_area }, &rows, theme);
    if !failure_rows.is_empty() {
        let y = text_area.y + body_height as u16;
        let area = Rect::new(text_area.x, y, text_area.width, failure_rows.len() as u16);
        draw_rows(frame.buffer_mut(), area, &failure_rows, theme);
    }
}

/// What a waiting call's pane says, in plain words.
pub fn wait_notice(wait: CallWait) -> String {
    match wait {
        CallWait::Queued { ahead: 0 } => "queued (waiting for a free slot, next in line)".into(),
        CallWait::Queued { ahead } => format!("queued (waiting for a free slot, {ahead} ahead)"),
        CallWait::Silent { secs } => format!("silent for {secs} s…"),
    }
}
