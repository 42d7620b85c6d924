//! The message-flow view (F6): its rows derived from the run's events (a finished run, a live
//! one, reflection and critique, failures, a cancel, follow-up turns), snapshots of the diagram
//! at several widths and of an opened message, and the keys that open a message and come back.

use std::sync::Arc;

use crossterm::event::KeyCode;

use super::support::{
    PROMPT, Script, T0, degraded_run, failed_run, feed, full_run, key, launch, state, type_keys,
};
use super::ui::update;
use crate::screen::{render, screen_text};
use ailab::config::Phase;
use ailab::engine::{EventKind, NodeStatus, RunStatus, TurnInfo, TurnKind};
use ailab::tui::msg::{Effect, Msg};
use ailab::tui::screen::Screen;
use ailab::tui::screen::flow::lanes::Lanes;
use ailab::tui::screen::flow::rows::{FlowRow, Kind, Lane, rows};
use ailab::tui::state::run_view::RunView;
use ailab::tui::state::{Focus, State};

/// A state showing `script` up to `at` ms after its start, as a live run.
fn live(script: &Script, at: i64) -> State {
    let mut s = state(120, 40);
    type_keys(&mut s, PROMPT);
    update(&mut s, key(KeyCode::Enter));
    launch(&mut s, &script.run_id);
    feed(&mut s, &script.until(at));
    update(&mut s, Msg::Tick { now_ms: T0 + at });
    s
}

fn f6() -> Msg {
    key(KeyCode::F(6))
}

/// Each row as `from→to KIND`, names as the view writes them.
fn arrows(run: &RunView) -> Vec<String> {
    rows(run).iter().map(|r| arrow(run, r)).collect()
}

fn arrow(run: &RunView, row: &FlowRow) -> String {
    let name = |lane| match lane {
        Lane::You => "you".to_string(),
        Lane::Node(i) => run.nodes[i].name.clone(),
    };
    format!("{}→{} {}", name(row.from), name(row.to), row.kind.label())
}

#[test]
fn a_finished_run_reads_as_its_messages_in_time_order() {
    let s = live(&full_run("r1"), 60_000);
    let run = &s.run.view;
    assert_eq!(
        arrows(run),
        [
            "you→Atlas QUERY",
            "Atlas→Nova DELEGATION",
            "Atlas→Sage DELEGATION",
            "Nova→Echo DELEGATION",
            "Nova→Pixel DELEGATION",
            "Sage→Quantum DELEGATION",
            "Quantum→Sage RESPONSE",
            "Pixel→Nova RESPONSE",
            "Echo→Nova RESPONSE",
            "Sage→Atlas SYNTHESIS",
            "Nova→Atlas SYNTHESIS",
            "Atlas→you SYNTHESIS",
        ]
    );
    let all = rows(run);
    assert!(all.windows(2).all(|w| w[0].at_ms <= w[1].at_ms), "in time order: {all:?}");
    assert_eq!(all[0].at_ms, 0);
    assert_eq!(all[0].quote, PROMPT);
    let nova = &all[1];
    assert_eq!(nova.quote, "Explain the physics: how does Rayleigh scattering make the sky blue?");
    // A delegation opens the child's first call: the request that carried its sub-task.
    let nova_call = run.call(nova.call.unwrap()).unwrap();
    assert_eq!((run.nodes[nova_call.node].name.as_str(), nova_call.phase), ("Nova", Phase::Split));
    let last = all.last().unwrap();
    assert!(last.quote.starts_with("Why the sky is blue Sunlight is scattered"), "{}", last.quote);
    assert_eq!(run.call(last.call.unwrap()).unwrap().phase, Phase::Synthesize);
}

