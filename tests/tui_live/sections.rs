//! A pane keeps its member's whole story as sections (what it was asked, its split with each
//! child's name, its answer or synthesis), folds a finished section with Ctrl-O or a click on its
//! header, and says in plain words what the member is doing, on the pane and in the status bar.

use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::support::{self, PROMPT, T0, ctrl, feed, full_run, key, launch, state};
use super::ui::update;
use ailab::tui::msg::Msg;
use ailab::tui::state::scroll::Scroll;
use ailab::tui::state::{Focus, SectionId, State};

use crate::screen::{render, screen_rows};

/// A state showing `script` up to `at` ms at `width` × `height`, with the clock at that moment.
fn at(script: &support::Script, at: i64, width: u16, height: u16) -> State {
    let mut s = state(width, height);
    s.run.prompt.set_text(PROMPT);
    update(&mut s, key(KeyCode::Enter));
    launch(&mut s, &script.run_id);
    feed(&mut s, &script.until(at));
    update(&mut s, Msg::Tick { now_ms: T0 + at });
    s
}

/// The done run on a tall screen (panes with room for three sections), Nova's pane focused and
/// scrolled to its top.
fn nova_from_the_top() -> State {
    let mut s = at(&full_run("20261124-060000-0001"), 60_000, 120, 56);
    s.run.focus = Focus::Node(s.run.view.node_index("nova").unwrap());
    update(&mut s, key(KeyCode::Home));
    s
}

fn click(s: &mut State, column: u16, row: u16) {
    let kind = MouseEventKind::Down(MouseButton::Left);
    update(s, Msg::Mouse(MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE }));
}

/// Where `text` is on the screen: (column, row) of its first character.
fn find(rows: &[String], text: &str) -> Option<(u16, u16)> {
    rows.iter().enumerate().find_map(|(y, row)| {
        let at = row.find(text)?;
        Some((row[..at].chars().count() as u16, y as u16))
    })
}

#[test]
fn a_parent_after_its_synthesis_still_shows_what_it_was_asked_and_its_split() {
    let mut s = nova_from_the_top();
    let terminal = render(&mut s, 120, 56);
    let screen = format!("{}", terminal.backend());
    for part in [
        "▾ Asked by Atlas",
        "Explain the physics: how does Rayleigh scattering make the sky blue?",
        "▾ Split → Echo, Pixel",
        "1. Echo: Give the step-by-step mechanism with numbers.",
        "2. Pixel: Name the common misconceptions.",
    ] {
        assert!(screen.contains(part), "{part:?} in\n{screen}");
    }
    insta::assert_snapshot!("sections_parent_top_120x56", terminal.backend());
}

#[test]
fn a_leaf_shows_its_sub_task_on_its_first_lines() {
    let mut s = at(&full_run("20261124-060000-0001"), 60_000, 120, 40);
    s.run.focus = Focus::Node(s.run.view.node_index("pixel").unwrap());
    update(&mut s, key(KeyCode::Home));
    let terminal = render(&mut s, 120, 40);
    let rows = crate::screen::rows(&terminal);
    let (x, y) = find(&rows, "▾ Asked by Nova").expect("Pixel's first section");
    assert!(rows[y as usize + 1][..].contains("Name the common misconceptions."), "{rows:#?}");
    assert!(x > 40, "in Pixel's pane, the middle one of the bottom row");
    insta::assert_snapshot!("sections_leaf_top_120x40", terminal.backend());
}

#[test]
fn ctrl_o_folds_the_section_at_the_top_of_the_pane_and_unfolds_it_again() {
    let mut s = nova_from_the_top();
    let nova = s.run.view.node_index("nova").unwrap();
    update(&mut s, ctrl('o'));
    assert!(s.run.is_folded(nova, SectionId::Asked));
    let terminal = render(&mut s, 120, 56);
    let screen = format!("{}", terminal.backend());
    assert!(screen.contains("▸ Asked by Atlas · 2 rows folded"), "{screen}");
    assert!(!screen.contains("Explain the physics: how"), "the task is folded away:\n{screen}");
    insta::assert_snapshot!("sections_folded_120x56", terminal.backend());
    update(&mut s, ctrl('o'));
    assert!(!s.run.is_folded(nova, SectionId::Asked));
    assert!(screen_rows(&mut s, 120, 56).iter().any(|r| r.contains("Explain the physics: how")));
}

