//! The screen kept in step, message after message, is the screen built from scratch: the caches
//! inside `Screen` (wrapped replies, the answer, the zoom document, the Lab's rows) are an
//! optimisation only. The loop keeps one screen for a whole session, so this drives one through a
//! session: two runs whose calls have the same ids, the zoom view, a past run and back, resizes,
//! the Lab, and compares it with a fresh one after every message.

use crossterm::event::KeyCode;

use ailab::tui::msg::{Effect, HistoryEffect, HistoryMsg, LabMsg, Msg};
use ailab::tui::screen::Screen;
use ailab::tui::state::{Focus, State};
use ailab::tui::update::update;
use std::sync::Arc;

use super::history_support::{alt, sample};
use super::support::{PROMPT, T0, full_run, key, state};

/// A state and the screen the loop keeps beside it.
struct Live {
    state: State,
    screen: Screen,
    messages: usize,
    /// Bring the screen in step only where the loop does (before a key or a click, and before
    /// a frame: here every `frame`th message), not after every message.
    frame: Option<usize>,
}

impl Live {
    fn new() -> Live {
        let state = state(120, 40);
        Live { screen: Screen::of(&state), state, messages: 0, frame: None }
    }

    fn lazy(frame: usize) -> Live {
        Live { frame: Some(frame), ..Live::new() }
    }

    /// Folds `msg` as the loop does, then checks the kept screen against a fresh one.
    fn send(&mut self, msg: Msg) -> Vec<Effect> {
        let what = format!("{msg:?}").chars().take(80).collect::<String>();
        let reads_screen = matches!(msg, Msg::Key(_) | Msg::Mouse(_));
        if reads_screen && self.frame.is_some() {
            self.screen.sync(&self.state);
        }
        let effects = update(&mut self.state, &self.screen, msg);
        self.messages += 1;
        if self.frame.is_some_and(|frame| self.messages % frame != 0) {
            return effects;
        }
        self.screen.sync(&self.state);
        let (kept, fresh) = (digest(&self.screen), digest(&Screen::of(&self.state)));
        if kept != fresh {
            let at = kept.lines().zip(fresh.lines()).position(|(a, b)| a != b).unwrap_or(0);
            let line = |d: &str| d.lines().nth(at).unwrap_or("(none)").to_string();
            panic!(
                "after message {} ({what}), the kept screen differs from a fresh one at line {at}:\n  kept:  {}\n  fresh: {}",
                self.messages,
                line(&kept),
                line(&fresh)
            );
        }
        effects
    }

    /// The kept screen as a frame would draw it (brought in step first, as the loop does).
    fn screen(&mut self) -> &Screen {
        self.screen.sync(&self.state);
        &self.screen
    }

    fn run(&mut self, run_id: &str, text: &str) {
        for c in text.chars() {
            self.send(key(KeyCode::Char(c)));
        }
        self.send(key(KeyCode::Enter));
        self.send(Msg::RunLaunched { run_id: run_id.into() });
    }

    fn feed(&mut self, events: &[ailab::engine::RunEvent]) {
        for event in events {
            self.send(Msg::Tick { now_ms: event.at_ms });
            self.send(Msg::Engine(event.clone()));
        }
    }
}

/// Everything a screen shows, as text: the layout, every pane's rows, the answer, the zoom
/// document, the Lab's board.
fn digest(screen: &Screen) -> String {
    let mut out = format!("layout {:?}\n", screen.layout);
    for (i, pane) in screen.panes.iter().enumerate() {
        out.push_str(&format!("pane {i} {}×{} sections {}\n", pane.width, pane.height, pane.has_sections()));
        for row in pane.rows(0, pane.len()) {
            out.push_str(&format!("  {}\n", row.text()));
        }
    }
    out.push_str(&format!("answer {}\n", screen.answer_height));
    for row in screen.answer.rows(0, screen.answer.len()) {
        out.push_str(&format!("  {}\n", row.text()));
    }
    if let Some(zoom) = &screen.zoom {
        out.push_str(&format!("zoom {} {}\n", zoom.node, zoom.height));
        out.push_str(&zoom.plain_text());
        out.push('\n');
    }
    if let Some(flow) = &screen.flow {
        out.push_str(&format!("flow {:?} {:?}\n", flow.layout, flow.lanes));
        for row in &flow.rows {
            out.push_str(&format!("  {row:?}\n"));
        }
        if let Some(message) = &flow.message {
            out.push_str(&format!("message {} {}\n{}\n", message.call, message.height, message.plain_text()));
        }
    }
    out.push_str(&format!("lab {}\n", screen.lab.board_height));
    for row in &screen.lab.board_rows {
        out.push_str(&format!("  {}\n", row.text()));
    }
    let vote = &screen.lab.vote;
    out.push_str(&format!("vote {} {}\n", vote.pane_height, vote.max_scroll));
    for memo in [&vote.a_rows, &vote.b_rows] {
        for row in memo.rows(0, memo.len()) {
            out.push_str(&format!("  {}\n", row.text()));
        }
    }
    out
}

#[test]
fn the_screen_kept_in_step_is_the_screen_built_afresh_through_a_whole_session() {
    session(Live::new());
}

/// The loop brings the screen in step before a key or a click and before each frame, so many
/// messages (a frame's worth of streamed text, a run's start and end) can fall between two syncs.
#[test]
fn the_screen_brought_in_step_only_before_keys_and_frames_is_the_screen_built_afresh() {
    for frame in [2, 3, 7, 19] {
        session(Live::lazy(frame));
    }
}

