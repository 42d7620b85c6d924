//! From the file as written to what the engine runs: each setting from the node, else
//! `[defaults]`, else the built-in value; every value checked against its range; every template
//! a node will use checked against its phase's placeholders.

use super::defaults;
use super::error::Found;
use super::levels;
use super::model::{NodeConfig, Phase, Prompts, ServerConfig};
use super::range::{check_int, clamp_u32, pick};
use super::raw::{At, RawFile, RawNode, RawPrompts, RawServer, RawSettings};
use super::template;
use super::template_check::{check_written, narrow};

/// Placeholders a system prompt may use (filled in at load: the system prompt is sent as is).
pub(crate) const SYSTEM_PLACEHOLDERS: &[&str] = &["name", "role"];
/// Tokens a node's context must keep free for the prompt beyond its reply budget.
const MIN_PROMPT_ROOM: u32 = 256;
const MAX_REFLECT: i64 = 10;

/// `[server]` with defaults applied; problems go to `found`.
pub(crate) fn server(raw: &RawServer, found: &mut Vec<Found>) -> ServerConfig {
    let mut server = ServerConfig::default();
    if let Some(url) = &raw.base_url {
        match normalize_base_url(&url.value) {
            Ok(url) => server.base_url = url,
            Err((why, help)) => {
                found.push(Found::at(url.span.clone(), format!("base_url in [server] {why}")).help(help))
            }
        }
    }
    if let Some(var) = &raw.api_key_env {
        let name = var.value.trim();
        let simple = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if simple {
            server.api_key_env = Some(name.to_string());
        } else {
            found.push(
                Found::at(var.span.clone(), "api_key_env in [server] must be the name of an environment variable")
                    .help("write the variable's name, like api_key_env = \"LM_API_TOKEN\", and put the key itself in that variable; never the key in this file"),
            );
        }
    }
    if let Some(n) = check_int(&raw.max_concurrent, "max_concurrent", "[server]", 1, 1024, found) {
        server.max_concurrent = n as usize;
    }
    let timeouts = [
        (&raw.connect_timeout_secs, "connect_timeout_secs", &mut server.connect_timeout_secs),
        (&raw.first_token_timeout_secs, "first_token_timeout_secs", &mut server.first_token_timeout_secs),
        (&raw.idle_timeout_secs, "idle_timeout_secs", &mut server.idle_timeout_secs),
    ];
    for (value, key, slot) in timeouts {
        let Some(v) = value else { continue };
        if v.value.is_finite() && v.value > 0.0 {
            *slot = v.value;
        } else {
            found.push(
                Found::at(
                    v.span.clone(),
                    format!("{key} in [server] must be a number of seconds above 0, not {}", v.value),
                )
                .help("there is no \"no timeout\": use a large number, like 3600, to wait long"),
            );
        }
    }
    server
}

/// Accepts `http://host[:port][/path]`; without a path, `/v1` is added (LM Studio's API root).
/// The error is (what is wrong, what to write instead). https is refused here, where the address is
/// written, rather than at the first request: ailab speaks plain http, as local servers do.
pub fn normalize_base_url(url: &str) -> Result<String, (String, String)> {
    let trimmed = url.trim().trim_end_matches('/');
    let example = "write the server's address, like \"http://localhost:1234/v1\"".to_string();
    let Some((scheme, rest)) = trimmed.split_once("://") else {
        let help = if trimmed.is_empty() { example } else { format!("add the scheme: \"http://{trimmed}\"") };
        return Err((format!("\"{url}\" is not an address starting with http://"), help));
    };
    if scheme == "https" {
        return Err((
            format!("\"{url}\" uses https://, which ailab does not speak"),
            format!(
                "local servers (LM Studio, llama.cpp, Ollama, vLLM) serve plain http: write \"http://{rest}\""
            ),
        ));
    }
    if scheme != "http" {
        return Err((format!("\"{url}\" uses {scheme}://; only http:// is supported"), example));
    }
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') || trimmed.contains(char::is_whitespace) {
        return Err((format!("\"{url}\" has no valid server name"), example));
    }
    Ok(if rest.contains('/') { trimmed.to_string() } else { format!("{trimmed}/v1") })
}

