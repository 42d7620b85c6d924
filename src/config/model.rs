//! The resolved hierarchy: what the engine runs. Built by `load` from `hierarchy.toml` after
//! validation, so everything here is already known to be consistent (one root, known children,
//! no cycles, templates that only use placeholders of their phase).

use serde::{Deserialize, Serialize};

/// Default model id: what LM Studio calls Phi-3.1 mini.
pub const DEFAULT_MODEL: &str = "phi-3.1-mini-4k-instruct";
/// Default base URL: LM Studio's local server.
pub const DEFAULT_BASE_URL: &str = "http://localhost:1234/v1";

/// A validated tree of nodes plus the server settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hierarchy {
    pub server: ServerConfig,
    /// Every node, in file order. The root is `nodes[root]`.
    pub nodes: Vec<NodeConfig>,
    /// Index of the root node in `nodes`.
    pub root: usize,
    /// Where this hierarchy came from (a path, or "built-in default"), for messages.
    pub source: String,
}

impl Hierarchy {
    /// The root node (the coordinator that receives the user's prompt).
    pub fn root(&self) -> &NodeConfig {
        &self.nodes[self.root]
    }

    /// A node by id.
    pub fn node(&self, id: &str) -> Option<&NodeConfig> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The children of a node, in the order the file lists them.
    pub fn children<'a>(&'a self, node: &'a NodeConfig) -> impl Iterator<Item = &'a NodeConfig> + 'a {
        node.children.iter().filter_map(|c| self.node(c))
    }

    /// Node ids in depth-first pre-order from the root (the order panes are numbered in).
    pub fn preorder(&self) -> Vec<&NodeConfig> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack = vec![self.root()];
        while let Some(node) = stack.pop() {
            out.push(node);
            for child in node.children.iter().rev().filter_map(|c| self.node(c)) {
                stack.push(child);
            }
        }
        out
    }

    /// Depth of each node (root = 0), by id.
    pub fn depth_of(&self, id: &str) -> Option<usize> {
        fn walk(h: &Hierarchy, node: &NodeConfig, id: &str, depth: usize) -> Option<usize> {
            if node.id == id {
                return Some(depth);
            }
            h.children(node).find_map(|c| walk(h, c, id, depth + 1))
        }
        walk(self, self.root(), id, 0)
    }

    /// The parent of a node, if it has one.
    pub fn parent_of(&self, id: &str) -> Option<&NodeConfig> {
        self.nodes.iter().find(|n| n.children.iter().any(|c| c == id))
    }

    /// Model calls one question costs the whole tree when nothing fails (a schema a server refuses,
    /// a restart or a fallback adds calls; a failure saves some).
    pub fn calls_per_question(&self) -> usize {
        self.nodes.iter().map(NodeConfig::calls_per_question).sum()
    }

    /// The base URL a node's calls go to (its override, or the server's).
    pub fn endpoint_of<'a>(&'a self, node: &'a NodeConfig) -> &'a str {
        node.endpoint.as_deref().unwrap_or(&self.server.base_url)
    }
}

/// `[server]`: where the models are served and how patiently to talk to them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerConfig {
    /// OpenAI-compatible base URL, ending in `/v1`.
    pub base_url: String,
    /// Name of the environment variable holding the API key (sent as a Bearer token), if any.
    pub api_key_env: Option<String>,
    /// Most requests in flight at once per endpoint (LM Studio's "Max Concurrent Predictions").
    pub max_concurrent: usize,
    /// Seconds to wait for the TCP connection.
    pub connect_timeout_secs: f64,
    /// Seconds to wait for the first token (prompt processing can take minutes).
    pub first_token_timeout_secs: f64,
    /// Seconds of silence allowed between two chunks of a stream.
    pub idle_timeout_secs: f64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_string(),
            api_key_env: None,
            max_concurrent: 4,
            connect_timeout_secs: 5.0,
            first_token_timeout_secs: 300.0,
            idle_timeout_secs: 60.0,
        }
    }
}

/// One member of the organization, fully resolved (defaults applied).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeConfig {
    /// Stable identifier, unique in the tree (lowercase, used in events and the record).
    pub id: String,
    /// Display name ("Atlas").
    pub name: String,
    /// One-line role description ("Coordinator").
    pub role: String,
    /// Child ids, in order. Empty for a leaf.
    pub children: Vec<String>,
    /// Model id as the server lists it (`phi-3.1-mini-4k-instruct:2` for a second instance).
    pub model: String,
    /// Base URL override for this node; `None` uses `[server].base_url`.
    pub endpoint: Option<String>,
    pub temperature: f32,
    pub top_p: f32,
    /// Completion budget per call.
    pub max_tokens: u32,
    pub seed: Option<i64>,
    /// The model's context window in tokens; prompts are bounded to fit it.
    pub context_tokens: u32,
    /// Rounds of self-reflection (critique own draft, then revise) after answering or synthesizing.
    /// With `reflection_levels`, the number of levels.
    pub reflect: u32,
    /// On a parent: review each child's reply and ask it for one revision.
    pub critique: bool,
    pub prompts: Prompts,
    /// Stop a call that falls into repetition (see `engine::loop_guard`). Left out of the
    /// snapshot when on, as most are, so hierarchies written before it hash as they did.
    #[serde(default = "on", skip_serializing_if = "is_on")]
    pub loop_guard: bool,
    /// Copies of a repeated unit (the first included) that make a loop.
    #[serde(default = "default_repeats", skip_serializing_if = "is_default_repeats")]
    pub loop_guard_repeats: u32,
    /// Optional sampling knobs, sent only when set.
    #[serde(default, skip_serializing_if = "Sampling::is_empty")]
    pub sampling: Sampling,
    /// Named reflection rounds, each with its own prompts, run in order (round i uses level i).
    /// Empty: `reflect` rounds all use the node's own reflect and revise prompts. Left out of the
    /// snapshot when empty, so hierarchies without levels hash as they did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reflection_levels: Vec<ReflectionLevel>,
}

