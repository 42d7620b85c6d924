//! Prompts and settings written in place: every byte outside the edited value stays.

use super::{literal_after, open, shipped};
use crate::config::edit::{Field, HierarchyDocument, PromptField, Setting};

#[test]
fn editing_one_prompt_changes_only_that_value() {
    let mut doc = shipped();
    let before = doc.text().to_string();
    let old = literal_after(&before, "id = \"echo\"", "system");
    assert!(old.starts_with("'''\nYou are Echo"), "{old}");
    doc.set_prompt("echo", PromptField::System, "You are Echo. Reply in one line.\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let expected = before.replacen(&old, "'''\nYou are Echo. Reply in one line.\n'''", 1);
    assert_eq!(doc.text(), expected);
    assert_eq!(
        doc.hierarchy().node("echo").map(|n| n.prompts.system.as_str()),
        Some("You are Echo. Reply in one line.")
    );
    assert_eq!(doc.own_prompt("echo", PromptField::System), Some("You are Echo. Reply in one line.\n"));
}

#[test]
fn text_that_cannot_be_a_literal_is_an_escaped_basic_string_that_reads_back() {
    let mut doc = shipped();
    let text = "Say '''hi''' and \"\"\"bye\"\"\" with a \\ backslash\ttab, é ✓\n\n";
    doc.set_prompt("pixel", PromptField::System, text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.own_prompt("pixel", PromptField::System), Some(text));
    assert!(doc.text().contains("system = \"\"\"\nSay '''hi'''"), "{}", doc.text());
    let reopened = open(doc.text());
    assert_eq!(reopened.own_prompt("pixel", PromptField::System), Some(text));
}

#[test]
fn a_new_prompt_goes_in_its_documented_place() {
    let mut doc = shipped();
    let before = doc.text().to_string();
    doc.set_prompt("atlas", PromptField::Split, "Split {task} for {count}.\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let system_end = before
        .find("into one clear answer for the user. You write plainly and never invent facts.\n'''\n")
        .map(|i| {
            i + "into one clear answer for the user. You write plainly and never invent facts.\n'''\n".len()
        })
        .unwrap_or_else(|| panic!("atlas system prompt not found"));
    let mut expected = before.clone();
    expected.insert_str(system_end, "split = '''\nSplit {task} for {count}.\n'''\n");
    assert_eq!(doc.text(), expected);
}

#[test]
fn a_node_without_prompts_gets_a_prompts_section_after_its_own() {
    let text = "# my team\n[[node]]\nid = \"a\"  # the boss\nchildren = [\"b\"]\n\n# the helper\n[[node]]\nid = \"b\"\n";
    let mut doc = open(text);
    doc.set_prompt("a", PromptField::System, "Lead.\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        doc.text(),
        "# my team\n[[node]]\nid = \"a\"  # the boss\nchildren = [\"b\"]\n\n[node.prompts]\nsystem = '''\nLead.\n'''\n\n# the helper\n[[node]]\nid = \"b\"\n"
    );
    doc.unset("a", Field::Prompt(PromptField::System)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.text(), text, "removing the only prompt removes the empty section");
}

#[test]
fn inline_and_dotted_prompt_tables_are_edited_where_they_are() {
    let mut doc = open("[[node]]\nid = \"a\"\nprompts = { system = \"Hi.\" }\n");
    doc.set_prompt("a", PromptField::Answer, "Do {task}.").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        doc.text(),
        "[[node]]\nid = \"a\"\nprompts = { system = \"Hi.\", answer = '''\nDo {task}.''' }\n"
    );
    let mut doc = open("[[node]]\nid = \"a\"\nprompts.system = \"Hi.\"\n");
    doc.set_prompt("a", PromptField::System, "Hello.").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.text(), "[[node]]\nid = \"a\"\nprompts.system = '''\nHello.'''\n");
}

#[test]
fn settings_keep_their_comments_and_new_ones_go_in_documented_order() {
    let mut doc = shipped();
    let before = doc.text().to_string();
    doc.set_setting("atlas", &Setting::MaxTokens(800)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.text(), before.replacen("max_tokens = 700", "max_tokens = 800", 1));
    doc.set_setting("atlas", &Setting::MaxTokens(700)).unwrap_or_else(|e| panic!("{e}"));
    doc.set_setting("echo", &Setting::Seed(Some(7))).unwrap_or_else(|e| panic!("{e}"));
    doc.set_setting("echo", &Setting::Critique(false)).unwrap_or_else(|e| panic!("{e}"));
    doc.set_setting("echo", &Setting::Model("phi-3.1-mini-4k-instruct:2".into()))
        .unwrap_or_else(|e| panic!("{e}"));
    let echo = "role = \"implementation specialist\"\nmodel = \"phi-3.1-mini-4k-instruct:2\"\ntemperature = 0.4\nseed = 7\ncritique = false\n";
    assert!(doc.text().contains(echo), "{}", doc.text());
    let node = doc.hierarchy().node("echo").cloned().unwrap_or_else(|| panic!("echo"));
    assert_eq!((node.seed, node.model.as_str()), (Some(7), "phi-3.1-mini-4k-instruct:2"));
    for field in [Field::Seed, Field::Critique, Field::Model] {
        doc.unset("echo", field).unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(doc.text(), before, "removing what was added gives the file back");
}

#[test]
fn endpoint_and_seed_are_removed_with_none() {
    let mut doc = shipped();
    let before = doc.text().to_string();
    doc.set_setting("sage", &Setting::Endpoint(Some("http://127.0.0.1:1235/v1".into())))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        doc.hierarchy().node("sage").and_then(|n| n.endpoint.clone()).as_deref(),
        Some("http://127.0.0.1:1235/v1")
    );
    assert!(doc.sets_own("sage", Field::Endpoint));
    doc.set_setting("sage", &Setting::Endpoint(None)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.text(), before);
    assert!(!doc.sets_own("sage", Field::Endpoint));
}

