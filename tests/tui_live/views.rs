//! Views on ratatui's TestBackend: insta snapshots of the Run tab at several sizes (one tiny) in
//! each state of a run, the zoom view, help and the health panel; and properties that must hold
//! at any size (no panic, nothing drawn outside a pane, no control characters on screen).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;

use super::ui::update;
use ailab::tui::msg::Msg;
use ailab::tui::state::health::{EndpointHealth, HealthReport, MissingModel, Problem};
use ailab::tui::state::{Focus, State};

use super::support::{self, PROMPT, T0, feed, full_run, launch, state};
use crate::screen::{render, screen_problems};

/// Sizes every state is drawn at: roomy, the classic 80×24, narrow (compact tree), too small.
const SIZES: &[(u16, u16)] = &[(120, 40), (80, 24), (52, 16), (30, 8)];

fn snapshot_sizes(name: &str, state: &mut State) {
    for &(w, h) in SIZES {
        let terminal = render(state, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    }
}

/// The server check's answer: localhost:1234 serves `served`, and Pixel's model is not among them.
pub fn pixel_missing(served: &[&str]) -> HealthReport {
    HealthReport {
        answers: Vec::new(),
        demo: false,
        endpoints: vec![EndpointHealth {
            url: "http://localhost:1234/v1".into(),
            models: Ok(served.iter().map(|m| m.to_string()).collect()),
        }],
        missing: vec![MissingModel {
            node_id: "pixel".into(),
            node_name: "Pixel".into(),
            model: "phi-3.1-mini-4k-instruct:2".into(),
            endpoint: "http://localhost:1234/v1".into(),
        }],
    }
}

/// A state showing `run` up to `at` ms, with the clock at that moment.
fn at(script: &support::Script, at: i64) -> State {
    let mut s = state(120, 40);
    s.run.prompt.set_text(PROMPT);
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    launch(&mut s, &script.run_id);
    feed(&mut s, &script.until(at));
    update(&mut s, Msg::Tick { now_ms: T0 + at });
    s
}

#[test]
fn idle() {
    let mut s = state(120, 40);
    snapshot_sizes("idle", &mut s);
}

#[test]
fn streaming() {
    let mut s = at(&full_run("20261124-060000-0001"), 3_200);
    snapshot_sizes("streaming", &mut s);
}

#[test]
fn synthesizing_with_focus_on_a_pane() {
    let mut s = at(&full_run("20261124-060000-0001"), 9_000);
    s.run.focus = Focus::Node(1);
    let terminal = render(&mut s, 120, 40);
    insta::assert_snapshot!("synthesizing_focus_120x40", terminal.backend());
}

#[test]
fn done() {
    let mut s = at(&full_run("20261124-060000-0001"), 60_000);
    snapshot_sizes("done", &mut s);
}

#[test]
fn degraded() {
    let mut s = at(&support::degraded_run("20261124-060000-0002"), 60_000);
    snapshot_sizes("degraded", &mut s);
}

#[test]
fn failed() {
    let mut s = at(&support::failed_run("20261124-060000-0003"), 60_000);
    snapshot_sizes("failed", &mut s);
}

#[test]
fn zoom() {
    let mut s = at(&full_run("20261124-060000-0001"), 60_000);
    s.run.focus = Focus::Node(1);
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    for &(w, h) in &[(120, 40), (80, 24)] {
        let terminal = render(&mut s, w, h);
        insta::assert_snapshot!(format!("zoom_{w}x{h}"), terminal.backend());
    }
}

/// F1, then Tab: what the words on the screen mean, for someone who does not program.
#[test]
fn concepts() {
    let mut s = state(100, 30);
    s.run.focus = Focus::Node(0);
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)));
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
    let terminal = render(&mut s, 100, 30);
    insta::assert_snapshot!("concepts_100x30", terminal.backend());
    let text = format!("{:?}", terminal.backend());
    assert!(text.contains("The tree") && text.contains("Split (dividing the task)"), "{text}");
    // Tab again: back to the keys.
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
    let text = format!("{:?}", render(&mut s, 100, 30).backend());
    assert!(!text.contains("The tree"), "{text}");
}

