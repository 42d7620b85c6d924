//! The History tab's list through the reducer: paging, search as you type, the list refreshed
//! when a run ends, the record's notices, the mouse, and every action ending. No terminal, no
//! database, no clock. Opening a run from the list is in `history_runs.rs`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::ui::update;
use ailab::engine::RunStatus;
use ailab::tui::msg::{Effect, HistoryMsg, Msg};
use ailab::tui::state::history::HistoryFocus;
use ailab::tui::state::{State, Tab};

use super::history_support::{
    alt, answer, history_with, key, listed, loads, many, notice, one_load, open_selected, row, sample, tick,
    typed,
};
use super::invariants::assert_consistent;
use super::support::{PROMPT, T0, feed, full_run, launch, state};

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
