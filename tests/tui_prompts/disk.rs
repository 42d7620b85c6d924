//! Saving when the file was changed outside ailab since the tab read it: the edits go on top of
//! the change when they touch other fields; otherwise the user is asked, and nothing is written
//! over the change unless they say so.

use std::path::PathBuf;

use crossterm::event::KeyCode;

use super::ui::update;
use ailab::config::DEFAULT_HIERARCHY_TOML;
use ailab::config::edit::{EditSession, Field, HierarchyDocument, content_hash};
use ailab::tui::msg::{Effect, Msg, OpenedFile, PromptsEffect, PromptsMsg};
use ailab::tui::state::State;
use ailab::tui::state::prompts::{Dialog, FileChoice};

use super::fixture::*;

/// The tab on the user's own file (it exists, holding the shipped text).
fn on_own_file() -> State {
    let mut s = state(120, 40);
    press(&mut s, KeyCode::F(3));
    update(&mut s, opened_with(DEFAULT_HIERARCHY_TOML));
    s
}

/// The shell's answer to `Open`: the user's file holding `text`.
fn opened_with(text: &str) -> Msg {
    let document = HierarchyDocument::parse(text, SAVE_PATH).unwrap();
    let session = EditSession { document, save_path: PathBuf::from(SAVE_PATH), file_exists: true };
    let opened = OpenedFile { session, base_url_override: None };
    Msg::Prompts(PromptsMsg::Opened(Ok(Box::new(opened))))
}

/// Leaves the tab and comes back: the file is read again.
fn come_back(s: &mut State) {
    press(s, KeyCode::F(3));
    assert_eq!(s.tab, ailab::tui::state::Tab::Run, "{:?}", s.prompts.dialog);
    let effects = press(s, KeyCode::F(3));
    assert!(effects.contains(&Effect::Prompts(PromptsEffect::Open)), "{effects:?}");
}

/// The shipped text with Pixel's temperature changed and `# X` appended, as another editor saves it.
fn changed_outside() -> String {
    let at = DEFAULT_HIERARCHY_TOML.find("id = \"pixel\"").unwrap();
    let (head, tail) = DEFAULT_HIERARCHY_TOML.split_at(at);
    format!("{head}{}# X\n", tail.replacen("temperature = 0.6\n", "temperature = 0.3\n", 1))
}

fn save_effect(effects: &[Effect]) -> Option<(String, Option<String>)> {
    effects.iter().find_map(|e| match e {
        Effect::Prompts(PromptsEffect::Save { text, expected, .. }) => Some((text.clone(), expected.clone())),
        _ => None,
    })
}

/// `effects` is one request to run the next run with what `text` loads to.
fn assert_adopts(effects: &[Effect], text: &str) {
    let [Effect::Prompts(PromptsEffect::Adopt { hierarchy })] = effects else {
        panic!("one engine to adopt: {effects:?}")
    };
    let loaded = ailab::config::parse_hierarchy(text, SAVE_PATH).unwrap();
    assert_eq!((&hierarchy.nodes, &hierarchy.server), (&loaded.nodes, &loaded.server));
}

fn changed_on_disk(s: &mut State, now: Option<String>) -> Vec<Effect> {
    update(s, Msg::Prompts(PromptsMsg::ChangedOnDisk { path: SAVE_PATH.into(), now }))
}

/// Renames Echo from the tree and presses Ctrl-S; returns what the save expects on disk.
fn rename_echo_and_save(s: &mut State) -> Option<String> {
    select(s, "echo");
    press(s, KeyCode::Char('r'));
    for _ in 0..4 {
        press(s, KeyCode::Backspace);
    }
    typing(s, "Echo Two");
    press(s, KeyCode::Enter);
    let (_, expected) = save_effect(&ctrl(s, 's')).expect("a save");
    expected
}

