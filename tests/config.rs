//! `hierarchy.toml` as a user meets it: the shipped default, minimal and unusual trees, every kind
//! of mistake with its message, the export round trip, and the lookup order.

#[path = "config/errors.rs"]
mod errors;
#[path = "config/levels.rs"]
mod levels;
#[path = "config/lookup.rs"]
mod lookup;
#[path = "config/roundtrip.rs"]
mod roundtrip;

use ailab::config::template::{self, placeholders};
use ailab::config::{DEFAULT_HIERARCHY_TOML, DEFAULT_MODEL, Hierarchy, Phase, defaults, parse_hierarchy};

/// Parses text that must be valid, showing the full message if it is not.
pub fn parse_ok(text: &str) -> Hierarchy {
    match parse_hierarchy(text, "test.toml") {
        Ok(h) => h,
        Err(e) => panic!("expected a valid hierarchy, got:\n{e}"),
    }
}

/// Parses text that must be invalid and returns the full message.
pub fn parse_err(text: &str) -> String {
    match parse_hierarchy(text, "test.toml") {
        Ok(h) => panic!("expected problems, got a hierarchy rooted at {}", h.root().id),
        Err(e) => e.to_string(),
    }
}

fn default_hierarchy() -> Hierarchy {
    match parse_hierarchy(DEFAULT_HIERARCHY_TOML, "built-in default") {
        Ok(h) => h,
        Err(e) => panic!("the shipped hierarchy.toml must load:\n{e}"),
    }
}

#[test]
fn shipped_hierarchy_is_the_six_node_tree() {
    let h = default_hierarchy();
    let ids: Vec<&str> = h.preorder().iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["atlas", "nova", "echo", "pixel", "sage", "quantum"]);
    let names: Vec<&str> = h.preorder().iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["Atlas", "Nova", "Echo", "Pixel", "Sage", "Quantum"]);
    assert_eq!(h.root().id, "atlas");
    assert_eq!(h.root().children, ["nova", "sage"]);
    assert_eq!(
        h.node("nova").map(|n| n.children.clone()),
        Some(vec!["echo".to_string(), "pixel".to_string()])
    );
    assert_eq!(h.node("sage").map(|n| n.children.clone()), Some(vec!["quantum".to_string()]));
    for leaf in ["echo", "pixel", "quantum"] {
        assert!(h.node(leaf).is_some_and(|n| !n.is_parent()), "{leaf} is a leaf");
    }
    assert_eq!(h.parent_of("quantum").map(|n| n.id.as_str()), Some("sage"));
    assert_eq!(h.depth_of("pixel"), Some(2));
    assert_eq!(h.source, "built-in default");
}

#[test]
fn shipped_hierarchy_has_the_documented_settings() {
    let h = default_hierarchy();
    assert_eq!(h.server.base_url, "http://localhost:1234/v1");
    assert_eq!(h.server.api_key_env, None);
    assert_eq!(h.server.max_concurrent, 4);
    assert_eq!(
        (h.server.connect_timeout_secs, h.server.first_token_timeout_secs, h.server.idle_timeout_secs),
        (5.0, 300.0, 60.0)
    );
    let roles: Vec<&str> = h.nodes.iter().map(|n| n.role.as_str()).collect();
    assert_eq!(
        roles,
        [
            "coordinator",
            "technical branch",
            "philosophical branch",
            "implementation specialist",
            "patterns specialist",
            "deep insight specialist"
        ]
    );
    for node in &h.nodes {
        assert_eq!(node.model, DEFAULT_MODEL, "{} uses the plain model id by default", node.id);
        assert_eq!((node.context_tokens, node.reflect, node.critique), (4096, 0, false));
        assert!(node.endpoint.is_none() && node.seed.is_none());
        assert!(node.max_tokens + 256 <= node.context_tokens);
        assert!((0.0..=2.0).contains(&node.temperature) && node.top_p > 0.0 && node.top_p <= 1.0);
    }
}

#[test]
fn shipped_prompts_are_valid_for_every_phase_and_distinct_per_node() {
    let h = default_hierarchy();
    for node in &h.nodes {
        let p = &node.prompts;
        let all = [
            (&p.split, Phase::Split),
            (&p.answer, Phase::Answer),
            (&p.synthesize, Phase::Synthesize),
            (&p.reflect, Phase::Reflect),
            (&p.revise, Phase::Revise),
            (&p.critique, Phase::Critique),
        ];
        for (text, phase) in all {
            assert_eq!(template::problems(text, phase), Vec::<String>::new(), "{} {phase}", node.id);
        }
        assert!(p.system.contains(&format!("You are {}", node.name)), "{}: {}", node.id, p.system);
        assert!(placeholders(&p.system).is_empty(), "system prompts are final text");
        // Short enough to leave the context for the replies (~4 characters per token).
        assert!(p.system.len() < 600 && p.synthesize.len() < 1200, "{}", node.id);
    }
    let systems: std::collections::HashSet<&str> =
        h.nodes.iter().map(|n| n.prompts.system.as_str()).collect();
    assert_eq!(systems.len(), 6, "each node has its own character");
    assert!(h.root().prompts.synthesize.contains("final answer"), "Atlas writes the user's answer");
    let split = &h.root().prompts.split;
    assert!(split.contains("exactly {count}") && split.contains("JSON array"));
    let synth = &h.node("nova").map(|n| n.prompts.synthesize.clone()).unwrap_or_default();
    assert!(synth.contains("disagree") && synth.contains("missing") && synth.contains("insight"));
}

