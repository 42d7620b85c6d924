//! Reducer tests of structure changes: add, remove (asked first), rename, change id, move,
//! reorder, reset to default, revert. Refusals are shown, never thrown.

use crossterm::event::KeyCode;

use ailab::config::edit::Field;
use ailab::tui::state::Level;
use ailab::tui::state::prompts::{Dialog, PromptsFocus};

use super::fixture::*;

fn children(s: &ailab::tui::state::State, id: &str) -> Vec<String> {
    s.prompts.draft().unwrap().hierarchy().node(id).unwrap().children.clone()
}

#[test]
fn a_child_is_added_under_the_selected_member() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "nova");
    press(&mut s, KeyCode::Char('a'));
    assert!(matches!(s.prompts.dialog, Some(Dialog::Input { .. })));
    typing(&mut s, "Iris");
    press(&mut s, KeyCode::Enter);
    assert!(s.prompts.dialog.is_none());
    assert_eq!(children(&s, "nova"), ["echo", "pixel", "iris"]);
    assert_eq!(s.prompts.selected, "iris");
    let draft = s.prompts.draft().unwrap();
    assert!(draft.is_node_dirty("iris") && draft.is_node_dirty("nova") && draft.can_save());
    // A leaf's new child turns it into a parent: it now splits and synthesizes.
    select(&mut s, "echo");
    press(&mut s, KeyCode::Char('a'));
    press(&mut s, KeyCode::Enter);
    assert_eq!(children(&s, "echo"), ["new-member"]);
    select(&mut s, "echo");
    assert!(s.prompts.fields().contains(&Field::Prompt(ailab::config::edit::PromptField::Split)));
}

#[test]
fn removing_asks_first_and_takes_the_branch() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "nova");
    press(&mut s, KeyCode::Char('d'));
    let Some(Dialog::ConfirmRemove { below, .. }) = &s.prompts.dialog else { panic!() };
    assert_eq!(below, &["Echo", "Pixel"]);
    press(&mut s, KeyCode::Char('n'));
    assert_eq!(children(&s, "atlas"), ["nova", "sage"], "n keeps it");
    press(&mut s, KeyCode::Char('d'));
    press(&mut s, KeyCode::Char('y'));
    let h = s.prompts.draft().unwrap().hierarchy();
    assert_eq!(h.nodes.len(), 3);
    assert!(h.node("echo").is_none() && h.node("pixel").is_none());
    assert_eq!(s.prompts.selected, "atlas");
    assert!(s.notice.as_ref().unwrap().text.starts_with("Removed Nova and the 2 under it."));
}

#[test]
fn the_root_cannot_be_removed_or_moved() {
    let mut s = on_prompts(120, 40);
    press(&mut s, KeyCode::Char('d'));
    assert!(s.prompts.dialog.is_none());
    let notice = s.notice.clone().unwrap();
    assert_eq!(notice.level, Level::Warn);
    assert!(notice.text.contains("Atlas is the top of the tree and cannot be removed"), "{}", notice.text);
    press(&mut s, KeyCode::Char('m'));
    assert!(s.notice.as_ref().unwrap().text.contains("cannot be moved"));
}

#[test]
fn moving_offers_only_places_outside_the_branch() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "nova");
    press(&mut s, KeyCode::Char('m'));
    let Some(Dialog::Pick(pick)) = &s.prompts.dialog else { panic!() };
    let offered: Vec<&str> = pick.items.iter().map(|i| i.value.as_str()).collect();
    assert_eq!(offered, ["sage", "quantum"], "not itself, its branch, or its parent");
    press(&mut s, KeyCode::Esc);

    select(&mut s, "pixel");
    press(&mut s, KeyCode::Char('m'));
    let Some(Dialog::Pick(pick)) = &s.prompts.dialog else { panic!() };
    let sage = pick.items.iter().position(|i| i.value == "sage").unwrap();
    for _ in 0..sage {
        press(&mut s, KeyCode::Down);
    }
    press(&mut s, KeyCode::Enter);
    assert_eq!(children(&s, "nova"), ["echo"]);
    assert_eq!(children(&s, "sage"), ["quantum", "pixel"]);
    assert_eq!(s.notice.as_ref().unwrap().text, "Moved Pixel under Sage (not saved yet).");
}

#[test]
fn siblings_reorder() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "pixel");
    press(&mut s, KeyCode::Char('K'));
    assert_eq!(children(&s, "nova"), ["pixel", "echo"]);
    press(&mut s, KeyCode::Char('J'));
    assert_eq!(children(&s, "nova"), ["echo", "pixel"]);
    assert!(!s.prompts.is_dirty());
}

