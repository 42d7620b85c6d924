//! A resolved hierarchy written back as a `hierarchy.toml` that loads to the same tree. Values
//! most nodes share go to `[defaults]`; each node writes only where it differs, so the file stays
//! readable (for snapshots and exports).

use serde::Serialize;

use super::model::{Hierarchy, NodeConfig, ServerConfig};
use super::{defaults, template};

#[derive(Serialize)]
struct FileOut<'a> {
    server: ServerOut<'a>,
    defaults: SettingsOut<'a>,
    node: Vec<NodeOut<'a>>,
}

#[derive(Serialize)]
struct ServerOut<'a> {
    base_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key_env: Option<&'a str>,
    max_concurrent: u64,
    connect_timeout_secs: f64,
    first_token_timeout_secs: f64,
    idle_timeout_secs: f64,
}

#[derive(Serialize)]
struct NodeOut<'a> {
    id: &'a str,
    name: &'a str,
    role: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    children: &'a [String],
    #[serde(flatten)]
    settings: SettingsOut<'a>,
    /// Written last: `[[node.reflection_levels]]` tables follow the node's own keys and prompts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    reflection_levels: Vec<LevelOut<'a>>,
}

#[derive(Serialize)]
struct LevelOut<'a> {
    name: &'a str,
    prompt: &'a str,
    /// Only when it is not the node's own revise prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    revise: Option<&'a str>,
}

/// The settings and prompts of `[defaults]` or of one node; `None` is not written.
#[derive(Serialize, Default)]
struct SettingsOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_p: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reflect: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    critique: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    loop_guard: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    loop_guard_repeats: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    frequency_penalty: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    presence_penalty: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeat_penalty: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_p: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_k: Option<u32>,
    #[serde(skip_serializing_if = "PromptsOut::is_empty")]
    prompts: PromptsOut,
}

#[derive(Serialize, Default, PartialEq)]
struct PromptsOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    split: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    synthesize: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reflect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revise: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    critique: Option<String>,
}

impl PromptsOut {
    fn is_empty(&self) -> bool {
        *self == PromptsOut::default()
    }
}

/// Renders a hierarchy as a loadable `hierarchy.toml` (`parse_hierarchy` gives it back unchanged).
pub fn to_toml_string(hierarchy: &Hierarchy) -> String {
    let nodes = &hierarchy.nodes;
    let defaults = shared_settings(nodes);
    let file = FileOut {
        server: server(&hierarchy.server),
        node: nodes.iter().map(|n| node(n, &defaults)).collect(),
        defaults,
    };
    let body = match toml::to_string_pretty(&file) {
        Ok(body) => body,
        // Only maps with non-text keys or unsupported types fail, and this shape has neither.
        Err(e) => format!("# ailab could not write this hierarchy: {e}\n"),
    };
    format!(
        "# ailab hierarchy, exported from {}.\n# Values most nodes share are in [defaults]; a node lists only what differs.\n\n{body}",
        hierarchy.source
    )
}

fn server(s: &ServerConfig) -> ServerOut<'_> {
    ServerOut {
        base_url: &s.base_url,
        api_key_env: s.api_key_env.as_deref(),
        max_concurrent: s.max_concurrent as u64,
        connect_timeout_secs: s.connect_timeout_secs,
        first_token_timeout_secs: s.first_token_timeout_secs,
        idle_timeout_secs: s.idle_timeout_secs,
    }
}

/// The most common value of each setting (optional ones only when every node agrees, since a
/// node cannot unset a default).
fn shared_settings(nodes: &[NodeConfig]) -> SettingsOut<'_> {
    let p = |f: fn(&NodeConfig) -> &str| most_common(nodes.iter().map(f)).map(str::to_string);
    SettingsOut {
        model: most_common(nodes.iter().map(|n| n.model.as_str())),
        endpoint: all_same(nodes.iter().map(|n| n.endpoint.as_deref())),
        temperature: most_common(nodes.iter().map(|n| shortest(n.temperature))),
        top_p: most_common(nodes.iter().map(|n| shortest(n.top_p))),
        max_tokens: most_common(nodes.iter().map(|n| n.max_tokens)),
        seed: all_same(nodes.iter().map(|n| n.seed)),
        context_tokens: most_common(nodes.iter().map(|n| n.context_tokens)),
        // A node with levels writes none: its rounds are its levels.
        reflect: most_common(nodes.iter().filter(|n| n.reflection_levels.is_empty()).map(|n| n.reflect)),
        critique: most_common(nodes.iter().filter(|n| n.is_parent()).map(|n| n.critique)),
        prompts: PromptsOut {
            system: most_common(nodes.iter().map(|n| n.prompts.system.as_str())).map(literal_system_prompt),
            split: p(|n| &n.prompts.split),
            answer: p(|n| &n.prompts.answer),
            synthesize: p(|n| &n.prompts.synthesize),
            reflect: p(|n| &n.prompts.reflect),
            revise: p(|n| &n.prompts.revise),
            critique: p(|n| &n.prompts.critique),
        },
        // The guard and the knobs are written per node, where they differ from the built-ins.
        ..SettingsOut::default()
    }
}

