//! The Prompts tab's dialogs, centred over it: questions, a line of input, pick lists, and the
//! comparison with a past run.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear};
use unicode_width::UnicodeWidthStr;

use crate::tui::screen::layout::inner;
use crate::tui::screen::prompts::dialog::{diff_area, diff_frame};
use crate::tui::screen::prompts::diff;
use crate::tui::state::State;
use crate::tui::state::prompts::{
    Choice, Dialog, DiffView, FileChanged, InputPurpose, Leave, Pick, PickPurpose,
};
use crate::tui::text::wrap::{Row, truncate, wrap};
use crate::tui::theme::Role;
use crate::tui::view::paint::{centered, draw_rows, span};

pub fn draw(frame: &mut Frame, state: &State, area: Rect) {
    let Some(dialog) = &state.prompts.dialog else { return };
    match dialog {
        Dialog::ConfirmRemove { name, below, .. } => {
            let text = match below.len() {
                0 => format!("Remove {name} from the team? Its prompts and settings go with it."),
                _ => format!(
                    "Remove {name} and everyone under it ({})? Their prompts and settings go with them.",
                    below.join(", ")
                ),
            };
            question(
                frame,
                state,
                area,
                &format!(" Remove {name}? "),
                &text,
                "y / Enter remove · n / Esc keep",
            );
        }
        Dialog::ConfirmReset { name, shipped, .. } => {
            let text = if *shipped {
                format!(
                    "Give {name} the prompts and settings ailab ships with? Its own edits are replaced; its \
                     place in the tree stays. Nothing is written until you save."
                )
            } else {
                format!(
                    "Remove {name}'s own settings and prompts, so it takes them from [defaults] (the shared \
                     ones)? Its name, role and place in the tree stay. Nothing is written until you save."
                )
            };
            question(frame, state, area, " Reset to default? ", &text, "y / Enter reset · n / Esc keep");
        }
        Dialog::ConfirmRevert { changed } => {
            let s = if *changed == 1 { "" } else { "s" };
            let text = format!(
                "Discard every unsaved edit ({changed} member{s} changed)? The prompts go back to the file as last saved."
            );
            question(frame, state, area, " Revert? ", &text, "y / Enter discard · n / Esc keep editing");
        }
        Dialog::Unsaved { then, selected } => unsaved(frame, state, area, *then, *selected),
        Dialog::FileChanged(changed) => file_changed(frame, state, area, changed),
        Dialog::Input { purpose, editor, error } => {
            let (title, what) = match purpose {
                InputPurpose::AddChild { .. } => {
                    (" Add a member ", "Name of the new member (its id is made from it):")
                }
                InputPurpose::Rename { .. } => (" Rename ", "New name (the id stays; I changes it):"),
                InputPurpose::ChangeId { .. } => (" Change id ", "New id (letters, digits, - and _):"),
            };
            let width = 60.min(area.width.saturating_sub(2));
            let error_rows = error
                .as_deref()
                .map(|e| wrap(e, width.saturating_sub(4) as usize, Role::Problem))
                .unwrap_or_default();
            let rect = centered(area, width, 6 + error_rows.len() as u16);
            let body = open_box(frame, state, rect, title, "Enter ok · Esc cancel");
            let theme = state.theme();
            frame.buffer_mut().set_line(
                body.x,
                body.y,
                &Line::from(span(what, theme.style(Role::Dim))),
                body.width,
            );
            let field = Rect::new(body.x, body.y + 2, body.width, 1);
            frame.buffer_mut().set_style(field, theme.style(Role::Selection));
            frame.render_widget(editor.as_ref(), field);
            draw_rows(
                frame.buffer_mut(),
                Rect::new(body.x, body.y + 3, body.width, error_rows.len() as u16),
                &error_rows,
                theme,
            );
        }
        Dialog::Pick(pick) => pick_list(frame, state, area, pick),
        Dialog::Diff(view) => comparison(frame, state, area, view),
        // Drawn by `models` and `presets`, beside this file.
        Dialog::Models(_) | Dialog::Presets(_) => {}
    }
}

