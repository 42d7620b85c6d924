//! A UI state on the built-in hierarchy with the Prompts tab's file opened, and key helpers.
//! No file is read or written: opening and saving are effects, answered here by hand.

use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::ui::update;
use ailab::config::edit::{EditSession, HierarchyDocument};
use ailab::config::{DEFAULT_HIERARCHY_TOML, Hierarchy, parse_hierarchy};
use ailab::tui::keymap::Keymap;
use ailab::tui::msg::{Effect, EngineInfo, Msg, OpenedFile, PromptsEffect, PromptsMsg, SaveOutcome};
use ailab::tui::state::{ServerInfo, State};
use ailab::tui::theme::ThemeSet;

/// Where the fixture pretends the user's file is.
pub const SAVE_PATH: &str = "/home/ada/.config/ailab/hierarchy.toml";

pub fn shipped() -> Hierarchy {
    parse_hierarchy(DEFAULT_HIERARCHY_TOML, "built-in default").unwrap()
}

/// A fresh UI at `width` × `height` on the built-in hierarchy.
pub fn state(width: u16, height: u16) -> State {
    let server = ServerInfo { url: "http://localhost:1234/v1".into(), demo: false };
    let mut state = State::new(Arc::new(shipped()), server, ThemeSet::built_in(), 0, Keymap::defaults());
    update(&mut state, Msg::Resize { width, height });
    update(&mut state, Msg::Tick { now_ms: 1_795_500_000_000 });
    state
}

/// The shell's answer to `Open`: the built-in hierarchy, to be saved at [`SAVE_PATH`].
pub fn opened() -> Msg {
    let document = HierarchyDocument::built_in(SAVE_PATH).unwrap();
    let session = EditSession { document, save_path: PathBuf::from(SAVE_PATH), file_exists: false };
    Msg::Prompts(PromptsMsg::Opened(Ok(Box::new(OpenedFile { session, base_url_override: None }))))
}

/// A state showing the Prompts tab with the file open (the tree has the keyboard, Atlas selected).
pub fn on_prompts(width: u16, height: u16) -> State {
    let mut s = state(width, height);
    let effects = press(&mut s, KeyCode::F(3));
    assert!(effects.contains(&Effect::Prompts(PromptsEffect::Open)), "{effects:?}");
    update(&mut s, opened());
    s
}

pub fn press(state: &mut State, code: KeyCode) -> Vec<Effect> {
    update(state, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ctrl(state: &mut State, c: char) -> Vec<Effect> {
    update(state, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)))
}

/// Types text key by key.
pub fn typing(state: &mut State, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(press(state, KeyCode::Char(c)));
    }
    effects
}

/// Selects a member in the tree by pressing Down from the top.
pub fn select(state: &mut State, id: &str) {
    let order = ["atlas", "nova", "echo", "pixel", "sage", "quantum"];
    for _ in 0..order.len() {
        press(state, KeyCode::Up);
    }
    let steps = order.iter().position(|n| *n == id).unwrap();
    for _ in 0..steps {
        press(state, KeyCode::Down);
    }
    assert_eq!(state.prompts.selected, id);
}

/// Focuses a field of the selected member (from the tree, with Enter and Tab).
pub fn focus_field(state: &mut State, field: ailab::config::edit::Field) {
    if state.prompts.focused_field().is_none() {
        press(state, KeyCode::Enter);
    }
    for _ in 0..state.prompts.fields().len() {
        if state.prompts.focused_field() == Some(field) {
            return;
        }
        press(state, KeyCode::Tab);
    }
    panic!("{field:?} is not in the form: {:?}", state.prompts.fields());
}

/// What `$EDITOR` would hand back for a field.
pub fn edited(node: &str, field: ailab::config::edit::Field, text: &str) -> Msg {
    Msg::Prompts(PromptsMsg::EditorClosed { node: node.into(), field, result: Ok(text.into()) })
}

/// The shell's answer to a save of `text`: written, and the next run's engine rebuilt from it.
pub fn written(text: &str) -> Msg {
    let hierarchy = Arc::new(parse_hierarchy(text, SAVE_PATH).expect("a saved text loads"));
    let server = hierarchy.server.base_url.clone();
    let engine = EngineInfo { hierarchy, demo: false, server };
    Msg::Prompts(PromptsMsg::Saved {
        path: SAVE_PATH.into(),
        text: text.into(),
        result: Ok(SaveOutcome::InUse(engine)),
    })
}

/// The text of the Save effect among `effects`.
pub fn saved_text(effects: &[Effect]) -> Option<String> {
    effects.iter().find_map(|e| match e {
        Effect::Prompts(PromptsEffect::Save { text, .. }) => Some(text.clone()),
        _ => None,
    })
}
