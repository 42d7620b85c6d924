//! The History tab's state machine, through the reducer: paging, search as you type, reopening
//! and replaying a run, the live run behind a past one, deleting, exporting, copying, running a
//! prompt again, and the record's notices. No terminal, no database, no clock.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::ui::update;
use ailab::engine::{RunStatus, RunSummary, RunTotals};
use ailab::store::export::Format;
use ailab::tui::msg::{Effect, HistoryEffect, HistoryMsg, Msg};
use ailab::tui::state::history::HistoryFocus;
use ailab::tui::state::{Focus, Lifecycle, State, Tab};

use super::history_support::{
    alt, answer, history_with, key, listed, loads, many, one_load, open_selected, row, sample, typed,
};
use super::invariants::assert_consistent;
use super::support::{ANSWER, PROMPT, T0, feed, full_run, launch, state};

fn tick(state: &mut State, at: i64) -> Vec<Effect> {
    update(state, Msg::Tick { now_ms: T0 + at })
}

fn notice(state: &State) -> String {
    state.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default()
}

#[test]
fn tab_keys_switch_tabs_and_the_list_is_read_once() {
    let mut s = state(120, 40);
    assert_eq!(&Tab::AVAILABLE[..2], &[Tab::Run, Tab::History]);
    let effects = update(&mut s, alt('2'));
    assert_eq!(s.tab, Tab::History);
    let (request, ..) = one_load(&effects);
    answer(&mut s, request, sample(), Some(6));
    assert!(update(&mut s, alt('1')).is_empty());
    assert_eq!(s.tab, Tab::Run);
    assert!(loads(&update(&mut s, alt('2'))).is_empty(), "an up-to-date list is not read again");
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::PageUp, KeyModifiers::CONTROL)));
    assert_eq!(s.tab, Tab::Run, "Ctrl-PgUp goes to the tab before");
}

#[test]
fn the_list_pages_by_key_as_the_selection_nears_the_end() {
    let mut s = state(120, 40);
    history_with(&mut s, many(100, 0));
    assert!(s.history.has_more() && s.history.total() == Some(100));
    // 74 rows down: still 26 rows ahead of the selection, no page yet.
    for _ in 0..74 {
        assert!(loads(&update(&mut s, key(KeyCode::Down))).is_empty());
    }
    let (request, search, before, count) = one_load(&update(&mut s, key(KeyCode::Down)));
    assert_eq!((search, before.as_deref(), count), (None, Some("run-00099"), false));
    assert!(loads(&update(&mut s, key(KeyCode::Down))).is_empty(), "one page at a time");
    answer(&mut s, request, many(100, 100), None);
    assert_eq!(s.history.runs.len(), 200);
    assert_eq!(s.history.selected, 76);
    let rows = ailab::tui::screen::history::layout(s.area()).list.height as usize;
    assert_eq!(rows, 33);
    assert_eq!(s.history.offset, 76 + 1 - rows, "the list scrolls just enough to show the selection");
    // End jumps to the last loaded run and asks for the page after it.
    let (request, _, before, _) = one_load(&update(&mut s, key(KeyCode::End)));
    assert_eq!(before.as_deref(), Some("run-00199"));
    answer(&mut s, request, many(12, 200), None);
    assert_eq!(s.history.runs.len(), 212);
    assert!(!s.history.has_more(), "a short page is the last");
    assert!(loads(&update(&mut s, key(KeyCode::End))).is_empty());
    assert_eq!(s.history.selected, 211);
    update(&mut s, key(KeyCode::Home));
    assert_eq!((s.history.selected, s.history.offset), (0, 0));
}

