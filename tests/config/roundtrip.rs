//! `to_toml_string` writes a file that loads back to the same hierarchy.

use ailab::config::{
    DEFAULT_HIERARCHY_TOML, Hierarchy, NodeConfig, Phase, Prompts, ReflectionLevel, ServerConfig, defaults,
    parse_hierarchy, template, to_toml_string,
};
use proptest::prelude::*;

use super::parse_ok;

fn reload(h: &Hierarchy) -> Hierarchy {
    let text = to_toml_string(h);
    match parse_hierarchy(&text, "export.toml") {
        Ok(mut back) => {
            back.source = h.source.clone();
            back
        }
        Err(e) => panic!("the export must load:\n{e}\n--- export ---\n{text}"),
    }
}

#[test]
fn the_shipped_tree_survives_export() {
    let h = parse_ok(DEFAULT_HIERARCHY_TOML);
    assert_eq!(reload(&h), h);
    let text = to_toml_string(&h);
    assert!(text.starts_with("# ailab hierarchy, exported from test.toml."), "{text}");
    assert!(text.contains("[defaults.prompts]\nsplit = \"\"\"\nYou lead a small team."), "{text}");
    assert!(text.contains("[[node]]\nid = \"nova\""), "{text}");
    assert!(text.contains("temperature = 0.6\n"), "shortest float form: {text}");
}

#[test]
fn every_option_survives_export() {
    let h = parse_ok(
        r#"
        [server]
        base_url = "http://example.org:8443/api/v1"
        api_key_env = "LM_API_TOKEN"
        max_concurrent = 2
        connect_timeout_secs = 2.5
        [defaults]
        seed = 3
        [[node]]
        id = "top"
        children = ["a", "b"]
        critique = true
        reflect = 2
        endpoint = "http://10.0.0.2:1234"
        [node.prompts]
        system = """Say {{"json": true}} as {name}; never write {{task}} or }} or {{."""
        split = '''Split {task} into {count} for {children}. Reply as ["x", "y"] or {{"a": 1}}.'''
        [[node]]
        id = "a"
        model = "phi-3.1-mini-4k-instruct:2"
        seed = -1
        [[node]]
        id = "b"
        role = ""
        "#,
    );
    assert_eq!(h.nodes[0].prompts.system, "Say {\"json\": true} as Top; never write {task} or } or {.");
    assert_eq!(reload(&h), h);
}

#[test]
fn reflection_levels_survive_export_as_tables_after_the_node() {
    let h = parse_ok(
        r#"
        [[node]]
        id = "solo"
        [node.prompts]
        revise = "Rewrite {draft} per {critique}."
        [[node.reflection_levels]]
        name = "check the facts"
        prompt = "Check the facts of {draft}."
        [[node.reflection_levels]]
        name = "deepest insight"
        prompt = "Find the one insight in {draft}."
        revise = "Keep only the insight of {draft}; {critique}"
        "#,
    );
    let text = to_toml_string(&h);
    assert_eq!(text.matches("[[node.reflection_levels]]").count(), 2, "{text}");
    assert!(!text.contains("reflect = 2"), "levels replace reflect: {text}");
    assert_eq!(text.matches("Rewrite {draft} per {critique}.").count(), 1, "{text}");
    assert_eq!(reload(&h), h);
}

#[test]
fn a_minimal_tree_exports_without_repeating_itself() {
    let h = parse_ok(
        "[[node]]\nid = \"a\"\nchildren = [\"b\", \"c\"]\n[[node]]\nid = \"b\"\n[[node]]\nid = \"c\"\n",
    );
    let text = to_toml_string(&h);
    assert_eq!(text.matches(defaults::ANSWER.trim()).count(), 1, "{text}");
    assert_eq!(reload(&h), h);
}

/// A valid template of the phase: the built-in one plus random text (quotes, braces, newlines).
fn template(base: &'static str, phase: Phase) -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 .,!?\n\"'\\\\é{}]{0,40}"
        .prop_map(move |extra| format!("{} {}", base.trim(), extra).trim().to_string())
        .prop_filter("stray placeholder", move |t| template::problems(t, phase).is_empty())
}

fn server() -> impl Strategy<Value = ServerConfig> {
    (
        prop::sample::select(vec![
            "http://localhost:1234/v1",
            "http://h.example/v1",
            "http://127.0.0.1:9/x/y",
        ]),
        prop::option::of("[A-Z_][A-Z0-9_]{0,12}"),
        1usize..=1024,
        (0.001f64..1e6, 0.001f64..1e6, 0.001f64..1e6),
    )
        .prop_map(|(url, key, max, (connect, first, idle))| ServerConfig {
            base_url: url.to_string(),
            api_key_env: key,
            max_concurrent: max,
            connect_timeout_secs: connect,
            first_token_timeout_secs: first,
            idle_timeout_secs: idle,
        })
}