#[test]
fn shipped_default_prompts_equal_the_built_in_fallbacks() {
    // A user file without [defaults.prompts] must behave like the shipped one.
    let table: toml::Table = match toml::from_str(DEFAULT_HIERARCHY_TOML) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    let prompts = &table["defaults"]["prompts"];
    let built_in = [
        ("split", defaults::SPLIT),
        ("answer", defaults::ANSWER),
        ("synthesize", defaults::SYNTHESIZE),
        ("reflect", defaults::REFLECT),
        ("revise", defaults::REVISE),
        ("critique", defaults::CRITIQUE),
    ];
    for (key, text) in built_in {
        let shipped = prompts[key].as_str().unwrap_or_default();
        assert_eq!(shipped.trim(), text.trim(), "update defaults.rs together with hierarchy.toml: {key}");
    }
}

#[test]
fn minimal_file_fills_in_everything() {
    let h = parse_ok(
        r#"
        [[node]]
        id = "boss"
        children = ["worker"]
        [[node]]
        id = "worker"
        "#,
    );
    let boss = h.root();
    let worker = &h.nodes[1];
    assert_eq!((boss.name.as_str(), boss.role.as_str()), ("Boss", "coordinator"));
    assert_eq!((worker.name.as_str(), worker.role.as_str()), ("Worker", "specialist"));
    assert_eq!(worker.model, DEFAULT_MODEL);
    assert_eq!((worker.temperature, worker.max_tokens, worker.context_tokens), (0.7, 512, 4096));
    assert_eq!(worker.prompts.answer, defaults::ANSWER.trim());
    assert_eq!(boss.prompts.split, defaults::SPLIT.trim());
    assert!(worker.prompts.system.starts_with("You are Worker, the specialist of a small team"));
    assert_eq!(h.server, ailab::config::ServerConfig::default());
}

#[test]
fn a_single_node_is_a_tree() {
    let h = parse_ok("[[node]]\nid = \"solo\"\nname = \"Solo\"\n");
    assert_eq!(h.root().id, "solo");
    assert!(!h.root().is_parent());
}

#[test]
fn depth_and_fan_out_are_data() {
    // A chain six deep whose last node leads five leaves.
    let mut text = String::new();
    for level in 0..6 {
        let child = if level < 5 {
            format!("[\"n{}\"]", level + 1)
        } else {
            "[\"a\",\"b\",\"c\",\"d\",\"e\"]".into()
        };
        text.push_str(&format!("[[node]]\nid = \"n{level}\"\nchildren = {child}\n"));
    }
    for leaf in ["a", "b", "c", "d", "e"] {
        text.push_str(&format!("[[node]]\nid = \"{leaf}\"\n"));
    }
    let h = parse_ok(&text);
    assert_eq!(h.root().id, "n0");
    assert_eq!(h.depth_of("e"), Some(6));
    assert_eq!(h.node("n5").map(|n| n.children.len()), Some(5));
    assert_eq!(h.preorder().len(), 11);
}

#[test]
fn the_root_need_not_come_first() {
    let h = parse_ok("[[node]]\nid = \"leaf\"\n[[node]]\nid = \"top\"\nchildren = [\"leaf\"]\n");
    assert_eq!((h.root, h.root().id.as_str()), (1, "top"));
}

#[test]
fn node_settings_override_defaults_which_override_built_ins() {
    let h = parse_ok(
        r#"
        [server]
        base_url = "http://127.0.0.1:8080"
        api_key_env = "MY_KEY"
        [defaults]
        model = "qwen"
        temperature = 1
        max_tokens = 300
        reflect = 1
        critique = true
        [defaults.prompts]
        answer = "Answer {task} briefly."
        system = "I am {name}, {role}."
        [[node]]
        id = "top"
        role = "chief"
        children = ["low"]
        model = "phi-3.1-mini-4k-instruct:2"
        endpoint = "http://other.example/v1/"
        seed = -7
        [node.prompts]
        critique = "Check {reply} from {child}."
        [[node]]
        id = "low"
        temperature = 0.25
        "#,
    );
    assert_eq!(h.server.base_url, "http://127.0.0.1:8080/v1");
    assert_eq!(h.server.api_key_env.as_deref(), Some("MY_KEY"));
    let (top, low) = (&h.nodes[0], &h.nodes[1]);
    assert_eq!(top.model, "phi-3.1-mini-4k-instruct:2");
    assert_eq!(top.endpoint.as_deref(), Some("http://other.example/v1"));
    assert_eq!(h.endpoint_of(low), "http://127.0.0.1:8080/v1");
    assert_eq!((top.seed, low.seed), (Some(-7), None));
    assert_eq!((low.model.as_str(), low.temperature, top.temperature), ("qwen", 0.25, 1.0));
    assert_eq!((low.max_tokens, low.reflect), (300, 1));
    assert!(top.critique && !low.critique, "a leaf never critiques");
    assert_eq!(top.prompts.critique, "Check {reply} from {child}.");
    assert_eq!(low.prompts.answer, "Answer {task} briefly.");
    assert_eq!(top.prompts.system, "I am Top, chief.");
    assert_eq!(low.prompts.system, "I am Low, specialist.");
}

#[test]
fn byte_order_mark_and_crlf_are_fine() {
    let h =
        parse_ok("\u{feff}[[node]]\r\nid = \"a\"\r\n[node.prompts]\r\nanswer = '''\r\nDo {task}\r\n'''\r\n");
    assert_eq!(h.root().prompts.answer, "Do {task}");
}
