//! The editable fields of a node, named once: their keys in `hierarchy.toml`, their labels on
//! screen, their value shown as text, and typed new values.

use crate::config::model::{NodeConfig, Phase, Prompts};
use crate::config::suggest::closest;
use crate::config::template;

/// One of a node's prompts: the system prompt or a phase template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PromptField {
    System,
    Split,
    Answer,
    Synthesize,
    Reflect,
    Revise,
    Critique,
}

impl PromptField {
    /// Every prompt, in the order the file documents them.
    pub const ALL: [PromptField; 7] = [
        PromptField::System,
        PromptField::Split,
        PromptField::Answer,
        PromptField::Synthesize,
        PromptField::Reflect,
        PromptField::Revise,
        PromptField::Critique,
    ];

    /// The key in a `prompts` table.
    pub fn key(self) -> &'static str {
        match self {
            PromptField::System => "system",
            PromptField::Split => "split",
            PromptField::Answer => "answer",
            PromptField::Synthesize => "synthesize",
            PromptField::Reflect => "reflect",
            PromptField::Revise => "revise",
            PromptField::Critique => "critique",
        }
    }

    /// The phase the template belongs to (`None` for the system prompt).
    pub fn phase(self) -> Option<Phase> {
        match self {
            PromptField::System => None,
            PromptField::Split => Some(Phase::Split),
            PromptField::Answer => Some(Phase::Answer),
            PromptField::Synthesize => Some(Phase::Synthesize),
            PromptField::Reflect => Some(Phase::Reflect),
            PromptField::Revise => Some(Phase::Revise),
            PromptField::Critique => Some(Phase::Critique),
        }
    }

    /// The label shown beside the editor.
    pub fn label(self) -> &'static str {
        match self {
            PromptField::System => "System prompt",
            PromptField::Split => "Split",
            PromptField::Answer => "Answer",
            PromptField::Synthesize => "Synthesize",
            PromptField::Reflect => "Reflect",
            PromptField::Revise => "Revise",
            PromptField::Critique => "Critique",
        }
    }

    /// The resolved text of this prompt.
    pub fn of(self, prompts: &Prompts) -> &str {
        match self {
            PromptField::System => &prompts.system,
            PromptField::Split => &prompts.split,
            PromptField::Answer => &prompts.answer,
            PromptField::Synthesize => &prompts.synthesize,
            PromptField::Reflect => &prompts.reflect,
            PromptField::Revise => &prompts.revise,
            PromptField::Critique => &prompts.critique,
        }
    }

    /// Whether a run sends this prompt for this node (a leaf never splits, reflect 0 never reflects).
    pub fn used_by(self, node: &NodeConfig) -> bool {
        match self {
            PromptField::System => true,
            PromptField::Split | PromptField::Synthesize => node.is_parent(),
            PromptField::Answer => !node.is_parent(),
            PromptField::Reflect => node.reflect > 0,
            PromptField::Revise => node.reflect > 0 || node.critique,
            PromptField::Critique => node.critique,
        }
    }

    /// What is wrong with a text for this prompt: each unknown placeholder and each missing
    /// required one, with the message of `template::problems` and a hint. Empty when it is fine.
    pub fn problems(self, text: &str) -> Vec<FieldProblem> {
        let Some(phase) = self.phase() else { return system_prompt_problems(text) };
        let allowed = template::allowed_placeholders(phase);
        // `template::problems` lists the unknown placeholders first, in order of use, then the missing ones.
        let unknown: Vec<&str> =
            template::placeholders(text).into_iter().filter(|p| !allowed.contains(p)).collect();
        template::problems(text, phase)
            .into_iter()
            .enumerate()
            .map(|(i, message)| {
                let help = match unknown.get(i) {
                    Some(name) => closest(name, allowed.iter().copied())
                        .map(|near| format!("did you mean {{{near}}}?"))
                        .or_else(|| Some("write {{ and }} for a brace that is not a placeholder".into())),
                    None => template::required_placeholders(phase)
                        .iter()
                        .find(|r| message.contains(&format!("{{{r}}}")))
                        .map(|r| format!("write {{{r}}} where ailab should insert {}", meaning(r))),
                };
                FieldProblem { message, help }
            })
            .collect()
    }
}

