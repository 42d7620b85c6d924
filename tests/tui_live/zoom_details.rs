//! The zoom view and the panes in details that matter: a long run's timeline never drops the
//! zoomed node's calls, the demo never claims to have sent anything, and a split cut off by a
//! cancel reads as a list everywhere.

use super::ui::update;
use ailab::config::Phase;
use ailab::engine::{NodeStatus, RunStatus};
use ailab::tui::msg::Msg;
use ailab::tui::state::{Focus, ServerInfo, State};
use crossterm::event::KeyCode;

use super::support::{PROMPT, Script, T0, feed, key, launch, state, type_keys};
use crate::screen::screen_text as screen;

/// A run of 22 calls: Atlas splits first, everyone works, Atlas synthesizes and reflects last.
fn long_run() -> Script {
    let mut s = Script::new("long");
    s.start(PROMPT);
    s.call(10, "atlas", Phase::Split, None, r#"["a", "b"]"#);
    let workers = ["nova", "sage", "echo", "pixel", "quantum"];
    for i in 0..19 {
        let node = workers[i % workers.len()];
        s.call(1_000 + i as i64 * 500, node, Phase::Answer, Some(1), "some words here");
    }
    s.call(12_000, "atlas", Phase::Synthesize, None, "the synthesis");
    s.call(14_000, "atlas", Phase::Reflect, None, "the reflection");
    s.finish(16_000, RunStatus::Done, Some("the synthesis"));
    s.events.sort_by_key(|e| e.at_ms);
    s
}

fn running(script: &Script, until: i64) -> State {
    let mut s = state(120, 40);
    type_keys(&mut s, PROMPT);
    update(&mut s, key(KeyCode::Enter));
    launch(&mut s, &script.run_id);
    feed(&mut s, &script.until(until));
    update(&mut s, Msg::Tick { now_ms: T0 + until });
    s
}

#[test]
fn a_long_runs_timeline_keeps_the_zoomed_nodes_last_calls() {
    let script = long_run();
    let mut s = running(&script, 60_000);
    assert_eq!(s.run.view.calls.len(), 22);
    s.run.focus = Focus::Node(0);
    update(&mut s, key(KeyCode::Enter));
    let text = screen(&mut s, 120, 40);
    for call in ["▶#1 Atlas split", "▶#21 Atlas synthesize", "▶#22 Atlas reflect"] {
        assert!(text.contains(call), "{call} missing:\n{text}");
    }
    assert!(text.contains("more calls"), "the calls left out are counted:\n{text}");
    insta::assert_snapshot!("zoom_long_run_120x40", text);
}

#[test]
fn the_demo_zoom_says_nothing_was_sent() {
    // A demo session's run: the engine records every call as sent to the demo.
    let mut s = running(&super::support::full_run("r1"), 60_000);
    s.server = ServerInfo { url: "demo".into(), demo: true };
    for call in s.run.view.calls.iter_mut() {
        call.endpoint = ailab::llm::demo::DEMO_ENDPOINT.into();
    }
    s.run.focus = Focus::Node(3);
    update(&mut s, key(KeyCode::Enter));
    let text = ailab::tui::screen::Screen::of(&s).zoom.unwrap().plain_text();
    assert!(text.contains("Offline demo: nothing was sent"), "{text}");
    assert!(!text.contains("Sent to"), "{text}");
    let mut real = running(&super::support::full_run("r1"), 60_000);
    real.run.focus = Focus::Node(3);
    update(&mut real, key(KeyCode::Enter));
    assert!(
        ailab::tui::screen::Screen::of(&real)
            .zoom
            .unwrap()
            .plain_text()
            .contains("Sent to phi-3.1-mini-4k-instruct at http://localhost:1234/v1")
    );
    // A run that went to the server before the session switched to the demo still says so.
    real.server = ServerInfo { url: "demo".into(), demo: true };
    let text = ailab::tui::screen::Screen::of(&real).zoom.unwrap().plain_text();
    assert!(text.contains("Sent to phi-3.1-mini-4k-instruct at http://localhost:1234/v1"), "{text}");
}

#[test]
fn a_recorded_demo_run_says_nothing_was_sent_even_in_a_real_session() {
    let mut s = running(&super::support::full_run("r1"), 60_000);
    for call in s.run.view.calls.iter_mut() {
        call.endpoint = ailab::llm::demo::DEMO_ENDPOINT.into();
    }
    s.run.focus = Focus::Node(3);
    update(&mut s, key(KeyCode::Enter));
    let text = ailab::tui::screen::Screen::of(&s).zoom.unwrap().plain_text();
    assert!(text.contains("Offline demo: nothing was sent"), "{text}");
}

/// Atlas's split is cut off by a cancel after its first sub-task closed.
fn cancelled_mid_split() -> Script {
    let mut s = Script::new("cut");
    s.start(PROMPT);
    s.state(10, "atlas", NodeStatus::Splitting);
    let call = s.start_call(10, "atlas", Phase::Split, None);
    let end = s.stream(
        call,
        300,
        "atlas",
        Phase::Split,
        r#"["Explain the physics of scattering.", "Reflect on what the"#,
    );
    s.finish_call(end, call, "atlas", Phase::Split, "", Some("cancelled"), 10);
    for node in ["atlas", "nova", "echo", "pixel", "sage", "quantum"] {
        s.state(end, node, NodeStatus::Cancelled);
    }
    s.finish(end + 5, RunStatus::Cancelled, None);
    s
}

#[test]
fn a_split_cut_off_by_a_cancel_reads_as_a_list_in_the_pane() {
    let mut s = running(&cancelled_mid_split(), 60_000);
    let text = screen(&mut s, 120, 40);
    assert!(text.contains("1. Explain the physics of scattering."), "{text}");
    assert!(text.contains("the split stopped here"), "{text}");
    assert!(!text.contains(r#"["Explain"#), "no raw JSON:\n{text}");
}

#[test]
fn the_compact_list_shows_a_split_as_its_sub_tasks() {
    let script = super::support::full_run("r1");
    let mut s = running(&script, 2_400);
    for (w, h) in [(40, 12), (50, 16)] {
        let text = screen(&mut s, w, h);
        assert!(!text.contains(r#"[""#) && !text.contains(r#"", ""#), "raw JSON at {w}x{h}:\n{text}");
    }
    let mut done = running(&script, 60_000);
    let text = screen(&mut done, 50, 16);
    assert!(!text.contains(r#"[""#), "{text}");
}