#[test]
fn a_click_on_a_header_folds_its_section_and_a_click_on_text_does_not() {
    let mut s = nova_from_the_top();
    let nova = s.run.view.node_index("nova").unwrap();
    let rows = screen_rows(&mut s, 120, 56);
    let (x, y) = find(&rows, "1. Echo: Give").expect("the split's first sub-task");
    click(&mut s, x, y);
    assert!(s.run.folded[nova].is_empty(), "a click on text folds nothing");
    let (x, y) = find(&rows, "▾ Split → Echo, Pixel").expect("the split's header");
    click(&mut s, x + 3, y);
    let split = s.run.folded[nova].iter().next().copied();
    assert!(matches!(split, Some(SectionId::Call(_))), "{split:?}");
    let rows = screen_rows(&mut s, 120, 56);
    assert!(rows.iter().any(|r| r.contains("▸ Split → Echo, Pixel · 2 rows folded")), "{rows:#?}");
    assert!(!rows.iter().any(|r| r.contains("1. Echo: Give")), "{rows:#?}");
    let (x, y) = find(&rows, "▸ Split → Echo, Pixel").expect("the folded header");
    click(&mut s, x, y);
    assert!(s.run.folded[nova].is_empty(), "a second click unfolds it");
}

#[test]
fn the_streaming_section_stays_open_and_followed() {
    let mut s = state(120, 40);
    s.run.prompt.set_text(PROMPT);
    update(&mut s, key(KeyCode::Enter));
    launch(&mut s, "r1");
    let mut script = full_run("r1");
    feed(&mut s, &script.until(2_700));
    let echo = s.run.view.node_index("echo").unwrap();
    let call = s.run.view.current_call(echo).unwrap().id;
    let long: String = (0..200).map(|i| format!("word{i} ")).collect();
    script.events.clear();
    script.stream(call, 2_800, "echo", ailab::config::Phase::Answer, &long);
    feed(&mut s, &script.events);
    s.run.focus = Focus::Node(echo);
    // Following, the top of the pane is inside the answer being written: it does not fold.
    update(&mut s, ctrl('o'));
    assert!(s.run.folded[echo].is_empty());
    let notice = s.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("still being written"), "{notice}");
    assert_eq!(s.run.panes[echo], Scroll::Follow);
    let rows = screen_rows(&mut s, 120, 40);
    assert!(rows.iter().any(|r| r.contains("word199")), "the newest text is in view");
}

#[test]
fn the_focused_members_caption_shows_in_the_status_bar_when_it_fits() {
    let script = full_run("20261124-060000-0001");
    let mut s = at(&script, 3_200, 160, 40);
    s.run.focus = Focus::Node(s.run.view.node_index("nova").unwrap());
    let rows = screen_rows(&mut s, 160, 40);
    let bar = rows.last().unwrap();
    assert!(bar.contains("Nova is waiting for Echo and Pixel │ Enter zoom"), "{bar}");
    // The pane says it too, under its title.
    assert!(rows.iter().any(|r| r.contains("┃Nova is waiting for Echo and Pixel")), "{rows:#?}");
    // Too narrow for the sentence and a key: the keys stay.
    let rows = screen_rows(&mut s, 80, 24);
    let bar = rows.last().unwrap();
    assert!(!bar.contains("Nova is waiting") && bar.contains("Enter zoom"), "{bar}");
    // From the prompt box, no member is focused: no caption in the bar.
    update(&mut s, Msg::Key(crossterm::event::KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    let rows = screen_rows(&mut s, 160, 40);
    assert!(!rows.last().unwrap().contains("Nova is waiting"), "{}", rows.last().unwrap());
}

#[test]
/// Mid-run: roomy panes say what each member does; at 100×30 the panes are too small and drop it.
fn captions_at_two_sizes() {
    let script = full_run("20261124-060000-0001");
    for (w, h) in [(100, 30), (140, 44)] {
        let mut s = at(&script, 4_000, w, h);
        let terminal = render(&mut s, w, h);
        insta::assert_snapshot!(format!("sections_captions_{w}x{h}"), terminal.backend());
    }
}

/// In a real terminal, Ctrl-O reaches the pane (no terminal driver eats it) and folds what the
/// root was asked; the caption under its name says it is done.
#[test]
fn ctrl_o_folds_a_section_in_a_real_terminal() {
    use crate::tmux_driver::{Tmux, ailab_command};
    use std::time::Duration;
    let Some(tmux) = Tmux::start("sections") else { return };
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    tmux.open(120, 40, &ailab_command(data.path(), config.path(), &[], "--demo --no-record"));
    tmux.send(&["-l", "Why is the sky blue?"]);
    tmux.send(&["Enter"]);
    tmux.wait_for("Answer · done", Duration::from_secs(60));
    tmux.send(&["Tab"]);
    tmux.send(&["Home"]);
    let top = tmux.wait_for("▾ Asked by you", Duration::from_secs(10));
    assert!(top.contains("Atlas is done"), "{top}");
    tmux.send(&["C-o"]);
    tmux.wait_for("▸ Asked by you · ", Duration::from_secs(10));
    tmux.send(&["C-c"]);
    assert_eq!(tmux.exit_status(Duration::from_secs(10)), "0");
}