fn system_prompt_problems(text: &str) -> Vec<FieldProblem> {
    let allowed = crate::config::resolve::SYSTEM_PLACEHOLDERS;
    template::placeholders(text)
        .into_iter()
        .filter(|name| !allowed.contains(name))
        .map(|name| FieldProblem {
            message: format!(
                "{{{name}}} cannot be used in a system prompt (it may use {{name}} and {{role}})"
            ),
            help: Some("the system prompt says who the node is; put the task in the phase prompts".into()),
        })
        .collect()
}

/// Something wrong with a field's value, said so a person can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl FieldProblem {
    /// The problems of a `ConfigError`, without file positions (the editor shows the field itself).
    pub fn from_error(error: &crate::config::ConfigError) -> Vec<FieldProblem> {
        error
            .problems
            .iter()
            .map(|p| FieldProblem { message: p.message.clone(), help: p.help.clone() })
            .collect()
    }
}

/// A placeholder a prompt may use, for the list beside its editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placeholder {
    pub name: &'static str,
    /// What ailab puts there, in plain words.
    pub meaning: &'static str,
    /// The prompt cannot be saved without it.
    pub required: bool,
}

/// The placeholders a prompt may use (required ones marked), in the order the file documents them.
pub fn placeholders_for(field: PromptField) -> Vec<Placeholder> {
    let (allowed, required): (Vec<&'static str>, &[&str]) = match field.phase() {
        Some(phase) => (template::allowed_placeholders(phase), template::required_placeholders(phase)),
        None => (crate::config::resolve::SYSTEM_PLACEHOLDERS.to_vec(), &[]),
    };
    allowed
        .into_iter()
        .map(|name| Placeholder { name, meaning: meaning(name), required: required.contains(&name) })
        .collect()
}

fn meaning(placeholder: &str) -> &'static str {
    match placeholder {
        "name" => "this node's name",
        "role" => "this node's role",
        "query" => "the user's original question",
        "task" => "what this node was asked to do (for the root, the question)",
        "count" => "the number of children",
        "children" => "the children's names and roles",
        "replies" => "the children's replies",
        "draft" => "the node's own draft",
        "critique" => "the critique of the draft",
        "child" => "the child's name",
        "child_task" => "the child's sub-task",
        "reply" => "the child's reply",
        _ => "filled in by ailab",
    }
}

/// A field of a node the Prompts tab edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Name,
    Role,
    Model,
    Endpoint,
    Temperature,
    TopP,
    MaxTokens,
    Seed,
    ContextTokens,
    Reflect,
    Critique,
    Prompt(PromptField),
}

impl Field {
    /// The settings, in the order a node's table lists them.
    pub const SETTINGS: [Field; 11] = [
        Field::Name,
        Field::Role,
        Field::Model,
        Field::Endpoint,
        Field::Temperature,
        Field::TopP,
        Field::MaxTokens,
        Field::Seed,
        Field::ContextTokens,
        Field::Reflect,
        Field::Critique,
    ];

    /// Every field: the settings, then the prompts.
    pub fn all() -> impl Iterator<Item = Field> {
        Field::SETTINGS.into_iter().chain(PromptField::ALL.into_iter().map(Field::Prompt))
    }

