//! The preset chooser on the Prompts tab: what it lists, applying a preset (asking first when the
//! user's own edits would be lost, keeping a copy when asked), and how the tab looks.

use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::KeyCode;

use super::ui::update;
use ailab::config::edit::{EditSession, Field, HierarchyDocument, PromptField, content_hash};
use ailab::config::presets::find;
use ailab::config::{DEFAULT_HIERARCHY_TOML, parse_hierarchy};
use ailab::tui::msg::{
    Effect, EngineInfo, Msg, OpenedFile, PresetWritten, PromptsEffect, PromptsMsg, SaveOutcome,
};
use ailab::tui::state::prompts::{ApplyChoice, Dialog, PresetChooser};
use ailab::tui::state::{Level, State};

use super::fixture::*;
use crate::screen::render;

fn chooser(s: &State) -> &PresetChooser {
    match &s.prompts.dialog {
        Some(Dialog::Presets(chooser)) => chooser,
        other => panic!("the chooser is not open: {other:?}"),
    }
}

/// The preset `ApplyPreset` effect among `effects`: (name, text, expected, backup).
fn applying(effects: &[Effect]) -> Option<(&'static str, String, Option<String>, Option<PathBuf>)> {
    effects.iter().find_map(|e| match e {
        Effect::Prompts(PromptsEffect::ApplyPreset { name, text, expected, backup, .. }) => {
            Some((*name, text.clone(), expected.clone(), backup.clone()))
        }
        _ => None,
    })
}

/// Moves the chooser's cursor to `name`.
fn pick(s: &mut State, name: &str) {
    for _ in 0..6 {
        press(s, KeyCode::Up);
    }
    while chooser(s).chosen().map(|p| p.name) != Some(name) {
        press(s, KeyCode::Down);
    }
}

/// The shell's answer: the preset's text written and in use.
fn applied(name: &'static str, text: &str, backup: Option<PathBuf>) -> Msg {
    let hierarchy = Arc::new(parse_hierarchy(text, SAVE_PATH).unwrap());
    let server = hierarchy.server.base_url.clone();
    let outcome = SaveOutcome::InUse(EngineInfo { hierarchy, demo: false, server });
    Msg::Prompts(PromptsMsg::PresetApplied {
        name,
        path: SAVE_PATH.into(),
        text: text.into(),
        result: Ok(PresetWritten { backup, outcome }),
    })
}

/// The Prompts tab on a file of the user's own that exists: the shipped tree, Echo cooler and
/// the server elsewhere.
fn on_own_file() -> (State, String) {
    let mut s = state(120, 40);
    press(&mut s, KeyCode::F(3));
    let text = DEFAULT_HIERARCHY_TOML
        .replace("temperature = 0.4", "temperature = 0.2")
        .replace("base_url = \"http://localhost:1234/v1\"", "base_url = \"http://10.0.0.7:1234/v1\"");
    let document = HierarchyDocument::parse(&text, SAVE_PATH).unwrap();
    let session = EditSession { document, save_path: PathBuf::from(SAVE_PATH), file_exists: true };
    update(
        &mut s,
        Msg::Prompts(PromptsMsg::Opened(Ok(Box::new(OpenedFile { session, base_url_override: None })))),
    );
    (s, text)
}

#[test]
fn p_lists_every_preset_with_its_calls_and_the_one_in_use() {
    let mut s = on_prompts(120, 40);
    assert_eq!(press(&mut s, KeyCode::Char('p')), vec![]);
    let c = chooser(&s);
    let listed: Vec<(&str, usize)> = c.items.iter().map(|i| (i.preset.name, i.calls)).collect();
    assert_eq!(listed, [("lean", 9), ("seed", 29), ("flat", 7), ("duo", 4)]);
    assert_eq!(
        (c.current, c.chosen().map(|p| p.name)),
        (Some("lean"), Some("lean")),
        "the built-in tree is lean"
    );
    // Choosing what is already there writes nothing.
    assert_eq!(press(&mut s, KeyCode::Enter), vec![]);
    assert!(s.prompts.dialog.is_none());
    assert!(s.notice.as_ref().unwrap().text.contains("already the lean preset"));
}

#[test]
fn with_nothing_of_the_users_to_lose_a_preset_is_written_and_run_at_once() {
    let mut s = on_prompts(120, 40);
    press(&mut s, KeyCode::Char('p'));
    pick(&mut s, "seed");
    let effects = press(&mut s, KeyCode::Enter);
    let (name, text, expected, backup) = applying(&effects).expect("applied without asking");
    assert_eq!((name, expected, backup), ("seed", None, None), "no file yet: nothing to check or copy");
    assert_eq!(text, find("seed").unwrap().text);
    assert!(chooser(&s).applying);

    let effects = update(&mut s, applied("seed", &text, None));
    assert!(s.prompts.dialog.is_none());
    let seed = parse_hierarchy(&text, SAVE_PATH).unwrap();
    let draft = s.prompts.draft().unwrap();
    assert!(!draft.is_dirty(), "the tab edits the file as written");
    assert_eq!(draft.hierarchy().nodes, seed.nodes);
    assert!(s.prompts.editing().unwrap().file_exists);
    assert_eq!(s.hierarchy.nodes, seed.nodes, "the next run uses it");
    assert!(effects.iter().any(|e| matches!(e, Effect::Prompts(PromptsEffect::CountVersion { .. }))));
    let notice = s.notice.as_ref().unwrap();
    assert!(
        notice.text.contains("Applied the seed preset") && notice.text.contains("29 calls per question"),
        "{}",
        notice.text
    );
}

