//! The model picker, centred over the Prompts tab: the server's models marked loaded, not loaded
//! or unknown, with the members that use each; then who gets the one chosen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use unicode_width::UnicodeWidthStr;

use super::dialog::open_box;
use crate::config::Hierarchy;
use crate::llm::lmstudio::LoadState;
use crate::tui::state::State;
use crate::tui::state::prompts::{ModelList, ModelPicker, PickerStep, Target, state_label};
use crate::tui::text::wrap::{Row, truncate, wrap};
use crate::tui::theme::Role;
use crate::tui::view::paint::{centered, draw_rows, span};

/// The widest state label ("○ not loaded").
const STATE_W: usize = 12;

pub fn draw(frame: &mut Frame, state: &State, area: Rect, picker: &ModelPicker) {
    let Some(draft) = state.prompts.draft() else { return };
    let team = draft.hierarchy();
    let width = 84.min(area.width.saturating_sub(2));
    let text_w = width.saturating_sub(4) as usize;
    let title = match &picker.list {
        ModelList::Listed { url, .. } | ModelList::Failed { url, .. } => format!(" Models on {url} "),
        ModelList::Loading => " Models ".to_string(),
    };
    let member = team.node(&state.prompts.selected).map_or("the selected member", |n| n.name.as_str());
    let (rows, list_h, keys) = match &picker.step {
        PickerStep::Models => {
            let (before, after) = list_rows(state, team, picker, member, text_w);
            // The list takes what the notes leave (at least a row), scrolled to the selection.
            let room = (area.height as usize).saturating_sub(before.len() + after.len() + 2).max(1);
            let list_h = picker.models().len().min(room);
            let rows = [before, vec![Row::default(); list_h], after].concat();
            (rows, list_h, list_keys(picker))
        }
        PickerStep::Assign { model, state: loaded, target } => (
            assign_rows(state, team, (model, *loaded, *target), member, text_w),
            0,
            "t this member · a all · Enter ok · Esc back",
        ),
    };
    let rect = centered(area, width, rows.len() as u16 + 2);
    let body = open_box(frame, state, rect, &title, keys);
    draw_rows(frame.buffer_mut(), body, &rows, state.theme());
    if list_h > 0 {
        draw_list(frame, state, team, picker, body, list_h);
    }
}

fn list_keys(picker: &ModelPicker) -> &'static str {
    match &picker.list {
        ModelList::Listed { models, .. } if !models.is_empty() => "Enter choose · r list again · Esc close",
        ModelList::Loading => "Esc close",
        _ => "r try again · Esc close",
    }
}

/// The list step's rows above the models and below them (the models are drawn by `draw_list`).
fn list_rows(
    state: &State,
    team: &Hierarchy,
    picker: &ModelPicker,
    member: &str,
    width: usize,
) -> (Vec<Row>, Vec<Row>) {
    let mut rows = Vec::new();
    let mut below = Vec::new();
    match &picker.list {
        ModelList::Loading => {
            let url = &state.hierarchy.server.base_url;
            rows.extend(wrap(&format!("Asking the server at {url} for its models…"), width, Role::Dim));
        }
        ModelList::Failed { reason, .. } => {
            rows.extend(wrap(&format!("Cannot list the models: {reason}"), width, Role::Problem));
            rows.extend(wrap(
                "Start the server (in LM Studio: the Developer tab, Start server), or check its address with \
                 F2. Nothing was changed. Press r to try again.",
                width,
                Role::Accent,
            ));
        }
        ModelList::Listed { models, .. } if models.is_empty() => {
            rows.extend(wrap(
                "The server lists no model. In LM Studio, load one (the Developer tab, Select a model to \
                 load), then press r.",
                width,
                Role::Accent,
            ));
        }
        ModelList::Listed { models, .. } => {
            rows.extend(wrap(
                &format!("Pick a model for {member} (selected in the tree) or for every member:"),
                width,
                Role::Dim,
            ));
            let missing: Vec<String> = team
                .preorder()
                .into_iter()
                .filter(|n| !models.iter().any(|m| m.id == n.model))
                .map(|n| format!("{} ({})", n.name, n.model))
                .collect();
            if !missing.is_empty() {
                let text = format!("Not on this server: {}.", missing.join(", "));
                below.extend(wrap(&text, width, Role::StatusWarn));
            }
        }
    }
    if let Some(why) = &picker.refused {
        below.extend(wrap(why, width, Role::Problem));
    }
    if state.server.demo {
        below.extend(wrap(
            "This session runs the offline demo: the models chosen here are used when ailab runs against \
             your server.",
            width,
            Role::Dim,
        ));
    }
    (rows, below)
}

