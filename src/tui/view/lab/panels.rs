//! The Lab tab's panels: the box asking for a prompt, the scoreboard, and the vote queue.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType};

use crate::tui::action::{Action, App, Context, Lab, Move, Run};
use crate::tui::screen::lab::LabScreen;
use crate::tui::screen::lab::layout::inner_text;
use crate::tui::screen::layout::inner;
use crate::tui::state::State;
use crate::tui::text::wrap::{Row, truncate};
use crate::tui::theme::Role;
use crate::tui::view::paint::{draw_rows, key_hint as key, span};

/// The one-line box asking for a prompt to compare.
pub fn ask(frame: &mut Frame, rect: Rect, state: &State) {
    let Some(editor) = &state.lab.ask else { return };
    let theme = state.theme();
    let hint = format!(
        " {} starts · {} cancels ",
        key(state, Context::LabAsk, Action::Run(Run::Send)),
        key(state, Context::LabAsk, Action::App(App::Close))
    );
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(theme.style(Role::BorderFocused))
        .title_top(Line::from(span(" Prompt to compare ", theme.style(Role::Title))))
        .title_top(Line::from(span(hint, theme.style(Role::Dim))).right_aligned());
    frame.render_widget(block, rect);
    frame.render_widget(editor, inner(rect));
}

/// The scoreboard, scrolled.
pub fn board(frame: &mut Frame, rect: Rect, state: &State, rows: &LabScreen) {
    if rect.height < 2 {
        return;
    }
    let theme = state.theme();
    let lab = &state.lab;
    let area = inner_text(rect);
    let height = area.height as usize;
    let board_rows = &rows.board_rows;
    let top = rows.board_top(lab.board_scroll);
    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.style(Role::Border))
        .title_top(Line::from(span(" Scoreboard ", theme.style(Role::Title))));
    if let Some(data) = &lab.data {
        let facts = format!(" {} compared · judge for new ones: {} ", data.comparisons, data.judge_model);
        let room = (rect.width as usize).saturating_sub(16);
        block =
            block.title_top(Line::from(span(truncate(&facts, room), theme.style(Role::Dim))).right_aligned());
    }
    let below = board_rows.len().saturating_sub(top + height);
    if below > 0 {
        let more = format!(" ↓ {below} more ({}) ", key(state, Context::Lab, Action::Move(Move::ScrollDown)));
        block = block.title_bottom(Line::from(span(more, theme.style(Role::KeyHint))).right_aligned());
    } else if top > 0 {
        let more = format!(" ↑ {top} above ({}) ", key(state, Context::Lab, Action::Move(Move::ScrollUp)));
        block = block.title_bottom(Line::from(span(more, theme.style(Role::KeyHint))).right_aligned());
    }
    frame.render_widget(block, rect);
    let end = (top + height).min(board_rows.len());
    draw_rows(frame.buffer_mut(), area, &board_rows[top.min(end)..end], theme);
}

/// The pairs waiting for a blind vote: prompts only (no arm names, so the vote stays blind).
pub fn queue(frame: &mut Frame, rect: Rect, state: &State) {
    if rect.height < 2 {
        return;
    }
    let theme = state.theme();
    let lab = &state.lab;
    let queue = lab.queue();
    let more = lab.data.as_ref().is_some_and(|d| d.more_waiting);
    let count = format!(" Waiting for your vote · {}{} ", queue.len(), if more { "+" } else { "" });
    let hint = format!(
        " {} votes · {} selects ",
        key(state, Context::Lab, Action::Lab(Lab::Vote)),
        key(state, Context::Lab, Action::Move(Move::SelectNext))
    );
    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.style(Role::Border))
        .title_top(Line::from(span(count, theme.style(Role::Title))));
    if !queue.is_empty() && rect.width as usize > hint.chars().count() + 34 {
        block = block.title_top(Line::from(span(hint, theme.style(Role::Dim))).right_aligned());
    }
    frame.render_widget(block, rect);
    let area = inner_text(rect);
    let width = area.width as usize;
    if queue.is_empty() {
        let text = match lab.data {
            Some(_) => "Nothing waits for your vote. Each comparison adds its pairs here.",
            None => "",
        };
        draw_rows(frame.buffer_mut(), area, &[Row::plain(truncate(text, width), Role::Dim)], theme);
        return;
    }
    let height = area.height as usize;
    let first = super::layout::queue_first(lab.selected, queue.len(), height);
    let rows: Vec<Row> = queue
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, item)| {
            let id = item.pending.comparison;
            let pairs = queue.iter().filter(|q| q.pending.comparison == id).count();
            let nth = queue[..i].iter().filter(|q| q.pending.comparison == id).count() + 1;
            let selected = i == lab.selected;
            let (marker, text_role, dim_role) = if selected {
                ("▸ ", Role::Selection, Role::Selection)
            } else {
                ("  ", Role::Text, Role::Dim)
            };
            let suffix = if pairs > 1 {
                format!(" · {} · pair {nth} of {pairs}", item.pending.prompt.category)
            } else {
                format!(" · {}", item.pending.prompt.category)
            };
            let room = width.saturating_sub(2 + suffix.chars().count()).max(width / 2);
            let mut row = crate::tui::text::cells::RowBuilder::new(width);
            row.push(marker, text_role);
            row.push(&crate::text::one_line(&item.pending.prompt.text, room), text_role);
            row.push(&suffix, dim_role);
            if selected {
                let pad = width.saturating_sub(row.width());
                row.push(&" ".repeat(pad), Role::Selection);
            }
            row.build()
        })
        .collect();
    draw_rows(frame.buffer_mut(), area, &rows, theme);
}
