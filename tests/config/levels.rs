//! Reflection levels: a member's named reflection rounds, each with its own prompts.

use super::{parse_err, parse_ok};

const QUANTUM: &str = r#"
[[node]]
id = "sage"
children = ["quantum"]
[[node]]
id = "quantum"
[node.prompts]
revise = "Rewrite {draft} to answer {critique}."
[[node.reflection_levels]]
name = "check the facts"
prompt = "Which facts in {draft} are wrong?"
[[node.reflection_levels]]
name = "draw out implications"
prompt = "What follows from {draft} for {query}?"
[[node.reflection_levels]]
name = "the single deepest insight"
prompt = "What is the one insight in {draft}?"
revise = "Rewrite {draft} around the insight: {critique}"
"#;

#[test]
fn levels_parse_in_order_with_their_own_or_the_nodes_revise_prompt() {
    let h = parse_ok(QUANTUM);
    let quantum = h.node("quantum").unwrap();
    assert_eq!(quantum.reflect, 3, "one round per level");
    let names: Vec<&str> = quantum.reflection_levels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["check the facts", "draw out implications", "the single deepest insight"]);
    assert_eq!(quantum.reflection_prompts(2).0, "What follows from {draft} for {query}?");
    assert_eq!(quantum.reflection_prompts(1).1, "Rewrite {draft} to answer {critique}.");
    assert_eq!(quantum.reflection_prompts(3).1, "Rewrite {draft} around the insight: {critique}");
    // The answer, then two calls per level.
    assert_eq!(quantum.calls_per_question(), 7);
    assert!(h.node("sage").unwrap().reflection_levels.is_empty());
}

#[test]
fn levels_and_reflect_on_one_node_is_an_error_at_the_reflect_line() {
    let text = QUANTUM.replace("id = \"quantum\"\n", "id = \"quantum\"\nreflect = 2\n");
    let msg = parse_err(&text);
    assert!(msg.contains("error: node \"quantum\" sets both reflect = 2 and reflection levels"), "{msg}");
    assert!(msg.contains("--> test.toml:7:11"), "{msg}");
    assert!(msg.contains("remove this reflect line, or the levels"), "{msg}");
}

#[test]
fn a_reflect_in_defaults_is_replaced_by_the_levels_without_error() {
    let h = parse_ok(&format!("[defaults]\nreflect = 1\n{QUANTUM}"));
    assert_eq!((h.node("sage").unwrap().reflect, h.node("quantum").unwrap().reflect), (1, 3));
}

#[test]
fn a_level_template_is_checked_against_the_reflect_placeholders() {
    let text = QUANTUM.replace("What follows from {draft} for {query}?", "What follows from {drafft}?");
    let msg = parse_err(&text);
    assert!(
        msg.contains(
            "the prompt of reflection level 2 (\"draw out implications\") of node \"quantum\": {drafft} is not a placeholder of the reflect phase"
        ),
        "{msg}"
    );
    assert!(msg.contains("did you mean {draft}?"), "{msg}");
    assert!(msg.contains("test.toml:14:29"), "{msg}");
    assert!(msg.contains("must contain {draft}"), "{msg}");
    let bad_revise = QUANTUM.replace("around the insight: {critique}", "around the insight.");
    let msg = parse_err(&bad_revise);
    assert!(
        msg.contains("the revise prompt of reflection level 3 (\"the single deepest insight\") of node \"quantum\" must contain {critique}"),
        "{msg}"
    );
}

#[test]
fn a_level_needs_a_name_and_a_prompt_and_only_its_own_keys() {
    let msg = parse_err(
        "[[node]]\nid = \"a\"\n[[node.reflection_levels]]\nprompt = \"Check {draft}\"\n[[node.reflection_levels]]\nname = \"x\"\npromt = \"Check {draft}\"\n",
    );
    assert!(msg.contains("reflection level 1 of node \"a\" has no name"), "{msg}");
    assert!(msg.contains("reflection level 2 (\"x\") of node \"a\" has no prompt"), "{msg}");
    assert!(msg.contains("unknown key `promt` in reflection level 2 of node \"a\""), "{msg}");
    assert!(msg.contains("did you mean `prompt`?"), "{msg}");
}

#[test]
fn levels_belong_to_a_node_not_to_defaults() {
    let msg = parse_err("[defaults]\n[[defaults.reflection_levels]]\nname = \"x\"\n[[node]]\nid = \"a\"\n");
    assert!(msg.contains("unknown key `reflection_levels` in [defaults]"), "{msg}");
    assert!(msg.contains("write [[node.reflection_levels]] after that member's settings"), "{msg}");
}

#[test]
fn levels_written_as_a_plain_value_say_how_to_write_them() {
    let msg = parse_err("[[node]]\nid = \"a\"\nreflection_levels = \"facts\"\n");
    assert!(
        msg.contains("`reflection_levels` in node \"a\" should be [[node.reflection_levels]] tables"),
        "{msg}"
    );
}