#[test]
fn search_runs_when_typing_pauses_and_stale_answers_are_dropped() {
    let mut s = state(120, 40);
    history_with(&mut s, sample());
    update(&mut s, key(KeyCode::Char('/')));
    assert_eq!(s.history.focus, HistoryFocus::Search);
    assert!(loads(&typed(&mut s, "sk")).is_empty(), "nothing is asked while typing");
    assert!(loads(&tick(&mut s, 100)).is_empty(), "nor before the pause is over");
    assert!(loads(&typed(&mut s, "y")).is_empty());
    let (first, search, before, count) = one_load(&tick(&mut s, 300));
    assert_eq!((search.as_deref(), before, count), (Some("sky"), None, false));
    // More typing before the answer: the first answer is stale when it arrives.
    typed(&mut s, " blue");
    let (second, search, ..) = one_load(&tick(&mut s, 600));
    assert_eq!(search.as_deref(), Some("sky blue"));
    let hit = listed(row("20261124-055900-1a2b", PROMPT, RunStatus::Done, 1));
    answer(&mut s, first, vec![hit.clone(), hit.clone()], None);
    assert_eq!(s.history.runs.len(), 6, "the stale answer changed nothing");
    answer(&mut s, second, vec![hit], None);
    assert_eq!(s.history.runs.len(), 1);
    assert_eq!(s.history.shown_query, "sky blue");
    // Enter goes to the list; Esc there clears the search and reads the plain list.
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.history.focus, HistoryFocus::List);
    let (_, search, _, count) = one_load(&update(&mut s, key(KeyCode::Esc)));
    assert_eq!((search, count), (None, true));
    assert!(s.history.query().is_empty());
}

#[test]
fn a_bad_search_shows_the_stores_message_in_the_tab() {
    let mut s = state(120, 40);
    history_with(&mut s, sample());
    update(&mut s, key(KeyCode::Char('/')));
    typed(&mut s, "(*)");
    let (request, ..) = one_load(&update(&mut s, key(KeyCode::Enter)));
    let message = "cannot search for that: \"(*)\" has no words to look for; type some letters or digits";
    update(&mut s, Msg::History(HistoryMsg::Page { request, result: Err(message.into()) }));
    assert_eq!(s.history.problem.as_deref(), Some(message));
    assert!(s.history.runs.is_empty());
    assert_eq!(s.tab, Tab::History, "no error screen: the tab says it");
    // Opening with nothing listed says why instead of doing nothing.
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(notice(&s).contains("nothing matches"), "{}", notice(&s));
}

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

#[test]
fn a_run_that_ends_refreshes_the_list_until_the_record_has_it() {
    let mut s = state(120, 40);
    history_with(&mut s, sample());
    update(&mut s, alt('1'));
    s.run.prompt.set_text(PROMPT);
    update(&mut s, key(KeyCode::Enter));
    launch(&mut s, "fresh");
    let run = full_run("fresh");
    feed(&mut s, &run.until(3_000));
    let (request, ..) = one_load(&update(&mut s, alt('2')));
    answer(&mut s, request, sample(), Some(6));
    let rest = &run.events[run.until(3_000).len()..];
    let effects: Vec<Effect> = rest.iter().flat_map(|e| update(&mut s, Msg::Engine(e.clone()))).collect();
    let (request, search, ..) = one_load(&effects);
    assert_eq!(search, None);
    // The recorder had not written the end yet: read again shortly.
    let mut running = vec![listed(row("fresh", PROMPT, RunStatus::Running, 0))];
    running.extend(sample());
    answer(&mut s, request, running.clone(), Some(7));
    assert!(loads(&tick(&mut s, 100)).is_empty());
    let (request, ..) = one_load(&tick(&mut s, 20_000));
    running[0].row.status = RunStatus::Done;
    answer(&mut s, request, running, Some(7));
    assert!(s.history.recheck.is_none());
    assert!(loads(&tick(&mut s, 40_000)).is_empty());
}