/// A bordered box with a title and a key hint; returns the space inside.
pub(super) fn open_box(frame: &mut Frame, state: &State, rect: Rect, title: &str, keys: &str) -> Rect {
    let theme = state.theme();
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.style(Role::Overlay))
        .title_top(Line::from(span(title.to_string(), theme.style(Role::Overlay))))
        .title_bottom(Line::from(span(format!(" {keys} "), theme.style(Role::Dim))).right_aligned());
    frame.render_widget(block, rect);
    let body = inner(rect);
    Rect::new(body.x + 1, body.y, body.width.saturating_sub(2), body.height)
}

fn question(frame: &mut Frame, state: &State, area: Rect, title: &str, text: &str, keys: &str) {
    let width = 64.min(area.width.saturating_sub(2));
    let rows = wrap(text, width.saturating_sub(4) as usize, Role::Text);
    let rect = centered(area, width, rows.len() as u16 + 2);
    let body = open_box(frame, state, rect, title, keys);
    draw_rows(frame.buffer_mut(), body, &rows, state.theme());
}

fn unsaved(frame: &mut Frame, state: &State, area: Rect, then: Leave, selected: Choice) {
    let width = 64.min(area.width.saturating_sub(2));
    let inner_w = width.saturating_sub(4) as usize;
    let (title, going) = match then {
        Leave::Quit => (" Quit with unsaved edits? ".to_string(), "quit ailab".to_string()),
        Leave::Tab(tab) => {
            (" Leave Prompts with unsaved edits? ".to_string(), format!("go to {}", tab.title()))
        }
    };
    let text = format!(
        "The prompts have unsaved edits. The next run uses only what is saved. Save them before you \
         {going}, discard them, or stay here?"
    );
    let mut rows: Vec<Row> = wrap(&text, inner_w, Role::Text);
    if let Some(first) = state.prompts.problem_lines().first() {
        rows.extend(wrap(&format!("Cannot be saved yet: {first}"), inner_w, Role::Problem));
    }
    let labels: Vec<(String, bool)> =
        Choice::ALL.iter().map(|c| (c.label_for(then).to_string(), *c == selected)).collect();
    let keys = match selected {
        Choice::Stay => "s save · d discard · Enter / Esc stay".to_string(),
        other => format!("Enter {} · Esc stay", other.label_for(then).to_lowercase()),
    };
    buttons_box(frame, state, area, (&title, &keys), rows, &labels);
}

fn file_changed(frame: &mut Frame, state: &State, area: Rect, changed: &FileChanged) {
    let width = 72.min(area.width.saturating_sub(2));
    let inner_w = width.saturating_sub(4) as usize;
    let shown = state.prompts.editing().map(|e| e.save_path.display().to_string()).unwrap_or_default();
    let mut rows: Vec<Row> = wrap(
        &format!(
            "{shown} was changed outside ailab since it was read, and your unsaved edits cannot simply go on top:"
        ),
        inner_w,
        Role::Text,
    );
    for reason in &changed.reasons {
        rows.extend(wrap(&format!("• {reason}"), inner_w, Role::Problem));
    }
    let mut help = Vec::new();
    if changed.theirs.is_some() {
        help.push("Reload shows the file as it is now (your edits are lost).");
    }
    help.push("Overwrite writes your edits over it (the outside change is lost). Cancel writes nothing.");
    rows.extend(wrap(&help.join(" "), inner_w, Role::Dim));
    let choices = changed.choices();
    let labels: Vec<(String, bool)> =
        choices.iter().map(|c| (c.label().to_string(), *c == changed.selected)).collect();
    let keys = if changed.theirs.is_some() {
        "r reload · o overwrite · c / Esc cancel"
    } else {
        "o overwrite · c / Esc cancel"
    };
    buttons_box(frame, state, area, (" Changed outside ailab ", keys), rows, &labels);
}

