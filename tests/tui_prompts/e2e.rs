//! End to end: the real event loop and the real shell (saving, rebuilding the engine, running)
//! against the mock server, driven by keys. A run started before the save keeps the prompts it
//! started with; the run after the save sends the edited system prompt; the file holds it.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::ui::update;
use ailab::config::{DEFAULT_HIERARCHY_TOML, load_hierarchy};
use ailab::engine::EventSink;
use ailab::session::Settings;
use ailab::tui::app::{Exit, FRAME, Shell, event_loop};
use ailab::tui::keymap::Keymap;
use ailab::tui::msg::Msg;
use ailab::tui::state::{ServerInfo, State};
use ailab::tui::theme::ThemeSet;

use super::support::{MockConfig, MockServer, RecordedRequest};

const PIRATE: &str = "Answer like a pirate. ";

fn key(tx: &UnboundedSender<Msg>, code: KeyCode, mods: KeyModifiers) {
    tx.send(Msg::Key(KeyEvent::new(code, mods))).unwrap();
}

fn keys(tx: &UnboundedSender<Msg>, codes: &[KeyCode]) {
    for code in codes {
        key(tx, *code, KeyModifiers::NONE);
    }
}

fn type_text(tx: &UnboundedSender<Msg>, text: &str) {
    for c in text.chars() {
        key(tx, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

/// Waits until the mock has answered everything and stayed quiet for a moment (a run is over).
async fn quiet(mock: &MockServer, more_than: usize) {
    let started = mock.wait_until(Duration::from_secs(20), |m| m.chat_count() > more_than).await;
    assert!(started, "no run reached the server");
    let mut last = usize::MAX;
    loop {
        let now = mock.chat_count();
        if now == last && mock.in_flight() == 0 {
            return;
        }
        last = now;
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
}

fn echo(requests: &[RecordedRequest]) -> Vec<&RecordedRequest> {
    requests.iter().filter(|r| r.system_prompt().is_some_and(|s| s.contains("You are Echo"))).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_system_prompt_is_sent_by_the_next_run_and_a_run_in_flight_keeps_its_own() {
    let mock = MockServer::start_with(MockConfig {
        first_token_delay: Duration::from_millis(300),
        ..MockConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hierarchy.toml");
    std::fs::write(&path, DEFAULT_HIERARCHY_TOML).unwrap();
    let (mut hierarchy, source) = load_hierarchy(Some(&path)).unwrap();
    hierarchy.server.base_url = mock.base_url();
    let settings = Settings {
        hierarchy: Arc::new(hierarchy),
        hierarchy_source: source,
        demo: false,
        base_url_override: Some(mock.base_url()),
        db_path: Some(dir.path().join("ailab.db")),
        no_record: true,
        theme: None,
        judge: None,
    };
    let engine = settings.engine().unwrap();
    let sink = EventSink::new();
    let (tx, mut rx) = unbounded_channel();
    let mut events = sink.subscribe();
    let forward = tx.clone();
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let _ = forward.send(Msg::Engine(event));
        }
    });
    let server = ServerInfo { url: mock.base_url(), demo: false };
    let mut state =
        State::new(engine.hierarchy().clone(), server, ThemeSet::built_in(), 0, Keymap::defaults());
    update(&mut state, Msg::Resize { width: 120, height: 40 });
    // Started with --no-record: the record has no writer.
    let no_writer = Err(ailab::session::RECORDING_OFF.to_string());
    let mut shell = Shell::new(settings, engine, sink, no_writer, tx.clone());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();

    let driver = {
        let tx = tx.clone();
        let mock = &mock;
        let path = &path;
        async move {
            // Run 1 starts with the prompts as shipped.
            type_text(&tx, "first question");
            keys(&tx, &[KeyCode::Enter]);
            mock.wait_until(Duration::from_secs(10), |m| m.chat_count() >= 1).await;
            // While it runs: edit Echo's system prompt on the Prompts tab and save.
            keys(&tx, &[KeyCode::F(3)]);
            tokio::time::sleep(Duration::from_millis(300)).await;
            keys(&tx, &[KeyCode::Down, KeyCode::Down, KeyCode::Enter]);
            keys(&tx, &[KeyCode::Tab; 10]);
            type_text(&tx, PIRATE);
            key(&tx, KeyCode::Char('s'), KeyModifiers::CONTROL);
            let saved = async {
                while !std::fs::read_to_string(path).is_ok_and(|t| t.contains(PIRATE)) {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            };
            tokio::time::timeout(Duration::from_secs(10), saved).await.expect("the file was saved");
            let sent_before_save = mock.chat_count();
            quiet(mock, 0).await;
            // Run 2, from the Run tab (nothing unsaved: no question on the way).
            let after_run_1 = mock.chat_count();
            keys(&tx, &[KeyCode::Esc, KeyCode::Esc]);
            type_text(&tx, "second question");
            keys(&tx, &[KeyCode::Enter]);
            quiet(mock, after_run_1).await;
            key(&tx, KeyCode::Char('q'), KeyModifiers::CONTROL);
            (sent_before_save, after_run_1)
        }
    };
    let (exit, (sent_before_save, after_run_1)) =
        tokio::join!(event_loop::run(&mut terminal, &mut state, &mut rx, &mut shell, FRAME), driver);
    assert_eq!(exit.unwrap(), Exit::Quit);

    let requests = mock.chat_requests();
    let (run_1, run_2) = requests.split_at(after_run_1);
    let (echo_1, echo_2) = (echo(run_1), echo(run_2));
    assert_eq!((echo_1.len(), echo_2.len()), (1, 1), "one call to Echo per run");
    assert!(
        echo_1[0].index > sent_before_save,
        "run 1 reached Echo after the save ({} requests were sent before it)",
        sent_before_save
    );
    let before = echo_1[0].system_prompt().unwrap();
    let after = echo_2[0].system_prompt().unwrap();
    assert!(before.starts_with("You are Echo"), "run 1 kept the prompts it started with: {before}");
    assert!(after.starts_with(PIRATE.trim_end()) && after.contains("You are Echo"), "run 2: {after}");
    let others_untouched = run_2
        .iter()
        .filter(|r| !r.system_prompt().is_some_and(|s| s.contains("You are Echo")))
        .all(|r| !r.system_prompt().unwrap_or_default().contains("pirate"));
    assert!(others_untouched, "only Echo's prompt changed");
    assert!(!state.prompts.is_dirty());
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains(&format!("{PIRATE}You are Echo")), "{written}");
    assert_eq!(written.replace(PIRATE, ""), DEFAULT_HIERARCHY_TOML, "every other byte is kept");
}