/// Quantum answers, reflects on its draft and revises it; Sage critiques the revision and
/// Quantum revises again for Sage.
fn reflecting_run(reflect: u32) -> Script {
    let mut s = full_run("reflect");
    let end = s.events.iter().map(|e| e.at_ms).max().unwrap() - T0;
    s.events.retain(|e| !matches!(e.kind, EventKind::RunFinished { .. }));
    if let EventKind::RunStarted { hierarchy, .. } = &mut s.events[0].kind {
        let mut h = (**hierarchy).clone();
        h.nodes.iter_mut().filter(|n| n.id == "quantum").for_each(|n| n.reflect = reflect);
        *hierarchy = Arc::new(h);
    }
    let t = end + 100;
    s.state(t, "quantum", NodeStatus::Answering);
    let (draft, t) = s.call(t, "quantum", Phase::Answer, None, "A first draft about the sky.");
    s.state(t, "quantum", NodeStatus::Reflecting);
    let (review, t) = s.call(t + 5, "quantum", Phase::Reflect, Some(draft), "Too short: say why it matters.");
    s.state(t, "quantum", NodeStatus::Revising);
    let (revised, t) =
        s.call(t + 5, "quantum", Phase::Revise, Some(review), "The sky matters because wonder does.");
    s.state(t, "quantum", NodeStatus::Done);
    s.state(t, "sage", NodeStatus::Critiquing);
    let (critique, t) = s.call(t + 5, "sage", Phase::Critique, Some(revised), "Name one culture.");
    s.state(t, "quantum", NodeStatus::Revising);
    s.call(t + 5, "quantum", Phase::Revise, Some(critique), "The Greeks had no word for blue.");
    s
}

#[test]
fn reflection_and_critique_go_round_a_member_and_back_to_its_parent() {
    let mut script = reflecting_run(1);
    let end = script.events.iter().map(|e| e.at_ms).max().unwrap() - T0;
    script.finish(end + 5, RunStatus::Done, Some("done"));
    let s = live(&script, end + 5);
    let all = arrows(&s.run.view);
    let tail: Vec<&str> = all.iter().rev().take(6).rev().map(String::as_str).collect();
    assert_eq!(
        tail,
        [
            "Quantum→Quantum DRAFT",
            "Quantum→Quantum REFLECTION",
            "Quantum→Quantum REVISION",
            "Quantum→Sage RESPONSE",
            "Sage→Quantum CRITIQUE",
            "Quantum→Sage REVISION",
        ]
    );
}

#[test]
fn a_draft_is_not_sent_up_while_its_member_may_still_reflect_on_it() {
    let script = reflecting_run(1);
    let draft_end = script
        .events
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::CallFinished { phase: Phase::Answer, node, .. } if node == "quantum"))
        .map(|e| e.at_ms - T0)
        .max()
        .unwrap();
    // The draft has ended; the reflection has not started yet.
    let s = live(&script, draft_end);
    let all = arrows(&s.run.view);
    assert_eq!(all.last().map(String::as_str), Some("Quantum→Quantum DRAFT"), "{all:?}");
    // Without reflection rounds the same answer is the response.
    let s = live(&reflecting_run(0), draft_end);
    assert_eq!(arrows(&s.run.view).last().map(String::as_str), Some("Quantum→Sage RESPONSE"));
}

#[test]
fn a_failed_call_is_an_error_sent_up_with_its_reason() {
    let s = live(&degraded_run("r2"), 60_000);
    let all = rows(&s.run.view);
    let error = all.iter().find(|r| r.kind == Kind::Error).expect("an error row");
    assert_eq!(arrow(&s.run.view, error), "Pixel→Nova ERROR");
    assert!(
        error.quote.starts_with("cannot reach the server at http://localhost:1234/v1"),
        "{}",
        error.quote
    );
    let last = all.last().unwrap();
    assert_eq!(arrow(&s.run.view, last), "Atlas→you STATUS");
    assert_eq!(last.quote, "degraded: the answer was made without Pixel");

    let s = live(&failed_run("r3"), 60_000);
    assert_eq!(arrows(&s.run.view), ["you→Atlas QUERY", "Atlas→you ERROR"]);
    assert!(rows(&s.run.view)[1].quote.starts_with("could not split the task: cannot reach the server"));
}

