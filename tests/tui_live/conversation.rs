//! A session of the live view is a conversation: after a run, the next prompt is a follow-up that
//! carries the turns so far to the engine; the header and the prompt box say which turn it is; the
//! answer panel opens on this turn's answer with the earlier turns above it; Ctrl-N starts afresh.

use std::collections::BTreeMap;
use std::sync::Arc;

use crossterm::event::KeyCode;

use super::support::{ANSWER, PROMPT, feed, full_run, key, launch, state, type_keys};
use super::ui::update;
use crate::screen::screen_text;
use ailab::engine::{
    Conversation, EventKind, Exchange, PastTurn, RunEvent, RunStatus, RunSummary, RunTotals, TurnInfo,
    TurnKind,
};
use ailab::store::ConversationRow;
use ailab::tui::msg::{Effect, HistoryEffect, HistoryMsg, Msg};
use ailab::tui::state::{State, Tab};

const FOLLOW_UP: &str = "tell me more about the second point";

/// A whole run of `run_id` asking `question`, as `turn` of the conversation `conversation`.
fn run_as_turn(run_id: &str, question: &str, conversation: &str, turn: u32) -> Vec<RunEvent> {
    let mut events = full_run(run_id).events;
    if let EventKind::RunStarted { conversation: info, prompt, .. } = &mut events[0].kind {
        *info = Some(TurnInfo { id: conversation.into(), turn, kind: Default::default(), parent_run: None });
        *prompt = question.into();
    }
    events
}

/// The engine's end of a run: its summary, with the run as a turn for the next to read.
fn ended(state: &mut State, run_id: &str, question: &str) {
    ended_as(state, answered(run_id, question));
}

/// A finished turn asking `question`, answered with [`ANSWER`].
fn answered(run_id: &str, question: &str) -> PastTurn {
    PastTurn {
        run_id: run_id.into(),
        question: question.into(),
        answer: Some(ANSWER.into()),
        complete: true,
        ..PastTurn::default()
    }
}

/// The engine's end of the run `turn` is, done.
fn ended_as(state: &mut State, turn: PastTurn) {
    let run_id = turn.run_id.clone();
    let summary = RunSummary {
        run_id: run_id.as_str().into(),
        status: RunStatus::Done,
        answer: turn.answer.clone(),
        totals: RunTotals::default(),
        error: None,
        turn: Some(turn),
    };
    update(state, Msg::RunTaskEnded { run_id: run_id.into(), outcome: Ok(summary) });
}

fn send(state: &mut State, text: &str) -> Conversation {
    type_keys(state, text);
    match update(state, key(KeyCode::Enter)).as_slice() {
        [Effect::StartRun { prompt, conversation }] => {
            assert_eq!(prompt, text);
            conversation.clone()
        }
        other => panic!("expected a run to start, got {other:?}"),
    }
}

fn notice(state: &State) -> String {
    state.notices.back().map(|n| n.text.clone()).unwrap_or_default()
}

#[test]
fn after_a_run_the_next_prompt_is_a_follow_up_carrying_the_turns_so_far() {
    let mut s = state(120, 40);
    assert!(screen_text(&mut s, 120, 40).contains(" Prompt "));
    let first = send(&mut s, PROMPT);
    assert_eq!(first, Conversation::default(), "the first prompt starts a conversation");
    launch(&mut s, "r1");
    feed(&mut s, &run_as_turn("r1", PROMPT, "r1", 1));
    ended(&mut s, "r1", PROMPT);
    let screen = screen_text(&mut s, 120, 40);
    assert!(screen.contains("Follow-up · turn 2"), "the prompt box says what the next prompt is:\n{screen}");
    assert!(screen.contains("Ctrl-N new conversation"), "{screen}");

    let second = send(&mut s, FOLLOW_UP);
    assert_eq!(second.id.as_deref(), Some("r1"));
    assert_eq!(second.turns.len(), 1);
    assert_eq!(second.turns[0].question, PROMPT);
    launch(&mut s, "r2");
    feed(&mut s, &run_as_turn("r2", FOLLOW_UP, "r1", 2));
    ended(&mut s, "r2", FOLLOW_UP);
    let screen = screen_text(&mut s, 120, 40);
    assert!(screen.contains("conversation · turn 2"), "the header says which turn is on screen:\n{screen}");
    // The answer panel opens on this turn; the earlier one is above it.
    assert!(screen.contains("You · turn 2 ─ tell me more about the second point"), "{screen}");
    assert!(!screen.contains("You · turn 1"), "{screen}");
    update(&mut s, key(KeyCode::PageUp));
    update(&mut s, key(KeyCode::PageUp));
    let screen = screen_text(&mut s, 120, 40);
    assert!(
        screen.contains(&format!("You · turn 1 ─ {PROMPT}")),
        "scrolling up reads the earlier turn:\n{screen}"
    );

    let third = send(&mut s, "and the first one?");
    assert_eq!(third.turns.iter().map(|t| t.run_id.as_str()).collect::<Vec<_>>(), ["r1", "r2"]);
}

