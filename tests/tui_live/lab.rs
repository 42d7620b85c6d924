//! The Lab tab's reducer: showing the tab reads the record, the blind vote (order kept from the
//! shell, names revealed after the vote, the reason typed, A/B mapped to the pair's arms, the
//! queue moving on), and comparisons started, watched and cancelled. No terminal, no database
//! beyond the temp record the data is read from.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::ui::update;
use ailab::lab::verdict::Outcome;
use ailab::lab::{Arm, Progress};
use ailab::tui::msg::lab::{ComparisonEnd, LabMsg};
use ailab::tui::msg::{Effect, LabEffect, Msg};
use ailab::tui::screen::Screen;
use ailab::tui::state::lab::{Choice, LoadState, Saving, VotePhase};
use ailab::tui::state::{State, Tab};

use super::lab_support::{self, data, lab_state};
use super::support::{PROMPT, T0, feed, full_run};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn press(state: &mut State, c: char) -> Vec<Effect> {
    update(state, key(KeyCode::Char(c)))
}

fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        press(state, c);
    }
}

/// The vote effect of the last choice.
fn cast(effects: &[Effect]) -> (i64, (Arm, Arm), Arm, Outcome, String) {
    match effects {
        [Effect::Lab(LabEffect::CastVote { comparison, pair, shown_first, outcome, reason })] => {
            (*comparison, pair.clone(), shown_first.clone(), *outcome, reason.clone())
        }
        other => panic!("expected one CastVote, got {other:?}"),
    }
}

#[test]
fn a_demo_session_keeps_real_comparisons_out_and_says_demo() {
    let demo = lab_support::demo_data();
    assert_eq!((demo.comparisons, demo.queue.len()), (0, 0), "the real comparisons are not the demo's");
    assert!(demo.judged.demo && demo.voted.demo);
    let s = lab_state(120, 40, Some(demo));
    let text: Vec<String> = Screen::of(&s).lab.board_rows.iter().map(|r| r.text()).collect();
    assert!(text[0].contains("DEMO") && text.join(" ").contains("scores mean nothing"), "{text:?}");
    // And the real session does not say so.
    let s = lab_state(120, 40, Some(data()));
    assert!(!Screen::of(&s).lab.board_rows.iter().any(|r| r.text().contains("DEMO")));
}

#[test]
fn the_lab_tab_reads_the_record_when_shown_and_on_refresh() {
    let mut s = lab_state(120, 40, None);
    assert_eq!(s.lab.load, LoadState::Loading);
    update(&mut s, Msg::Lab(LabMsg::Loaded(Ok(Box::new(data())))));
    let loaded = s.lab.data.as_ref().unwrap();
    assert_eq!(loaded.judged.comparisons, 4);
    let mut tree_pairs = loaded.judged.pairs.iter().filter(|p| p.x == ailab::lab::Arm::Tree);
    assert!(
        tree_pairs.clone().count() == 2 && tree_pairs.all(|p| p.not_judged == 1),
        "counted apart, not as ties"
    );
    assert!(!loaded.judged.demo);
    assert_eq!(loaded.voted.pairs[0].tally.total(), 1);
    assert_eq!(s.lab.queue().len(), 7, "4 comparisons × the tree's 2 pairs, one voted");
    assert!(Screen::of(&s).lab.board_rows.iter().any(|r| r.text().contains("no significant difference")));

    assert_eq!(press(&mut s, 'r'), vec![Effect::Lab(LabEffect::Load { version: None })]);
    update(&mut s, Msg::Lab(LabMsg::Loaded(Err("the record is locked; try again".into()))));
    assert_eq!(s.lab.load, LoadState::Failed("the record is locked; try again".into()));
    assert!(s.lab.data.is_some(), "the last scores stay on screen under the message");
    assert!(Screen::of(&s).lab.board_rows[0].text().contains("locked"));
    update(&mut s, Msg::Lab(LabMsg::Loaded(Ok(Box::new(data())))));
    assert_eq!(s.lab.load, LoadState::Loaded);

    assert!(update(&mut s, key(KeyCode::Esc)).is_empty());
    assert_eq!(s.tab, Tab::Run, "Esc with nothing running goes back to the Run tab");
}

