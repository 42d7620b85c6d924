//! The zoom view: one node full screen — its task, each phase's full text, the exact messages
//! sent — above a timeline of every call in the run.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear};

use super::{draw_rows, span, timeline};
use crate::tui::action::{Action, App, Context, Move, Run};
use crate::tui::format;
use crate::tui::screen::layout::zoom as zoom_layout;
use crate::tui::screen::zoom::ZoomText;
use crate::tui::state::State;
use crate::tui::state::zoom::ZoomState;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, zoom: &ZoomState, text: Option<&ZoomText>) {
    let theme = state.theme();
    let layout = zoom_layout(area, state.run.view.calls.len());
    let Some(node) = state.run.view.nodes.get(zoom.node) else { return };
    let (label, _, role) = format::node_state(node.status.as_ref());
    let key = |action| state.keymap.hint(Context::Zoom, action).unwrap_or_default();
    let hints = format!(
        " {} back · {} next node · {} copy ",
        key(Action::App(App::Close)),
        key(Action::Move(Move::FocusNext)),
        key(Action::Run(Run::Copy))
    );
    let total = text.map_or(0, ZoomText::len);
    let height = layout.document.height as usize;
    let top = zoom.scroll.top(total, height);
    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.style(Role::Overlay))
        .title_top(Line::from(vec![
            span(" Zoom · ", theme.style(Role::Overlay)),
            span(node.name.clone(), theme.style(Role::Title)),
            span(format!(" · {label} "), theme.style(role)),
        ]))
        .title_top(Line::from(span(hints, theme.style(Role::Dim))).right_aligned());
    if total > height {
        let shown = (top + height).min(total);
        block = block.title_bottom(
            Line::from(span(format!(" rows {}-{shown} of {total} ", top + 1), theme.style(Role::Metrics)))
                .right_aligned(),
        );
    }
    frame.render_widget(Clear, layout.frame);
    frame.render_widget(block, layout.frame);
    let rows = text.map(|t| t.rows(top, height)).unwrap_or_default();
    draw_rows(frame.buffer_mut(), layout.document, &rows, theme);
    if let Some(rect) = layout.timeline {
        timeline::draw(frame, rect, state, zoom.node);
    }
}
