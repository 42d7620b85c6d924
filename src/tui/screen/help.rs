//! The help overlay's text and where it goes: every key of the keymap by context, the keys a
//! context handles without the keymap, the mouse, and where settings live.

use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

use super::layout::overlay_body;
use crate::tui::action::Context;
use crate::tui::keymap::KeyChord;
use crate::tui::state::{HelpPage, State};
use crate::tui::text::wrap::{Row, Wrapper, truncate};
use crate::tui::theme::Role;

/// The help text as (keys, description) rows; headings have empty keys and a `None` description.
fn entries(state: &State) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for (ctx, entries) in state.keymap.help() {
        out.push((ctx.title().to_string(), None));
        for (keys, what) in entries {
            out.push((keys, Some(what.to_string())));
        }
        for (keys, what) in extras(state, ctx) {
            out.push((keys, Some(what.to_string())));
        }
        out.push((String::new(), Some(String::new())));
        if ctx == Context::Prompt {
            out.push(("Prompt box: editing".into(), None));
            for (keys, what) in editing_keys(state) {
                out.push((keys, Some(what.to_string())));
            }
            out.push((String::new(), Some(String::new())));
        }
    }
    out.push(("Mouse".into(), None));
    out.push(("click".into(), Some("Focus the pane (or the prompt) under the pointer".into())));
    out.push((
        "click a header".into(),
        Some("Fold a pane's finished section (▾ Answer, ▾ Split …) to its header row, or unfold it".into()),
    ));
    out.push(("wheel".into(), Some("Scroll the pane under the pointer".into())));
    out.push((
        "shift-drag".into(),
        Some("Select text with the terminal (ailab uses the mouse otherwise)".into()),
    ));
    out.push((String::new(), Some(String::new())));
    out.push(("Settings".into(), None));
    let config = &state.config_dir;
    out.push(("keys".into(), Some(format!("{config}/keymap.toml overrides any key above"))));
    out.push((
        "themes".into(),
        Some(format!("{} · yours go in {config}/themes/", state.themes.names().join(", "))),
    ));
    out.push(("NO_COLOR".into(), Some("set it to drop colours (bold and reverse stay)".into())));
    out
}

/// What a context does with keys that are not in the keymap.
fn extras(state: &State, ctx: Context) -> Vec<(String, &'static str)> {
    match ctx {
        Context::Panes => {
            let any_bound = ('a'..='z').any(|c| {
                state.keymap.binds(Context::Panes, &KeyChord::new(KeyCode::Char(c), KeyModifiers::NONE))
            });
            let keys = if any_bound { "other letters" } else { "letters" };
            vec![(
                keys.into(),
                "Start a prompt: the letter goes to the prompt box, and so does what you type next",
            )]
        }
        Context::PromptsField => vec![
            ("Space ← →".into(), "Switch an on/off field"),
            ("↑ ↓".into(), "On a one-line field: the previous or next field"),
        ],
        Context::PromptsDialog => vec![
            ("← → Tab".into(), "Move between the buttons (Save, Discard, Stay)"),
            ("a letter".into(), "Press a button by its first letter (s, d; y or n to a question)"),
        ],
        _ => Vec::new(),
    }
}

/// The prompt box's own editing keys (the editor's), less any the keymap took for itself.
fn editing_keys(state: &State) -> Vec<(String, &'static str)> {
    const KEYS: &[(&[&str], &str)] = &[
        (&["left", "right"], "Move the cursor"),
        (&["ctrl-left", "ctrl-right", "alt-b", "alt-f"], "Move by a word"),
        (&["home", "end", "ctrl-a", "ctrl-e"], "Go to the start or end of the line"),
        (&["alt-<", "alt->"], "Go to the start or end of the prompt"),
        (&["backspace", "delete"], "Delete a character"),
        (&["ctrl-w", "alt-backspace"], "Delete the word before the cursor"),
        (&["alt-d", "alt-delete"], "Delete the word after the cursor"),
        (&["ctrl-u"], "Delete to the start of the line"),
        (&["ctrl-k"], "Delete to the end of the line"),
        (&["ctrl-z"], "Undo"),
        (&["ctrl-r"], "Redo"),
        (&["shift-left", "shift-right"], "Select text (with the arrows)"),
        (&["ctrl-x"], "Cut the selection"),
        (&["ctrl-y"], "Paste what was cut (your terminal's paste key pastes from the system clipboard)"),
    ];
    KEYS.iter()
        .filter_map(|(specs, what)| {
            let free: Vec<String> = specs
                .iter()
                .filter_map(|spec| KeyChord::parse(spec).ok())
                .filter(|chord| !state.keymap.binds(Context::Prompt, chord))
                .map(|chord| chord.display())
                .collect();
            (!free.is_empty()).then(|| (free.join(" "), *what))
        })
        .collect()
}

/// A help page wrapped to `width`.
pub fn rows(state: &State, width: usize, page: HelpPage) -> Vec<Row> {
    match page {
        HelpPage::Keys => key_rows(state, width),
        HelpPage::Concepts => super::concepts::rows(width),
    }
}

/// The keys wrapped to `width`: headings, then keys with descriptions in a column.
fn key_rows(state: &State, width: usize) -> Vec<Row> {
    let all = entries(state);
    let keys_w = all.iter().filter(|(_, d)| d.is_some()).map(|(k, _)| k.width()).max().unwrap_or(0).min(30);
    let mut w = Wrapper::new(width);
    for (keys, what) in &all {
        match what {
            None => w.push_str(keys, Role::Heading),
            Some(what) => {
                let keys = truncate(keys, keys_w);
                let pad = keys_w.saturating_sub(keys.width());
                w.push_unbroken(&format!("  {keys}{}  ", " ".repeat(pad)), Role::KeyHint);
                w.set_hang(keys_w + 4, Role::Text);
                w.push_str(what, Role::Text);
            }
        }
        w.newline();
    }
    w.all_rows()
}

/// Where the help text goes on a screen of `area` (lines longer than 100 columns are hard to read).
pub fn body_area(area: Rect) -> Rect {
    overlay_body(area, 100)
}

/// The furthest the help can scroll on a screen of `area`.
pub fn max_scroll(state: &State, area: Rect, page: HelpPage) -> usize {
    let body = body_area(area);
    rows(state, body.width as usize, page).len().saturating_sub(body.height as usize)
}
