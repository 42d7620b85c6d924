//! The model picker end to end: the real shell asks the in-process mock server for `/v1/models`
//! and LM Studio's `/api/v0/models`, the picker lists the models with their loaded state, and
//! choosing one writes hierarchy.toml with its comments kept. A server without the native list
//! gives unknown states; a server that is not there says so and changes nothing.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::KeyCode;
use serde_json::json;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::fixture::press;
use super::support::{MockConfig, MockServer};
use super::ui::update;
use ailab::config::{DEFAULT_HIERARCHY_TOML, load_hierarchy};
use ailab::engine::EventSink;
use ailab::llm::lmstudio::LoadState;
use ailab::session::Settings;
use ailab::tui::app::{Performer, Shell};
use ailab::tui::keymap::Keymap;
use ailab::tui::msg::{Effect, Msg, PromptsMsg};
use ailab::tui::state::prompts::{Dialog, ModelList};
use ailab::tui::state::{ServerInfo, State};
use ailab::tui::theme::ThemeSet;

const PHI: &str = "phi-3.1-mini-4k-instruct";
const PHI_2: &str = "phi-3.1-mini-4k-instruct:2";
const QWEN: &str = "qwen2.5-7b-instruct";

/// The UI and the real shell on a copy of the shipped hierarchy.toml in `dir`, pointed at `url`.
fn app(dir: &Path, url: &str) -> (State, Shell, UnboundedReceiver<Msg>) {
    let path = dir.join("hierarchy.toml");
    std::fs::write(&path, DEFAULT_HIERARCHY_TOML).unwrap();
    let (mut hierarchy, source) = load_hierarchy(Some(&path)).unwrap();
    hierarchy.server.base_url = url.into();
    let settings = Settings {
        hierarchy: Arc::new(hierarchy),
        hierarchy_source: source,
        demo: false,
        base_url_override: Some(url.into()),
        db_path: Some(dir.join("ailab.db")),
        no_record: true,
        theme: None,
        judge: None,
    };
    let engine = settings.engine().unwrap();
    let (tx, rx) = unbounded_channel();
    let server = ServerInfo { url: url.into(), demo: false };
    let mut state =
        State::new(engine.hierarchy().clone(), server, ThemeSet::built_in(), 0, Keymap::defaults());
    update(&mut state, Msg::Resize { width: 100, height: 30 });
    let no_writer = Err(ailab::session::RECORDING_OFF.to_string());
    let shell = Shell::new(settings, engine, EventSink::new(), no_writer, tx);
    (state, shell, rx)
}

/// Has the shell do `effects`, then folds what comes back into the state, as the loop does,
/// until a message `wanted` says is the one (each message's own effects are done too).
async fn until(
    state: &mut State,
    shell: &mut Shell,
    rx: &mut UnboundedReceiver<Msg>,
    effects: Vec<Effect>,
    wanted: impl Fn(&Msg) -> bool,
) {
    let mut pending = effects;
    loop {
        for effect in pending.drain(..) {
            shell.perform(effect);
        }
        let msg = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("the shell answered in time")
            .expect("the channel is open");
        let done = wanted(&msg);
        pending = update(state, msg);
        if done {
            for effect in pending.drain(..) {
                shell.perform(effect);
            }
            return;
        }
    }
}

fn models_listed(msg: &Msg) -> bool {
    matches!(msg, Msg::Prompts(PromptsMsg::Models { .. }))
}

/// Opens the Prompts tab (the file read by the shell), then the picker, and waits for the list.
async fn open_picker(state: &mut State, shell: &mut Shell, rx: &mut UnboundedReceiver<Msg>) -> ModelList {
    let effects = press(state, KeyCode::F(3));
    until(state, shell, rx, effects, |m| matches!(m, Msg::Prompts(PromptsMsg::Opened(_)))).await;
    let effects = press(state, KeyCode::Char('M'));
    until(state, shell, rx, effects, models_listed).await;
    match &state.prompts.dialog {
        Some(Dialog::Models(picker)) => picker.list.clone(),
        other => panic!("the picker is not open: {other:?}"),
    }
}

fn states(list: &ModelList) -> Vec<(String, LoadState)> {
    match list {
        ModelList::Listed { models, .. } => models.iter().map(|m| (m.id.clone(), m.state)).collect(),
        other => panic!("no list: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_picker_lists_lm_studio_s_models_with_their_state_and_saves_the_choice() {
    let mock = MockServer::start_with(MockConfig {
        models: vec![PHI.into(), PHI_2.into(), QWEN.into()],
        ..MockConfig::default()
    })
    .await;
    mock.set_native_models(json!([
        { "id": PHI, "type": "llm", "state": "loaded", "max_context_length": 4096 },
        { "id": QWEN, "type": "llm", "state": "not-loaded", "max_context_length": 32768 },
    ]));
    let dir = tempfile::tempdir().unwrap();
    let (mut state, mut shell, mut rx) = app(dir.path(), &mock.base_url());

    let list = open_picker(&mut state, &mut shell, &mut rx).await;
    assert_eq!(
        states(&list),
        vec![
            (PHI.into(), LoadState::Loaded),
            (PHI_2.into(), LoadState::Loaded),
            (QWEN.into(), LoadState::NotLoaded),
        ]
    );
    let asked: Vec<String> = mock.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert!(asked.contains(&"GET /api/v0/models".to_string()), "{asked:?}");

    // Atlas is selected: give it the second copy, and the file is written.
    press(&mut state, KeyCode::Down);
    press(&mut state, KeyCode::Enter);
    let effects = press(&mut state, KeyCode::Char('t'));
    until(&mut state, &mut shell, &mut rx, effects, |m| matches!(m, Msg::Prompts(PromptsMsg::Saved { .. })))
        .await;
    let written = std::fs::read_to_string(dir.path().join("hierarchy.toml")).unwrap();
    let (saved, _) = load_hierarchy(Some(&dir.path().join("hierarchy.toml"))).unwrap();
    assert_eq!(saved.node("atlas").unwrap().model, PHI_2);
    assert_eq!(saved.node("nova").unwrap().model, PHI);
    let comments = |t: &str| t.lines().filter(|l| l.trim_start().starts_with('#')).count();
    assert_eq!(comments(&written), comments(DEFAULT_HIERARCHY_TOML), "every comment kept");
    assert_eq!(state.hierarchy.node("atlas").unwrap().model, PHI_2, "the next run uses it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_lm_studio_s_native_list_the_states_are_unknown() {
    // The mock answers /api/v0/models with 404 until it is given a list, as llama.cpp does.
    let mock = MockServer::start_with(MockConfig { models: vec![PHI.into()], ..MockConfig::default() }).await;
    let dir = tempfile::tempdir().unwrap();
    let (mut state, mut shell, mut rx) = app(dir.path(), &mock.base_url());
    let list = open_picker(&mut state, &mut shell, &mut rx).await;
    assert_eq!(states(&list), vec![(PHI.into(), LoadState::Unknown)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_is_not_there_is_reported_and_nothing_changes() {
    // A port nothing listens on: bound, then let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/v1");
    let dir = tempfile::tempdir().unwrap();
    let (mut state, mut shell, mut rx) = app(dir.path(), &url);
    let list = open_picker(&mut state, &mut shell, &mut rx).await;
    let ModelList::Failed { reason, .. } = &list else { panic!("{list:?}") };
    assert!(reason.contains(&port.to_string()), "{reason}");
    assert_eq!(std::fs::read_to_string(dir.path().join("hierarchy.toml")).unwrap(), DEFAULT_HIERARCHY_TOML);
}