#[test]
fn ctrl_n_starts_a_new_conversation_and_a_run_in_flight_keeps_its_own() {
    let mut s = state(120, 40);
    update(&mut s, key(KeyCode::Char('x')));
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, super::support::ctrl('n'));
    assert!(notice(&s).contains("already a new conversation"), "{}", notice(&s));
    send(&mut s, PROMPT);
    launch(&mut s, "r1");
    feed(&mut s, &run_as_turn("r1", PROMPT, "r1", 1).into_iter().take(5).collect::<Vec<_>>());
    update(&mut s, super::support::ctrl('n'));
    assert!(notice(&s).contains("once it ends"), "refused while running: {}", notice(&s));
    feed(&mut s, &run_as_turn("r1", PROMPT, "r1", 1)[5..]);
    ended(&mut s, "r1", PROMPT);
    assert_eq!(s.run.conversation.turns.len(), 1);
    update(&mut s, super::support::ctrl('n'));
    assert!(notice(&s).contains("New conversation"), "{}", notice(&s));
    assert!(screen_text(&mut s, 120, 40).contains(" Prompt "));
    assert_eq!(send(&mut s, FOLLOW_UP), Conversation::default(), "the next prompt starts afresh");
}

#[test]
fn c_in_history_continues_the_selected_runs_conversation_with_the_recorded_turns() {
    let mut s = state(120, 40);
    super::history_support::history_with(&mut s, super::history_support::sample());
    let id = "20261124-055900-1a2b".to_string();
    let effects = update(&mut s, key(KeyCode::Char('c')));
    assert_eq!(
        effects,
        vec![Effect::History(HistoryEffect::LoadConversation { id: id.clone(), continue_it: true })]
    );
    // The record answers with the conversation, two turns so far.
    let recorded = Conversation {
        id: Some("20261124-055000-0000".into()),
        turns: vec![answered("20261124-055000-0000", PROMPT), answered(&id, FOLLOW_UP)],
    };
    update(
        &mut s,
        Msg::History(HistoryMsg::Conversation { id, continue_it: true, result: Ok(recorded.clone()) }),
    );
    assert_eq!(s.tab, Tab::Run);
    assert!(notice(&s).contains("at turn 3"), "{}", notice(&s));
    // The recorded turns hold no member's own work: the notice says they start fresh.
    assert!(notice(&s).contains("Nova") && notice(&s).contains("took no part"), "{}", notice(&s));
    assert!(screen_text(&mut s, 120, 40).contains("Follow-up · turn 3"));
    assert_eq!(send(&mut s, "and what about sunsets?"), recorded, "the engine gets the recorded turns");

    // A conversation that cannot be read says why, and changes nothing.
    let mut s = state(120, 40);
    super::history_support::history_with(&mut s, super::history_support::sample());
    update(&mut s, key(KeyCode::Char('c')));
    let failed = Err("the record is locked by another ailab".to_string());
    update(
        &mut s,
        Msg::History(HistoryMsg::Conversation { id: "x".into(), continue_it: true, result: failed }),
    );
    assert!(notice(&s).contains("Could not read the conversation") && notice(&s).contains("locked"));
    assert_eq!(s.run.conversation, Conversation::default());
}