#[test]
fn a_cancel_is_the_users_control_message() {
    let script = full_run("r4");
    let mut s = live(&script, 3_000);
    update(&mut s, key(KeyCode::Esc));
    let mut cut = Script::new("r4");
    cut.finish(3_100, RunStatus::Cancelled, None);
    feed(&mut s, &cut.events);
    let all = arrows(&s.run.view);
    assert_eq!(all.last().map(String::as_str), Some("you→Atlas CONTROL"), "{all:?}");
}

#[test]
fn a_follow_up_is_an_iteration_and_an_expansion_goes_to_the_member_asked() {
    let with_turn = |kind: TurnKind, turn: u32| {
        let mut script = Script::new("turn");
        script.start("and why at sunset?");
        if let EventKind::RunStarted { conversation, .. } = &mut script.events[0].kind {
            *conversation = Some(TurnInfo { id: "c".into(), turn, kind, parent_run: None });
        }
        script
    };
    let s = live(&with_turn(TurnKind::Question, 2), 0);
    assert_eq!(arrows(&s.run.view), ["you→Atlas ITERATION"]);

    let mut script = with_turn(TurnKind::Expansion, 2);
    script.call(10, "echo", Phase::Expand, None, "More on the numbers.");
    script.finish(2_000, RunStatus::Done, Some("More on the numbers."));
    let s = live(&script, 2_000);
    assert_eq!(arrows(&s.run.view), ["you→Echo EXPANSION", "Echo→you RESPONSE"]);
}

#[test]
fn lanes_narrow_with_the_width_then_become_a_list() {
    let run = &state(120, 40).run.view;
    let Lanes::Diagram { spacing, names } = Lanes::new(run, 116) else { panic!("lanes at 116") };
    assert_eq!((spacing, names[6].as_str()), (9, "Quantum"));
    let Lanes::Diagram { spacing, names } = Lanes::new(run, 76) else { panic!("lanes at 76") };
    assert_eq!((spacing, names[6].as_str()), (5, "Qua…"));
    assert_eq!(Lanes::new(run, 48), Lanes::List);
}

#[test]
fn snapshots_of_a_finished_run_at_three_widths() {
    let mut s = live(&full_run("20261124-060000-0001"), 60_000);
    s.run.focus = Focus::Node(0);
    update(&mut s, f6());
    for (w, h) in [(120, 40), (80, 24), (52, 16)] {
        let terminal = render(&mut s, w, h);
        insta::assert_snapshot!(format!("flow_done_{w}x{h}"), terminal.backend());
    }
}

#[test]
fn snapshot_of_a_live_run_and_of_a_failed_call() {
    let script = full_run("20261124-060000-0001");
    let mut s = live(&script, 3_200);
    s.run.focus = Focus::Node(0);
    update(&mut s, f6());
    insta::assert_snapshot!("flow_live_120x40", render(&mut s, 120, 40).backend());
    // New messages arrive as their events do, and the newest stays selected.
    let before = Screen::of(&s).flow.unwrap().rows.len();
    feed(
        &mut s,
        &script
            .events
            .iter()
            .filter(|e| e.at_ms > T0 + 3_200 && e.at_ms <= T0 + 8_000)
            .cloned()
            .collect::<Vec<_>>(),
    );
    let screen = Screen::of(&s).flow.unwrap();
    assert!(screen.rows.len() > before, "no new rows after more events");
    assert_eq!(s.flow().unwrap().selected_row(screen.rows.len()), Some(screen.rows.len() - 1));

    let mut s = live(&degraded_run("20261124-060000-0002"), 60_000);
    s.run.focus = Focus::Node(0);
    update(&mut s, f6());
    insta::assert_snapshot!("flow_failed_call_120x40", render(&mut s, 120, 40).backend());
}