#[test]
fn tabs_cycle_with_ctrl_pagedown_and_the_lab_key_toggles() {
    let mut s = super::support::state(120, 40);
    let next = Msg::Key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::CONTROL));
    while s.tab != Tab::Lab {
        let effects = update(&mut s, next.clone());
        if s.tab == Tab::Lab {
            assert_eq!(effects, vec![Effect::Lab(LabEffect::Load { version: None })]);
        }
    }
    update(&mut s, next);
    assert_eq!(s.tab, Tab::Run, "the Lab is the last tab: Ctrl-PgDn wraps around");
    update(&mut s, key(KeyCode::F(4)));
    assert_eq!(s.tab, Tab::Lab);
    update(&mut s, key(KeyCode::F(4)));
    assert_eq!(s.tab, Tab::Run);
}

#[test]
fn a_blind_vote_keeps_the_drawn_order_takes_a_reason_and_reveals_after() {
    let mut s = lab_state(120, 40, Some(data()));
    let first = s.lab.queue()[0].clone();
    update(&mut s, key(KeyCode::Enter));
    let screen = s.lab.vote.as_ref().expect("the vote screen opens");
    assert_eq!(screen.item.as_ref(), Some(&first), "the order the shell drew is the one shown");
    assert_eq!(screen.phase, VotePhase::Choosing);

    press(&mut s, 'r');
    type_text(&mut s, "fewer mistakes");
    assert!(s.lab.vote.as_ref().unwrap().editing_reason);
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty(), "Enter ends the reason, it does not vote");
    assert_eq!(s.lab.vote.as_ref().unwrap().reason_text(), "fewer mistakes");

    let (comparison, pair, shown_first, outcome, reason) = cast(&press(&mut s, 'a'));
    assert_eq!((comparison, &pair), (first.pending.comparison, &first.pending.pair));
    assert_eq!(shown_first, first.shown_first, "the order shown is stored with the vote");
    assert_eq!(outcome, Choice::A.outcome(&pair, &shown_first));
    assert_eq!(reason, "fewer mistakes");
    let screen = s.lab.vote.as_ref().unwrap();
    assert_eq!(screen.phase, VotePhase::Revealed { choice: Choice::A, saving: Saving::Pending });
    assert!(press(&mut s, 'b').is_empty(), "one vote per showing");

    let effects = update(&mut s, Msg::Lab(LabMsg::VoteSaved { comparison, pair, result: Ok(()) }));
    assert_eq!(
        effects,
        vec![Effect::Lab(LabEffect::Load { version: None })],
        "the scores refresh after a vote"
    );
    assert_eq!(s.lab.queue().len(), 6, "the pair leaves the queue");
    assert!(matches!(s.lab.vote.as_ref().unwrap().phase, VotePhase::Revealed { saving: Saving::Saved, .. }));

    update(&mut s, key(KeyCode::Enter));
    let next = s.lab.vote.as_ref().unwrap();
    assert_eq!(next.item.as_ref(), Some(&s.lab.queue()[0]), "the queue moves on to the next pair");
    assert_eq!(next.phase, VotePhase::Choosing);
    assert_eq!(next.reason_text(), "", "a fresh reason for each pair");
}

#[test]
fn a_and_b_map_to_the_pairs_first_and_second_arm_either_way_round() {
    let mut s = lab_state(120, 40, Some(data()));
    let queue = s.lab.queue().to_vec();
    let flipped = queue.iter().position(|q| q.shown_first == q.pending.pair.1).expect("odd comparisons flip");
    let straight = queue.iter().position(|q| q.shown_first == q.pending.pair.0).expect("even ones do not");
    for (index, expected_a, expected_b) in
        [(straight, Outcome::First, Outcome::Second), (flipped, Outcome::Second, Outcome::First)]
    {
        for (key, expected) in
            [('a', expected_a), ('b', expected_b), ('t', Outcome::Tie), ('x', Outcome::BothBad)]
        {
            s.lab.vote = None;
            s.lab.selected = index;
            press(&mut s, 'v');
            let (_, _, shown_first, outcome, _) = cast(&press(&mut s, key));
            assert_eq!(shown_first, queue[index].shown_first);
            assert_eq!(outcome, expected, "key {key} with {:?} shown as A", shown_first);
        }
    }
}