#[test]
fn the_engine_refuses_bad_values_and_the_document_stays_as_it_was() {
    let mut doc = shipped();
    let before = doc.text().to_string();
    let hot = doc.set_setting("echo", &Setting::Temperature(3.0)).unwrap_err().to_string();
    assert!(hot.contains("temperature in node \"echo\" must be between 0 and 2, not 3"), "{hot}");
    let long = doc.set_setting("echo", &Setting::MaxTokens(4000)).unwrap_err().to_string();
    assert!(long.contains("leaves too little of the context (4096 tokens)"), "{long}");
    let unknown = doc.set_prompt("echo", PromptField::Answer, "Do {tsk}.").unwrap_err().to_string();
    assert!(unknown.contains("{tsk} is not a placeholder of the answer phase"), "{unknown}");
    assert!(unknown.contains("did you mean {task}?"), "{unknown}");
    let missing = doc.set_prompt("echo", PromptField::Answer, "Answer well.").unwrap_err().to_string();
    assert!(missing.contains("the answer prompt of node \"echo\" must contain {task}"), "{missing}");
    let system = doc.set_prompt("echo", PromptField::System, "Solve {task}.").unwrap_err().to_string();
    assert!(system.contains("{task} cannot be used in a system prompt"), "{system}");
    let nameless = doc.rename("echo", "  ").unwrap_err().to_string();
    assert!(nameless.contains("node \"echo\" has an empty name"), "{nameless}");
    let nobody = doc.set_setting("zed", &Setting::Seed(None)).unwrap_err().to_string();
    assert!(nobody.contains("no member has the id \"zed\""), "{nobody}");
    assert_eq!(doc.text(), before);
}

#[test]
fn system_prompt_text_shows_its_placeholders() {
    let text = "[defaults.prompts]\nsystem = \"You are {name}, the {role}.\"\n\n[[node]]\nid = \"a\"\nrole = \"boss\"\n";
    let doc = open(text);
    assert_eq!(doc.hierarchy().root().prompts.system, "You are A, the boss.");
    assert_eq!(
        doc.field_text("a", Field::Prompt(PromptField::System)).as_deref(),
        Some("You are {name}, the {role}.")
    );
    assert_eq!(doc.field_text("a", Field::Temperature).as_deref(), Some("0.7"));
    assert_eq!(doc.field_text("a", Field::Seed).as_deref(), Some(""));
}

#[test]
fn a_byte_order_mark_survives_an_edit() {
    let mut doc = open("\u{feff}[[node]]\nid = \"a\"\n");
    doc.rename("a", "Alpha").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.text(), "\u{feff}[[node]]\nid = \"a\"\nname = \"Alpha\"\n");
}

#[test]
fn inline_node_lists_are_refused_with_a_reason() {
    let err =
        crate::config::edit::HierarchyDocument::parse("node = [{ id = \"a\" }]\n", "t.toml").unwrap_err();
    assert!(
        err.to_string().contains("ailab can edit members only when each one is a [[node]] section"),
        "{err}"
    );
}

#[test]
fn reset_gives_back_the_shipped_node_exactly() {
    let mut doc = shipped();
    let before = doc.text().to_string();
    doc.set_prompt("atlas", PromptField::System, "You are the boss.\n").unwrap_or_else(|e| panic!("{e}"));
    doc.unset("atlas", Field::Prompt(PromptField::Synthesize)).unwrap_or_else(|e| panic!("{e}"));
    doc.set_setting("atlas", &Setting::Temperature(1.2)).unwrap_or_else(|e| panic!("{e}"));
    doc.set_setting("atlas", &Setting::Seed(Some(1))).unwrap_or_else(|e| panic!("{e}"));
    doc.rename("atlas", "Boss").unwrap_or_else(|e| panic!("{e}"));
    doc.reset_node_to_default("atlas").unwrap_or_else(|e| panic!("{e}"));
    let atlas = |d: &crate::config::edit::HierarchyDocument| d.hierarchy().node("atlas").cloned();
    assert_eq!(atlas(&doc), atlas(&shipped()));
    assert_eq!(doc.text(), before, "the removed prompt comes back with its comment");
}

#[test]
fn reset_of_a_member_ailab_does_not_ship_makes_it_take_everything_from_defaults() {
    let mut doc = open(
        "[defaults]\ntemperature = 0.5\n\n# The team.\n[[node]]\nid = \"a\"\nname = \"Ann\"\nrole = \"lead\"\n\
         children = [\"b\"]\ntemperature = 0.9 # hot\nseed = 3\n\n[node.prompts]\nsystem = \"You are {name}.\"\n\n\
         [[node]]\nid = \"b\"\n",
    );
    assert!(!HierarchyDocument::ships_member("a") && HierarchyDocument::ships_member("echo"));
    doc.reset_node_to_default("a").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        doc.text(),
        "[defaults]\ntemperature = 0.5\n\n# The team.\n[[node]]\nid = \"a\"\nname = \"Ann\"\nrole = \"lead\"\n\
         children = [\"b\"]\n\n[[node]]\nid = \"b\"\n"
    );
    let a = doc.hierarchy().node("a").cloned().unwrap_or_else(|| panic!("a"));
    assert_eq!((a.name.as_str(), a.role.as_str(), a.temperature, a.seed), ("Ann", "lead", 0.5, None));
}