#[test]
fn unsaved_edits_are_asked_about_first_and_cancel_writes_nothing() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "echo");
    focus_field(&mut s, Field::Prompt(PromptField::System));
    typing(&mut s, "Be brief. ");
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('p'));
    pick(&mut s, "duo");
    assert_eq!(press(&mut s, KeyCode::Enter), vec![], "nothing is written before the answer");
    let confirm = chooser(&s).confirm.clone().expect("asked first");
    assert!(confirm.unsaved && !confirm.own_file && !confirm.can_keep_copy);
    assert_eq!(confirm.choices(), [ApplyChoice::Replace, ApplyChoice::Cancel], "no file to copy yet");
    assert_eq!(confirm.selected, ApplyChoice::Cancel, "Enter alone loses nothing");

    assert_eq!(press(&mut s, KeyCode::Enter), vec![]);
    assert!(chooser(&s).confirm.is_none(), "back to the list");
    assert!(s.prompts.is_dirty(), "the edits are still there");
    press(&mut s, KeyCode::Enter);
    assert_eq!(press(&mut s, KeyCode::Esc), vec![]);
    assert!(chooser(&s).confirm.is_none() && s.prompts.is_dirty());

    press(&mut s, KeyCode::Enter);
    let effects = press(&mut s, KeyCode::Char('r'));
    let (name, text, ..) = applying(&effects).expect("replace applies");
    assert_eq!((name, text.as_str()), ("duo", find("duo").unwrap().text));
}

#[test]
fn a_file_of_the_users_own_is_asked_about_copied_when_asked_and_keeps_its_server() {
    let (mut s, mine) = on_own_file();
    press(&mut s, KeyCode::Char('p'));
    assert_eq!(chooser(&s).current, None, "the user's file is none of the presets");
    pick(&mut s, "flat");
    press(&mut s, KeyCode::Enter);
    let confirm = chooser(&s).confirm.clone().expect("asked first");
    assert!(confirm.own_file && !confirm.unsaved && confirm.can_keep_copy);
    assert_eq!(confirm.selected, ApplyChoice::KeepCopy);
    let effects = press(&mut s, KeyCode::Enter);
    let (name, text, expected, backup) = applying(&effects).expect("kept a copy and applied");
    assert_eq!(name, "flat");
    assert_eq!(expected, Some(content_hash(mine.as_bytes())), "written only over the file the tab read");
    assert_eq!(backup, Some(PathBuf::from(format!("{SAVE_PATH}.bak"))));
    let written = parse_hierarchy(&text, SAVE_PATH).unwrap();
    assert_eq!(written.server.base_url, "http://10.0.0.7:1234/v1", "the user's server stays");
    assert_eq!(written.nodes, find("flat").unwrap().hierarchy().unwrap().nodes);

    update(&mut s, applied("flat", &text, backup));
    assert!(
        s.notice
            .as_ref()
            .unwrap()
            .text
            .contains("Your old file is kept as /home/ada/.config/ailab/hierarchy.toml.bak")
    );
}

#[test]
fn a_preset_that_could_not_be_written_says_why_and_keeps_the_tab_as_it_was() {
    let (mut s, mine) = on_own_file();
    press(&mut s, KeyCode::Char('p'));
    pick(&mut s, "seed");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('r'));
    let why = "the disk is full".to_string();
    let reply = PromptsMsg::PresetApplied {
        name: "seed",
        path: SAVE_PATH.into(),
        text: String::new(),
        result: Err(why),
    };
    update(&mut s, Msg::Prompts(reply));
    assert!(s.prompts.dialog.is_none());
    let notice = s.notice.as_ref().unwrap();
    assert_eq!(notice.level, Level::Error);
    assert!(notice.text.contains("The seed preset was not applied: the disk is full"), "{}", notice.text);
    assert_eq!(s.prompts.draft().unwrap().saved().text(), mine);
}

#[test]
fn the_chooser_and_its_question_on_screen() {
    let mut s = on_prompts(120, 40);
    press(&mut s, KeyCode::Char('p'));
    pick(&mut s, "seed");
    for (w, h) in [(120, 40), (80, 24)] {
        insta::assert_snapshot!(format!("presets_{w}x{h}"), render(&mut s, w, h).backend());
    }
    let (mut own, _) = on_own_file();
    press(&mut own, KeyCode::Char('p'));
    pick(&mut own, "seed");
    press(&mut own, KeyCode::Enter);
    insta::assert_snapshot!("presets_ask_80x24", render(&mut own, 80, 24).backend());
}