fn session(mut live: Live) {
    live.send(Msg::Tick { now_ms: T0 });
    // Two runs in a row: their calls have the same ids, and a pane must not keep the first's text.
    live.run("r1", PROMPT);
    let first = full_run("r1");
    live.feed(&first.events);
    live.run("r2", "And why are sunsets red?");
    let second = full_run("r2");
    let half = second.until(4_000).len();
    live.feed(&second.events[..half]);
    // The zoom view mid-run, and onto another node.
    live.state.run.focus = Focus::Node(3);
    live.send(key(KeyCode::Enter));
    live.feed(&second.events[half..half + 10]);
    live.send(key(KeyCode::Tab));
    live.send(Msg::Resize { width: 100, height: 30 });
    live.send(key(KeyCode::Esc));
    // The flow view while the run goes on, a streaming message opened, then both closed.
    live.send(key(KeyCode::F(6)));
    live.feed(&second.events[half + 10..half + 20]);
    live.send(key(KeyCode::Up));
    live.send(key(KeyCode::Enter));
    assert!(live.screen().flow.as_ref().is_some_and(|f| f.message.is_some()), "a message is open");
    live.feed(&second.events[half + 20..half + 30]);
    live.send(Msg::Resize { width: 70, height: 20 });
    live.send(key(KeyCode::Esc));
    live.send(key(KeyCode::Esc));
    live.feed(&second.events[half + 30..]);
    // A past run opened from History, then back to the live one.
    let effects = live.send(alt('2'));
    let Some(Effect::History(HistoryEffect::Load { request, .. })) = effects.first().cloned() else {
        panic!("the History tab reads the record: {effects:?}")
    };
    let page = ailab::tui::msg::history::Page { runs: sample(), counts: None };
    live.send(Msg::History(HistoryMsg::Page { request, result: Ok(page) }));
    let effects = live.send(key(KeyCode::Enter));
    let Some(Effect::History(HistoryEffect::Open { request, id, .. })) = effects.first().cloned() else {
        panic!("Enter opens the run: {effects:?}")
    };
    let events = Arc::new(full_run(&id).events);
    live.send(Msg::History(HistoryMsg::Opened { request, id, replay: false, result: Ok(events) }));
    live.send(Msg::Resize { width: 80, height: 24 });
    live.send(key(KeyCode::Esc));
    live.send(Msg::Resize { width: 200, height: 60 });
    // The Lab's board.
    live.send(alt('4'));
    live.send(Msg::Lab(LabMsg::Loaded(Ok(Box::new(super::lab_support::data())))));
    live.send(Msg::Resize { width: 90, height: 30 });
    assert!(!live.screen().lab.board_rows.is_empty(), "the board is on screen");
    // The blind vote on the first pair, resized, closed; then back to the Run tab.
    live.send(key(KeyCode::Char('v')));
    assert!(live.state.lab.vote.as_ref().is_some_and(|v| v.item.is_some()), "the vote screen shows a pair");
    assert!(!live.screen().lab.vote.a_rows.is_empty(), "its answers are wrapped");
    live.send(Msg::Resize { width: 110, height: 35 });
    live.send(key(KeyCode::Esc));
    live.send(alt('1'));
    assert!(live.messages > 200, "a whole session: {} messages", live.messages);
    let fresh = digest(&Screen::of(&live.state));
    assert_eq!(digest(live.screen()), fresh, "at the end");
}

/// The window shrinks and a frame is due before its resize message arrives (tokens queued ahead
/// of it, or a resize while `$EDITOR` had the terminal): the frame is drawn for the new size, not
/// with the old layout (which wrote outside the smaller buffer and crashed the live view).
#[tokio::test(start_paused = true)]
async fn a_frame_due_before_the_resize_message_is_drawn_for_the_new_size() {
    use ailab::tui::app::event_loop::{self, Exit, FRAME, Performer};
    use ailab::tui::state::Level;
    use ratatui::layout::Size;
    use std::time::Duration;
    struct Nothing;
    impl Performer for Nothing {
        fn perform(&mut self, _: Effect) {}
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut state = state(120, 40);
    let (mut terminal, frames, size) = crate::screen::recording(120, 40);
    tx.send(Msg::RunLaunched { run_id: "r".into() }).unwrap();
    for event in full_run("r").events {
        tx.send(Msg::Engine(event)).unwrap();
    }
    let driver = {
        let tx = tx.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            *size.lock().unwrap() = Size::new(100, 30);
            tx.send(Msg::Notify { text: "shrunk".into(), level: Level::Info }).unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
            tx.send(Msg::Signal("SIGTERM")).unwrap();
        }
    };
    let mut shell = Nothing;
    let (exit, ()) =
        tokio::join!(event_loop::run(&mut terminal, &mut state, &mut rx, &mut shell, FRAME), driver);
    assert_eq!(exit.unwrap(), Exit::Quit);
    assert_eq!(state.size, (100, 30), "the new size was folded in before drawing");
    let last = frames.lock().unwrap().last().cloned().expect("frames were drawn");
    // TestBackend writes each row between quotes.
    let rows: Vec<&str> =
        last.lines().map(|r| r.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(r)).collect();
    assert_eq!(rows.len(), 30, "{last}");
    assert!(rows.iter().all(|r| r.chars().count() <= 100), "{last}");
    assert!(rows[29].contains("shrunk"), "the status bar is on the last row:\n{last}");
}
