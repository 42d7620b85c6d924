//! The Prompts tab's state: edits held with their problems until fixed, dirty flags, revert,
//! reset, and the saved state following a save.

use super::shipped;
use crate::config::edit::{Field, PromptField, PromptsDraft};

fn draft() -> PromptsDraft {
    PromptsDraft::new(shipped())
}

const ANSWER: Field = Field::Prompt(PromptField::Answer);
const SYSTEM: Field = Field::Prompt(PromptField::System);

#[test]
fn an_unknown_placeholder_is_held_with_its_message_and_blocks_saving() {
    let mut d = draft();
    let problems = d.edit("echo", ANSWER, "Do {tsk} now.");
    assert_eq!(problems.len(), 2);
    assert!(
        problems[0].message.starts_with("{tsk} is not a placeholder of the answer phase (it may use: {name}")
    );
    assert_eq!(problems[0].help.as_deref(), Some("did you mean {task}?"));
    assert_eq!(problems[1].message, "the answer template must contain {task}");
    assert_eq!(
        problems[1].help.as_deref(),
        Some(
            "write {task} where ailab should insert what this node was asked to do (for the root, the question)"
        )
    );
    assert_eq!(d.field_problems("echo", ANSWER), problems.as_slice());
    assert_eq!(d.field_text("echo", ANSWER).as_deref(), Some("Do {tsk} now."));
    assert_eq!(d.current().text(), d.saved().text(), "the document keeps only valid edits");
    assert!(d.is_dirty() && !d.can_save() && d.text_to_save().is_none());
    assert!(d.is_field_dirty("echo", ANSWER));
    assert_eq!(d.problems().len(), 1);
    assert_eq!(d.node_problems("echo").len(), 1);

    assert!(d.edit("echo", ANSWER, "Do {task} now.").is_empty());
    assert!(d.field_problems("echo", ANSWER).is_empty());
    assert!(d.can_save());
    assert_eq!(d.hierarchy().node("echo").map(|n| n.prompts.answer.as_str()), Some("Do {task} now."));
    assert_eq!(d.current().own_prompt("echo", PromptField::Answer), Some("Do {task} now.\n"));
}

#[test]
fn typing_a_field_back_to_its_saved_value_gives_back_the_saved_file() {
    let mut d = draft();
    let saved_system = d.field_text("atlas", SYSTEM).unwrap_or_default();
    assert!(d.edit("atlas", SYSTEM, "You are the boss.").is_empty());
    assert!(d.edit("atlas", Field::Temperature, "0.9").is_empty());
    assert_eq!(d.dirty_fields("atlas"), [Field::Temperature, SYSTEM]);
    assert!(d.edit("atlas", SYSTEM, &format!("{saved_system}\n\n")).is_empty());
    assert!(d.edit("atlas", Field::Temperature, " 0.60 ").is_empty());
    assert!(!d.is_dirty());
    assert_eq!(d.current().text(), d.saved().text());
    assert!(d.dirty_fields("atlas").is_empty());
}

#[test]
fn settings_typed_as_text_are_read_or_explained() {
    let mut d = draft();
    let warm = d.edit("echo", Field::Temperature, "warm");
    assert_eq!(warm[0].message, "temperature must be a number, like 0.7, not \"warm\"");
    let hot = d.edit("echo", Field::Temperature, "3");
    assert!(
        hot[0].message.contains("temperature in node \"echo\" must be between 0 and 2, not 3"),
        "{hot:?}"
    );
    assert_eq!(
        hot[0].help.as_deref(),
        Some("0.2-0.5 keeps replies focused, 0.7 is balanced, above 1 gets adventurous")
    );
    assert_eq!(d.problems().len(), 1, "a new edit of a field replaces its pending one");
    assert!(d.edit("echo", Field::Temperature, "0.3").is_empty());
    assert!(d.edit("echo", Field::Seed, "42").is_empty());
    assert!(d.edit("echo", Field::Critique, "maybe")[0].message.contains("critique is on or off"));
    assert!(d.edit("nova", Field::Critique, "on").is_empty());
    assert_eq!(d.field_text("nova", Field::Critique).as_deref(), Some("on"));
    assert!(
        d.edit("echo", Field::Endpoint, "localhost:1235")[0]
            .message
            .contains("is not an address starting with http://")
    );
    let echo = d.hierarchy().node("echo").cloned().unwrap_or_else(|| panic!("echo"));
    assert_eq!((echo.temperature, echo.seed), (0.3, Some(42)));
    assert!(d.edit("echo", Field::Seed, "").is_empty());
    assert_eq!(d.field_text("echo", Field::Seed).as_deref(), Some(""));
}

#[test]
fn a_held_edit_applies_once_another_change_makes_it_valid() {
    let mut d = draft();
    let problems = d.edit("echo", Field::MaxTokens, "4000");
    assert!(problems[0].message.contains("leaves too little of the context (4096 tokens)"), "{problems:?}");
    assert!(d.edit("echo", Field::ContextTokens, "8192").is_empty());
    assert!(d.problems().is_empty());
    assert_eq!(d.hierarchy().node("echo").map(|n| (n.max_tokens, n.context_tokens)), Some((4000, 8192)));
}

#[test]
fn revert_discards_everything_unsaved() {
    let mut d = draft();
    d.edit("echo", ANSWER, "Do {nothing}.");
    d.edit("pixel", Field::Name, "Pix");
    d.add_child("sage", None).unwrap_or_else(|e| panic!("{e}"));
    assert!(d.is_dirty());
    d.revert();
    assert!(!d.is_dirty() && d.problems().is_empty());
    assert_eq!(d.current().text(), d.saved().text());
}

