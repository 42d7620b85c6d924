//! A past run from the History tab through the reducer: reopening and replaying it, the live run
//! behind it, deleting, exporting, copying and running its prompt again. No terminal, no database,
//! no clock. The list itself is in `history.rs`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::ui::update;
use ailab::engine::{RunStatus, RunSummary, RunTotals};
use ailab::store::export::Format;
use ailab::tui::msg::{Effect, HistoryEffect, HistoryMsg, Msg};
use ailab::tui::state::{Focus, Lifecycle, Tab};

use super::history_support::{alt, history_with, key, notice, open_selected, sample, tick};
use super::support::{ANSWER, PROMPT, T0, feed, full_run, launch, state};

#[test]
fn opening_shows_the_run_as_it_ended_read_only_and_esc_returns_to_live() {
    let mut s = state(120, 40);
    s.run.prompt.set_text("a draft");
    history_with(&mut s, sample());
    let id = open_selected(&mut s, false);
    assert_eq!(s.tab, Tab::Run);
    assert_eq!(s.run.view.run_id.as_deref(), Some(id.as_str()));
    assert_eq!(s.run.view.answer.as_deref(), Some(ANSWER));
    assert_eq!(s.run.view.status, Some(RunStatus::Done));
    assert_eq!(s.run.view.calls.len(), 9, "every pane's call is there");
    assert_eq!(s.run.focus, Focus::Answer);
    // Zoom works on it; typing does not edit anything.
    s.run.focus = Focus::Node(1);
    update(&mut s, key(KeyCode::Char('z')));
    assert!(s.zoom().is_some());
    update(&mut s, key(KeyCode::Esc));
    assert!(s.zoom().is_none() && s.history.shows_past(), "Esc closes the zoom first");
    update(&mut s, key(KeyCode::Char('x')));
    assert!(notice(&s).contains("past run"), "{}", notice(&s));
    assert_eq!(s.run.prompt.text(), "a draft");
    update(&mut s, key(KeyCode::Char('i')));
    assert_ne!(s.run.focus, Focus::Prompt, "the prompt box is not for a past run");
    // Tab goes round the six panes and the answer, never into the prompt box.
    let mut seen = Vec::new();
    for _ in 0..14 {
        update(&mut s, key(KeyCode::Tab));
        seen.push(s.run.focus);
    }
    assert!(!seen.contains(&Focus::Prompt));
    assert_eq!(seen[..7], seen[7..], "{seen:?}");
    update(&mut s, Msg::Paste("pasted".into()));
    assert_eq!(s.run.prompt.text(), "a draft", "nor does a paste land anywhere");
    update(&mut s, key(KeyCode::Esc));
    assert!(!s.history.shows_past());
    assert_eq!(s.run.view.run_id, None, "back to the live (idle) view");
    assert_eq!(s.run.prompt.text(), "a draft");
}

#[test]
fn replay_plays_at_the_recorded_pace_speeds_up_and_stops() {
    let mut s = state(120, 40);
    history_with(&mut s, sample());
    open_selected(&mut s, true);
    assert_eq!(s.run.view.status, Some(RunStatus::Running));
    assert!(s.run.view.calls.is_empty(), "the replay starts at the start");
    let script = full_run("x");
    let calls_by = |ms: i64| {
        script
            .until(ms)
            .iter()
            .filter(|e| matches!(e.kind, ailab::engine::EventKind::CallStarted { .. }))
            .count()
    };
    tick(&mut s, 1_000);
    assert_eq!(s.run.view.calls.len(), calls_by(1_000));
    let elapsed = s.run.view.elapsed_ms(T0 + 1_000).unwrap();
    assert_eq!(elapsed, 1_000, "events are stamped at replay time, so live figures read right");
    update(&mut s, key(KeyCode::Char('f')));
    assert!(notice(&s).contains("4×"));
    tick(&mut s, 2_000);
    assert_eq!(s.run.view.calls.len(), calls_by(5_000), "one second at 4× plays four");
    update(&mut s, key(KeyCode::Char('f')));
    update(&mut s, key(KeyCode::Char('f')));
    assert_eq!(s.history.past.as_ref().unwrap().replay.as_ref().unwrap().speed, 1, "16× wraps to 1×");
    update(&mut s, key(KeyCode::Char('s')));
    assert_eq!(s.run.view.status, Some(RunStatus::Done));
    assert_eq!(s.run.view.answer.as_deref(), Some(ANSWER));
    assert!(s.history.past.as_ref().unwrap().replay.is_none());
    // Replaying to the end.
    update(&mut s, key(KeyCode::Char('p')));
    tick(&mut s, 60_000);
    assert_eq!(s.run.view.status, Some(RunStatus::Done));
    assert_eq!(notice(&s), "Replay finished.");
}

