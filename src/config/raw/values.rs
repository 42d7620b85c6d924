//! The file as written: every value with its byte span, so that each problem points at its place.

use std::ops::Range;

use toml::de::DeValue;

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct At<T> {
    pub value: T,
    pub span: Range<usize>,
}

/// `[server]` as written.
#[derive(Debug, Default)]
pub(crate) struct RawServer {
    pub base_url: Option<At<String>>,
    pub api_key_env: Option<At<String>>,
    pub max_concurrent: Option<At<i64>>,
    pub connect_timeout_secs: Option<At<f64>>,
    pub first_token_timeout_secs: Option<At<f64>>,
    pub idle_timeout_secs: Option<At<f64>>,
}

/// The settings a node may set and `[defaults]` may give for all.
#[derive(Debug, Default)]
pub(crate) struct RawSettings {
    pub model: Option<At<String>>,
    pub endpoint: Option<At<String>>,
    pub temperature: Option<At<f64>>,
    pub top_p: Option<At<f64>>,
    pub max_tokens: Option<At<i64>>,
    pub seed: Option<At<i64>>,
    pub context_tokens: Option<At<i64>>,
    pub reflect: Option<At<i64>>,
    pub critique: Option<At<bool>>,
    pub loop_guard: Option<At<bool>>,
    pub loop_guard_repeats: Option<At<i64>>,
    pub frequency_penalty: Option<At<f64>>,
    pub presence_penalty: Option<At<f64>>,
    pub repeat_penalty: Option<At<f64>>,
    pub min_p: Option<At<f64>>,
    pub top_k: Option<At<i64>>,
}

/// A `prompts` table (of a node or of `[defaults]`).
#[derive(Debug, Default)]
pub(crate) struct RawPrompts {
    pub system: Option<At<String>>,
    pub split: Option<At<String>>,
    pub answer: Option<At<String>>,
    pub synthesize: Option<At<String>>,
    pub reflect: Option<At<String>>,
    pub revise: Option<At<String>>,
    pub critique: Option<At<String>>,
}

/// One `[[node]]` as written.
#[derive(Debug)]
pub(crate) struct RawNode {
    /// Where the node's table is, for problems about the node as a whole.
    pub span: Range<usize>,
    pub id: Option<At<String>>,
    pub name: Option<At<String>>,
    pub role: Option<At<String>>,
    pub children: Vec<At<String>>,
    pub settings: RawSettings,
    pub prompts: RawPrompts,
    /// `[[node.reflection_levels]]`, in order; `None` when the node lists none.
    pub levels: Option<At<Vec<RawLevel>>>,
}

/// One `[[node.reflection_levels]]` table as written.
#[derive(Debug)]
pub(crate) struct RawLevel {
    /// Where the level's table is, for problems about the level as a whole.
    pub span: Range<usize>,
    pub name: Option<At<String>>,
    pub prompt: Option<At<String>>,
    pub revise: Option<At<String>>,
}

/// The whole file as written.
#[derive(Debug, Default)]
pub(crate) struct RawFile {
    pub server: RawServer,
    pub defaults: RawSettings,
    pub default_prompts: RawPrompts,
    pub nodes: Vec<RawNode>,
}

/// A node's keys, in the order they are documented (and the editor places a new key in): its own
/// four, then the settings `[defaults]` shares with it, then the `prompts` table.
pub(crate) const NODE_KEYS: &[&str] = &[
    "id",
    "name",
    "role",
    "children",
    "model",
    "endpoint",
    "temperature",
    "top_p",
    "max_tokens",
    "seed",
    "context_tokens",
    "reflect",
    "critique",
    "loop_guard",
    "loop_guard_repeats",
    "frequency_penalty",
    "presence_penalty",
    "repeat_penalty",
    "min_p",
    "top_k",
    "prompts",
];

/// The keys `[defaults]` may hold: a node's, less the four that belong to one node.
pub(crate) const DEFAULTS_KEYS: &[&str] = NODE_KEYS.split_at(4).1;

/// The array of tables a node may add after its settings: its named reflection rounds. Not a
/// `[defaults]` key: levels are written for one node's work.
pub(crate) const LEVELS_KEY: &str = "reflection_levels";

/// The keys of one reflection level.
pub(crate) const LEVEL_KEYS: &[&str] = &["name", "prompt", "revise"];

/// The prompt names, in the order they are documented and exported.
pub(crate) const PROMPT_KEYS: &[&str] =
    &["system", "split", "answer", "synthesize", "reflect", "revise", "critique"];

/// A value's type in plain words, with the value when it is short.
pub(crate) fn describe(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) if s.chars().count() <= 20 => format!("the text \"{s}\""),
        DeValue::String(_) => "text".into(),
        DeValue::Integer(i) => format!("the number {}", i.as_str()),
        DeValue::Float(f) => format!("the number {}", f.as_str()),
        DeValue::Boolean(b) => format!("{b}"),
        DeValue::Datetime(_) => "a date".into(),
        DeValue::Array(_) => "a list".into(),
        DeValue::Table(_) => "a table".into(),
    }
}