#[test]
fn a_save_expects_the_file_as_read_and_edits_go_on_top_of_an_outside_change() {
    let mut s = on_own_file();
    let expected = rename_echo_and_save(&mut s);
    assert_eq!(expected, Some(content_hash(DEFAULT_HIERARCHY_TOML.as_bytes())));

    // The shell found `# X` appended and Pixel changed: the edit is saved on top of that.
    let theirs = changed_outside();
    let effects = changed_on_disk(&mut s, Some(theirs.clone()));
    let (text, expected) = save_effect(&effects).expect("saved again, on top of the change");
    assert_eq!(expected, Some(content_hash(theirs.as_bytes())));
    assert!(text.ends_with("# X\n") && text.contains("temperature = 0.3"), "the outside change stays");
    assert!(text.contains("name = \"Echo Two\""), "and so does the edit");
    assert!(s.notice.as_ref().unwrap().text.contains("was changed outside ailab; your edits were applied"));
    // The member's editors show the file's new value.
    select(&mut s, "pixel");
    assert_eq!(s.prompts.editors.text("pixel", Field::Temperature).as_deref(), Some("0.3"));
}

#[test]
fn the_same_field_changed_outside_asks_and_enter_writes_nothing() {
    let mut s = on_own_file();
    select(&mut s, "pixel");
    focus_field(&mut s, Field::Temperature);
    for _ in 0..3 {
        press(&mut s, KeyCode::Backspace);
    }
    typing(&mut s, "0.2");
    assert!(save_effect(&ctrl(&mut s, 's')).is_some());
    let theirs = changed_outside();
    let effects = changed_on_disk(&mut s, Some(theirs.clone()));
    assert!(save_effect(&effects).is_none(), "nothing is written over the change");
    let Some(Dialog::FileChanged(changed)) = &s.prompts.dialog else { panic!("{:?}", s.prompts.dialog) };
    assert_eq!(changed.reasons, ["Pixel · Temperature: changed in the file too (the file: 0.3; yours: 0.2)"]);
    assert_eq!(changed.selected, FileChoice::Cancel, "Enter is the safe answer");
    assert_eq!(changed.choices(), FileChoice::ALL);

    // Enter cancels: nothing written, the edit kept.
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    assert!(s.prompts.dialog.is_none() && s.prompts.is_dirty() && !s.prompts.saving);
    assert!(s.notice.as_ref().unwrap().text.starts_with("Not saved: "));

    // Overwrite writes the edits over exactly the version shown.
    ctrl(&mut s, 's');
    changed_on_disk(&mut s, Some(theirs.clone()));
    let (text, expected) = save_effect(&press(&mut s, KeyCode::Char('o'))).expect("overwrite saves");
    assert_eq!(expected, Some(content_hash(theirs.as_bytes())));
    assert!(text.contains("temperature = 0.2") && !text.contains("# X"));

    // Reload takes the file as it is now and drops the edits; the next run uses it.
    update(&mut s, written(&text));
    focus_field(&mut s, Field::Temperature);
    typing(&mut s, "5");
    ctrl(&mut s, 's');
    changed_on_disk(&mut s, Some(theirs.clone()));
    let effects = press(&mut s, KeyCode::Char('r'));
    assert_adopts(&effects, &theirs);
    let draft = s.prompts.draft().unwrap();
    assert!(!draft.is_dirty() && draft.saved().text() == theirs);
    assert_eq!(s.prompts.editors.text("pixel", Field::Temperature).as_deref(), Some("0.3"));
}

