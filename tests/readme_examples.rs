//! The README's "Several computers" examples, as a reader would copy them: each TOML block
//! loads as a hierarchy (with the line and column of any mistake), does what the text says, and
//! the LiteLLM config shown is the one `scripts/try-litellm.sh` runs.

use ailab::config::{DEFAULT_HIERARCHY_TOML, DEFAULT_MODEL, Hierarchy, parse_hierarchy};

const README: &str = include_str!("../README.md");
const LITELLM_YAML: &str = include_str!("../scripts/litellm.yaml");

/// The text of the README section that starts with `heading`, up to the next `## ` heading.
fn section(heading: &str) -> &'static str {
    let start = README.find(heading).unwrap_or_else(|| panic!("README has no section {heading:?}"));
    let rest = &README[start + heading.len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    &rest[..end]
}

/// The fenced code blocks of `text` in language `lang`, in order.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let fence = format!("```{lang}\n");
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&fence) {
        let body = &rest[start + fence.len()..];
        let end = body.find("```").unwrap_or_else(|| panic!("an unclosed ```{lang} block"));
        found.push(body[..end].to_string());
        rest = &body[end..];
    }
    found
}

fn parse(text: &str) -> Hierarchy {
    parse_hierarchy(text, "README.md").unwrap_or_else(|e| panic!("a README example must load:\n{e}\n{text}"))
}

#[test]
fn the_per_member_example_sends_each_branch_to_its_own_computer() {
    let tomls = blocks(section("## Several computers"), "toml");
    assert_eq!(tomls.len(), 2, "the per-member hierarchy and the LiteLLM [server]");
    let h = parse(&tomls[0]);
    let endpoint = |id: &str| {
        let node = h.nodes.iter().find(|n| n.id == id).unwrap_or_else(|| panic!("no node {id}"));
        h.endpoint_of(node).to_string()
    };
    assert_eq!(h.root().id, "atlas");
    assert_eq!(endpoint("atlas"), "http://localhost:1234/v1", "Atlas stays on base_url");
    for id in ["nova", "echo", "pixel"] {
        assert_eq!(endpoint(id), "http://192.168.1.20:1234/v1", "{id}");
    }
    for id in ["sage", "quantum"] {
        assert_eq!(endpoint(id), "http://192.168.1.21:1234/v1", "{id}");
    }
    assert!(h.nodes.iter().all(|n| n.model == DEFAULT_MODEL), "every member keeps the default model");
}

#[test]
fn the_litellm_example_points_every_member_at_the_proxy_with_the_key_in_a_variable() {
    let tomls = blocks(section("## Several computers"), "toml");
    // The README shows only the [server] lines to set in the user's own file: set them in the
    // built-in one.
    let default_url = "base_url = \"http://localhost:1234/v1\"\n";
    assert!(DEFAULT_HIERARCHY_TOML.contains(default_url));
    let own = DEFAULT_HIERARCHY_TOML.replacen(default_url, "", 1).replacen("[server]\n", &tomls[1], 1);
    let h = parse(&own);
    assert_eq!(h.server.base_url, "http://localhost:4000/v1");
    assert_eq!(h.server.api_key_env.as_deref(), Some("LITELLM_MASTER_KEY"));
    assert!(h.nodes.iter().all(|n| h.endpoint_of(n) == h.server.base_url && n.model == DEFAULT_MODEL));
}

/// The `key: value` settings of a YAML text, comments and blank lines left out, in order.
fn settings(yaml: &str) -> Vec<String> {
    yaml.lines()
        .map(|line| line.split(" #").next().unwrap_or("").trim_end())
        .filter(|line| !line.trim_start().starts_with('#') && !line.trim().is_empty())
        .map(|line| line.trim_start_matches([' ', '-']).to_string())
        .collect()
}

#[test]
fn the_litellm_config_shown_is_the_tested_one_with_other_addresses() {
    let yamls = blocks(section("## Several computers"), "yaml");
    assert_eq!(yamls.len(), 1);
    let shown = settings(&yamls[0]);
    // The tested file may say more (comments, a routing strategy), never something else.
    let tested = settings(LITELLM_YAML);
    for line in &shown {
        let same = if line.starts_with("api_base: ") {
            tested.iter().any(|t| t.starts_with("api_base: http://"))
        } else {
            tested.contains(line)
        };
        assert!(same, "README's LiteLLM config says {line:?}, scripts/litellm.yaml does not");
    }
    let routed = |lines: &[String]| lines.iter().filter(|l| l.starts_with("model_name: ")).count();
    assert_eq!((routed(&shown), routed(&tested)), (2, 2), "one model name routed to two servers");
    assert!(shown.contains(&format!("model_name: {DEFAULT_MODEL}")));
    assert!(shown.iter().any(|l| l == "master_key: os.environ/LITELLM_MASTER_KEY"));
}

#[test]
fn the_presets_table_matches_the_shipped_presets() {
    let text = section("## Presets");
    for preset in ailab::config::presets::PRESETS {
        let row = format!("| `{}` | {} |", preset.name, preset.calls_per_question());
        assert!(text.contains(&row), "README's presets table lacks {row:?}");
    }
}
