//! The final answer panel: the root's answer once the run ends, with status and totals.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType};

use crate::engine::RunStatus;
use crate::tui::format;
use crate::tui::screen::Screen;
use crate::tui::screen::layout::inner;
use crate::tui::state::{Focus, State};
use crate::tui::theme::Role;
use crate::tui::view::paint::{draw_rows, span};

pub fn draw(frame: &mut Frame, rect: Rect, state: &State, screen: &Screen) {
    let theme = state.theme();
    let run = &state.run.view;
    let status = run.status.unwrap_or(RunStatus::Done);
    let (label, status_role) = format::run_status(status);
    let focused = state.run.focus == Focus::Answer && state.overlays.is_empty();
    // Counted from the calls this view saw, so a cancel reads as cancelled (not failed) and
    // tokens streamed before it count, whatever the engine's totals say.
    let counts = run.call_counts();
    let mut facts = vec![label.to_string()];
    facts.push(format!("{} call{}", counts.calls, if counts.calls == 1 { "" } else { "s" }));
    if counts.failed > 0 {
        facts.push(format!("{} failed", counts.failed));
    }
    if counts.cancelled > 0 {
        facts.push(format!("{} cancelled", counts.cancelled));
    }
    facts.push(format!("{} tokens", format::thousands(counts.tokens)));
    let wall = run.totals.map(|t| t.wall_ms).or_else(|| run.elapsed_ms(state.now_ms));
    if let Some(wall) = wall {
        facts.push(format::duration(wall));
    }
    let facts = format::fit_parts(&facts, (rect.width as usize).saturating_sub(14));
    let border = if focused { theme.style(Role::BorderFocused) } else { theme.style(Role::AnswerBorder) };
    let mut block = Block::bordered()
        .border_type(if focused { BorderType::Thick } else { BorderType::Double })
        .border_style(border)
        .title_top(Line::from(vec![
            span(" Answer ", theme.style(Role::AnswerTitle)),
            span(format!("· {facts} "), theme.style(status_role)),
        ]));
    let area = inner(rect);
    let total = screen.answer.len();
    let top = state.run.answer_scroll.top_from(screen.answer_anchor, total, area.height as usize);
    let below = total.saturating_sub(top + area.height as usize);
    if below > 0 {
        block = block.title_bottom(
            Line::from(span(format!(" ↓ {below} more (PgDn) "), theme.style(Role::KeyHint))).right_aligned(),
        );
    }
    frame.render_widget(block, rect);
    let rows = screen.answer.rows(top, area.height as usize);
    draw_rows(frame.buffer_mut(), area, &rows, theme);
}