#[test]
fn ctrl_e_asks_the_focused_member_alone_and_alt_u_sends_its_reply_up() {
    let mut s = state(120, 40);
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.run.focused_node(), Some(1), "Nova's pane");
    update(&mut s, super::support::ctrl('e'));
    assert!(notice(&s).contains("Nova has not answered"), "{}", notice(&s));
    assert_eq!(s.run.ask, None);

    update(&mut s, key(KeyCode::Esc));
    send(&mut s, PROMPT);
    launch(&mut s, "r1");
    feed(&mut s, &run_as_turn("r1", PROMPT, "r1", 1));
    let nova = Exchange { task: "the technical side".into(), answer: Some("Nova's first reply".into()) };
    ended_as(
        &mut s,
        PastTurn { members: BTreeMap::from([("nova".to_string(), nova)]), ..answered("r1", PROMPT) },
    );
    assert!(screen_text(&mut s, 120, 40).contains("Follow-up"), "no send-up before an expansion");
    update(&mut s, super::history_support::alt('u'));
    assert!(notice(&s).contains("Nothing to send up"), "{}", notice(&s));

    // Esc takes the question back to the whole team.
    s.run.focus = ailab::tui::state::Focus::Node(1);
    update(&mut s, super::support::ctrl('e'));
    let screen = screen_text(&mut s, 120, 40);
    assert!(
        screen.contains("Ask Nova alone") && screen.contains("Ask Nova something about its part"),
        "{screen}"
    );
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.run.ask, None);
    assert!(notice(&s).contains("whole team"));

    s.run.focus = ailab::tui::state::Focus::Node(1);
    update(&mut s, super::support::ctrl('e'));
    type_keys(&mut s, "expand on it");
    let effects = update(&mut s, key(KeyCode::Enter));
    let [Effect::Expand { member, question, conversation }] = effects.as_slice() else {
        panic!("expected an expansion, got {effects:?}");
    };
    assert_eq!((member.as_str(), question.as_str(), conversation.turns.len()), ("nova", "expand on it", 1));
    assert_eq!(s.run.ask, None, "one question goes to the member; the next goes to the team");

    launch(&mut s, "r2");
    feed(&mut s, &run_as_turn("r2", "expand on it", "r1", 2));
    let expansion = PastTurn {
        run_id: "r2".into(),
        question: "expand on it".into(),
        answer: Some("Nova, expanded".into()),
        complete: true,
        kind: TurnKind::Expansion,
        member: Some("nova".into()),
        parent_run: Some("r1".into()),
        ..PastTurn::default()
    };
    ended_as(&mut s, expansion);
    assert!(screen_text(&mut s, 120, 40).contains("Alt-U send up"));
    let effects = update(&mut s, super::history_support::alt('u'));
    let [Effect::SendUp { conversation }] = effects.as_slice() else {
        panic!("expected a send-up: {effects:?}")
    };
    assert_eq!(conversation.turns.len(), 2);
}

#[test]
fn shift_d_in_history_deletes_a_whole_conversation_after_asking() {
    let mut s = state(120, 40);
    super::history_support::history_with(&mut s, super::history_support::sample());
    let ids: Vec<String> = s.history.runs.iter().take(3).map(|r| r.row.id.clone()).collect();
    let shift_d =
        Msg::Key(crossterm::event::KeyEvent::new(KeyCode::Char('D'), crossterm::event::KeyModifiers::SHIFT));
    assert!(update(&mut s, shift_d).is_empty(), "it asks first");
    assert!(screen_text(&mut s, 120, 40).contains("Delete this conversation?"));
    let effects = update(&mut s, key(KeyCode::Char('y')));
    assert_eq!(
        effects,
        vec![Effect::History(HistoryEffect::Delete { id: ids[0].clone(), conversation: true })]
    );
    update(&mut s, Msg::History(HistoryMsg::Deleted { id: ids[0].clone(), result: Ok(ids.clone()) }));
    assert_eq!(s.history.runs.len(), 3, "every turn leaves the list");
    assert!(notice(&s).contains("3 turns"), "{}", notice(&s));
}