#[test]
fn rename_and_change_id_refuse_what_the_engine_would_refuse() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "echo");
    press(&mut s, KeyCode::Char('r'));
    for _ in 0.."Echo".len() {
        press(&mut s, KeyCode::Backspace);
    }
    typing(&mut s, "Ember");
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.prompts.draft().unwrap().hierarchy().node("echo").unwrap().name, "Ember");
    assert_eq!(s.prompts.editors.text("echo", Field::Name).as_deref(), Some("Ember"));

    press(&mut s, KeyCode::Char('I'));
    typing(&mut s, " x");
    press(&mut s, KeyCode::Enter);
    let Some(Dialog::Input { error: Some(error), .. }) = &s.prompts.dialog else {
        panic!("{:?}", s.prompts.dialog)
    };
    assert_eq!(
        error,
        "\"echo x\" cannot be an id (ids use only letters, digits, - and _; for example \"echo-x\")"
    );
    for _ in 0..2 {
        press(&mut s, KeyCode::Backspace);
    }
    typing(&mut s, "-2");
    press(&mut s, KeyCode::Enter);
    assert!(s.prompts.dialog.is_none());
    assert_eq!(s.prompts.selected, "echo-2");
    assert_eq!(children(&s, "nova"), ["echo-2", "pixel"]);

    press(&mut s, KeyCode::Char('I'));
    for _ in 0.."echo-2".len() {
        press(&mut s, KeyCode::Backspace);
    }
    typing(&mut s, "pixel");
    press(&mut s, KeyCode::Enter);
    let Some(Dialog::Input { error: Some(error), .. }) = &s.prompts.dialog else { panic!() };
    assert!(error.starts_with("Pixel already has the id \"pixel\""), "{error}");
}

#[test]
fn reset_to_default_and_revert() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "echo");
    focus_field(&mut s, Field::Temperature);
    press(&mut s, KeyCode::Backspace);
    typing(&mut s, "9");
    assert_eq!(s.prompts.draft().unwrap().hierarchy().node("echo").unwrap().temperature, 0.9);
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('D'));
    assert!(matches!(s.prompts.dialog, Some(Dialog::ConfirmReset { .. })));
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.prompts.draft().unwrap().hierarchy().node("echo").unwrap().temperature, 0.4);
    assert_eq!(
        s.prompts.editors.text("echo", Field::Temperature).as_deref(),
        Some("0.4"),
        "its editor shows it"
    );

    // Asking again when there is nothing to reset says so instead of asking.
    press(&mut s, KeyCode::Char('D'));
    assert!(s.prompts.dialog.is_none());
    let notice = s.notice.clone().unwrap();
    assert_eq!(
        notice.text,
        "Nothing to reset: Echo already has the prompts and settings ailab ships for it."
    );

    // A member ailab does not ship goes back to [defaults], and the question says so.
    select(&mut s, "sage");
    press(&mut s, KeyCode::Char('a'));
    typing(&mut s, "Iris");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('D'));
    assert_eq!(
        notice_text(&s),
        "Nothing to reset: Iris already takes all its settings and prompts from [defaults]."
    );
    focus_field(&mut s, Field::Temperature);
    for _ in 0..3 {
        press(&mut s, KeyCode::Backspace);
    }
    typing(&mut s, "0.2");
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('D'));
    assert!(matches!(&s.prompts.dialog, Some(Dialog::ConfirmReset { shipped: false, .. })));
    press(&mut s, KeyCode::Char('y'));
    let notice = s.notice.clone().unwrap();
    assert_eq!(notice.level, Level::Info);
    assert_eq!(notice.text, "Iris takes its settings and prompts from [defaults] now (not saved yet).");
    assert_eq!(s.prompts.draft().unwrap().hierarchy().node("iris").unwrap().temperature, 0.7);

    press(&mut s, KeyCode::Char('u'));
    assert!(matches!(s.prompts.dialog, Some(Dialog::ConfirmRevert { .. })));
    press(&mut s, KeyCode::Char('y'));
    assert!(!s.prompts.is_dirty());
    assert_eq!(s.prompts.selected, "atlas", "the selected member was new: back to the top");
    assert_eq!(s.prompts.focus, PromptsFocus::Tree);
}

fn notice_text(s: &ailab::tui::state::State) -> String {
    s.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default()
}

#[test]
fn a_name_another_member_has_is_warned_about_but_can_be_saved() {
    let mut s = on_prompts(120, 40);
    select(&mut s, "pixel");
    press(&mut s, KeyCode::Char('r'));
    for _ in 0.."Pixel".len() {
        press(&mut s, KeyCode::Backspace);
    }
    typing(&mut s, "Echo");
    press(&mut s, KeyCode::Enter);
    assert!(s.prompts.dialog.is_none(), "the rename is made");
    let notice = s.notice.clone().unwrap();
    assert_eq!(notice.level, Level::Warn);
    assert!(
        notice
            .text
            .starts_with("Named Echo, but the member with the id \"echo\" has this name too; give each"),
        "{}",
        notice.text
    );
    // The form says so under the name, for both members, until one is renamed.
    let screen = render_text(&mut s);
    assert!(screen.contains("! the member with the id \"echo\" has this name too"), "{screen}");
    select(&mut s, "echo");
    assert!(render_text(&mut s).contains("! the member with the id \"pixel\" has this name too"));
    assert!(saved_text(&ctrl(&mut s, 's')).is_some(), "saving is not blocked");
}

fn render_text(s: &mut ailab::tui::state::State) -> String {
    crate::screen::screen_text(s, 120, 40)
}
