//! The History tab on ratatui's TestBackend: insta snapshots at three sizes (one tiny) of the list,
//! the empty state, a search without results, the question before deleting, and a past run
//! reopened in the Run tab; and a property that no size or list breaks drawing.

use crossterm::event::KeyCode;
use proptest::prelude::*;

use super::ui::update;
use ailab::tui::msg::{HistoryMsg, Msg};
use ailab::tui::state::State;

use ailab::engine::RunStatus;

use super::history_support::{
    answer, history_with, key, listed, many, one_load, open_selected, row, sample, typed,
};
use super::support::{T0, state};
use crate::screen::{render, screen_problems};

/// Roomy, the classic 80×24, and the smallest screen ailab draws on.
const SIZES: &[(u16, u16)] = &[(120, 40), (80, 24), (40, 12)];

fn snapshot_sizes(name: &str, state: &mut State) {
    for &(w, h) in SIZES {
        let terminal = render(state, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    }
}

#[test]
fn list_of_runs() {
    let mut s = state(120, 40);
    history_with(&mut s, sample());
    update(&mut s, key(KeyCode::Down));
    snapshot_sizes("history_list", &mut s);
}

#[test]
fn lab_runs_are_labelled_as_the_labs() {
    let mut runs = sample();
    for (i, kind) in ["tree-arm", "judge"].into_iter().enumerate() {
        let mut lab =
            row(&format!("20261124-052{i}00-1ab0"), "Why is the sky blue?", RunStatus::Done, 40 + i as i64);
        lab.kind = kind.into();
        runs.push(listed(lab));
    }
    let mut s = state(120, 40);
    history_with(&mut s, runs);
    let screen = |s: &mut State, w: u16, h: u16| format!("{:?}", render(s, w, h).backend());
    // Wide: a Kind column.
    let wide = screen(&mut s, 120, 40);
    assert!(wide.contains("Kind") && wide.contains("lab tree") && wide.contains("lab judge"), "{wide}");
    // Narrower: the kind goes before the prompt, so the lab's runs never pass for the user's.
    let narrow = screen(&mut s, 80, 24);
    assert!(narrow.contains("lab judge · Why is the s"), "{narrow}");
    assert!(narrow.contains("lab tree · Why is the s"), "{narrow}");
    // The selected run's line says who made it.
    for _ in 0..7 {
        update(&mut s, key(KeyCode::Down));
    }
    let detail = screen(&mut s, 120, 40);
    assert!(detail.contains("lab judge run, made by the lab"), "{detail}");
}

#[test]
fn empty_for_a_new_user() {
    let mut s = state(120, 40);
    history_with(&mut s, Vec::new());
    snapshot_sizes("history_empty", &mut s);
}

#[test]
fn search_without_results() {
    let mut s = state(120, 40);
    history_with(&mut s, sample());
    update(&mut s, key(KeyCode::Char('/')));
    typed(&mut s, "zebra");
    let (request, ..) = one_load(&update(&mut s, key(KeyCode::Enter)));
    answer(&mut s, request, Vec::new(), None);
    snapshot_sizes("history_no_match", &mut s);
}

#[test]
fn a_search_the_store_cannot_run() {
    let mut s = state(100, 20);
    history_with(&mut s, sample());
    update(&mut s, key(KeyCode::Char('/')));
    typed(&mut s, "(*)");
    let (request, ..) = one_load(&update(&mut s, Msg::Tick { now_ms: T0 + 1_000 }));
    let message = "cannot search for that: \"(*)\" has no words to look for; type some letters or digits";
    update(&mut s, Msg::History(HistoryMsg::Page { request, result: Err(message.into()) }));
    let terminal = render(&mut s, 100, 20);
    insta::assert_snapshot!("history_bad_search_100x20", terminal.backend());
}

#[test]
fn delete_confirmation() {
    let mut s = state(120, 40);
    history_with(&mut s, sample());
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::Char('d')));
    snapshot_sizes("history_delete", &mut s);
}

#[test]
fn a_past_run_reopened_in_the_run_tab() {
    let mut s = state(120, 40);
    history_with(&mut s, sample());
    open_selected(&mut s, false);
    snapshot_sizes("history_past_run", &mut s);
}

#[test]
fn a_past_run_replaying() {
    let mut s = state(120, 40);
    history_with(&mut s, sample());
    open_selected(&mut s, true);
    update(&mut s, Msg::Tick { now_ms: T0 + 3_200 });
    let terminal = render(&mut s, 120, 40);
    insta::assert_snapshot!("history_replay_120x40", terminal.backend());
}

#[test]
fn a_record_that_cannot_be_read() {
    let mut s = state(80, 24);
    let reason =
        "recording is off (--no-record) and there is no record yet at /home/ada/.local/share/ailab/ailab.db.";
    update(&mut s, Msg::History(HistoryMsg::Unavailable(reason.into())));
    update(&mut s, super::history_support::alt('2'));
    let terminal = render(&mut s, 80, 24);
    insta::assert_snapshot!("history_unavailable_80x24", terminal.backend());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Any size, any number of runs, any selection, any prompt text: the tab draws with the tab
    /// bar and status bar in place (or says the screen is too small), and no control character
    /// reaches the screen.
    #[test]
    fn any_size_and_list_draws_cleanly(
        width in 1u16..160,
        height in 1u16..60,
        count in 0usize..150,
        down in 0usize..200,
        junk in proptest::collection::vec(any::<char>(), 0..60),
    ) {
        let mut s = state(120, 40);
        let mut runs = many(count, 0);
        if let Some(first) = runs.first_mut() {
            first.row.prompt = junk.into_iter().collect();
            first.snippet = Some("[match] \u{1b}[31m red".into());
        }
        history_with(&mut s, runs);
        for _ in 0..down {
            update(&mut s, key(KeyCode::Down));
        }
        let terminal = render(&mut s, width, height);
        let problems = screen_problems(&s, &terminal);
        prop_assert!(problems.is_empty(), "at {width}×{height}:\n{}", problems.join("\n"));
        for cell in terminal.backend().buffer().content() {
            prop_assert!(!cell.symbol().chars().any(|c| c.is_control()), "control char {:?}", cell.symbol());
        }
    }
}