#[test]
fn a_deleted_or_broken_file_offers_only_overwrite_or_cancel() {
    let mut s = on_own_file();
    rename_echo_and_save(&mut s);
    changed_on_disk(&mut s, None);
    let Some(Dialog::FileChanged(changed)) = &s.prompts.dialog else { panic!("{:?}", s.prompts.dialog) };
    assert_eq!(changed.choices(), [FileChoice::Overwrite, FileChoice::Cancel]);
    assert!(changed.reasons[0].ends_with("was deleted or moved"), "{:?}", changed.reasons);
    assert!(press(&mut s, KeyCode::Char('r')).is_empty(), "nothing to reload");
    let (_, expected) = save_effect(&press(&mut s, KeyCode::Char('o'))).expect("overwrite saves");
    assert_eq!(expected, None, "the file is written only if it is still gone");

    let mut s = on_own_file();
    rename_echo_and_save(&mut s);
    changed_on_disk(&mut s, Some("[[node]]\nid = 3\n".into()));
    let Some(Dialog::FileChanged(changed)) = &s.prompts.dialog else { panic!("{:?}", s.prompts.dialog) };
    assert!(changed.reasons[0].starts_with("as it is now, it does not load: "), "{:?}", changed.reasons);
    press(&mut s, KeyCode::Esc);
    assert!(s.prompts.dialog.is_none() && s.prompts.is_dirty());
}

#[test]
fn quitting_through_a_save_that_meets_a_conflict_stays() {
    let mut s = on_own_file();
    select(&mut s, "pixel");
    focus_field(&mut s, Field::Temperature);
    typing(&mut s, "5");
    ctrl(&mut s, 'q');
    assert!(save_effect(&press(&mut s, KeyCode::Char('s'))).is_some());
    changed_on_disk(&mut s, Some(changed_outside()));
    let effects = press(&mut s, KeyCode::Char('c'));
    assert!(!effects.contains(&Effect::Quit) && s.prompts.after_save.is_none(), "{effects:?}");
}

#[test]
fn coming_back_to_the_tab_shows_a_file_changed_outside() {
    let mut s = on_own_file();
    select(&mut s, "pixel");
    come_back(&mut s);
    let theirs = changed_outside();
    let effects = update(&mut s, opened_with(&theirs));
    // The next run uses the file as it is now.
    assert_adopts(&effects, &theirs);
    assert_eq!(s.prompts.draft().unwrap().saved().text(), theirs);
    assert_eq!(s.prompts.editors.text("pixel", Field::Temperature).as_deref(), Some("0.3"));
    assert_eq!(s.prompts.selected, "pixel");
    assert!(s.notice.as_ref().unwrap().text.contains("was changed outside ailab: showing it as it is now"));
}

#[test]
fn coming_back_with_unsaved_edits_keeps_them_on_top_or_warns() {
    let mut s = on_own_file();
    select(&mut s, "echo");
    focus_field(&mut s, Field::Temperature);
    typing(&mut s, "5");
    // (Leaving with unsaved edits asks first, so this is the file read again while the tab
    // still has edits: kept as they are, never lost.)
    update(&mut s, opened_with(&changed_outside()));
    let draft = s.prompts.draft().unwrap();
    assert!(draft.is_field_dirty("echo", Field::Temperature), "the edit is kept");
    assert_eq!(draft.hierarchy().node("pixel").map(|n| n.temperature), Some(0.3), "on top of the change");
    assert!(s.notice.as_ref().unwrap().text.contains("your unsaved edits are kept on top of that change"));

    // Both changed Pixel's temperature: nothing is merged; saving will ask.
    let mut s = on_own_file();
    select(&mut s, "pixel");
    focus_field(&mut s, Field::Temperature);
    typing(&mut s, "5");
    let before = s.prompts.draft().unwrap().clone();
    assert!(update(&mut s, opened_with(&changed_outside())).is_empty());
    assert_eq!(s.prompts.draft().unwrap(), &before);
    assert!(s.notice.as_ref().unwrap().text.contains("in places you edited too; saving will ask"));

    // A file that no longer loads keeps the tab as it was, with a warning.
    let msg = Msg::Prompts(PromptsMsg::Opened(Err("line 3: expected a value".into())));
    assert!(update(&mut s, msg).is_empty());
    assert_eq!(s.prompts.draft().unwrap(), &before);
    let notice = s.notice.clone().unwrap();
    assert!(
        notice.text.ends_with("cannot be used as it is now: line 3: expected a value"),
        "{}",
        notice.text
    );
}
