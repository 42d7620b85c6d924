//! The tree of members (the same names as the Run tab), each marked ● when it has unsaved edits
//! and ▲ when one of its fields has a problem; under it, the file and the version's record.

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType};
use unicode_width::UnicodeWidthStr;

use crate::config::Hierarchy;
use crate::config::edit::PromptsDraft;
use crate::tui::screen::prompts::layout::PromptsLayout;
use crate::tui::state::State;
use crate::tui::state::prompts::PromptsFocus;
use crate::tui::text::wrap::{tail_of, truncate};
use crate::tui::theme::Role;
use crate::tui::view::span;

/// `├─ `, `│  └─ `: the tree-drawing prefix of a member.
fn prefix(h: &Hierarchy, id: &str) -> String {
    let mut parts = Vec::new();
    let mut node = id.to_string();
    while let Some(parent) = h.parent_of(&node) {
        let last = parent.children.last().is_some_and(|c| *c == node);
        parts.push(match (node == id, last) {
            (true, true) => "└─ ",
            (true, false) => "├─ ",
            (false, true) => "   ",
            (false, false) => "│  ",
        });
        node = parent.id.clone();
    }
    parts.reverse();
    parts.concat()
}

pub fn draw(frame: &mut Frame, state: &State, layout: &PromptsLayout, draft: &PromptsDraft) {
    let theme = state.theme();
    let focused = state.prompts.focus == PromptsFocus::Tree && state.prompts.dialog.is_none();
    let dirty = draft.is_dirty();
    let title_mark = if dirty {
        span(" ● unsaved ", theme.style(Role::Unsaved))
    } else {
        span("", theme.style(Role::Dim))
    };
    let block = Block::bordered()
        .border_type(if focused { BorderType::Thick } else { BorderType::Rounded })
        .border_style(theme.style(if focused { Role::BorderFocused } else { Role::Border }))
        .title_top(Line::from(span(" Team ", theme.style(Role::Title))))
        .title_top(Line::from(title_mark).right_aligned());
    frame.render_widget(block, layout.tree);
    let h = draft.hierarchy();
    let rows = state.prompts.tree_rows();
    for (index, rect) in &layout.tree_rows {
        let Some((id, _)) = rows.get(*index) else { continue };
        let Some(node) = h.node(id) else { continue };
        let selected = *id == state.prompts.selected;
        let mut marks = String::new();
        if draft.is_node_dirty(id) {
            marks.push_str(" ●");
        }
        let broken = !draft.node_problems(id).is_empty();
        let head = format!(" {}{}", prefix(h, id), node.name);
        let room = (rect.width as usize).saturating_sub(marks.width() + if broken { 2 } else { 0 });
        let name_role = if selected && focused {
            Role::Selection
        } else if selected {
            Role::Accent
        } else {
            Role::Text
        };
        let head = truncate(&head, room);
        let pad = room.saturating_sub(head.width());
        let mut spans = vec![span(head, theme.style(name_role))];
        if selected {
            spans.push(span(" ".repeat(pad), theme.style(name_role)));
        }
        spans.push(span(marks, theme.style(Role::Unsaved)));
        if broken {
            spans.push(span(" ▲", theme.style(Role::Problem)));
        }
        frame.buffer_mut().set_line(rect.x, rect.y, &Line::from(spans), rect.width);
    }
    if let Some(info) = layout.info {
        let lines = info_lines(state, draft, info.width);
        for (i, (text, role)) in lines.iter().enumerate().take(info.height as usize) {
            let line = Line::from(span(truncate(text, info.width as usize), theme.style(*role)));
            frame.buffer_mut().set_line(info.x, info.y + i as u16, &line, info.width);
        }
    }
}

/// The summary under the tree: the version's record, where saving writes, what is unsaved.
pub fn info_lines(state: &State, draft: &PromptsDraft, width: u16) -> Vec<(String, Role)> {
    let mut out = Vec::new();
    let usage = &state.prompts.usage;
    if !usage.hash.is_empty() {
        out.push((format!(" version {}", crate::tui::state::prompts::short_version(&usage.hash)), Role::Dim));
        out.push(match &usage.runs {
            None => (" counting its runs…".into(), Role::Dim),
            Some(Ok(0)) => (" no recorded runs yet".into(), Role::Dim),
            Some(Ok(1)) => (" used by 1 recorded run".into(), Role::Dim),
            Some(Ok(n)) => (format!(" used by {n} recorded runs"), Role::Dim),
            Some(Err(reason)) => (format!(" {reason}"), Role::Dim),
        });
    }
    let problems = draft.problems().len();
    out.push(match (draft.is_dirty(), problems, state.prompts.saving) {
        (_, _, true) => (" saving…".into(), Role::Unsaved),
        (true, 0, _) => (" ● unsaved edits".into(), Role::Unsaved),
        (true, 1, _) => (" ▲ fix 1 field to save".into(), Role::Problem),
        (true, n, _) => (format!(" ▲ fix {n} fields to save"), Role::Problem),
        (false, _, _) => (" saved".into(), Role::Dim),
    });
    if let Some(editing) = state.prompts.editing() {
        // The end of the path (the file's name and folder) matters most in a narrow pane.
        let path = editing.save_path.display().to_string();
        let new = if editing.file_exists { "" } else { "(new) " };
        let room = (width as usize).saturating_sub(new.width() + 1);
        out.push((format!(" {new}{}", tail_of(&path, room)), Role::Dim));
    }
    out
}
