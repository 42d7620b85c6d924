//! The selected member's form: each setting on a row, each prompt in its editor with the
//! placeholders it may use (required ones marked), and under any field the engine would refuse,
//! what is wrong and what to do.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block as Border, BorderType};
use unicode_width::UnicodeWidthStr;

use super::textbox::{self, Look};
use crate::config::edit::{Field, PromptsDraft};
use crate::tui::action::{Action, Context, Move, Prompts};
use crate::tui::screen::prompts::form_rows::{label_parts, placeholder_rows, problem_rows, side_rows};
use crate::tui::screen::prompts::layout::{Block, PromptsLayout};
use crate::tui::state::State;
use crate::tui::state::prompts::{FieldKind, kind_of};
use crate::tui::text::wrap::truncate;
use crate::tui::theme::Role;
use crate::tui::view::paint::{draw_rows, span};

/// Draws the form's pane and every block on screen.
pub fn draw(frame: &mut Frame, state: &State, layout: &PromptsLayout, draft: &PromptsDraft) {
    let theme = state.theme();
    let id = &state.prompts.selected;
    let Some(node) = draft.hierarchy().node(id) else { return };
    let focused = state.prompts.focused_field().is_some() && state.prompts.dialog.is_none();
    let problems = draft.node_problems(id).len();
    let mut marks = Vec::new();
    if draft.is_node_dirty(id) {
        marks.push(span(" ● unsaved ", theme.style(Role::Unsaved)));
    }
    if problems > 0 {
        let s = if problems == 1 { "" } else { "s" };
        marks.push(span(format!(" ▲ {problems} problem{s} "), theme.style(Role::Problem)));
    }
    let fields = state.prompts.fields();
    let shown_to = layout.top + layout.blocks.len();
    let last_clipped = layout.blocks.last().is_some_and(|b| b.area.bottom() >= layout.form.bottom() - 1);
    let more = match (layout.top > 0, shown_to < fields.len() || last_clipped) {
        (true, true) => " ↑↓ more ",
        (true, false) => " ↑ more ",
        (false, true) => " ↓ more ",
        (false, false) => "",
    };
    let title = format!(" {} ({}) · {} ", node.name, node.id, node.role);
    let room = (layout.form.width as usize)
        .saturating_sub(marks.iter().map(|m| m.content.width()).sum::<usize>() + 4);
    let border = Border::bordered()
        .border_type(if focused { BorderType::Thick } else { BorderType::Rounded })
        .border_style(theme.style(if focused { Role::BorderFocused } else { Role::Border }))
        .title_top(Line::from(span(truncate(&title, room), theme.style(Role::Title))))
        .title_top(Line::from(marks).right_aligned())
        .title_bottom(Line::from(span(hint(state), theme.style(Role::Dim))))
        .title_bottom(Line::from(span(more, theme.style(Role::Dim))).right_aligned());
    frame.render_widget(border, layout.form);
    for block in &layout.blocks {
        draw_block(frame, state, draft, block);
    }
}

/// The keys that matter for the focused field, in the pane's bottom border.
fn hint(state: &State) -> String {
    let key = |action| state.keymap.hint(Context::PromptsField, action).unwrap_or_default();
    let Some(field) = state.prompts.focused_field() else {
        let tree = |action| state.keymap.hint(Context::PromptsTree, action).unwrap_or_default();
        return format!(" {} edit these fields ", tree(Action::Prompts(Prompts::EditFields)));
    };
    match (kind_of(field), field) {
        (FieldKind::Toggle, _) => " Space switches on/off ".to_string(),
        (FieldKind::Line, Field::Model) => {
            format!(" {} picks a served model · or type its id ", key(Action::Prompts(Prompts::Choose)))
        }
        (FieldKind::Line, _) => {
            format!(
                " {} next field · {} undo ",
                key(Action::Move(Move::FocusNext)),
                key(Action::Prompts(Prompts::Undo))
            )
        }
        (FieldKind::Text, _) => format!(
            " {} opens $EDITOR · {} undo · {} next field ",
            key(Action::Prompts(Prompts::ExternalEditor)),
            key(Action::Prompts(Prompts::Undo)),
            key(Action::Move(Move::FocusNext))
        ),
    }
}