#[test]
fn the_live_run_goes_on_behind_a_past_one() {
    let mut s = state(120, 40);
    s.run.prompt.set_text(PROMPT);
    update(&mut s, key(KeyCode::Enter));
    launch(&mut s, "live");
    let live = full_run("live");
    feed(&mut s, &live.until(2_000));
    history_with(&mut s, sample());
    open_selected(&mut s, false);
    feed(&mut s, &live.events[live.until(2_000).len()..]);
    assert_eq!(s.run.lifecycle, Lifecycle::Idle, "the live run's end is seen behind the past run");
    assert!(notice(&s).contains("live run ended"), "{}", notice(&s));
    assert_eq!(s.run.view.run_id.as_deref(), Some("20261124-055900-1a2b"), "the past run stays on screen");
    let summary = RunSummary {
        run_id: "live".into(),
        status: RunStatus::Done,
        answer: Some(ANSWER.into()),
        totals: RunTotals::default(),
        error: Some("not this one".into()),
        turn: None,
    };
    update(&mut s, Msg::RunTaskEnded { run_id: "live".into(), outcome: Ok(summary) });
    assert_eq!(s.run.view.error, None, "the task's end touches the live picture, not the past one");
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.run.view.run_id.as_deref(), Some("live"));
    assert_eq!(s.run.view.answer.as_deref(), Some(ANSWER));
    assert!(s.run.shows_answer());
}

/// The lifecycle has no repair pass: every way a run's end can reach the reducer ends it, so
/// Ctrl-C quits (rather than cancelling a run that is over) whichever came first.
#[test]
fn ctrl_c_quits_once_the_run_has_ended_whichever_way_its_end_arrived() {
    let ctrl_c = || Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    let summary = |run_id: &str| RunSummary {
        run_id: run_id.into(),
        status: RunStatus::Done,
        answer: Some(ANSWER.into()),
        totals: RunTotals::default(),
        error: None,
        turn: None,
    };
    let started = |run_id: &str| {
        let mut s = state(120, 40);
        s.run.prompt.set_text(PROMPT);
        update(&mut s, key(KeyCode::Enter));
        launch(&mut s, run_id);
        let script = full_run(run_id);
        feed(&mut s, &script.until(4_000));
        assert!(matches!(s.run.lifecycle, Lifecycle::Running { .. }));
        (s, script)
    };
    // The run's last event.
    let (mut events_first, script) = started("r1");
    feed(&mut events_first, &script.events[script.until(4_000).len()..]);
    // The task's summary, overtaking the last events.
    let (mut summary_first, _) = started("r2");
    update(&mut summary_first, Msg::RunTaskEnded { run_id: "r2".into(), outcome: Ok(summary("r2")) });
    // Behind a past run opened from History.
    let (mut behind_past, script) = started("r3");
    history_with(&mut behind_past, sample());
    open_selected(&mut behind_past, false);
    feed(&mut behind_past, &script.events[script.until(4_000).len()..]);
    // The task panicking.
    let (mut panicked, _) = started("r4");
    update(&mut panicked, Msg::RunTaskEnded { run_id: "r4".into(), outcome: Err("boom".into()) });
    for (how, mut s) in
        [("events", events_first), ("summary", summary_first), ("past", behind_past), ("panic", panicked)]
    {
        assert_eq!(s.run.lifecycle, Lifecycle::Idle, "{how}: the run is over");
        let effects = update(&mut s, ctrl_c());
        assert!(effects.contains(&Effect::Quit), "{how}: {effects:?}");
        assert!(!effects.contains(&Effect::CancelRun), "{how}: nothing left to cancel: {effects:?}");
    }
}

