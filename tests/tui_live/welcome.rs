//! The welcome: snapshots of the team drawn as a tree with the three sentences and choices (and
//! its compact form on a small screen), drawing at any size without a panic, and its keys: the
//! arrows and Enter, the choices' letters, Esc, and the help's key that opens it again.

use crossterm::event::KeyCode;
use proptest::prelude::*;

use super::support::{key, state};
use super::ui::update;
use super::views::pixel_missing;
use crate::screen::{render, screen_problems, screen_text};
use ailab::tui::msg::{Effect, Msg};
use ailab::tui::state::health::{EndpointHealth, HealthReport, Problem};
use ailab::tui::state::welcome::{WelcomeChoice, WelcomeState};
use ailab::tui::state::{Overlay, State, Tab};

/// A fresh state with the welcome open, as on the first start.
fn welcomed(width: u16, height: u16) -> State {
    let mut s = state(width, height);
    s.overlays.push(Overlay::Welcome(WelcomeState::default()));
    s
}

fn selected(s: &State) -> Option<WelcomeChoice> {
    match s.overlays.last() {
        Some(Overlay::Welcome(w)) => Some(w.selected),
        _ => None,
    }
}

fn unreachable() -> HealthReport {
    HealthReport {
        demo: false,
        endpoints: vec![EndpointHealth {
            url: "http://localhost:1234/v1".into(),
            models: Err(Problem { message: "Connection refused".into(), hint: None }),
        }],
        missing: Vec::new(),
        answers: Vec::new(),
    }
}

#[test]
fn the_welcome_draws_the_team_three_sentences_and_three_choices() {
    let mut s = welcomed(80, 24);
    insta::assert_snapshot!("welcome_80x24", render(&mut s, 80, 24).backend());
    let mut s = welcomed(120, 40);
    update(&mut s, Msg::Health(unreachable()));
    insta::assert_snapshot!("welcome_unreachable_120x40", render(&mut s, 120, 40).backend());
}

#[test]
fn on_a_small_screen_the_welcome_keeps_its_choices() {
    let mut s = welcomed(40, 12);
    let terminal = render(&mut s, 40, 12);
    insta::assert_snapshot!("welcome_40x12", terminal.backend());
    let shown = screen_text(&mut s, 40, 12);
    for label in ["Demo", "Server", "Models"] {
        assert!(shown.contains(label), "{label} is missing:\n{shown}");
    }
}

#[test]
fn the_arrows_move_and_enter_does_the_choice() {
    let mut s = welcomed(80, 24);
    // The check at start has answered (while it runs, opening the check asks nothing more).
    update(&mut s, Msg::Health(unreachable()));
    update(&mut s, key(KeyCode::Down));
    assert_eq!(selected(&s), Some(WelcomeChoice::Server));
    update(&mut s, key(KeyCode::Up));
    update(&mut s, key(KeyCode::Up));
    assert_eq!(selected(&s), Some(WelcomeChoice::Models), "round the list");
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::Down));
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(effects, vec![Effect::CheckHealth { deep: true }]);
    assert!(matches!(s.overlays.as_slice(), [Overlay::Health(_)]), "the server check replaced it");
}

#[test]
fn each_choice_has_its_letter() {
    let mut s = welcomed(80, 24);
    assert_eq!(update(&mut s, key(KeyCode::Char('d'))), vec![Effect::UseDemo]);
    assert!(s.overlays.is_empty());

    let mut s = welcomed(80, 24);
    let effects = update(&mut s, key(KeyCode::Char('m')));
    assert_eq!(s.tab, Tab::Prompts);
    assert!(
        effects.contains(&Effect::Prompts(ailab::tui::msg::PromptsEffect::ListModels)),
        "the picker asks the server: {effects:?}"
    );

    let mut s = welcomed(80, 24);
    update(&mut s, key(KeyCode::Char('s')));
    assert!(matches!(s.overlays.as_slice(), [Overlay::Health(_)]));
}

#[test]
fn esc_closes_it_typing_does_not_reach_the_prompt_and_the_help_opens_it_again() {
    let mut s = welcomed(80, 24);
    for c in "hello".chars() {
        assert!(update(&mut s, key(KeyCode::Char(c))).is_empty());
    }
    assert_eq!(s.run.prompt.text(), "", "typing waits for the welcome");
    assert!(selected(&s).is_some());
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlays.is_empty());
    update(&mut s, key(KeyCode::F(1)));
    update(&mut s, key(KeyCode::Char('w')));
    assert!(matches!(s.overlays.as_slice(), [Overlay::Welcome(_)]), "it took the help's place");
}

#[test]
fn a_server_problem_found_at_start_does_not_cover_the_welcome() {
    let mut s = welcomed(80, 24);
    update(&mut s, Msg::Health(pixel_missing(&["phi-3.1-mini-4k-instruct"])));
    assert!(matches!(s.overlays.as_slice(), [Overlay::Welcome(_)]));
    let shown = screen_text(&mut s, 80, 24);
    assert!(shown.contains("a model is missing"), "{shown}");
    // Without the welcome, the panel opens as before.
    let mut s = state(80, 24);
    update(&mut s, Msg::Health(unreachable()));
    assert!(matches!(s.overlays.as_slice(), [Overlay::Health(_)]));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Any size, 1×1 included: the welcome draws without a panic, inside the screen.
    #[test]
    fn the_welcome_draws_at_any_size(width in 1u16..140, height in 1u16..50, down in 0usize..3) {
        let mut s = welcomed(width, height);
        for _ in 0..down {
            update(&mut s, key(KeyCode::Down));
        }
        let terminal = render(&mut s, width, height);
        let problems = screen_problems(&s, &terminal);
        prop_assert!(problems.is_empty(), "at {width}×{height}:\n{}", problems.join("\n"));
    }
}