fn draw_block(frame: &mut Frame, state: &State, draft: &PromptsDraft, block: &Block) {
    let theme = state.theme();
    let id = &state.prompts.selected;
    let field = block.field;
    let focused = state.prompts.focused_field() == Some(field);
    let parts = label_parts(state, field);
    let label = if kind_of(field) == FieldKind::Text {
        Line::from(parts.into_iter().map(|(t, r)| span(t, theme.style(r))).collect::<Vec<_>>())
    } else {
        column_label(parts, block.label.width as usize, theme)
    };
    let label_w = label.width();
    frame.buffer_mut().set_line(block.label.x, block.label.y, &label, block.label.width);
    if let Field::Prompt(prompt) = field {
        if block.side.is_none() && block.placeholders.height == 0 {
            // The list fits on the label's row, at its right.
            let rows = placeholder_rows(prompt, (block.label.width as usize).saturating_sub(label_w + 2));
            if let Some(row) = rows.first() {
                let x = block.label.right().saturating_sub(row.width as u16);
                draw_rows(
                    frame.buffer_mut(),
                    Rect::new(x, block.label.y, row.width as u16, 1),
                    &rows[..1],
                    theme,
                );
            }
        } else if block.placeholders.height > 0 {
            let rows = placeholder_rows(prompt, block.placeholders.width as usize);
            draw_rows(frame.buffer_mut(), block.placeholders, &rows, theme);
        }
        if let Some(side) = block.side {
            draw_rows(frame.buffer_mut(), side, &side_rows(prompt, side.width as usize), theme);
        }
    }
    let has_cursor = focused && state.prompts.dialog.is_none() && state.overlays.is_empty();
    let look = Look { text: theme.style(Role::Text), dim: theme.style(Role::Dim), cursor: has_cursor };
    match kind_of(field) {
        FieldKind::Toggle => {
            let on = draft.field_text(id, field).is_some_and(|t| t == "on");
            let line = Line::from(vec![
                span(
                    if on { "● on " } else { "○ off" },
                    theme.style(if on { Role::StatusOk } else { Role::Text }),
                ),
                span(if focused { "   Space switches" } else { "" }, theme.style(Role::Dim)),
            ]);
            frame.buffer_mut().set_line(block.editor.x, block.editor.y, &line, block.editor.width);
        }
        kind => {
            if let Some(editor) = state.prompts.editors.get(id, field) {
                if kind == FieldKind::Line {
                    textbox::draw_line(frame.buffer_mut(), block.editor, editor, look);
                } else {
                    let top = if has_cursor { state.prompts.editors.top(id, field) } else { 0 };
                    textbox::draw_text(frame.buffer_mut(), block.editor, editor, top, look);
                }
            }
        }
    }
    if block.problems.height > 0 {
        let rows = problem_rows(state, id, field, block.problems.width as usize);
        draw_rows(frame.buffer_mut(), block.problems, &rows, theme);
    }
}

/// A one-line field's label in its column: the focus mark, the label (cut with `…` when the
/// column is narrow) and the unsaved and problem marks right after it, always whole, with a
/// space before the value.
fn column_label(parts: Vec<(String, Role)>, width: usize, theme: &crate::tui::theme::Theme) -> Line<'static> {
    let mut parts = parts.into_iter();
    let mark = parts.next();
    let label = parts.next();
    let marks: Vec<(String, Role)> = parts.collect();
    let mark_w = mark.as_ref().map_or(0, |(t, _)| t.width());
    let marks_w: usize = marks.iter().map(|(t, _)| t.width()).sum();
    let room = width.saturating_sub(mark_w + marks_w + 1);
    let mut spans = Vec::new();
    if let Some((text, role)) = mark {
        spans.push(span(text, theme.style(role)));
    }
    if let Some((text, role)) = label {
        spans.push(span(truncate(&text, room), theme.style(role)));
    }
    spans.extend(marks.into_iter().map(|(t, r)| span(t, theme.style(r))));
    Line::from(spans)
}