/// Range-checks the settings a table gives (each value reported once, where it is written).
pub(crate) fn check_settings(raw: &RawSettings, place: &str, found: &mut Vec<Found>) {
    if let Some(model) = raw.model.as_ref().filter(|m| m.value.trim().is_empty()) {
        found.push(
            Found::at(model.span.clone(), format!("model in {place} is empty"))
                .help(format!("use the id the server lists, like \"{}\"", super::model::DEFAULT_MODEL)),
        );
    }
    if let Some(url) = &raw.endpoint {
        if let Err((why, help)) = normalize_base_url(&url.value) {
            found.push(Found::at(url.span.clone(), format!("endpoint in {place} {why}")).help(help));
        }
    }
    if let Some(t) = raw.temperature.as_ref().filter(|t| !(0.0..=2.0).contains(&t.value)) {
        found.push(
            Found::at(
                t.span.clone(),
                format!("temperature in {place} must be between 0 and 2, not {}", t.value),
            )
            .help("0.2-0.5 keeps replies focused, 0.7 is balanced, above 1 gets adventurous"),
        );
    }
    if let Some(p) = raw.top_p.as_ref().filter(|p| !(p.value > 0.0 && p.value <= 1.0)) {
        found.push(
            Found::at(
                p.span.clone(),
                format!("top_p in {place} must be above 0 and at most 1, not {}", p.value),
            )
            .help("0.95 is a safe value; 1 turns it off"),
        );
    }
    check_int(&raw.max_tokens, "max_tokens", place, 1, i64::from(u32::MAX), found);
    check_int(&raw.context_tokens, "context_tokens", place, 512, i64::from(u32::MAX), found);
    check_int(&raw.reflect, "reflect", place, 0, MAX_REFLECT, found);
    super::knobs::check(raw, place, found);
}

