//! The lab's runs in the History tab: hidden until the user asks (one key), the list header saying
//! how many are hidden, the search leaving them out too, and an empty list that does not pretend
//! nothing was recorded when only the lab's runs exist.

use crossterm::event::KeyCode;

use super::ui::update;
use ailab::engine::RunStatus;
use ailab::store::{RunCounts, RunScope};
use ailab::tui::action::{Action, Context, History};
use ailab::tui::msg::history::{ListedRun, Page};
use ailab::tui::msg::{Effect, HistoryEffect, HistoryMsg, Msg};
use ailab::tui::state::State;

use super::history_support::{alt, key, listed, row, sample, typed};
use super::support::{T0, state};
use crate::screen::{render, screen_text as screen};

/// The one Load among `effects`: (request, scope, search, count).
fn load(effects: &[Effect]) -> (u64, RunScope, Option<String>, bool) {
    let loads: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::History(HistoryEffect::Load { request, scope, search, count, .. }) => {
                Some((*request, *scope, search.clone(), *count))
            }
            _ => None,
        })
        .collect();
    assert_eq!(loads.len(), 1, "expected one Load in {effects:?}");
    loads.into_iter().next().unwrap()
}

fn page(state: &mut State, request: u64, runs: Vec<ListedRun>, counts: Option<RunCounts>) -> Vec<Effect> {
    update(state, Msg::History(HistoryMsg::Page { request, result: Ok(Page { runs, counts }) }))
}

/// Three runs the lab made for one comparison of "Why is the sky blue?".
fn lab_runs() -> Vec<ListedRun> {
    ["judge", "solo", "tree-arm"]
        .into_iter()
        .enumerate()
        .map(|(i, kind)| {
            let mut lab =
                row(&format!("20261124-0559{i}0-1ab0"), "Why is the sky blue?", RunStatus::Done, i as i64);
            lab.kind = kind.into();
            listed(lab)
        })
        .collect()
}

const COUNTS: RunCounts = RunCounts { own: 6, lab: 18 };

#[test]
fn lab_runs_are_hidden_until_the_key_shows_them() {
    let mut s = state(120, 40);
    let (request, scope, search, count) = load(&update(&mut s, alt('2')));
    assert_eq!((scope, search, count), (RunScope::Own, None, true), "the first read leaves the lab out");
    page(&mut s, request, sample(), Some(COUNTS));
    assert_eq!((s.history.total(), s.history.hidden_lab()), (Some(6), Some(18)));
    let hidden = screen(&mut s, 120, 40);
    assert!(hidden.contains("18 lab runs hidden · l shows them"), "{hidden}");
    assert!(hidden.contains(" 6 runs "), "the count is of the runs listed: {hidden}");
    assert!(!hidden.contains("lab judge"), "{hidden}");
    insta::assert_snapshot!("history_lab_hidden_80x24", render(&mut s, 80, 24).backend());

    // l: the list is read again from the top with the lab's runs, the selected run kept.
    update(&mut s, key(KeyCode::Down));
    let kept = s.history.selected_run().unwrap().row.id.clone();
    let (request, scope, search, count) = load(&update(&mut s, key(KeyCode::Char('l'))));
    assert_eq!((scope, search, count), (RunScope::All, None, true));
    assert!(s.history.show_lab);
    let mut runs = lab_runs();
    runs.extend(sample());
    page(&mut s, request, runs, Some(COUNTS));
    assert_eq!(s.history.selected_run().unwrap().row.id, kept, "the selection stays on the same run");
    assert_eq!((s.history.total(), s.history.hidden_lab()), (Some(24), Some(0)));
    let shown = screen(&mut s, 120, 40);
    assert!(shown.contains("lab runs shown · l hides them"), "{shown}");
    assert!(shown.contains("lab judge") && shown.contains(" 24 runs "), "{shown}");

    // l again hides them.
    let (_, scope, ..) = load(&update(&mut s, key(KeyCode::Char('l'))));
    assert_eq!(scope, RunScope::Own);
    assert!(!s.history.show_lab);
}

#[test]
fn the_search_leaves_the_lab_out_and_says_how_to_include_it() {
    let mut s = state(120, 40);
    let (request, ..) = load(&update(&mut s, alt('2')));
    page(&mut s, request, sample(), Some(COUNTS));
    update(&mut s, key(KeyCode::Char('/')));
    typed(&mut s, "sky");
    let (request, scope, search, count) = load(&update(&mut s, Msg::Tick { now_ms: T0 + 1_000 }));
    assert_eq!((scope, search.as_deref(), count), (RunScope::Own, Some("sky"), false));
    page(&mut s, request, Vec::new(), None);
    let none = screen(&mut s, 120, 40);
    assert!(none.contains("No run matches “sky”."), "{none}");
    assert!(none.contains("The lab's runs are not searched: press l to include them."), "{none}");
    assert!(none.contains("lab runs not searched · l includes them"), "{none}");
    // Typed in the search box, l is a letter of the search; from the list it includes the lab.
    update(&mut s, key(KeyCode::Enter));
    let (request, scope, search, _) = load(&update(&mut s, key(KeyCode::Char('l'))));
    assert_eq!((scope, search.as_deref()), (RunScope::All, Some("sky")));
    page(&mut s, request, lab_runs(), None);
    assert_eq!(s.history.runs.len(), 3);
}

#[test]
fn only_lab_runs_is_not_an_empty_record() {
    let mut s = state(120, 40);
    let (request, ..) = load(&update(&mut s, alt('2')));
    page(&mut s, request, Vec::new(), Some(RunCounts { own: 0, lab: 18 }));
    let text = screen(&mut s, 120, 40);
    assert!(!text.contains("No runs yet"), "{text}");
    assert!(text.contains("No runs of your own yet."), "{text}");
    assert!(text.contains("press l to show them"), "{text}");
    assert!(text.contains("l lab runs"), "the status bar offers the key: {text}");
    insta::assert_snapshot!("history_only_lab_runs_80x24", render(&mut s, 80, 24).backend());
    update(&mut s, key(KeyCode::Enter));
    let said = s.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(said.contains("the lab's are hidden (l shows them)"), "{said}");
}

#[test]
fn deleting_a_lab_run_counts_it_off_the_labs() {
    let mut s = state(120, 40);
    let (request, ..) = load(&update(&mut s, alt('2')));
    page(&mut s, request, sample(), Some(COUNTS));
    let (request, ..) = load(&update(&mut s, key(KeyCode::Char('l'))));
    page(&mut s, request, lab_runs(), Some(COUNTS));
    let id = s.history.selected_run().unwrap().row.id.clone();
    update(&mut s, Msg::History(HistoryMsg::Deleted { id: id.clone(), result: Ok(vec![id]) }));
    assert_eq!(s.history.counts, Some(RunCounts { own: 6, lab: 17 }));
}

#[test]
fn the_help_lists_the_key() {
    let s = state(120, 40);
    let history = s.keymap.help().into_iter().find(|(ctx, _)| *ctx == Context::History).unwrap().1;
    let described = Action::History(History::ToggleLabRuns).describe();
    assert!(history.iter().any(|(k, what)| k == "l" && *what == described), "{history:?}");
}