#[test]
fn one_field_can_go_back_to_its_saved_value_or_to_the_default() {
    let mut d = draft();
    d.edit("nova", Field::Temperature, "1.1");
    d.edit("nova", Field::Role, "engineers");
    d.revert_field("nova", Field::Temperature).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.dirty_fields("nova"), [Field::Role]);
    d.use_default_for("nova", Field::Temperature).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.field_text("nova", Field::Temperature).as_deref(), Some("0.7"));
    assert!(!d.current().sets_own("nova", Field::Temperature));
}

#[test]
fn structure_changes_are_dirty_and_carry_pending_edits_along() {
    let mut d = draft();
    let id = d.add_child("atlas", Some("Iris")).unwrap_or_else(|e| panic!("{e}"));
    assert!(d.is_node_dirty(&id) && d.is_node_dirty("atlas") && !d.is_node_dirty("nova"));
    assert!(d.is_field_dirty(&id, Field::Name));
    d.edit(&id, SYSTEM, "You work on {task}.");
    d.change_id(&id, "iris2").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.node_problems("iris2").len(), 1);
    d.remove_node("iris2").unwrap_or_else(|e| panic!("{e}"));
    assert!(d.problems().is_empty());
    d.move_node("pixel", "sage").unwrap_or_else(|e| panic!("{e}"));
    assert!(d.is_node_dirty("pixel") && d.is_node_dirty("sage") && d.is_node_dirty("nova"));
    assert!(d.move_node("atlas", "pixel").is_err());
    d.shift_among_siblings("sage", -1).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.hierarchy().root().children, ["sage", "nova"]);
}

#[test]
fn reset_to_default_restores_the_shipped_node_and_drops_its_problems() {
    let mut d = draft();
    d.edit("sage", SYSTEM, "Be wise.");
    d.edit("sage", ANSWER, "{oops}");
    d.edit("sage", Field::Temperature, "0.1");
    d.reset_node_to_default("sage").unwrap_or_else(|e| panic!("{e}"));
    assert!(!d.is_dirty());
    let id = d.add_child("sage", None).unwrap_or_else(|e| panic!("{e}"));
    d.edit(&id, Field::Temperature, "0.1");
    d.edit(&id, ANSWER, "{oops}");
    d.reset_node_to_default(&id).unwrap_or_else(|e| panic!("{e}"));
    assert!(d.problems().is_empty(), "its problems go with its own prompts");
    assert_eq!(d.hierarchy().node(&id).map(|n| n.temperature), Some(0.7), "from [defaults]");
}

#[test]
fn saving_moves_the_saved_state_forward() {
    let mut d = draft();
    d.edit("quantum", Field::Reflect, "1");
    let text = d.text_to_save().map(str::to_string).unwrap_or_else(|| panic!("savable"));
    d.edit("quantum", Field::Reflect, "2");
    d.mark_saved(&text);
    assert!(d.is_dirty(), "the edit made during the save is still unsaved");
    assert_eq!(d.saved().hierarchy().node("quantum").map(|n| n.reflect), Some(1));
    let text = d.text_to_save().map(str::to_string).unwrap_or_else(|| panic!("savable"));
    d.mark_saved(&text);
    assert!(!d.is_dirty() && !d.can_save());
}

#[test]
fn placeholders_are_listed_with_the_required_ones_marked() {
    let split = PromptsDraft::placeholders_for(PromptField::Split);
    let names: Vec<&str> = split.iter().map(|p| p.name).collect();
    assert_eq!(names, ["name", "role", "query", "task", "count", "children"]);
    let required: Vec<&str> = split.iter().filter(|p| p.required).map(|p| p.name).collect();
    assert_eq!(required, ["task"]);
    let revise = PromptsDraft::placeholders_for(PromptField::Revise);
    assert_eq!(revise.iter().filter(|p| p.required).count(), 2);
    let system = PromptsDraft::placeholders_for(PromptField::System);
    assert_eq!(system.iter().map(|p| p.name).collect::<Vec<_>>(), ["name", "role"]);
    assert!(system.iter().all(|p| !p.required && !p.meaning.is_empty()));
}

#[test]
fn prompts_a_node_uses_are_known() {
    let d = draft();
    let h = d.hierarchy();
    let used = |id: &str| -> Vec<PromptField> {
        let node = h.node(id).unwrap_or_else(|| panic!("{id}"));
        PromptField::ALL.into_iter().filter(|p| p.used_by(node)).collect()
    };
    assert_eq!(used("atlas"), [PromptField::System, PromptField::Split, PromptField::Synthesize]);
    assert_eq!(used("echo"), [PromptField::System, PromptField::Answer]);
}

#[test]
fn a_name_another_member_has_is_a_warning_that_does_not_block_saving() {
    let mut d = draft();
    assert!(d.field_warnings("pixel", Field::Name).is_empty());
    assert!(d.edit("pixel", Field::Name, " echo ").is_empty());
    let warnings = d.field_warnings("pixel", Field::Name);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].message, "the member with the id \"echo\" has this name too");
    assert!(warnings[0].help.as_deref().is_some_and(|h| h.contains("split prompt lists them by name")));
    assert_eq!(d.field_warnings("echo", Field::Name).len(), 1, "both are told");
    assert!(d.can_save(), "ids differ: the engine runs it");

    assert!(d.edit("quantum", Field::Name, "Echo").is_empty());
    let warnings = d.field_warnings("echo", Field::Name);
    assert_eq!(warnings[0].message, "the members \"pixel\", \"quantum\" have this name too");
    let cousin = d.field_warnings("quantum", Field::Name);
    assert_eq!(
        cousin[0].help.as_deref(),
        Some("give each its own name: the tree and History show names, not ids")
    );
    assert!(d.field_warnings("quantum", Field::Temperature).is_empty());
}
