//! Saving over a file changed outside ailab: edits applied again on the new file when both sides
//! changed different fields; conflicts listed, and nothing changed, when they did not.

use super::{open, shipped};
use crate::config::DEFAULT_HIERARCHY_TOML;
use crate::config::edit::{Field, PromptField, PromptsDraft};

const SYSTEM: Field = Field::Prompt(PromptField::System);

/// The shipped file with Pixel's temperature changed and a comment added at the end, as another
/// editor would save it.
fn changed_outside() -> String {
    let at = DEFAULT_HIERARCHY_TOML.find("id = \"pixel\"").unwrap_or_else(|| panic!("no pixel"));
    let (head, tail) = DEFAULT_HIERARCHY_TOML.split_at(at);
    format!("{head}{}# X\n", tail.replacen("temperature = 0.6\n", "temperature = 0.3\n", 1))
}

#[test]
fn edits_of_other_fields_are_applied_on_the_changed_file() {
    let mut d = PromptsDraft::new(shipped());
    assert!(d.edit("echo", Field::Name, "Echo Two").is_empty());
    assert!(d.edit("echo", SYSTEM, "You are {name}, brief.").is_empty());
    let theirs = open(&changed_outside());
    assert_eq!(d.rebase(theirs.clone()), Ok(2));

    assert_eq!(d.saved().text(), theirs.text(), "the file as it is now is the saved state");
    let text = d.text_to_save().unwrap_or_else(|| panic!("the merged draft can be saved"));
    assert!(text.ends_with("# X\n"), "the outside comment stays");
    assert!(text.contains("name = \"Echo Two\"") && text.contains("You are {name}, brief."));
    let pixel = d.hierarchy().node("pixel").map(|n| n.temperature);
    assert_eq!(pixel, Some(0.3), "the outside change stays");
    assert_eq!(d.dirty_fields("echo"), [Field::Name, SYSTEM]);
    assert!(d.dirty_fields("pixel").is_empty());
}

#[test]
fn the_same_field_changed_on_both_sides_is_a_conflict_and_changes_nothing() {
    let mut d = PromptsDraft::new(shipped());
    assert!(d.edit("pixel", Field::Temperature, "0.2").is_empty());
    let before = d.clone();
    let conflicts = d.rebase(open(&changed_outside())).unwrap_err();
    assert_eq!(conflicts, ["Pixel · Temperature: changed in the file too (the file: 0.3; yours: 0.2)"]);
    assert_eq!(d, before);
    // The same value on both sides is no conflict.
    let mut same = PromptsDraft::new(shipped());
    assert!(same.edit("pixel", Field::Temperature, "0.3").is_empty());
    assert_eq!(same.rebase(open(&changed_outside())), Ok(0));
    assert!(!same.is_dirty(), "the file now says what the user typed");
}

#[test]
fn a_structure_change_or_a_member_gone_from_the_file_is_a_conflict() {
    let mut d = PromptsDraft::new(shipped());
    d.add_child("pixel", Some("Dot")).unwrap_or_else(|e| panic!("{e}"));
    let conflicts = d.rebase(open(&changed_outside())).unwrap_err();
    assert!(conflicts[0].starts_with("you changed the team's structure"), "{conflicts:?}");

    let mut d = PromptsDraft::new(shipped());
    assert!(d.edit("quantum", Field::Temperature, "0.1").is_empty());
    let mut theirs = shipped();
    theirs.remove_node("quantum").unwrap_or_else(|e| panic!("{e}"));
    let conflicts = d.rebase(theirs).unwrap_err();
    assert_eq!(conflicts, ["Quantum · Temperature: the file no longer has a member with the id \"quantum\""]);
}

#[test]
fn pending_edits_stay_pending_over_the_new_file() {
    let mut d = PromptsDraft::new(shipped());
    assert!(!d.edit("echo", Field::Prompt(PromptField::Answer), "Do {tsk}.").is_empty());
    assert_eq!(d.rebase(open(&changed_outside())), Ok(0));
    assert_eq!(d.problems().len(), 1);
    assert_eq!(d.field_text("echo", Field::Prompt(PromptField::Answer)).as_deref(), Some("Do {tsk}."));
}
