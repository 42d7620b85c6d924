//! The History tab end to end in the loop: a run recorded by the real recorder into a temporary
//! record, the real shell reading it back on the store's reader thread, the History tab listing it,
//! and the run reopened in the Run tab with its answer. A second session finds its prompt with Up.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc::unbounded_channel;

use super::ui::update;
use ailab::config::HierarchySource;
use ailab::engine::{Backends, Engine, EventSink};
use ailab::llm::demo::DemoBackend;
use ailab::session::Settings;
use ailab::store::Recorder;
use ailab::tui::app::Shell;
use ailab::tui::app::event_loop::{self, Exit, FRAME, Performer};
use ailab::tui::msg::{Effect, HistoryEffect, HistoryMsg, Msg};
use ailab::tui::state::Tab;

use super::support::{self, PROMPT};
use crate::screen::{Frames, recording};

fn key(code: KeyCode, modifiers: KeyModifiers) -> Msg {
    Msg::Key(KeyEvent::new(code, modifiers))
}

/// The live view's shell over the instant demo, recording to `db`; engine events come in as messages.
fn live_shell(
    db: &Path,
    tx: &tokio::sync::mpsc::UnboundedSender<Msg>,
) -> (Shell, ailab::store::RecorderHandle) {
    let hierarchy = support::hierarchy();
    let settings = Settings {
        hierarchy: hierarchy.clone(),
        hierarchy_source: HierarchySource::Embedded,
        demo: true,
        base_url_override: None,
        db_path: Some(db.to_path_buf()),
        no_record: false,
        theme: None,
        judge: None,
    };
    let engine = Engine::new(hierarchy, Backends::single(Arc::new(DemoBackend::with_pace(0.0)), 4));
    let sink = EventSink::new();
    let recorder = Recorder::start(db).expect("the record opens");
    sink.add(recorder.listener());
    let mut events = sink.subscribe();
    let forward = tx.clone();
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let _ = forward.send(Msg::Engine(event));
        }
    });
    (Shell::new(settings, engine, sink, Ok(recorder.writer()), tx.clone()), recorder)
}

/// Waits until the latest frame shows every one of `texts`; returns it.
async fn wait_for(frames: &Frames, texts: &[&str]) -> String {
    for _ in 0..800 {
        let last = frames.lock().unwrap().last().cloned().unwrap_or_default();
        if texts.iter().all(|t| last.contains(t)) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let last = frames.lock().unwrap().last().cloned().unwrap_or_default();
    panic!("waited 20 s for {texts:?}; the screen is:\n{last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_run_is_listed_reopened_and_its_prompt_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ailab.db");
    let (tx, mut rx) = unbounded_channel();
    let (mut shell, recorder) = live_shell(&db, &tx);
    let mut state = support::state(120, 40);
    let (mut terminal, frames, _) = recording(120, 40);

    let driver = {
        let tx = tx.clone();
        let frames = frames.clone();
        async move {
            for c in PROMPT.chars() {
                tx.send(key(KeyCode::Char(c), KeyModifiers::NONE)).unwrap();
            }
            tx.send(key(KeyCode::Enter, KeyModifiers::NONE)).unwrap();
            wait_for(&frames, &["Answer · done", "Taken together"]).await;
            tx.send(key(KeyCode::Char('2'), KeyModifiers::ALT)).unwrap();
            let list = wait_for(&frames, &["Started", PROMPT, "✔ done", "1 run "]).await;
            assert!(!list.contains("running"), "the list shows the run as it ended:\n{list}");
            tx.send(key(KeyCode::Enter, KeyModifiers::NONE)).unwrap();
            let past = wait_for(&frames, &["Past run", "read-only", "Taken together"]).await;
            assert!(past.contains("past run") && past.contains("· done"), "{past}");
            tx.send(key(KeyCode::Char('c'), KeyModifiers::CONTROL)).unwrap();
        }
    };
    let (exit, ()) =
        tokio::join!(event_loop::run(&mut terminal, &mut state, &mut rx, &mut shell, FRAME), driver);
    assert_eq!(exit.unwrap(), Exit::Quit);
    assert_eq!(state.tab, Tab::Run);
    let past = state.history.past.as_ref().expect("a past run is shown");
    let answer = state.run.view.answer.clone().expect("the reopened run has its answer");
    assert!(answer.contains("Taken together"), "{answer}");
    assert_eq!(state.run.view.run_id.as_deref(), Some(past.id.as_str()));
    assert_eq!(past.live.answer.as_deref(), Some(answer.as_str()), "the same answer as it was live");
    drop(shell);
    recorder.shutdown().unwrap();

    // A new session reads earlier prompts from the record: Up finds the prompt.
    let (tx, mut rx) = unbounded_channel();
    let (mut shell, recorder) = live_shell(&db, &tx);
    let mut state = support::state(120, 40);
    shell.perform(Effect::History(HistoryEffect::LoadPromptHistory { limit: 50 }));
    let msg = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.unwrap().unwrap();
    assert!(
        matches!(&msg, Msg::History(HistoryMsg::PromptHistory(p)) if p == &[PROMPT.to_string()]),
        "{msg:?}"
    );
    update(&mut state, msg);
    update(&mut state, key(KeyCode::Up, KeyModifiers::NONE));
    assert_eq!(state.run.prompt.text(), PROMPT);
    recorder.shutdown().unwrap();
}
