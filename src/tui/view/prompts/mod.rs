//! The Prompts tab: the tree of members, the selected member's form, and the tab's dialogs.
//! Pure: it reads the state and draws.

pub mod dialog;
pub mod form;
mod models;
mod presets;
pub mod textbox;
mod tree;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::screen::prompts::layout;
use crate::tui::state::State;
use crate::tui::state::prompts::{Dialog, FileState};
use crate::tui::text::wrap::{Row, Wrapper};
use crate::tui::theme::Role;
use crate::tui::view::paint::draw_rows;

/// Draws the tab on a screen of `area` (the tab bar and status bar are drawn by the caller).
pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let body = layout::body(area);
    let draft = match &state.prompts.file {
        FileState::Ready(editing) => &editing.draft,
        FileState::NotOpened | FileState::Loading => {
            message(frame, state, body, &[("Opening your hierarchy…", Role::Dim)]);
            return;
        }
        FileState::Unavailable(reason) => {
            message(
                frame,
                state,
                body,
                &[
                    ("The prompts cannot be edited here:", Role::Heading),
                    (reason, Role::Problem),
                    ("Runs still work with the hierarchy ailab started with.", Role::Dim),
                ],
            );
            return;
        }
    };
    let layout = layout::compute(state, area);
    tree::draw(frame, state, &layout, draft);
    form::draw(frame, state, &layout, draft);
    match &state.prompts.dialog {
        Some(Dialog::Models(picker)) => models::draw(frame, state, area, picker),
        Some(Dialog::Presets(chooser)) => {
            dialog::draw(frame, state, area);
            presets::draw(frame, state, area, chooser);
        }
        _ => dialog::draw(frame, state, area),
    }
}

/// Paragraphs in the middle of the body.
fn message(frame: &mut Frame, state: &State, body: Rect, paragraphs: &[(&str, Role)]) {
    let width = body.width.saturating_sub(4).min(90) as usize;
    let mut w = Wrapper::new(width);
    for (text, role) in paragraphs {
        w.push_str(text, *role);
        w.newline();
        w.newline();
    }
    let rows: Vec<Row> = w.all_rows();
    let height = (rows.len() as u16).min(body.height);
    let x = body.x + (body.width.saturating_sub(width as u16)) / 2;
    let y = body.y + body.height.saturating_sub(height) / 2;
    draw_rows(frame.buffer_mut(), Rect::new(x, y, width as u16, height), &rows, state.theme());
}
