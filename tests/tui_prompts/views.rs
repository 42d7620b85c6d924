//! Snapshots of the Prompts tab on ratatui's TestBackend at several sizes (one tiny): a member
//! with unsaved edits, a template with a problem, the remove question, the unsaved-edits
//! question and the comparison with a past run. And at any size, drawing never panics.

use crossterm::event::KeyCode;
use proptest::prelude::*;

use super::ui::update;
use ailab::config::edit::{Field, PromptField};
use ailab::tui::msg::{Msg, PromptsMsg};
use ailab::tui::state::State;

use super::fixture::*;
use crate::screen::{render, screen_problems};

const SIZES: &[(u16, u16)] = &[(120, 40), (80, 24), (52, 16)];

fn snapshot_sizes(name: &str, state: &mut State) {
    for &(w, h) in SIZES {
        let terminal = render(state, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    }
}

/// Echo's system prompt edited, unsaved, with the editor focused.
fn dirty() -> State {
    let mut s = on_prompts(120, 40);
    select(&mut s, "echo");
    focus_field(&mut s, Field::Prompt(PromptField::System));
    typing(&mut s, "Always answer in three bullet points. ");
    s
}

#[test]
fn a_member_with_unsaved_edits() {
    let mut s = dirty();
    snapshot_sizes("dirty", &mut s);
    let tiny = render(&mut s, 30, 8);
    insta::assert_snapshot!("dirty_30x8", tiny.backend());
}

#[test]
fn a_template_with_a_problem() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "echo");
    update(&mut s, edited("echo", Field::Prompt(PromptField::Answer), "Answer this: {taks}\nBe brief."));
    focus_field(&mut s, Field::Prompt(PromptField::Answer));
    snapshot_sizes("problem", &mut s);
}

#[test]
fn the_remove_question() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "nova");
    press(&mut s, KeyCode::Char('d'));
    snapshot_sizes("confirm_remove", &mut s);
}

#[test]
fn the_unsaved_edits_question() {
    let mut s = dirty();
    ctrl(&mut s, 'q');
    let terminal = render(&mut s, 80, 24);
    insta::assert_snapshot!("unsaved_80x24", terminal.backend());
}

#[test]
fn the_changed_outside_question() {
    let mut s = dirty();
    ctrl(&mut s, 's');
    let now = ailab::config::DEFAULT_HIERARCHY_TOML.replace("You are Echo", "You are Echo Prime");
    update(&mut s, Msg::Prompts(PromptsMsg::ChangedOnDisk { path: SAVE_PATH.into(), now: Some(now) }));
    let terminal = render(&mut s, 80, 24);
    insta::assert_snapshot!("changed_outside_80x24", terminal.backend());
}

#[test]
fn the_comparison_with_a_past_run() {
    let mut s = dirty();
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('c'));
    let mut past = shipped();
    let echo = past.nodes.iter_mut().find(|n| n.id == "echo").unwrap();
    echo.temperature = 0.9;
    past.nodes.retain(|n| n.id != "quantum");
    past.nodes.iter_mut().find(|n| n.id == "sage").unwrap().children.clear();
    let msg = PromptsMsg::PastPrompts {
        run_id: "20261124-050000-0002".into(),
        title: "Why is the sky blue?".into(),
        result: Ok(Box::new(past)),
    };
    // The list answered first (one run of another version), then the run was picked.
    let row = PromptsMsg::RecentRuns(Ok(Vec::new()));
    update(&mut s, Msg::Prompts(row));
    if let Some(ailab::tui::state::prompts::Dialog::Pick(pick)) = &mut s.prompts.dialog {
        pick.loading = true;
    }
    update(&mut s, Msg::Prompts(msg));
    snapshot_sizes("compare", &mut s);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Every size draws, whatever has the keyboard: the tab bar and status bar stay in place, and
    /// tiny sizes say the terminal is too small.
    #[test]
    fn any_size_draws(width in 1u16..160, height in 1u16..60, steps in 0usize..14) {
        let mut s = dirty();
        for _ in 0..steps {
            press(&mut s, KeyCode::Tab);
        }
        let terminal = render(&mut s, width, height);
        let problems = screen_problems(&s, &terminal);
        prop_assert!(problems.is_empty(), "at {width}×{height}:\n{}", problems.join("\n"));
    }
}