/// A question with rows of text and a row of buttons (`(label, selected)`) under them.
pub(super) fn buttons_box(
    frame: &mut Frame,
    state: &State,
    area: Rect,
    (title, keys): (&str, &str),
    rows: Vec<Row>,
    buttons: &[(String, bool)],
) {
    let theme = state.theme();
    let width =
        rows.iter().map(|r| r.width as u16 + 4).max().unwrap_or(0).max(64).min(area.width.saturating_sub(2));
    let rect = centered(area, width, rows.len() as u16 + 4);
    let body = open_box(frame, state, rect, title, keys);
    draw_rows(frame.buffer_mut(), body, &rows, theme);
    let spans: Vec<_> = buttons
        .iter()
        .flat_map(|(label, selected)| {
            let role = if *selected { Role::Selection } else { Role::Text };
            let label = if *selected { format!("▸ {label} ") } else { format!(" {label} ") };
            [span(label, theme.style(role)), span("  ", theme.style(Role::Text))]
        })
        .collect();
    let y = body.y + rows.len() as u16 + 1;
    if y < body.bottom() {
        frame.buffer_mut().set_line(body.x, y, &Line::from(spans), body.width);
    }
}

fn pick_list(frame: &mut Frame, state: &State, area: Rect, pick: &Pick) {
    let theme = state.theme();
    let (title, keys) = match &pick.purpose {
        PickPurpose::MoveUnder { .. } => (" Move under… ", "Enter move · Esc cancel"),
        PickPurpose::Model { .. } => (" Served models ", "Enter use · Esc keep typing"),
        PickPurpose::CompareRun => (" Compare with a past run ", "Enter compare · Esc cancel"),
    };
    let width = 76.min(area.width.saturating_sub(2));
    let inner_w = width.saturating_sub(4) as usize;
    let mut notes: Vec<Row> = Vec::new();
    if pick.loading {
        notes.extend(wrap("Reading the record…", inner_w, Role::Dim));
    }
    if let Some(note) = &pick.note {
        notes.extend(wrap(note, inner_w, Role::Dim));
    }
    if pick.purpose == PickPurpose::CompareRun && !pick.items.is_empty() && !pick.loading {
        notes.extend(wrap("Recent runs whose prompts differ from these, newest first:", inner_w, Role::Dim));
    }
    let list_h = (pick.items.len() as u16).min(area.height.saturating_sub(notes.len() as u16 + 4).max(1));
    let rect = centered(area, width, notes.len() as u16 + list_h + 2);
    let body = open_box(frame, state, rect, title, keys);
    draw_rows(frame.buffer_mut(), body, &notes, theme);
    let list = Rect::new(
        body.x,
        body.y + notes.len() as u16,
        body.width,
        list_h.min(body.height.saturating_sub(notes.len() as u16)),
    );
    let first =
        if pick.selected >= list.height as usize { pick.selected + 1 - list.height as usize } else { 0 };
    for (row, (i, item)) in pick.items.iter().enumerate().skip(first).take(list.height as usize).enumerate() {
        let selected = i == pick.selected;
        let role = if selected { Role::Selection } else { Role::Text };
        let label = truncate(&item.label, body.width as usize);
        let room = (body.width as usize).saturating_sub(label.width() + 2);
        let detail = truncate(&item.detail, room);
        let pad = (body.width as usize).saturating_sub(label.width() + detail.width());
        let line = Line::from(vec![
            span(label, theme.style(role)),
            span(" ".repeat(pad), theme.style(role)),
            span(detail, theme.style(if selected { Role::Selection } else { Role::Dim })),
        ]);
        frame.buffer_mut().set_line(list.x, list.y + row as u16, &line, list.width);
    }
}

fn comparison(frame: &mut Frame, state: &State, area: Rect, view: &DiffView) {
    let theme = state.theme();
    let rect = diff_frame(area);
    let title = format!(" Changes since run {} ", view.run_id);
    let body = open_box(frame, state, rect, &title, "↑↓ PgUp PgDn scroll · Esc close");
    let now = if view.with_unsaved {
        "the prompts as edited (unsaved edits included)"
    } else {
        "the saved prompts"
    };
    let heading = format!("From what “{}” used, to {now}:", view.title);
    frame.buffer_mut().set_line(
        body.x,
        body.y,
        &Line::from(span(truncate(&heading, body.width as usize), theme.style(Role::Dim))),
        body.width,
    );
    let rows_area = diff_area(area);
    let rows = diff::rows(&view.diff, rows_area.width as usize);
    let top = view.scroll.min(rows.len().saturating_sub(rows_area.height as usize));
    draw_rows(frame.buffer_mut(), rows_area, &rows[top.min(rows.len())..], theme);
}
