//! Rows, pages and answers of the record as the History tab receives them, built by hand so the
//! History tab's reducer and view tests need no database.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::ui::update;
use ailab::engine::RunStatus;
use ailab::store::{RunCounts, RunRow};
use ailab::tui::msg::history::{ListedRun, Page};
use ailab::tui::msg::{Effect, HistoryEffect, HistoryMsg, Msg};
use ailab::tui::state::State;

use super::support::{T0, full_run};

/// A recorded run's list row, `minutes` before the scripted start.
pub fn row(id: &str, prompt: &str, status: RunStatus, minutes: i64) -> RunRow {
    let started_ms = T0 - minutes * 60_000;
    RunRow {
        id: id.into(),
        kind: "tree".into(),
        prompt: prompt.into(),
        root: "atlas".into(),
        status,
        started_ms,
        ended_ms: (status != RunStatus::Running).then_some(started_ms + 12_040),
        calls: 9,
        failed_calls: u32::from(status == RunStatus::Degraded),
        prompt_tokens: 1_080,
        completion_tokens: 640,
        hierarchy_hash: "3fa9c1d2e4b5a6978877665544332211".into(),
        note: None,
        conversation: id.into(),
        turn: 1,
        turn_kind: Default::default(),
        parent_run: None,
    }
}

pub fn listed(row: RunRow) -> ListedRun {
    ListedRun { row, snippet: None }
}

/// `n` plain runs, newest first, one a minute, starting `from` minutes back.
pub fn many(n: usize, from: i64) -> Vec<ListedRun> {
    (0..n)
        .map(|i| {
            let at = from + i as i64;
            listed(row(&format!("run-{at:05}"), &format!("Question number {at}"), RunStatus::Done, at))
        })
        .collect()
}

/// A few runs of every kind, as a user's list might look.
pub fn sample() -> Vec<ListedRun> {
    let mut interrupted = row(
        "20261124-054200-77aa",
        "Summarize the history of the printing press",
        RunStatus::Interrupted,
        18,
    );
    interrupted.note = Some("ailab stopped before this run finished (the process ended)".into());
    vec![
        listed(row("20261124-055900-1a2b", "Why is the sky blue?", RunStatus::Done, 1)),
        listed(row(
            "20261124-055500-3c4d",
            "Compare three ways to cache HTTP responses in a small Rust web service, with trade-offs",
            RunStatus::Degraded,
            5,
        )),
        listed(row(
            "20261124-055000-5e6f",
            "What is a black hole?\nExplain it to a child.",
            RunStatus::Failed,
            10,
        )),
        listed(row("20261124-054500-9a0b", "How do bees make honey?", RunStatus::Cancelled, 15)),
        listed(interrupted),
        listed(row("20261124-053000-c1d2", "Write a haiku about autumn rain", RunStatus::Done, 30)),
    ]
}

/// The Load effects among `effects`: (request, search, before id, count).
pub fn loads(effects: &[Effect]) -> Vec<(u64, Option<String>, Option<String>, bool)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::History(HistoryEffect::Load { request, search, before, limit, count, .. }) => {
                assert_eq!(*limit, 100, "pages are 100 runs");
                Some((*request, search.clone(), before.as_ref().map(|c| c.id.clone()), *count))
            }
            _ => None,
        })
        .collect()
}

/// The one Load among `effects`.
pub fn one_load(effects: &[Effect]) -> (u64, Option<String>, Option<String>, bool) {
    let all = loads(effects);
    assert_eq!(all.len(), 1, "expected one Load in {effects:?}");
    all.into_iter().next().unwrap()
}

/// Answers request `request` with `runs`.
pub fn answer(state: &mut State, request: u64, runs: Vec<ListedRun>, total: Option<u64>) -> Vec<Effect> {
    let counts = total.map(|own| RunCounts { own, lab: 0 });
    update(state, Msg::History(HistoryMsg::Page { request, result: Ok(Page { runs, counts }) }))
}

/// A tick `at` ms after the scripted start.
pub fn tick(state: &mut State, at: i64) -> Vec<Effect> {
    update(state, Msg::Tick { now_ms: T0 + at })
}

/// The notice shown, or nothing.
pub fn notice(state: &State) -> String {
    state.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default()
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn alt(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

pub fn typed(state: &mut State, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| update(state, key(KeyCode::Char(c)))).collect()
}

/// Opens the History tab and answers its first page with `runs`.
pub fn history_with(state: &mut State, runs: Vec<ListedRun>) {
    let effects = update(state, alt('2'));
    let (request, search, before, count) = one_load(&effects);
    assert_eq!((search, before, count), (None, None, true));
    let total = runs.len() as u64;
    answer(state, request, runs, Some(total));
}

/// Opens the selected run and answers with the scripted run's events (under the row's id).
pub fn open_selected(state: &mut State, replay: bool) -> String {
    let effects = update(state, key(if replay { KeyCode::Char('p') } else { KeyCode::Enter }));
    let Some(Effect::History(HistoryEffect::Open { request, id, replay: asked })) = effects.first().cloned()
    else {
        panic!("no Open in {effects:?}");
    };
    assert_eq!(asked, replay);
    let events = full_run(&id).events;
    update(
        state,
        Msg::History(HistoryMsg::Opened { request, id: id.clone(), replay, result: Ok(Arc::new(events)) }),
    );
    id
}