    /// The key in the node's table (a prompt's key is in its `prompts` table).
    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Role => "role",
            Field::Model => "model",
            Field::Endpoint => "endpoint",
            Field::Temperature => "temperature",
            Field::TopP => "top_p",
            Field::MaxTokens => "max_tokens",
            Field::Seed => "seed",
            Field::ContextTokens => "context_tokens",
            Field::Reflect => "reflect",
            Field::Critique => "critique",
            Field::Prompt(prompt) => prompt.key(),
        }
    }

    /// The label shown on screen.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Name",
            Field::Role => "Role",
            Field::Model => "Model",
            Field::Endpoint => "Server address",
            Field::Temperature => "Temperature",
            Field::TopP => "Top p",
            Field::MaxTokens => "Max tokens",
            Field::Seed => "Seed",
            Field::ContextTokens => "Context tokens",
            Field::Reflect => "Reflect rounds",
            Field::Critique => "Critique",
            Field::Prompt(prompt) => prompt.label(),
        }
    }

    /// The node's resolved value as text ("" for an unset seed or endpoint; "on"/"off" for critique).
    pub fn value_text(self, node: &NodeConfig) -> String {
        match self {
            Field::Name => node.name.clone(),
            Field::Role => node.role.clone(),
            Field::Model => node.model.clone(),
            Field::Endpoint => node.endpoint.clone().unwrap_or_default(),
            Field::Temperature => node.temperature.to_string(),
            Field::TopP => node.top_p.to_string(),
            Field::MaxTokens => node.max_tokens.to_string(),
            Field::Seed => node.seed.map(|s| s.to_string()).unwrap_or_default(),
            Field::ContextTokens => node.context_tokens.to_string(),
            Field::Reflect => node.reflect.to_string(),
            Field::Critique => if node.critique { "on" } else { "off" }.to_string(),
            Field::Prompt(prompt) => prompt.of(&node.prompts).to_string(),
        }
    }

    /// Reads typed text as a setting; the error says what to type instead. `None` for prompts.
    pub fn parse_setting(self, text: &str) -> Option<Result<Setting, String>> {
        let t = text.trim();
        let number = |what: &str, example: &str| -> Result<f64, String> {
            t.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{what} must be a number, like {example}, not \"{t}\""))
        };
        let whole = |what: &str, example: &str| -> Result<i64, String> {
            t.parse::<i64>()
                .map_err(|_| format!("{what} must be a whole number, like {example}, not \"{t}\""))
        };
        Some(match self {
            Field::Name => Ok(Setting::Name(t.to_string())),
            Field::Role => Ok(Setting::Role(t.to_string())),
            Field::Model => Ok(Setting::Model(t.to_string())),
            Field::Endpoint => Ok(Setting::Endpoint((!t.is_empty()).then(|| t.to_string()))),
            Field::Temperature => number("temperature", "0.7").map(Setting::Temperature),
            Field::TopP => number("top_p", "0.95").map(Setting::TopP),
            Field::MaxTokens => whole("max_tokens", "512").map(Setting::MaxTokens),
            Field::Seed if t.is_empty() => Ok(Setting::Seed(None)),
            Field::Seed => {
                whole("seed", "42 (or nothing, for varied replies)").map(|s| Setting::Seed(Some(s)))
            }
            Field::ContextTokens => whole("context_tokens", "4096").map(Setting::ContextTokens),
            Field::Reflect => whole("reflect", "0 or 1").map(Setting::Reflect),
            Field::Critique => match t.to_ascii_lowercase().as_str() {
                "on" | "true" | "yes" | "1" => Ok(Setting::Critique(true)),
                "off" | "false" | "no" | "0" => Ok(Setting::Critique(false)),
                _ => Err(format!("critique is on or off, not \"{t}\"")),
            },
            Field::Prompt(_) => return None,
        })
    }
}

/// A new value for one of a node's settings. `None` removes an optional one.
#[derive(Debug, Clone, PartialEq)]
pub enum Setting {
    Name(String),
    Role(String),
    Model(String),
    /// Another server for this node only; `None` uses `[server].base_url`.
    Endpoint(Option<String>),
    Temperature(f64),
    TopP(f64),
    MaxTokens(i64),
    /// `None` leaves the seed out (varied replies).
    Seed(Option<i64>),
    ContextTokens(i64),
    Reflect(i64),
    Critique(bool),
}

impl Setting {
    /// The field this value is for.
    pub fn field(&self) -> Field {
        match self {
            Setting::Name(_) => Field::Name,
            Setting::Role(_) => Field::Role,
            Setting::Model(_) => Field::Model,
            Setting::Endpoint(_) => Field::Endpoint,
            Setting::Temperature(_) => Field::Temperature,
            Setting::TopP(_) => Field::TopP,
            Setting::MaxTokens(_) => Field::MaxTokens,
            Setting::Seed(_) => Field::Seed,
            Setting::ContextTokens(_) => Field::ContextTokens,
            Setting::Reflect(_) => Field::Reflect,
            Setting::Critique(_) => Field::Critique,
        }
    }

    /// The TOML value to write, or `None` to remove the key.
    pub(crate) fn to_value(&self) -> Option<toml_edit::Value> {
        use toml_edit::Value;
        Some(match self {
            Setting::Name(s) | Setting::Role(s) | Setting::Model(s) => Value::from(s.as_str()),
            Setting::Endpoint(url) => Value::from(url.as_deref()?),
            Setting::Temperature(x) | Setting::TopP(x) => Value::from(*x),
            Setting::MaxTokens(n) | Setting::ContextTokens(n) | Setting::Reflect(n) => Value::from(*n),
            Setting::Seed(seed) => Value::from((*seed)?),
            Setting::Critique(on) => Value::from(*on),
        })
    }
}
