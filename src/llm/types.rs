//! What goes over the wire to an OpenAI-compatible server, and what comes back from one call.

use std::time::Instant;

use serde::{Deserialize, Serialize};

/// The knobs are a node's settings, sent as they are: defined with the settings.
pub use crate::config::Sampling;

/// Who a chat message is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

/// One message of a chat request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

impl ChatMessage {
    pub fn system(content: impl Into<String>) -> Self {
        Self { role: Role::System, content: content.into() }
    }
    pub fn user(content: impl Into<String>) -> Self {
        Self { role: Role::User, content: content.into() }
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Self { role: Role::Assistant, content: content.into() }
    }
}

/// A chat completion request, exactly as recorded and (with `stream: true` added) sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<ChatMessage>,
    pub temperature: f32,
    pub top_p: f32,
    pub max_tokens: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// `response_format` as the OpenAI API spells it (a json_schema for splits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<serde_json::Value>,
    /// The optional sampling knobs, sent only when set.
    #[serde(flatten)]
    pub sampling: Sampling,
}

/// A piece of streamed text, already separated into answer and reasoning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delta {
    Content(String),
    Reasoning(String),
}

/// Token counts as the server reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

/// llama.cpp's `timings` object from the last chunk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerTimings {
    #[serde(default)]
    pub prompt_n: Option<u32>,
    #[serde(default)]
    pub prompt_ms: Option<f64>,
    #[serde(default)]
    pub predicted_n: Option<u32>,
    #[serde(default)]
    pub predicted_ms: Option<f64>,
    #[serde(default)]
    pub predicted_per_second: Option<f64>,
    #[serde(default)]
    pub cache_n: Option<u32>,
}

/// Everything one finished streaming call produced.
#[derive(Debug, Clone, Default)]
pub struct ChatCompletion {
    /// The answer text (reasoning removed).
    pub content: String,
    /// Reasoning text (`reasoning_content`, `reasoning` or inline `<think>`), kept apart.
    pub reasoning: String,
    /// `stop`, `length`, … as the server said.
    pub finish_reason: Option<String>,
    /// The model the server says answered (may differ from the one requested).
    pub model: Option<String>,
    pub usage: Option<Usage>,
    pub timings: Option<ServerTimings>,
    /// When the first content or reasoning text arrived.
    pub first_token_at: Option<Instant>,
    /// Number of text chunks received (an estimate of completion tokens when usage is absent).
    pub chunks: u32,
    /// How many times the request was re-sent before any byte of a response (connection refused, 429, 5xx).
    pub retries: u32,
}

/// One model the server offers, from `GET /v1/models`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub id: String,
}
