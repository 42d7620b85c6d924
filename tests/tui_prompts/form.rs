//! The form as drawn: labels wide enough for their marks, values and placeholders in one column,
//! one-line values cut at their end, prompts wrapped at spaces (the layout counting the same
//! rows), a cut prompt saying how much more there is, and the focused prompt scrolled to its
//! cursor and moved through by screen rows.

use crossterm::event::KeyCode;

use super::ui::update;
use ailab::config::edit::{Field, PromptField};
use ailab::tui::state::State;
use ailab::tui::text::field_rows as textbox;

use super::fixture::*;
use crate::screen::screen_rows as screen;

const SYSTEM: Field = Field::Prompt(PromptField::System);
const SPLIT: Field = Field::Prompt(PromptField::Split);

fn line_with<'a>(lines: &'a [String], text: &str) -> &'a str {
    lines.iter().find(|l| l.contains(text)).unwrap_or_else(|| panic!("no {text:?} in\n{}", lines.join("\n")))
}

/// Column (in characters) where `needle` starts on the line holding it.
fn column_of(lines: &[String], needle: &str) -> usize {
    let line = line_with(lines, needle);
    line[..line.find(needle).unwrap()].chars().count()
}

fn set_line_field(s: &mut State, field: Field, text: &str) {
    focus_field(s, field);
    for _ in 0..20 {
        press(s, KeyCode::Backspace);
    }
    typing(s, text);
}

#[test]
fn marks_sit_between_the_label_and_its_value_and_values_share_one_column() {
    let mut s = on_prompts(80, 24);
    select(&mut s, "echo");
    set_line_field(&mut s, Field::ContextTokens, "8192");
    set_line_field(&mut s, Field::Reflect, "x");
    focus_field(&mut s, Field::Name);
    let lines = screen(&mut s, 80, 24);
    assert!(line_with(&lines, "Context tokens").contains("Context tokens ● "), "{lines:#?}");
    assert!(line_with(&lines, "Reflect rounds").contains("Reflect rounds ● ▲ "), "{lines:#?}");
    let value = column_of(&lines, "0.4");
    assert_eq!(column_of(&lines, "8192"), value);
    assert_eq!(column_of(&lines, "▲ x") + 2, value);
    assert_eq!(column_of(&lines, "none: replies vary"), value, "a placeholder starts where values do");
    assert_eq!(column_of(&lines, "the server address"), value);
}

#[test]
fn a_long_value_shows_its_start_unless_it_has_the_cursor() {
    let mut s = on_prompts(40, 12);
    select(&mut s, "echo");
    focus_field(&mut s, Field::Name);
    let lines = screen(&mut s, 40, 12);
    let model = line_with(&lines, "Model");
    assert!(model.contains("phi-3.1-mini") && model.contains('…'), "{lines:#?}");
    // With the cursor (at its end), it slides to show where typing goes.
    focus_field(&mut s, Field::Model);
    let lines = screen(&mut s, 40, 12);
    assert!(line_with(&lines, "Model").contains("4k-instruct"), "{lines:#?}");
}

#[test]
fn prompts_wrap_at_spaces_with_placeholders_whole_and_the_layout_counts_those_rows() {
    let mut s = on_prompts(80, 24);
    select(&mut s, "echo");
    // The editor is 50 columns wide here: "{role}" would straddle the edge.
    let text = format!("{} {{role}} and then some more words.", "x".repeat(46));
    update(&mut s, edited("echo", SYSTEM, &text));
    focus_field(&mut s, Field::Seed);
    let lines = screen(&mut s, 80, 24);
    assert!(!line_with(&lines, "xxxxxxxx").contains('{'), "{lines:#?}");
    assert_eq!(
        column_of(&lines, "{role} and"),
        column_of(&lines, "xxxxxxxx"),
        "the next row starts with the word, not a space"
    );
    // The layout gave the prompt exactly its two rows: the next field follows at once.
    let row = |needle: &str| lines.iter().position(|l| l.contains(needle)).unwrap();
    assert_eq!(row("Answer template"), row("{role} and") + 1, "{lines:#?}");
}

#[test]
fn a_prompt_cut_short_says_how_many_more_lines_it_has() {
    let mut s = on_prompts(120, 40);
    let lines = screen(&mut s, 120, 40);
    let split_rows = {
        let text = s.prompts.editors.text("atlas", SPLIT).unwrap();
        textbox::row_count(&text, 120 - 32 - 2 - 2)
    };
    assert!(split_rows > 6);
    let mark = format!("… {} more lines", split_rows - 5);
    assert!(lines.iter().any(|l| l.contains(&mark)), "{mark} in {lines:#?}");
}

#[test]
fn the_focused_prompt_scrolls_to_its_cursor_and_moves_by_screen_rows() {
    let mut s = on_prompts(80, 24);
    focus_field(&mut s, SPLIT);
    let editor = |s: &State| s.prompts.editors.get("atlas", SPLIT).unwrap().clone();
    assert_eq!(editor(&s).cursor(), (0, 0));
    // Down moves one screen row: into the wrapped rest of the first line.
    let width = 80 - 26 - 2 - 2;
    let lines = editor(&s).lines().to_vec();
    let rows = textbox::wrap(&lines, width);
    assert_eq!(rows[1].line, 0, "the first line wraps at {width} columns");
    press(&mut s, KeyCode::Down);
    assert_eq!(editor(&s).cursor(), (0, rows[1].start));
    press(&mut s, KeyCode::Up);
    assert_eq!(editor(&s).cursor(), (0, 0));
    // Down to the end: the last line is on screen.
    for _ in 0..rows.len() + 2 {
        press(&mut s, KeyCode::Down);
    }
    let last = lines.iter().rev().find(|l| !l.is_empty()).unwrap().clone();
    assert_eq!(editor(&s).cursor().0, lines.len() - 1);
    let shown = screen(&mut s, 80, 24);
    assert!(shown.iter().any(|l| l.contains(last.trim())), "{last:?} in {shown:#?}");
    assert!(s.prompts.editors.top("atlas", SPLIT) > 0);
}
