//! Keys on a focused pane: someone who starts typing gets their text, the pane's own keys still
//! work, and no single key throws a run away.

use crossterm::event::KeyCode;

use super::ui::update;
use ailab::tui::msg::Effect;
use ailab::tui::state::{Focus, Lifecycle, Overlay, State, Tab};

use super::support::{PROMPT, ctrl, feed, full_run, key, launch, state, type_keys};

/// A run in flight with the focus on Atlas's pane (Tab from the prompt box, as a user would).
fn running_on_a_pane() -> State {
    let mut s = state(120, 40);
    type_keys(&mut s, PROMPT);
    assert_eq!(
        update(&mut s, key(KeyCode::Enter)),
        vec![Effect::StartRun { prompt: PROMPT.into(), conversation: Default::default() }]
    );
    launch(&mut s, "r1");
    feed(&mut s, &full_run("r1").until(3_000));
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.run.focus, Focus::Node(0));
    s
}

#[test]
fn typing_on_a_pane_writes_the_prompt_and_never_quits() {
    let mut s = running_on_a_pane();
    let effects = type_keys(&mut s, "quick, tell me why hijk is odd");
    assert!(effects.is_empty(), "no letter acted: {effects:?}");
    assert_eq!(s.run.prompt.text(), "quick, tell me why hijk is odd");
    assert_eq!(s.run.focus, Focus::Prompt);
    assert!(matches!(s.run.lifecycle, Lifecycle::Running { cancelling: false, .. }), "the run goes on");
    assert_eq!(s.theme().name, "dark", "t did not switch the theme");
    assert!(s.overlays.is_empty(), "h did not open the server panel");
}

#[test]
fn every_letter_and_question_mark_starts_a_prompt() {
    for c in ('a'..='z').chain(['?']) {
        let mut s = state(120, 40);
        s.run.focus = Focus::Node(1);
        assert!(update(&mut s, key(KeyCode::Char(c))).is_empty(), "{c}");
        assert_eq!((s.run.prompt.text(), s.run.focus), (c.to_string(), Focus::Prompt), "{c}");
    }
}

#[test]
fn ctrl_y_copies_and_enter_zooms_on_a_pane() {
    let mut s = running_on_a_pane();
    let effects = update(&mut s, ctrl('y'));
    assert!(matches!(effects.as_slice(), [Effect::Copy { .. }]), "{effects:?}");
    update(&mut s, key(KeyCode::Enter));
    assert!(matches!(s.overlays.last(), Some(Overlay::Zoom(_))));
}

/// A newcomer typed "yellow zebra?" on a focused pane and got a copy, a zoom and "ellow ebra".
#[test]
fn typing_yellow_zebra_on_a_pane_writes_it_whole() {
    let mut s = running_on_a_pane();
    let effects = type_keys(&mut s, "yellow zebra?");
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!((s.run.prompt.text(), s.run.focus), ("yellow zebra?".to_string(), Focus::Prompt));
    assert!(s.overlays.is_empty());
}

#[test]
fn quitting_mid_run_asks_for_the_same_key_again() {
    let mut s = running_on_a_pane();
    assert!(update(&mut s, ctrl('q')).is_empty(), "one Ctrl-Q does not throw the run away");
    let notice = s.notice.as_ref().unwrap().text.clone();
    assert!(notice.contains("Press Ctrl-Q again") && notice.contains("Esc cancels just the run"), "{notice}");
    update(&mut s, ailab::tui::msg::Msg::Tick { now_ms: super::support::T0 + 900 });
    assert_eq!(
        update(&mut s, ctrl('q')),
        vec![Effect::CancelRun, Effect::Quit],
        "ticks do not count as keys"
    );
}

#[test]
fn a_quit_question_lasts_one_key() {
    let mut s = running_on_a_pane();
    update(&mut s, ctrl('q'));
    update(&mut s, key(KeyCode::Right));
    assert!(s.notice.is_none(), "the answered question leaves the status bar");
    update(&mut s, ailab::tui::msg::Msg::Tick { now_ms: super::support::T0 + 500 });
    assert!(update(&mut s, ctrl('q')).is_empty(), "another key in between: asked again");
    assert_eq!(update(&mut s, ctrl('q')), vec![Effect::CancelRun, Effect::Quit]);
}

#[test]
fn q_in_a_list_tab_asks_mid_run_and_quits_when_idle() {
    let mut s = running_on_a_pane();
    update(&mut s, key(KeyCode::F(1)));
    update(&mut s, key(KeyCode::Esc));
    s.tab = Tab::History;
    assert!(update(&mut s, key(KeyCode::Char('q'))).is_empty());
    assert!(s.notice.as_ref().unwrap().text.contains("Press q again"), "{:?}", s.notice);
    assert_eq!(update(&mut s, key(KeyCode::Char('q'))), vec![Effect::CancelRun, Effect::Quit]);
    let mut idle = state(120, 40);
    idle.tab = Tab::History;
    assert_eq!(update(&mut idle, key(KeyCode::Char('q'))), vec![Effect::Quit]);
}

#[test]
fn ctrl_c_still_cancels_first_then_quits() {
    let mut s = running_on_a_pane();
    assert_eq!(update(&mut s, ctrl('c')), vec![Effect::CancelRun]);
    assert_eq!(update(&mut s, ctrl('c')), vec![Effect::CancelRun, Effect::Quit]);
}

#[test]
fn the_prompt_box_edits_like_a_shell_line() {
    let mut s = state(120, 40);
    type_keys(&mut s, "hello world");
    update(&mut s, ctrl('w'));
    assert_eq!(s.run.prompt.text(), "hello ");
    update(&mut s, ctrl('z'));
    assert_eq!(s.run.prompt.text(), "hello world", "Ctrl-Z undoes");
    update(&mut s, ctrl('u'));
    assert_eq!(s.run.prompt.text(), "", "Ctrl-U deletes to the start of the line");
}

/// The help text as plain lines.
fn help_text(s: &mut State) -> String {
    update(
        s,
        ailab::tui::msg::Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::F(1),
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    ailab::tui::screen::help::rows(s, 100, ailab::tui::state::HelpPage::Keys)
        .iter()
        .map(|r| r.text())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn help_says_what_letters_do_and_lists_the_editing_keys() {
    let mut s = state(120, 40);
    let help = help_text(&mut s);
    for needle in [
        "letters",
        "Start a prompt: the letter goes to the prompt box",
        "Enter",
        "Ctrl-U",
        "Delete to the start of the line",
        "Ctrl-Z",
        "Ctrl-W",
        "Go to the third tab (Prompts)",
        "Go to the fourth tab (Lab)",
        "Go to the next field",
        "Switch an on/off field",
        "press it twice",
    ] {
        assert!(help.contains(needle), "help lacks {needle:?}:\n{help}");
    }
    let field = help.split("Prompts tab: editing a field").nth(1).unwrap_or_default();
    let field = field.split("\n\n").next().unwrap_or_default();
    assert!(!field.contains("Focus the next pane"), "{field}");
}