#[test]
fn a_later_turn_opened_from_history_reads_with_the_turns_before_it() {
    let mut s = state(120, 40);
    super::history_support::history_with(&mut s, super::history_support::sample());
    let effects = update(&mut s, key(KeyCode::Enter));
    let Some(Effect::History(HistoryEffect::Open { request, id, .. })) = effects.first().cloned() else {
        panic!("no Open in {effects:?}");
    };
    // The record says this run is turn 2 of a conversation.
    let events = run_as_turn(&id, FOLLOW_UP, "20261124-050000-0000", 2);
    let effects = update(
        &mut s,
        Msg::History(HistoryMsg::Opened {
            request,
            id: id.clone(),
            replay: false,
            result: Ok(Arc::new(events)),
        }),
    );
    assert_eq!(
        effects,
        vec![
            Effect::History(HistoryEffect::LoadLevels { id: id.clone() }),
            Effect::History(HistoryEffect::LoadConversation { id: id.clone(), continue_it: false })
        ]
    );
    let first = PastTurn {
        run_id: "20261124-050000-0000".into(),
        question: PROMPT.into(),
        answer: Some("The first answer, as recorded.".into()),
        complete: true,
        ..PastTurn::default()
    };
    let second = PastTurn { run_id: id.clone(), question: FOLLOW_UP.into(), ..PastTurn::default() };
    let recorded = Conversation { id: Some(first.run_id.clone()), turns: vec![first, second] };
    update(
        &mut s,
        Msg::History(HistoryMsg::Conversation { id: id.clone(), continue_it: false, result: Ok(recorded) }),
    );
    let screen = screen_text(&mut s, 120, 40);
    assert!(screen.contains("You · turn 2 ─ tell me more"), "the panel opens on the run shown:\n{screen}");
    update(&mut s, key(KeyCode::PageUp));
    update(&mut s, key(KeyCode::PageUp));
    let screen = screen_text(&mut s, 120, 40);
    assert!(screen.contains("The first answer, as recorded."), "the earlier turn is above it:\n{screen}");
    assert_eq!(
        s.run.conversation,
        Conversation::default(),
        "opening a run does not change what the live prompt continues"
    );
}

#[test]
fn v_in_history_lists_conversations_and_enter_opens_the_latest_turn() {
    let mut s = state(120, 40);
    super::history_support::history_with(&mut s, super::history_support::sample());
    let effects = update(&mut s, key(KeyCode::Char('v')));
    assert_eq!(effects, vec![Effect::History(HistoryEffect::LoadConversations { limit: 500 })]);
    assert!(screen_text(&mut s, 120, 40).contains("Reading the conversations"));
    let row = |id: &str, first: &str, turns: u32, last: &str| ConversationRow {
        id: id.into(),
        first_prompt: first.into(),
        turns,
        started_ms: super::support::T0,
        last_ms: super::support::T0,
        last_run: last.into(),
        last_turn: turns,
        last_status: RunStatus::Done,
    };
    let rows = vec![row("c2", "How do bees make honey?", 1, "c2"), row("c1", PROMPT, 3, "c1-turn-3")];
    update(&mut s, Msg::History(HistoryMsg::Conversations(Ok(rows))));
    let screen = screen_text(&mut s, 120, 40);
    assert!(screen.contains("How do bees make honey?") && screen.contains(PROMPT), "{screen}");
    assert!(screen.contains("Enter open") && screen.contains("v runs"), "{screen}");
    update(&mut s, key(KeyCode::Down));
    let effects = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::History(HistoryEffect::Open { id, replay: false, .. })] if id == "c1-turn-3"),
        "Enter opens the latest turn: {effects:?}"
    );
    let effects = update(&mut s, key(KeyCode::Char('e')));
    assert_eq!(
        effects,
        vec![Effect::History(HistoryEffect::Export {
            id: "c1-turn-3".into(),
            format: ailab::store::export::Format::Markdown,
            conversation: true
        })],
        "e exports the whole conversation"
    );
    let effects = update(&mut s, key(KeyCode::Char('c')));
    assert_eq!(
        effects,
        vec![Effect::History(HistoryEffect::LoadConversation { id: "c1-turn-3".into(), continue_it: true })]
    );
    // D asks about the whole conversation; a deletion reads the view again.
    update(
        &mut s,
        Msg::Key(crossterm::event::KeyEvent::new(KeyCode::Char('D'), crossterm::event::KeyModifiers::SHIFT)),
    );
    assert!(s.history.confirm.as_ref().is_some_and(|c| c.conversation && c.id == "c1-turn-3"));
    let effects = update(&mut s, key(KeyCode::Char('y')));
    assert_eq!(
        effects,
        vec![Effect::History(HistoryEffect::Delete { id: "c1-turn-3".into(), conversation: true })]
    );
    let gone = vec!["c1".to_string(), "c1-turn-3".to_string()];
    let effects =
        update(&mut s, Msg::History(HistoryMsg::Deleted { id: "c1-turn-3".into(), result: Ok(gone) }));
    assert!(
        effects.contains(&Effect::History(HistoryEffect::LoadConversations { limit: 500 })),
        "{effects:?}"
    );
    // v again: back to the runs.
    update(&mut s, key(KeyCode::Char('v')));
    assert!(s.history.threads.is_none());
    assert!(screen_text(&mut s, 120, 40).contains("Why is the sky blue?"));
}