/// One named round of reflection: the critique it asks of the node's draft, and the rewrite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReflectionLevel {
    /// What the round is for, shown on the pane ("check the facts").
    pub name: String,
    /// The critique template of this round (a reflect prompt: `{draft}` required).
    pub reflect: String,
    /// The rewrite template of this round (its own, else the node's revise prompt).
    pub revise: String,
}

fn on() -> bool {
    true
}

fn is_on(value: &bool) -> bool {
    *value
}

fn default_repeats() -> u32 {
    super::defaults::LOOP_GUARD_REPEATS
}

fn is_default_repeats(value: &u32) -> bool {
    *value == default_repeats()
}

impl NodeConfig {
    /// True if the node delegates (has children).
    pub fn is_parent(&self) -> bool {
        !self.children.is_empty()
    }

    /// The level of reflection round `round` (1-based), when the node has named levels.
    pub fn reflection_level(&self, round: u32) -> Option<&ReflectionLevel> {
        self.reflection_levels.get((round as usize).checked_sub(1)?)
    }

    /// The reflect and revise templates of round `round` (1-based): the level's, else the node's.
    pub fn reflection_prompts(&self, round: u32) -> (&str, &str) {
        match self.reflection_level(round) {
            Some(level) => (&level.reflect, &level.revise),
            None => (&self.prompts.reflect, &self.prompts.revise),
        }
    }

    /// Model calls the node itself makes for one question, when nothing fails: a split and a
    /// synthesis (a parent) or an answer (a leaf), two per reflection round, and two per child
    /// when it critiques (its review, the child's revision).
    pub fn calls_per_question(&self) -> usize {
        let own = if self.is_parent() { 2 + 2 * self.children.len() * usize::from(self.critique) } else { 1 };
        own + 2 * self.reflect as usize
    }
}

/// A node's system prompt and one template per phase (defaults applied).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prompts {
    pub system: String,
    /// Parent: divide the task into one sub-task per child.
    pub split: String,
    /// Leaf: answer the sub-task.
    pub answer: String,
    /// Parent: combine the children's replies with its own insight.
    pub synthesize: String,
    /// Reflection round, first half: critique one's own draft.
    pub reflect: String,
    /// Second half of reflection or critique: rewrite the draft given a critique.
    pub revise: String,
    /// Parent reviewing a child's reply.
    pub critique: String,
}

/// The phases a call can belong to. Tree phases first, then the lab's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Split,
    Answer,
    Synthesize,
    Reflect,
    Revise,
    Critique,
    Solo,
    Sample,
    Aggregate,
    Judge,
    /// One member asked alone about its part of an earlier turn (an expansion).
    Expand,
}

impl Phase {
    /// Lowercase name as stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Split => "split",
            Phase::Answer => "answer",
            Phase::Synthesize => "synthesize",
            Phase::Reflect => "reflect",
            Phase::Revise => "revise",
            Phase::Critique => "critique",
            Phase::Solo => "solo",
            Phase::Sample => "sample",
            Phase::Aggregate => "aggregate",
            Phase::Judge => "judge",
            Phase::Expand => "expand",
        }
    }

    /// Parse the stored name back.
    pub fn parse(s: &str) -> Option<Phase> {
        Some(match s {
            "split" => Phase::Split,
            "answer" => Phase::Answer,
            "synthesize" => Phase::Synthesize,
            "reflect" => Phase::Reflect,
            "revise" => Phase::Revise,
            "critique" => Phase::Critique,
            "solo" => Phase::Solo,
            "sample" => Phase::Sample,
            "aggregate" => Phase::Aggregate,
            "judge" => Phase::Judge,
            "expand" => Phase::Expand,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sampling knobs a node may set, each sent only when set: a server that does not know one
/// refuses the request, so an unset knob must not be on the wire at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Sampling {
    /// OpenAI: -2..2, penalizes tokens by how often they appeared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f32>,
    /// OpenAI: -2..2, penalizes tokens that appeared at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f32>,
    /// llama.cpp / LM Studio: above 0 (1 is off), divides the odds of recent tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_penalty: Option<f32>,
    /// llama.cpp / LM Studio: 0..1, drops tokens less likely than this share of the likeliest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_p: Option<f32>,
    /// llama.cpp / LM Studio: keep only the k likeliest tokens (0 is off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
}

impl Sampling {
    /// The knobs' names as sent, in order.
    pub const NAMES: [&'static str; 5] =
        ["frequency_penalty", "presence_penalty", "repeat_penalty", "min_p", "top_k"];

    /// True when no knob is set.
    pub fn is_empty(&self) -> bool {
        *self == Sampling::default()
    }

    /// The names of the knobs that are set, in order.
    pub fn set_names(&self) -> Vec<&'static str> {
        let set = [
            self.frequency_penalty.is_some(),
            self.presence_penalty.is_some(),
            self.repeat_penalty.is_some(),
            self.min_p.is_some(),
            self.top_k.is_some(),
        ];
        Self::NAMES.iter().zip(set).filter(|(_, on)| *on).map(|(name, _)| *name).collect()
    }

    /// The same knobs less the one named `name`.
    pub fn without(mut self, name: &str) -> Sampling {
        match name {
            "frequency_penalty" => self.frequency_penalty = None,
            "presence_penalty" => self.presence_penalty = None,
            "repeat_penalty" => self.repeat_penalty = None,
            "min_p" => self.min_p = None,
            "top_k" => self.top_k = None,
            _ => {}
        }
        self
    }
}
