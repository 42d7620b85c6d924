//! Calls that show no progress say why: queued for a free slot, silent for N s, or stopped by the
//! loop guard. Reducer tests and snapshots of the panes in each state.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::support::{PROMPT, Script, T0, feed, launch, state};
use super::ui::update;
use ailab::config::Phase;
use ailab::engine::{CallMetrics, EventKind, NodeStatus, RunEvent};
use ailab::tui::msg::Msg;
use ailab::tui::state::State;
use ailab::tui::state::run_view::CallWait;

use crate::screen::render;

const RUN: &str = "20261206-200000-0001";
const LOOPED_TEXT: &str = "Purring helps cats heal. The insight: What makes a cat purr when it is calm?";

/// Atlas splits; Echo waits for a slot (two ahead), Pixel loops and is stopped, Quantum goes
/// silent after three words.
fn script() -> Script {
    let mut s = Script::new(RUN);
    s.start(PROMPT);
    s.state(0, "atlas", NodeStatus::Splitting);
    let (split, end) = s.call(0, "atlas", Phase::Split, None, r#"["The physics.", "The meaning."]"#);
    s.state(end, "atlas", NodeStatus::Delegated);
    for (node, task) in [("nova", "The physics."), ("sage", "The meaning.")] {
        s.task(end, node, task, Some(split), None);
        s.state(end, node, NodeStatus::Delegated);
    }
    for node in ["echo", "pixel", "quantum"] {
        s.task(1_500, node, "Why do cats purr?", Some(split), None);
        s.state(1_500, node, NodeStatus::Answering);
    }
    let echo = s.start_call(1_500, "echo", Phase::Answer, Some(split));
    s.event(1_500, EventKind::CallQueued { call: echo, node: "echo".into(), ahead: 2 });
    let pixel = s.start_call(1_500, "pixel", Phase::Answer, Some(split));
    let repeats =
        format!("{LOOPED_TEXT} {}", "The insight: What makes a cat purr when it is calm? ".repeat(2));
    let end = s.stream(pixel, 1_800, "pixel", Phase::Answer, &repeats);
    s.event(
        end,
        EventKind::CallLooped {
            call: pixel,
            node: "pixel".into(),
            unit: "The insight: What makes a cat purr when it is calm?".into(),
            kept_chars: LOOPED_TEXT.chars().count() as u32,
            tokens_after: 22,
        },
    );
    let metrics = CallMetrics {
        started_ms: T0 + 1_500,
        first_token_ms: Some(T0 + 1_800),
        ended_ms: T0 + end,
        completion_tokens: 37,
        finish_reason: Some("looped".into()),
        requested_model: "phi-3.1-mini-4k-instruct".into(),
        ..CallMetrics::default()
    };
    s.event(
        end,
        EventKind::CallFinished {
            call: pixel,
            node: "pixel".into(),
            phase: Phase::Answer,
            metrics,
            text: LOOPED_TEXT.into(),
            reasoning: String::new(),
            split: None,
            error: None,
            next: None,
        },
    );
    s.state(end, "pixel", NodeStatus::Done);
    let quantum = s.start_call(1_500, "quantum", Phase::Answer, Some(split));
    let last = s.stream(quantum, 1_800, "quantum", Phase::Answer, "Purring is a ");
    for secs in [20, 40] {
        let at = last - 40 + secs as i64 * 1000;
        s.event(at, EventKind::CallSilent { call: quantum, node: "quantum".into(), secs });
    }
    s.events.sort_by_key(|e| e.at_ms);
    s
}

fn at(script: &Script, ms: i64) -> State {
    let mut s = state(120, 40);
    s.run.prompt.set_text(PROMPT);
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    launch(&mut s, RUN);
    feed(&mut s, &script.until(ms));
    update(&mut s, Msg::Tick { now_ms: T0 + ms });
    s
}

fn wait_of(state: &State, node: &str) -> Option<CallWait> {
    let view = &state.run.view;
    view.current_call(view.node_index(node)?)?.wait
}

fn event(kind: EventKind, ms: i64) -> RunEvent {
    RunEvent { run_id: RUN.into(), at_ms: T0 + ms, kind }
}

#[test]
fn waits_are_set_by_their_events_and_cleared_by_progress() {
    let script = script();
    let mut s = at(&script, 25_000);
    assert_eq!(wait_of(&s, "echo"), Some(CallWait::Queued { ahead: 2 }));
    assert_eq!(wait_of(&s, "quantum"), Some(CallWait::Silent { secs: 20 }));
    assert_eq!(wait_of(&s, "pixel"), None);
    let view = &s.run.view;
    let pixel = view.current_call(view.node_index("pixel").unwrap_or(0));
    assert!(pixel.is_some_and(|c| c.looped() && c.text == LOOPED_TEXT), "the kept text replaces the loop");
    let echo_call = view.current_call(view.node_index("echo").unwrap_or(0)).map(|c| c.id).unwrap_or(0);
    let quantum_call = view.current_call(view.node_index("quantum").unwrap_or(0)).map(|c| c.id).unwrap_or(0);

    // A later notice replaces the earlier one; the slot and the next token end the waits.
    feed(
        &mut s,
        &[event(EventKind::CallSilent { call: quantum_call, node: "quantum".into(), secs: 40 }, 41_900)],
    );
    assert_eq!(wait_of(&s, "quantum"), Some(CallWait::Silent { secs: 40 }));
    let token = EventKind::Token {
        call: quantum_call,
        node: "quantum".into(),
        phase: Phase::Answer,
        text: "way ".into(),
        reasoning: false,
        pieces: 1,
    };
    let slotted = EventKind::CallSlotted { call: echo_call, node: "echo".into(), waited_ms: 40_500 };
    feed(&mut s, &[event(token, 42_000), event(slotted, 42_000)]);
    assert_eq!(wait_of(&s, "quantum"), None);
    assert_eq!(wait_of(&s, "echo"), None);
}

#[test]
fn a_notice_for_a_finished_call_is_ignored() {
    let script = script();
    let mut s = at(&script, 25_000);
    let view = &s.run.view;
    let pixel = view.current_call(view.node_index("pixel").unwrap_or(0)).map(|c| c.id).unwrap_or(0);
    feed(&mut s, &[event(EventKind::CallSilent { call: pixel, node: "pixel".into(), secs: 20 }, 26_000)]);
    assert_eq!(wait_of(&s, "pixel"), None, "a finished call is not silent");
}

#[test]
fn panes_say_queued_silent_and_stopped_for_repeating() {
    let script = script();
    // Each pane's caption says it in plain words; the looped call's section says it too.
    for (ms, silent) in
        [(25_000, "Quantum has said nothing for 20 s"), (45_000, "Quantum has said nothing for 40 s")]
    {
        let mut s = at(&script, ms);
        let terminal = render(&mut s, 120, 40);
        let screen = format!("{}", terminal.backend());
        assert!(screen.contains(silent), "{screen}");
        // Wrapped to two rows in these narrow panes.
        assert!(screen.contains("│Echo is waiting for a free slot on   │"), "{screen}");
        assert!(screen.contains("│the server (2 ahead)"), "{screen}");
        assert!(screen.contains("│Pixel was stopped: it kept repeating │"), "{screen}");
        assert!(screen.contains("▾ Answer · stopped: repeating itself"), "{screen}");
        assert!(!screen.contains("answering") || screen.matches("answering").count() == 1, "{screen}");
        insta::assert_snapshot!(format!("waits_{}s_120x40", ms / 1000), terminal.backend());
    }
    let mut s = at(&script, 45_000);
    insta::assert_snapshot!("waits_45s_80x24", render(&mut s, 80, 24).backend());
}