fn node() -> impl Strategy<Value = NodeConfig> {
    let settings = (
        prop::sample::select(vec!["phi-3.1-mini-4k-instruct", "phi-3.1-mini-4k-instruct:2", "qwen"]),
        prop::option::of(prop::sample::select(vec!["http://a:1/v1", "http://b/v1"])),
        0.0f32..=2.0,
        0.01f32..=1.0,
        1u32..2000,
        prop::option::of(any::<i64>()),
        0u32..3000,
        0u32..=10,
        any::<bool>(),
    );
    let prompts = (
        "[^\u{0}-\u{1f}]{1,60}",
        template(defaults::SPLIT, Phase::Split),
        template(defaults::ANSWER, Phase::Answer),
        template(defaults::SYNTHESIZE, Phase::Synthesize),
        template(defaults::REFLECT, Phase::Reflect),
        template(defaults::REVISE, Phase::Revise),
        template(defaults::CRITIQUE, Phase::Critique),
    );
    (settings, prompts, "[A-Za-zé][A-Za-z é]{0,10}", "[a-z ]{0,16}").prop_map(
        |(
            (model, endpoint, temperature, top_p, max_tokens, seed, extra, reflect, critique),
            p,
            name,
            role,
        )| {
            let levels = name.len() % 4 == 2;
            // Some nodes reflect in named levels, with the second level's own rewrite prompt.
            let reflection_levels = if name.len() % 4 == 2 {
                vec![
                    ReflectionLevel {
                        name: "check the facts".into(),
                        reflect: p.4.clone(),
                        revise: p.5.clone(),
                    },
                    ReflectionLevel {
                        name: format!("go deeper{}", role.trim_end()),
                        reflect: "Deeper: {draft}".into(),
                        revise: "Keep {draft}, fix {critique}".into(),
                    },
                ]
            } else {
                Vec::new()
            };
            NodeConfig {
                id: String::new(),
                name: name.trim().to_string(),
                role: role.trim().to_string(),
                children: Vec::new(),
                model: model.to_string(),
                endpoint: endpoint.map(str::to_string),
                temperature,
                top_p,
                max_tokens,
                seed,
                context_tokens: (max_tokens + 256).max(512) + extra,
                reflect: if levels { 2 } else { reflect },
                critique,
                prompts: Prompts {
                    system: p.0.trim().to_string(),
                    split: p.1,
                    answer: p.2,
                    synthesize: p.3,
                    reflect: p.4,
                    revise: p.5,
                    critique: p.6,
                },
                // Varied from the node's name, so some nodes carry the guard's and knobs' settings.
                loop_guard: name.len() % 3 != 0,
                loop_guard_repeats: 2 + (name.len() as u32 % 5),
                sampling: ailab::llm::Sampling {
                    repeat_penalty: (name.len() % 2 == 0).then_some(1.1),
                    top_k: (role.len() % 2 == 0).then_some(role.len() as u32),
                    min_p: (role.len() % 3 == 0).then_some(0.05),
                    frequency_penalty: (name.len() % 4 == 1).then_some(-0.5),
                    presence_penalty: (role.len() % 4 == 1).then_some(1.5),
                },
                reflection_levels,
            }
        },
    )
}

/// A random tree: node `i > 0` hangs under an earlier node; the file order is shuffled.
fn hierarchy() -> impl Strategy<Value = Hierarchy> {
    (server(), prop::collection::vec((node(), any::<prop::sample::Index>()), 1..9))
        .prop_flat_map(|(server, nodes)| {
            let n = nodes.len();
            (Just(server), Just(nodes), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        })
        .prop_map(|(server, nodes, order)| {
            let mut built: Vec<NodeConfig> = nodes.iter().map(|(node, _)| node.clone()).collect();
            for (i, node) in built.iter_mut().enumerate() {
                node.id = format!("n{i}");
                if node.name.is_empty() {
                    node.name = format!("N{i}");
                }
            }
            for (i, (_, parent)) in nodes.iter().enumerate().skip(1) {
                let p = parent.index(i);
                let id = built[i].id.clone();
                built[p].children.push(id);
            }
            for node in &mut built {
                node.critique &= node.is_parent();
            }
            let nodes: Vec<NodeConfig> = order.iter().map(|&i| built[i].clone()).collect();
            let root = order.iter().position(|&i| i == 0).unwrap_or(0);
            Hierarchy { server, nodes, root, source: "random".into() }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_valid_hierarchy_survives_export(h in hierarchy()) {
        prop_assert_eq!(reload(&h), h);
    }
}