#[test]
fn enter_opens_the_exact_message_and_esc_comes_back_to_where_the_user_was() {
    let mut s = live(&full_run("20261124-060000-0001"), 60_000);
    s.run.focus = Focus::Node(3);
    update(&mut s, f6());
    // Up to Echo's response, the fourth row from the end.
    for _ in 0..3 {
        update(&mut s, key(KeyCode::Up));
    }
    let selected = s.flow().unwrap().selected;
    let row = Screen::of(&s).flow.unwrap().rows[selected.unwrap()].clone();
    assert_eq!(arrow(&s.run.view, &row), "Echo→Nova RESPONSE");
    update(&mut s, key(KeyCode::Enter));
    let open = s.flow().unwrap().open.expect("a message is open");
    assert_eq!(Some(open.call), row.call);
    let text = screen_text(&mut s, 100, 30);
    assert!(text.contains("Echo → Nova · RESPONSE"), "{text}");
    assert!(text.contains("▌system") && text.contains("You are echo."), "the exact request:\n{text}");
    assert!(text.contains("Sunlight holds every colour"), "the reply:\n{text}");
    insta::assert_snapshot!("flow_message_100x30", render(&mut s, 100, 30).backend());

    update(&mut s, key(KeyCode::Esc));
    let flow = s.flow().expect("still in the flow view");
    assert_eq!((flow.open, flow.selected), (None, selected), "back on the same row");
    update(&mut s, key(KeyCode::Esc));
    assert!(s.flow().is_none() && s.overlays.is_empty());
    assert_eq!(s.run.focus, Focus::Node(3), "back where the user was");
}

#[test]
fn a_row_the_run_sent_itself_says_there_is_no_call_to_open() {
    let mut s = live(&degraded_run("r5"), 60_000);
    s.run.focus = Focus::Node(0);
    update(&mut s, f6());
    update(&mut s, key(KeyCode::Enter));
    assert!(s.flow().unwrap().open.is_none());
    let notice = s.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("no model call sent it"), "{notice}");
}

#[test]
fn f6_before_any_run_says_what_the_view_needs() {
    let mut s = state(120, 40);
    update(&mut s, f6());
    assert!(s.flow().is_none());
    let notice = s.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.starts_with("No run to show yet"), "{notice}");
}

#[test]
fn y_copies_the_messages_as_lines_of_words() {
    let mut s = live(&full_run("r6"), 60_000);
    s.run.focus = Focus::Node(0);
    update(&mut s, f6());
    let effects = update(&mut s, key(KeyCode::Char('y')));
    let Some(Effect::Copy { text }) = effects.first() else { panic!("{effects:?}") };
    let first = text.lines().next().unwrap_or_default();
    assert!(first.starts_with("+0.0 s you → Atlas QUERY"), "{first}");
    assert_eq!(text.lines().count(), 12);
}

#[test]
fn the_view_never_panics_at_any_size() {
    let mut s = live(&degraded_run("r7"), 60_000);
    s.run.focus = Focus::Node(0);
    update(&mut s, f6());
    for w in [1, 2, 3, 5, 8, 13, 21, 30, 34, 40, 52, 60, 80, 100, 160] {
        for h in [1, 2, 3, 5, 8, 12, 16, 24, 40] {
            render(&mut s, w, h);
        }
    }
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Up));
    update(&mut s, key(KeyCode::Enter));
    for w in [1, 5, 30, 52, 80] {
        for h in [1, 3, 8, 24] {
            render(&mut s, w, h);
        }
    }
}

#[test]
fn a_past_run_from_history_shows_its_flow_too() {
    use super::history_support::{history_with, open_selected, sample};
    let mut s = state(120, 40);
    history_with(&mut s, sample());
    open_selected(&mut s, false);
    update(&mut s, f6());
    let flow = Screen::of(&s).flow.expect("the flow view is open on the past run");
    assert_eq!(flow.rows.len(), 12);
    let text = screen_text(&mut s, 120, 40);
    assert!(text.contains("Message flow · 12 messages · run done"), "{text}");
}
