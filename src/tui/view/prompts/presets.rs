//! The preset chooser: each shipped organization with its calls per question and what it is for,
//! the one the user's file is now marked; then, when edits would be lost, the question before.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use unicode_width::UnicodeWidthStr;

use super::dialog::{buttons_box, open_box};
use crate::tui::state::State;
use crate::tui::state::prompts::{ConfirmApply, PresetChooser};
use crate::tui::text::wrap::{Row, wrap};
use crate::tui::theme::Role;
use crate::tui::view::paint::{centered, draw_rows, span};

pub fn draw(frame: &mut Frame, state: &State, area: Rect, chooser: &PresetChooser) {
    match &chooser.confirm {
        Some(confirm) => question(frame, state, area, confirm),
        None => list(frame, state, area, chooser),
    }
}

fn list(frame: &mut Frame, state: &State, area: Rect, chooser: &PresetChooser) {
    let theme = state.theme();
    let width = 80.min(area.width.saturating_sub(2));
    let inner_w = width.saturating_sub(4) as usize;
    let intro = "Applying one writes it to your hierarchy.toml (your [server] settings stay) and the next \
                 run uses it.";
    let notes: Vec<Row> = wrap(intro, inner_w, Role::Dim);
    let about: Vec<Row> =
        chooser.chosen().map(|p| wrap(p.description, inner_w, Role::Text)).unwrap_or_default();
    let list_h = chooser.items.len() as u16;
    let height = notes.len() as u16 + 1 + list_h + 1 + about.len() as u16 + 2;
    let rect = centered(area, width, height.min(area.height));
    let keys = if chooser.applying { "Writing…" } else { "Enter apply · Esc close" };
    let body = open_box(frame, state, rect, " Presets ", keys);
    draw_rows(frame.buffer_mut(), body, &notes, theme);
    let name_w = chooser.items.iter().map(|i| i.preset.name.width()).max().unwrap_or(0);
    let top = body.y + notes.len() as u16 + 1;
    for (row, item) in chooser.items.iter().enumerate() {
        let y = top + row as u16;
        if y >= body.bottom() {
            break;
        }
        let selected = row == chooser.selected;
        let role = if selected { Role::Selection } else { Role::Text };
        let marker = if selected { "▸ " } else { "  " };
        let yours = if chooser.current == Some(item.preset.name) { "  ✓ yours now" } else { "" };
        let head = format!("{marker}{:<name_w$}  {:>2} calls per question", item.preset.name, item.calls);
        let room = (body.width as usize).saturating_sub(head.width() + yours.width());
        let line = Line::from(vec![
            span(head, theme.style(role)),
            span(" ".repeat(room), theme.style(role)),
            span(yours.to_string(), theme.style(if selected { Role::Selection } else { Role::Dim })),
        ]);
        frame.buffer_mut().set_line(body.x, y, &line, body.width);
    }
    let about_y = top + list_h + 1;
    if about_y < body.bottom() {
        let about_area = Rect::new(body.x, about_y, body.width, body.bottom() - about_y);
        draw_rows(frame.buffer_mut(), about_area, &about, theme);
    }
}

fn question(frame: &mut Frame, state: &State, area: Rect, confirm: &ConfirmApply) {
    let inner_w = 72.min(area.width.saturating_sub(6)) as usize;
    let name = confirm.preset.name;
    let mut rows: Vec<Row> = Vec::new();
    if confirm.unsaved {
        rows.extend(wrap(
            "The Prompts tab has unsaved edits: applying the preset discards them.",
            inner_w,
            Role::Problem,
        ));
    }
    if confirm.own_file {
        rows.extend(wrap(
            "Your hierarchy.toml is none of the presets: the changes you made to it would be replaced.",
            inner_w,
            Role::Problem,
        ));
    }
    let copy = if confirm.can_keep_copy {
        " Keep a copy saves your file as it is now as hierarchy.toml.bak first."
    } else {
        ""
    };
    rows.extend(wrap(&format!("Your [server] settings stay.{copy}"), inner_w, Role::Dim));
    let labels: Vec<(String, bool)> =
        confirm.choices().iter().map(|c| (c.label().to_string(), *c == confirm.selected)).collect();
    let keys = if confirm.can_keep_copy {
        "k keep a copy · r replace · c / Esc cancel"
    } else {
        "r replace · c / Esc cancel"
    };
    let title = format!(" Apply the {name} preset? ");
    buttons_box(frame, state, area, (&title, keys), rows, &labels);
}