#[test]
fn help() {
    let mut s = state(100, 30);
    s.run.focus = Focus::Node(0);
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)));
    let terminal = render(&mut s, 100, 30);
    insta::assert_snapshot!("help_100x30", terminal.backend());
}

#[test]
fn health_panel() {
    let mut s = state(100, 30);
    update(&mut s, Msg::Health(pixel_missing(&["phi-3.1-mini-4k-instruct"])));
    let terminal = render(&mut s, 100, 30);
    insta::assert_snapshot!("health_missing_100x30", terminal.backend());
    let unreachable = HealthReport {
        answers: Vec::new(),
        demo: false,
        endpoints: vec![EndpointHealth {
            url: "http://localhost:1234/v1".into(),
            models: Err(Problem {
                message: "cannot reach the server at http://localhost:1234/v1: connection refused".into(),
                hint: Some(
                    "In LM Studio: open the Developer tab and press Start server (port 1234), or pass --base-url."
                        .into(),
                ),
            }),
        }],
        missing: Vec::new(),
    };
    update(&mut s, Msg::Health(unreachable));
    let terminal = render(&mut s, 100, 30);
    insta::assert_snapshot!("health_unreachable_100x30", terminal.backend());
}

/// In demo mode the panel says no server is checked, whatever the server is doing: a tick there
/// would tell someone checking LM Studio that it answers when nothing was asked.
#[test]
fn the_server_panel_in_demo_mode_says_no_server_is_checked() {
    let mut s = state(100, 30);
    s.server = ailab::tui::state::ServerInfo { url: "demo".into(), demo: true };
    let demo = HealthReport { demo: true, endpoints: Vec::new(), missing: Vec::new(), answers: Vec::new() };
    update(&mut s, Msg::Health(demo));
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE)));
    let text = crate::screen::screen_text(&mut s, 100, 30);
    assert!(text.contains("Demo mode: answers are scripted offline; no server is used"), "{text}");
    assert!(!text.contains("The server answers"), "{text}");
}

#[test]
fn states_have_distinct_styles() {
    use ailab::tui::theme::Role;
    let mut s = at(&support::degraded_run("20261124-060000-0002"), 60_000);
    let terminal = render(&mut s, 120, 40);
    let buffer = terminal.backend().buffer();
    let theme = s.theme();
    let text_of = |y: u16| (0..120).map(|x| buffer[(x, y)].symbol().to_string()).collect::<String>();
    let (x, y) = (0..40)
        .find_map(|y| text_of(y).find("✖ failed").map(|x| (text_of(y)[..x].chars().count() as u16, y)))
        .expect("the failed badge is drawn");
    assert_eq!(buffer[(x + 2, y)].fg, theme.style(Role::NodeFailed).fg.unwrap());
    let done =
        (0..40).find_map(|y| text_of(y).find("✔ done").map(|x| (text_of(y)[..x].chars().count() as u16, y)));
    let (x, y) = done.expect("a done badge is drawn");
    assert_eq!(buffer[(x + 2, y)].fg, theme.style(Role::NodeDone).fg.unwrap());
    assert_ne!(theme.style(Role::NodeFailed), theme.style(Role::NodeDone));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any size, any moment of a run, any model text: drawing never panics, the tab bar and
    /// status bar stay in place (or the screen says it is too small), and no control character
    /// ever reaches the screen.
    #[test]
    fn any_size_and_moment_draws_cleanly(
        width in 1u16..160,
        height in 1u16..60,
        moment in 0i64..14_000,
        junk in proptest::collection::vec(any::<char>(), 0..80),
    ) {
        let mut script = full_run("p");
        let junk: String = junk.into_iter().collect();
        script.stream(1, 200, "atlas", ailab::config::Phase::Split, &junk);
        script.events.sort_by_key(|e| e.at_ms);
        let mut s = at(&script, moment);
        let terminal = render(&mut s, width, height);
        let problems = screen_problems(&s, &terminal);
        prop_assert!(problems.is_empty(), "at {width}×{height}:\n{}", problems.join("\n"));
        for cell in terminal.backend().buffer().content() {
            prop_assert!(!cell.symbol().chars().any(|c| c.is_control()), "control char {:?}", cell.symbol());
        }
    }
}