fn node<'a>(n: &'a NodeConfig, d: &SettingsOut<'a>) -> NodeOut<'a> {
    fn differs<T: PartialEq>(own: T, shared: Option<T>) -> Option<T> {
        if shared.as_ref() == Some(&own) { None } else { Some(own) }
    }
    let prompt = |own: &str, shared: &Option<String>| differs(own.to_string(), shared.clone());
    let system = literal_system_prompt(&n.prompts.system);
    let dp = &d.prompts;
    NodeOut {
        id: &n.id,
        name: &n.name,
        role: &n.role,
        children: &n.children,
        settings: SettingsOut {
            model: differs(n.model.as_str(), d.model),
            endpoint: n.endpoint.as_deref().filter(|_| d.endpoint.is_none()),
            temperature: differs(shortest(n.temperature), d.temperature),
            top_p: differs(shortest(n.top_p), d.top_p),
            max_tokens: differs(n.max_tokens, d.max_tokens),
            seed: n.seed.filter(|_| d.seed.is_none()),
            context_tokens: differs(n.context_tokens, d.context_tokens),
            reflect: if n.reflection_levels.is_empty() { differs(n.reflect, d.reflect) } else { None },
            // A leaf never critiques, whatever [defaults] says.
            critique: if n.is_parent() { differs(n.critique, d.critique) } else { None },
            loop_guard: (!n.loop_guard).then_some(false),
            loop_guard_repeats: differs(n.loop_guard_repeats, Some(defaults::LOOP_GUARD_REPEATS)),
            frequency_penalty: n.sampling.frequency_penalty.map(shortest),
            presence_penalty: n.sampling.presence_penalty.map(shortest),
            repeat_penalty: n.sampling.repeat_penalty.map(shortest),
            min_p: n.sampling.min_p.map(shortest),
            top_k: n.sampling.top_k,
            prompts: PromptsOut {
                system: differs(system, dp.system.clone()),
                split: prompt(&n.prompts.split, &dp.split),
                answer: prompt(&n.prompts.answer, &dp.answer),
                synthesize: prompt(&n.prompts.synthesize, &dp.synthesize),
                reflect: prompt(&n.prompts.reflect, &dp.reflect),
                revise: prompt(&n.prompts.revise, &dp.revise),
                critique: prompt(&n.prompts.critique, &dp.critique),
            },
        },
        reflection_levels: n
            .reflection_levels
            .iter()
            .map(|level| LevelOut {
                name: &level.name,
                prompt: &level.reflect,
                revise: (level.revise != n.prompts.revise).then_some(level.revise.as_str()),
            })
            .collect(),
    }
}

/// The value that occurs most often (the first one on a tie), if at least two nodes share it.
fn most_common<T: PartialEq + Copy>(values: impl Iterator<Item = T>) -> Option<T> {
    let values: Vec<T> = values.collect();
    let count = |v: &T| values.iter().filter(|w| *w == v).count();
    let mut best: Option<(T, usize)> = None;
    for v in &values {
        let n = count(v);
        if n >= 2 && best.is_none_or(|(_, m)| n > m) {
            best = Some((*v, n));
        }
    }
    best.map(|(v, _)| v)
}

/// The value every node has, if they all agree and it is set.
fn all_same<T: PartialEq + Copy>(mut values: impl Iterator<Item = Option<T>>) -> Option<T> {
    let first = values.next()??;
    values.all(|v| v == Some(first)).then_some(first)
}

/// `0.7f32` as the f64 `0.7`, not `0.699999988…`, so the file reads as the user wrote it.
fn shortest(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}

/// The resolved system prompt is final text, but loading fills in `{name}`/`{role}` and reads
/// `{{`/`}}` as braces: escape every brace when the text would otherwise change on reload.
fn literal_system_prompt(system: &str) -> String {
    let changes =
        !template::placeholders(system).is_empty() || system.contains("{{") || system.contains("}}");
    if changes { system.replace('{', "{{").replace('}', "}}") } else { system.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_prompts_are_escaped_only_when_reloading_would_change_them() {
        assert_eq!(literal_system_prompt("Reply as {\"a\": 1}."), "Reply as {\"a\": 1}.");
        assert_eq!(literal_system_prompt("Never say {task}."), "Never say {{task}}.");
        assert_eq!(template::render(&literal_system_prompt("a }} b {"), &[]), "a }} b {");
    }

    #[test]
    fn shared_values_need_two_nodes() {
        assert_eq!(most_common([1, 2, 2, 3].into_iter()), Some(2));
        assert_eq!(most_common([1, 2, 3].into_iter()), None);
        assert_eq!(all_same([Some(1), Some(1)].into_iter()), Some(1));
        assert_eq!(all_same([Some(1), None].into_iter()), None);
    }
}