/// Where a template came from, for messages and for pointing at it.
enum Origin<'a> {
    Node(&'a At<String>),
    Defaults(&'a At<String>),
    BuiltIn(&'static str),
}

impl Origin<'_> {
    fn text(&self) -> &str {
        match self {
            Origin::Node(at) | Origin::Defaults(at) => &at.value,
            Origin::BuiltIn(text) => text,
        }
    }
}

/// Resolves one node over `[defaults]` and the built-ins, checking what it will use.
pub(crate) fn node(raw: &RawNode, file: &RawFile, text: &str, found: &mut Vec<Found>) -> NodeConfig {
    let d = &file.defaults;
    let s = &raw.settings;
    let id = raw.id.as_ref().map(|id| id.value.clone()).unwrap_or_default();
    let label = format!("node \"{id}\"");
    check_settings(s, &label, found);
    let children: Vec<String> = raw.children.iter().map(|c| c.value.clone()).collect();
    let is_parent = !children.is_empty();
    let name = raw.name.as_ref().map_or_else(|| capitalized(&id), |n| n.value.trim().to_string());
    let role =
        raw.role.as_ref().map(|r| r.value.trim().to_string()).unwrap_or_else(|| {
            (if is_parent { defaults::PARENT_ROLE } else { defaults::LEAF_ROLE }).to_string()
        });

    let max_tokens = pick(&s.max_tokens, &d.max_tokens).map_or(defaults::MAX_TOKENS, |v| clamp_u32(v.value));
    let context_tokens =
        pick(&s.context_tokens, &d.context_tokens).map_or(defaults::CONTEXT_TOKENS, |v| clamp_u32(v.value));
    if context_tokens >= 512 && max_tokens >= 1 && context_tokens < max_tokens.saturating_add(MIN_PROMPT_ROOM)
    {
        let own = s.max_tokens.as_ref().or(s.context_tokens.as_ref());
        let (span, place) = match own {
            Some(at) => (at.span.clone(), label.clone()),
            None => (
                d.max_tokens
                    .as_ref()
                    .or(d.context_tokens.as_ref())
                    .map_or(raw.span.clone(), |at| at.span.clone()),
                "[defaults]".to_string(),
            ),
        };
        found.push(
            Found::at(span, format!(
                "max_tokens ({max_tokens}) in {place} leaves too little of the context ({context_tokens} tokens) for the prompt"
            ))
            .help(format!("keep max_tokens at least {MIN_PROMPT_ROOM} below context_tokens; 512-700 suits a 4096-token model")),
        );
    }
    if let Some(c) = s.critique.as_ref().filter(|c| c.value && !is_parent) {
        found.push(
            Found::at(c.span.clone(), format!("{label} has critique = true but no children to critique"))
                .help("critique is for nodes with children; remove the line or set it to false"),
        );
    }
    let written_levels = raw.levels.as_ref().filter(|levels| !levels.value.is_empty());
    if let (Some(levels), Some(own)) = (written_levels, &s.reflect) {
        found.push(
            Found::at(
                own.span.clone(),
                format!("{label} sets both reflect = {} and reflection levels", own.value),
            )
            .help(format!(
                "with [[node.reflection_levels]] the member reflects once per level ({} here): remove this reflect line, or the levels",
                levels.value.len()
            )),
        );
    }
    let reflect = match written_levels {
        Some(levels) => levels::count(levels, &label, MAX_REFLECT, found),
        None => pick(&s.reflect, &d.reflect).map_or(0, |v| v.value.clamp(0, MAX_REFLECT) as u32),
    };
    let critique = is_parent && pick(&s.critique, &d.critique).is_some_and(|v| v.value);

    let mut used = if is_parent { vec![Phase::Split, Phase::Synthesize] } else { vec![Phase::Answer] };
    match written_levels {
        // Each level brings its critique; the node's revise prompt serves levels without their own.
        Some(levels) if levels.value.iter().any(|level| level.revise.is_none()) => used.push(Phase::Revise),
        Some(_) => {}
        None if reflect > 0 => used.extend([Phase::Reflect, Phase::Revise]),
        None => {}
    }
    if critique {
        used.extend([Phase::Critique, Phase::Revise]);
    }
    let prompts = prompts(&raw.prompts, &file.default_prompts, &used, &label, text, found);
    let reflection_levels =
        written_levels.map(|levels| levels::resolve(levels, &prompts.revise, &label, text, found));
    let system = system_prompt(&raw.prompts, &file.default_prompts, &label, text, found);
    let system = template::render(&system, &[("name", &name), ("role", &role)]);

    NodeConfig {
        id,
        name,
        role,
        children,
        model: pick(&s.model, &d.model)
            .map_or(super::model::DEFAULT_MODEL.to_string(), |m| m.value.trim().to_string()),
        endpoint: pick(&s.endpoint, &d.endpoint).and_then(|e| normalize_base_url(&e.value).ok()),
        temperature: pick(&s.temperature, &d.temperature).map_or(defaults::TEMPERATURE, |t| t.value as f32),
        top_p: pick(&s.top_p, &d.top_p).map_or(defaults::TOP_P, |p| p.value as f32),
        max_tokens,
        seed: pick(&s.seed, &d.seed).map(|v| v.value),
        context_tokens,
        reflect,
        critique,
        prompts: Prompts { system, ..prompts },
        loop_guard: pick(&s.loop_guard, &d.loop_guard).is_none_or(|v| v.value),
        loop_guard_repeats: pick(&s.loop_guard_repeats, &d.loop_guard_repeats)
            .map_or(defaults::LOOP_GUARD_REPEATS, |v| clamp_u32(v.value)),
        sampling: super::knobs::sampling(s, d),
        reflection_levels: reflection_levels.unwrap_or_default(),
    }
}

fn capitalized(id: &str) -> String {
    let mut chars = id.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// The phase templates, each from the node, else `[defaults.prompts]`, else built in; the ones in
/// `used` are checked. The system prompt is filled in by the caller.
fn prompts(
    own: &RawPrompts,
    shared: &RawPrompts,
    used: &[Phase],
    label: &str,
    text: &str,
    found: &mut Vec<Found>,
) -> Prompts {
    let mut resolve =
        |phase: Phase, mine: &Option<At<String>>, theirs: &Option<At<String>>, builtin: &'static str| {
            let origin = match (mine, theirs) {
                (Some(at), _) => Origin::Node(at),
                (None, Some(at)) => Origin::Defaults(at),
                (None, None) => Origin::BuiltIn(builtin),
            };
            if used.contains(&phase) {
                check_template(&origin, phase, label, text, found);
            }
            origin.text().trim().to_string()
        };
    Prompts {
        system: String::new(),
        split: resolve(Phase::Split, &own.split, &shared.split, defaults::SPLIT),
        answer: resolve(Phase::Answer, &own.answer, &shared.answer, defaults::ANSWER),
        synthesize: resolve(Phase::Synthesize, &own.synthesize, &shared.synthesize, defaults::SYNTHESIZE),
        reflect: resolve(Phase::Reflect, &own.reflect, &shared.reflect, defaults::REFLECT),
        revise: resolve(Phase::Revise, &own.revise, &shared.revise, defaults::REVISE),
        critique: resolve(Phase::Critique, &own.critique, &shared.critique, defaults::CRITIQUE),
    }
}

fn check_template(origin: &Origin<'_>, phase: Phase, label: &str, text: &str, found: &mut Vec<Found>) {
    let (place, at) = match origin {
        Origin::Node(at) => (format!("the {phase} prompt of {label}"), Some(*at)),
        Origin::Defaults(at) => (format!("the {phase} prompt in [defaults.prompts]"), Some(*at)),
        Origin::BuiltIn(_) => (format!("the built-in {phase} prompt"), None),
    };
    check_written(origin.text(), phase, &place, at, text, found);
}

fn system_prompt(
    own: &RawPrompts,
    shared: &RawPrompts,
    label: &str,
    text: &str,
    found: &mut Vec<Found>,
) -> String {
    let (at, place) = match (&own.system, &shared.system) {
        (Some(at), _) => (at, format!("the system prompt of {label}")),
        (None, Some(at)) => (at, "the system prompt in [defaults.prompts]".to_string()),
        (None, None) => return defaults::SYSTEM.to_string(),
    };
    for name in template::placeholders(&at.value) {
        if !SYSTEM_PLACEHOLDERS.contains(&name) {
            found.push(
                Found::at(
                    narrow(text, at, &format!("{{{name}}}")),
                    format!("{place}: {{{name}}} cannot be used in a system prompt (it may use {{name}} and {{role}})"),
                )
                .help("the system prompt says who the node is; put the task in the phase prompts"),
            );
        }
    }
    at.value.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::normalize_base_url;

    #[test]
    fn base_urls_get_v1_only_when_they_have_no_path() {
        assert_eq!(normalize_base_url("http://localhost:1234").ok(), Some("http://localhost:1234/v1".into()));
        assert_eq!(normalize_base_url(" http://h:1/v1/ ").ok(), Some("http://h:1/v1".into()));
        assert_eq!(normalize_base_url("http://h/api").ok(), Some("http://h/api".into()));
        let (why, help) = normalize_base_url("https://h:1234/v1").unwrap_err();
        assert!(why.contains("https://") && help.contains("\"http://h:1234/v1\""), "{why} / {help}");
        for bad in ["", "localhost:1234", "ftp://h/v1", "http://", "http://:80/v1", "http://a b/v1"] {
            assert!(normalize_base_url(bad).is_err(), "{bad}");
        }
    }
}