#[test]
fn delete_asks_first_and_can_be_kept() {
    let mut s = state(120, 40);
    history_with(&mut s, sample());
    update(&mut s, key(KeyCode::Down));
    assert!(update(&mut s, key(KeyCode::Char('d'))).is_empty());
    let confirm = s.history.confirm.clone().expect("a question first");
    assert_eq!(confirm.id, "20261124-055500-3c4d");
    assert!(update(&mut s, key(KeyCode::Char('x'))).is_empty(), "other keys are ignored");
    assert!(update(&mut s, key(KeyCode::Char('n'))).is_empty());
    assert!(s.history.confirm.is_none());
    assert!(notice(&s).contains("Kept run"));
    // Enter keeps too: the one answer that loses nothing (as in every other question).
    update(&mut s, key(KeyCode::Char('d')));
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(s.history.confirm.is_none() && s.history.runs.len() == 6);
    update(&mut s, key(KeyCode::Char('d')));
    let effects = update(&mut s, key(KeyCode::Char('y')));
    assert_eq!(
        effects,
        vec![Effect::History(HistoryEffect::Delete { id: confirm.id.clone(), conversation: false })]
    );
    update(
        &mut s,
        Msg::History(HistoryMsg::Deleted { id: confirm.id.clone(), result: Ok(vec![confirm.id.clone()]) }),
    );
    assert_eq!(s.history.runs.len(), 5);
    assert_eq!(s.history.total(), Some(5));
    assert_eq!(s.history.selected, 1);
    let refused = "run 20261124-055900-1a2b is still running; wait for it to finish or cancel it first";
    let id = "20261124-055900-1a2b".to_string();
    update(&mut s, Msg::History(HistoryMsg::Deleted { id, result: Err(refused.into()) }));
    assert!(notice(&s).contains(refused), "the store's reason is shown: {}", notice(&s));
    assert_eq!(s.history.runs.len(), 5);
}

#[test]
fn export_copy_and_run_again_work_on_the_selected_run() {
    let mut s = state(120, 40);
    history_with(&mut s, sample());
    let id = "20261124-055900-1a2b".to_string();
    let md = update(&mut s, key(KeyCode::Char('e')));
    assert_eq!(
        md,
        vec![Effect::History(HistoryEffect::Export {
            id: id.clone(),
            format: Format::Markdown,
            conversation: false
        })]
    );
    let json = update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Char('E'), KeyModifiers::SHIFT)));
    assert_eq!(
        json,
        vec![Effect::History(HistoryEffect::Export {
            id: id.clone(),
            format: Format::Json,
            conversation: false
        })]
    );
    let path = std::path::PathBuf::from("./ailab-20261124-055900-1a2b.md");
    update(&mut s, Msg::History(HistoryMsg::Exported { id: id.clone(), result: Ok(path) }));
    assert!(notice(&s).contains("./ailab-20261124-055900-1a2b.md"), "{}", notice(&s));
    let copy = update(&mut s, key(KeyCode::Char('y')));
    assert_eq!(copy, vec![Effect::History(HistoryEffect::LoadAnswer { id: id.clone() })]);
    let effects =
        update(&mut s, Msg::History(HistoryMsg::Answer { id: id.clone(), result: Ok(Some(ANSWER.into())) }));
    assert_eq!(effects, vec![Effect::Copy { text: ANSWER.into() }]);
    update(&mut s, Msg::History(HistoryMsg::Answer { id, result: Ok(None) }));
    assert!(notice(&s).contains("no final answer"));
    // Run again: to the Run tab, started, remembered for Up.
    let effects = update(&mut s, key(KeyCode::Char('a')));
    assert_eq!(effects, vec![Effect::StartRun { prompt: PROMPT.into(), conversation: Default::default() }]);
    assert_eq!((s.tab, s.run.lifecycle.clone()), (Tab::Run, Lifecycle::Launching));
    assert_eq!(s.run.prompt.history().last().map(String::as_str), Some(PROMPT));
    update(&mut s, alt('2'));
    assert!(update(&mut s, key(KeyCode::Char('a'))).is_empty(), "not while a run is going");
    assert!(notice(&s).contains("in progress"));
}