#[test]
fn record_notices_show_one_after_another_and_earlier_prompts_come_back() {
    let mut s = state(120, 40);
    let notices =
        vec!["The record was damaged; kept aside.".to_string(), "1 run(s) marked interrupted.".into()];
    update(&mut s, Msg::History(HistoryMsg::Notices(notices)));
    assert_eq!(notice(&s), "The record was damaged; kept aside.");
    tick(&mut s, 60_000);
    assert_eq!(notice(&s), "1 run(s) marked interrupted.");
    update(&mut s, Msg::History(HistoryMsg::PromptHistory(vec!["older".into(), "old".into()])));
    update(&mut s, key(KeyCode::Up));
    assert_eq!(s.run.prompt.text(), "old");
    update(&mut s, key(KeyCode::Up));
    assert_eq!(s.run.prompt.text(), "older");
    // A record that could not be read is asked again when the tab is shown: the reader opens it
    // again, and says why once more if it still cannot (or the list comes back if it can).
    update(&mut s, Msg::History(HistoryMsg::Unavailable("the record is locked".into())));
    let (request, ..) = one_load(&update(&mut s, alt('2')));
    update(&mut s, Msg::History(HistoryMsg::Unavailable("the record is locked".into())));
    assert_eq!(s.history.unavailable(), Some("the record is locked"));
    update(&mut s, alt('1'));
    let (request_again, ..) = one_load(&update(&mut s, alt('2')));
    assert!(request_again > request);
    answer(&mut s, request_again, sample(), Some(6));
    assert!(s.history.unavailable().is_none() && s.history.runs.len() == 6);
}

#[test]
fn the_mouse_selects_and_scrolls_the_list() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut s = state(120, 40);
    history_with(&mut s, sample());
    let at = |kind, row| Msg::Mouse(MouseEvent { kind, column: 10, row, modifiers: KeyModifiers::NONE });
    update(&mut s, at(MouseEventKind::Down(MouseButton::Left), 8));
    assert_eq!(s.history.selected, 3, "rows start under the search box and the header");
    update(&mut s, at(MouseEventKind::ScrollUp, 8));
    assert_eq!(s.history.selected, 0);
    update(&mut s, at(MouseEventKind::Down(MouseButton::Left), 2));
    assert_eq!(s.history.focus, HistoryFocus::Search);
    update(&mut s, Msg::Paste("sky\nblue".into()));
    assert_eq!(s.history.query(), "sky blue");
}

#[test]
fn every_action_in_every_mode_ends_without_looping() {
    use ailab::tui::action::{Action, App, Lab, Run};
    let mut plain = state(120, 40);
    let mut listed = state(120, 40);
    history_with(&mut listed, sample());
    let mut past = listed.clone();
    open_selected(&mut past, false);
    let mut replaying = listed.clone();
    open_selected(&mut replaying, true);
    let mut asking = listed.clone();
    update(&mut asking, key(KeyCode::Char('d')));
    let mut searching = listed.clone();
    update(&mut searching, key(KeyCode::Char('/')));
    plain.tab = Tab::Run;
    // The messages log under help (a second log must not open under it), and the Lab's vote screen.
    let act = |s: &mut State, action: Action| {
        let screen = ailab::tui::screen::Screen::of(s);
        ailab::tui::update::perform(s, &screen, action);
    };
    let mut panels = plain.clone();
    act(&mut panels, Action::App(App::Messages));
    act(&mut panels, Action::App(App::Help));
    let mut voting = plain.clone();
    act(&mut voting, Action::App(App::LabTab));
    act(&mut voting, Action::Lab(Lab::Vote));
    // The zoom view open on a node (zooming again must not stack a second one).
    let mut zoomed = plain.clone();
    act(&mut zoomed, Action::Run(Run::Zoom));
    assert!(zoomed.zoom().is_some());
    assert_eq!(panels.overlays.len(), 2);
    assert!(voting.lab.vote.is_some());
    let modes = [
        ("the Run tab", &plain),
        ("the list", &listed),
        ("a past run", &past),
        ("a replay", &replaying),
        ("the delete question", &asking),
        ("the search box", &searching),
        ("the messages log under help", &panels),
        ("the vote screen", &voting),
        ("the zoom view", &zoomed),
    ];
    for (name, mode) in modes {
        assert_consistent(mode, name);
        for &action in Action::ALL {
            let mut s = mode.clone();
            // A user may bind any action anywhere: it must do something sensible, or nothing,
            // and leave the state consistent.
            let screen = ailab::tui::screen::Screen::of(&s);
            ailab::tui::update::perform(&mut s, &screen, action);
            assert_consistent(&s, &format!("{action:?} in {name}"));
            update(&mut s, Msg::Tick { now_ms: T0 + 5_000 });
            assert_consistent(&s, &format!("{action:?} in {name}, then a tick"));
        }
    }
}