#[test]
fn skipping_keeps_the_pair_and_a_failed_save_can_be_sent_again() {
    let mut s = lab_state(120, 40, Some(data()));
    press(&mut s, 'v');
    let first = s.lab.vote.as_ref().unwrap().item.clone().unwrap();
    press(&mut s, 's');
    let second = s.lab.vote.as_ref().unwrap().item.clone().unwrap();
    assert_ne!(first, second);
    assert_eq!(s.lab.queue().len(), 7, "skipping votes on nothing");

    let (comparison, pair, ..) = cast(&press(&mut s, 'x'));
    update(
        &mut s,
        Msg::Lab(LabMsg::VoteSaved { comparison, pair, result: Err("database is locked".into()) }),
    );
    assert!(s.notice.as_ref().unwrap().text.contains("not saved"));
    assert_eq!(s.lab.queue().len(), 7);
    let again = update(&mut s, key(KeyCode::Enter));
    let (_, _, _, outcome, _) = cast(&again);
    assert_eq!(outcome, Outcome::BothBad, "Enter sends the same vote again");

    update(&mut s, key(KeyCode::Esc));
    assert!(s.lab.vote.is_none(), "Esc goes back to the scoreboard");
}

#[test]
fn with_nothing_waiting_the_vote_screen_says_so() {
    let mut s = lab_state(80, 24, Some(lab_support::empty_data()));
    press(&mut s, 'v');
    let screen = s.lab.vote.as_ref().unwrap();
    assert!(screen.item.is_none());
    assert!(press(&mut s, 'a').is_empty(), "nothing to vote on");
    // A comparison finishing while the empty screen is open fills it.
    update(&mut s, Msg::Lab(LabMsg::Loaded(Ok(Box::new(data())))));
    assert!(s.lab.vote.as_ref().unwrap().item.is_some());
}

#[test]
fn compare_takes_the_prompt_box_and_the_tree_arm_shows_in_the_run_tab() {
    let mut s = super::support::state(120, 40);
    type_text(&mut s, PROMPT);
    update(&mut s, key(KeyCode::F(4)));
    let effects = press(&mut s, 'c');
    assert_eq!(effects, vec![Effect::Lab(LabEffect::StartComparison { prompt: PROMPT.into() })]);
    assert!(s.run.prompt.text().is_empty() && s.lab.is_comparing() && s.is_running());

    update(&mut s, Msg::Lab(LabMsg::Started { comparison: 7, repeat: 2, resumed: false }));
    // The tree arm's run, on the one event stream: shown in the Run tab though nothing was launched there.
    let tree = full_run("tree-arm");
    feed(&mut s, &tree.until(3_000));
    assert_eq!(s.run.view.run_id.as_deref(), Some("tree-arm"));
    let live = s.lab.comparison.as_ref().unwrap().live.clone().unwrap();
    assert_eq!(live.kind, "tree");
    assert!(live.calls >= 1 && live.tokens > 0);
    let progress = Progress { done: 1, total: 9, label: "Why… · tree".into(), resumed: false };
    update(&mut s, Msg::Lab(LabMsg::Progress(progress)));
    let run = s.lab.comparison.as_ref().unwrap();
    assert_eq!((run.done, run.total, run.comparison), (1, 9, Some((7, 2))));

    // The Run tab refuses a second run while the comparison uses the server.
    update(&mut s, key(KeyCode::F(4)));
    type_text(&mut s, "another");
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(s.notice.as_ref().unwrap().text.contains("in progress"));
    update(&mut s, key(KeyCode::F(4)));

    update(&mut s, Msg::Tick { now_ms: T0 + 25_000 });
    let end = ComparisonEnd::Finished {
        comparison: 7,
        outcomes: vec![((Arm::Tree, Arm::Solo), Outcome::First)],
        failed_arms: Vec::new(),
    };
    let effects = update(&mut s, Msg::Lab(LabMsg::Ended(end.clone())));
    assert_eq!(
        effects,
        vec![Effect::Lab(LabEffect::Load { version: None })],
        "the scores refresh when it ends"
    );
    assert!(!s.lab.is_comparing() && !s.is_running());
    assert_eq!(s.lab.last.as_ref().unwrap().end, end);
    assert_eq!(s.lab.select_after_load, Some(7), "its pairs get selected in the queue");
}