/// The models, one row each: id, state, the members that use it (scrolled to the selected one).
fn draw_list(
    frame: &mut Frame,
    state: &State,
    team: &Hierarchy,
    picker: &ModelPicker,
    body: Rect,
    shown: usize,
) {
    let models = picker.models();
    // Under the one-line heading.
    let header = 1;
    if shown == 0 {
        return;
    }
    let theme = state.theme();
    let first = picker.selected.saturating_sub(shown - 1);
    let id_w = models.iter().map(|m| m.id.width()).max().unwrap_or(0).min(body.width as usize / 2);
    for (row, (i, model)) in models.iter().enumerate().skip(first).take(shown).enumerate() {
        let selected = i == picker.selected;
        let marker = if selected { "▶ " } else { "  " };
        let id = truncate(&model.id, id_w);
        let pad = " ".repeat(id_w.saturating_sub(id.width()));
        let users: Vec<&str> =
            team.preorder().into_iter().filter(|n| n.model == model.id).map(|n| n.name.as_str()).collect();
        let label = format!("{:<STATE_W$}", state_label(model.state));
        let used = truncate(&users.join(", "), (body.width as usize).saturating_sub(id_w + STATE_W + 6));
        let state_role = match model.state {
            LoadState::Loaded => Role::NodeDone,
            LoadState::NotLoaded => Role::StatusWarn,
            LoadState::Unknown => Role::Dim,
        };
        let (main, dim) = if selected { (Role::Selection, Role::Selection) } else { (Role::Text, Role::Dim) };
        let line = Line::from(vec![
            span(format!("{marker}{id}{pad}  "), theme.style(main)),
            span(label, theme.style(if selected { Role::Selection } else { state_role })),
            span(format!("  {used}"), theme.style(dim)),
        ]);
        let y = body.y + (header + row) as u16;
        if y < body.bottom() {
            frame.buffer_mut().set_line(body.x, y, &line, body.width);
        }
    }
}

/// The second step: who gets `model`, what its state means, and that saving is at once.
fn assign_rows(
    state: &State,
    team: &Hierarchy,
    (model, loaded, target): (&str, LoadState, Target),
    member: &str,
    width: usize,
) -> Vec<Row> {
    let mut rows = wrap(&format!("Give {model} to:"), width, Role::Text);
    let button = |this: Target, label: String| {
        if this == target {
            (format!("▸ {label} "), Role::Selection)
        } else {
            (format!("  {label} "), Role::Text)
        }
    };
    let (one, one_role) = button(Target::Member, format!("This member ({member})"));
    let (all, all_role) = button(Target::All, format!("All members ({})", team.nodes.len()));
    let mut line = Row::plain(truncate(&one, width), one_role);
    line.segs.push(crate::tui::text::wrap::Seg { text: format!("   {all}"), role: all_role });
    line.width = line.segs.iter().map(|s| s.text.width()).sum();
    rows.push(Row::default());
    rows.push(line);
    rows.push(Row::default());
    match loaded {
        LoadState::NotLoaded => rows.extend(wrap(
            "LM Studio has not loaded it yet: it loads at the first call, which can take a minute.",
            width,
            Role::StatusWarn,
        )),
        LoadState::Unknown => {
            rows.extend(wrap("The server does not say whether it is loaded.", width, Role::Dim))
        }
        LoadState::Loaded => {}
    }
    let own_address: Vec<&str> = team
        .nodes
        .iter()
        .filter(|n| target == Target::All || n.id == state.prompts.selected)
        .filter(|n| n.endpoint.as_ref().is_some_and(|e| *e != team.server.base_url))
        .map(|n| n.name.as_str())
        .collect();
    if !own_address.is_empty() {
        let text = format!(
            "{} {} its own server address (endpoint); this list is from [server] base_url.",
            own_address.join(", "),
            if own_address.len() == 1 { "has" } else { "each have" }
        );
        rows.extend(wrap(&text, width, Role::StatusWarn));
    }
    rows.extend(wrap(
        "hierarchy.toml is saved at once, its comments kept; the next run uses the new model.",
        width,
        Role::Dim,
    ));
    rows
}
