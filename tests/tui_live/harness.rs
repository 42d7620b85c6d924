//! The headless harness: the real event loop on a TestBackend, fed synthetic keys and stream
//! events through its one channel, with a stand-in shell that plays a scripted run. Time is
//! paused, so frame pacing is exact and the test takes no wall time.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Size;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use ailab::engine::{EventKind, RunEvent, RunStatus, RunSummary, RunTotals};
use ailab::tui::app::event_loop::{self, Exit, FRAME, Performer};
use ailab::tui::msg::{Effect, Msg};

use super::support::{self, ANSWER, PROMPT, T0, full_run};
use crate::screen::recording;

/// Plays a scripted run for each StartRun, at the script's own pace.
struct ScriptedShell {
    tx: UnboundedSender<Msg>,
    started: Vec<String>,
    cancelled: usize,
}

impl Performer for ScriptedShell {
    fn perform(&mut self, effect: Effect) {
        match effect {
            Effect::StartRun { prompt, .. } => {
                self.started.push(prompt);
                let run_id = format!("harness-{}", self.started.len());
                let _ = self.tx.send(Msg::RunLaunched { run_id: run_id.clone().into() });
                let events = full_run(&run_id).events;
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let mut clock = T0;
                    for event in events {
                        tokio::time::sleep(Duration::from_millis((event.at_ms - clock) as u64)).await;
                        clock = event.at_ms;
                        let _ = tx.send(Msg::Tick { now_ms: clock });
                        let _ = tx.send(Msg::Engine(event));
                    }
                    let summary = RunSummary {
                        run_id: run_id.clone().into(),
                        status: RunStatus::Done,
                        answer: Some(ANSWER.into()),
                        totals: RunTotals::default(),
                        error: None,
                        turn: None,
                    };
                    let _ = tx.send(Msg::RunTaskEnded { run_id: run_id.into(), outcome: Ok(summary) });
                });
            }
            Effect::CancelRun => self.cancelled += 1,
            _ => {}
        }
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[tokio::test(start_paused = true)]
async fn typing_a_prompt_streams_the_run_and_shows_the_answer() {
    let (tx, mut rx) = unbounded_channel();
    let mut state = support::state(120, 40);
    let (mut terminal, frames, _) = recording(120, 40);
    let mut shell = ScriptedShell { tx: tx.clone(), started: Vec::new(), cancelled: 0 };

    for c in PROMPT.chars() {
        tx.send(key(KeyCode::Char(c))).unwrap();
    }
    tx.send(key(KeyCode::Enter)).unwrap();
    let driver = {
        let tx = tx.clone();
        async move {
            // Long after the scripted run (12 s) has finished, quit.
            tokio::time::sleep(Duration::from_secs(30)).await;
            tx.send(Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))).unwrap();
        }
    };
    let (exit, ()) =
        tokio::join!(event_loop::run(&mut terminal, &mut state, &mut rx, &mut shell, FRAME), driver);
    assert_eq!(exit.unwrap(), Exit::Quit);
    assert_eq!(shell.started, vec![PROMPT.to_string()]);

    let frames = frames.lock().unwrap();
    let last = frames.last().unwrap();
    for name in ["Atlas", "Nova", "Sage", "Echo", "Pixel", "Quantum"] {
        assert!(last.contains(name), "{name} missing from the last frame:\n{last}");
    }
    assert!(last.contains("Answer · done") && last.contains("blue light scatters most"), "{last}");
    assert!(frames.iter().any(|f| f.contains("answering")), "no frame caught the leaves answering");
    // About 12 s of run at one frame per 25 ms at most: never one frame per token.
    let tokens = full_run("x").events.iter().filter(|e| matches!(e.kind, EventKind::Token { .. })).count();
    assert!(frames.len() < 12_000 / 25 + 20, "{} frames", frames.len());
    assert!(tokens > 200, "the script streams many tokens ({tokens})");
}

#[tokio::test(start_paused = true)]
async fn a_flood_of_tokens_costs_a_few_frames() {
    let (tx, mut rx) = unbounded_channel();
    let mut state = support::state(120, 40);
    let (mut terminal, frames, _) = recording(120, 40);
    let mut shell = ScriptedShell { tx: tx.clone(), started: Vec::new(), cancelled: 0 };

    // A run whose atlas call then receives 5,000 tokens at once.
    let mut script = full_run("flood");
    let mut events: Vec<RunEvent> = script.until(700);
    script.events.clear();
    let words: String = (0..5_000).map(|i| format!("w{i} ")).collect();
    script.stream(1, 800, "atlas", ailab::config::Phase::Split, &words);
    events.extend(script.events);
    tx.send(Msg::RunLaunched { run_id: "flood".into() }).unwrap();
    for event in events {
        tx.send(Msg::Engine(event)).unwrap();
    }
    tx.send(Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))).unwrap();
    tx.send(Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))).unwrap();
    let exit = event_loop::run(&mut terminal, &mut state, &mut rx, &mut shell, FRAME).await.unwrap();
    assert_eq!(exit, Exit::Quit);
    assert_eq!(shell.cancelled, 2, "the first Ctrl-C cancels, the second cancels and quits");
    assert!(frames.lock().unwrap().len() <= 3, "{} frames for one burst", frames.lock().unwrap().len());
    assert!(state.run.view.current_call(0).unwrap().text.ends_with("w4999 "));
}

#[tokio::test(start_paused = true)]
async fn resizes_and_tiny_terminals_never_break_the_loop() {
    let (tx, mut rx) = unbounded_channel();
    let mut state = support::state(120, 40);
    let (mut terminal, frames, size) = recording(120, 40);
    let mut shell = ScriptedShell { tx: tx.clone(), started: Vec::new(), cancelled: 0 };
    let driver = {
        let tx = tx.clone();
        async move {
            for (w, h) in [(30, 8), (80, 24), (1, 1), (120, 40)] {
                *size.lock().unwrap() = Size::new(w, h);
                tx.send(Msg::Resize { width: w, height: h }).unwrap();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            tx.send(Msg::Signal("SIGTERM")).unwrap();
        }
    };
    let (exit, ()) =
        tokio::join!(event_loop::run(&mut terminal, &mut state, &mut rx, &mut shell, FRAME), driver);
    assert_eq!(exit.unwrap(), Exit::Quit);
    assert!(frames.lock().unwrap().iter().any(|f| f.contains("Terminal too small")));
}