/// A newcomer opened a past run, then started a comparison: the Run tab stuck at "past run ·
/// running" with idle panes. The past run stays as it was; the tree arm waits as the live picture.
#[test]
fn a_comparison_started_while_a_past_run_is_open_leaves_it_and_runs_live_behind_it() {
    use super::history_support::{history_with, open_selected, sample};
    let mut s = super::support::state(120, 40);
    history_with(&mut s, sample());
    let past_id = open_selected(&mut s, false);
    assert_eq!(s.tab, Tab::Run);
    let past_status = s.run.view.status;
    assert!(past_status.is_some(), "the past run has ended");

    update(&mut s, key(KeyCode::F(4)));
    press(&mut s, 'c');
    type_text(&mut s, "Is 221 prime?");
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(effects, vec![Effect::Lab(LabEffect::StartComparison { prompt: "Is 221 prime?".into() })]);
    update(&mut s, Msg::Lab(LabMsg::Started { comparison: 7, repeat: 2, resumed: false }));
    feed(&mut s, &full_run("tree-arm").until(3_000));

    // The past run on screen is untouched …
    assert_eq!(s.history.past.as_ref().map(|p| p.id.clone()), Some(past_id.clone()));
    assert_eq!(s.run.view.run_id.as_deref(), Some(past_id.as_str()));
    assert_eq!(s.run.view.status, past_status, "not \"running\"");
    // … and going back to the live view shows the tree arm streaming.
    update(&mut s, key(KeyCode::F(4)));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.history.past.is_none());
    assert_eq!(s.run.view.run_id.as_deref(), Some("tree-arm"));
    assert!(
        matches!(s.run.view.status, None | Some(ailab::engine::RunStatus::Running)),
        "its panes are live"
    );
    assert!(!s.run.view.calls.is_empty(), "{:?}", s.run.view.calls.len());
}

#[test]
fn compare_asks_for_a_prompt_when_the_box_is_empty() {
    let mut s = lab_state(80, 24, Some(data()));
    assert!(press(&mut s, 'c').is_empty());
    assert!(s.lab.ask.is_some());
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty(), "an empty prompt is not sent");
    type_text(&mut s, "Is 221 prime?");
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(effects, vec![Effect::Lab(LabEffect::StartComparison { prompt: "Is 221 prime?".into() })]);
    assert!(s.lab.ask.is_none());
    assert!(press(&mut s, 'c').is_empty(), "one comparison at a time");
    assert!(s.notice.as_ref().unwrap().text.contains("already running"));
}

#[test]
fn esc_and_ctrl_c_cancel_the_comparison() {
    let mut s = lab_state(80, 24, Some(data()));
    s.run.prompt.set_text("Is 221 prime?");
    press(&mut s, 'c');
    let effects = update(&mut s, key(KeyCode::Esc));
    assert!(effects.contains(&Effect::Lab(LabEffect::Cancel)), "{effects:?}");
    assert!(s.lab.comparison.as_ref().unwrap().cancelling);
    assert_eq!(s.tab, Tab::Lab, "Esc cancelled; it did not leave the tab");
    update(&mut s, Msg::Lab(LabMsg::Ended(ComparisonEnd::Cancelled)));
    assert!(!s.lab.is_comparing());

    s.run.prompt.set_text("Is 223 prime?");
    press(&mut s, 'c');
    let effects = update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert!(effects.contains(&Effect::Lab(LabEffect::Cancel)), "the first Ctrl-C cancels: {effects:?}");
    assert!(!effects.contains(&Effect::Quit));
}

#[test]
fn pasting_goes_into_the_open_box_on_one_line() {
    let mut s = lab_state(80, 24, Some(data()));
    press(&mut s, 'c');
    update(&mut s, Msg::Paste("Why is\nthe sky blue?\u{1b}[31m".into()));
    let text = s.lab.ask.as_ref().unwrap().lines().join("\n");
    assert_eq!(text, "Why is the sky blue?");
}

#[test]
fn the_mouse_selects_in_the_queue_and_scrolls_the_board() {
    use ailab::tui::screen::lab::layout;
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut s = lab_state(80, 24, Some(data()));
    let regions = layout::board(layout::body(s.area()), &s.lab);
    let list = layout::inner_text(regions.queue);
    let mouse =
        |kind, column, row| Msg::Mouse(MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE });
    update(&mut s, mouse(MouseEventKind::Down(MouseButton::Left), list.x + 3, list.y + 2));
    assert_eq!(s.lab.selected, 2);
    let board = regions.board;
    update(&mut s, mouse(MouseEventKind::ScrollDown, board.x + 3, board.y + 3));
    assert_eq!(s.lab.board_scroll, 3);
    update(&mut s, mouse(MouseEventKind::ScrollUp, board.x + 3, board.y + 3));
    assert_eq!(s.lab.board_scroll, 0);
    assert_eq!(s.run.focus, ailab::tui::state::Focus::Prompt, "the Run tab's focus is untouched");
}
