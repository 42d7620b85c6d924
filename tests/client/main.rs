//! End-to-end tests of the HTTP client (`HttpBackend`) against the in-process mock server:
//! every LM Studio quirk, error mapping, retries, timeouts and cancellation.

#[path = "../support/mod.rs"]
mod support;

mod errors;
mod faults;
mod live;
mod mock;
mod retries;
mod streaming;
mod timeouts;

use std::time::Duration;

use ailab::config::ServerConfig;
use ailab::llm::client::HttpBackend;
use ailab::llm::retry::RetryPolicy;
use ailab::llm::{ChatBackend, ChatCompletion, ChatMessage, ChatRequest, Delta, LlmError};

/// Generous timeouts: tests that exercise one set their own small values.
pub fn server_config() -> ServerConfig {
    ServerConfig {
        connect_timeout_secs: 2.0,
        first_token_timeout_secs: 10.0,
        idle_timeout_secs: 10.0,
        ..ServerConfig::default()
    }
}

/// Retries as in production, but with millisecond waits.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(10),
        max_retry_after: Duration::from_millis(250),
    }
}

pub fn backend_with(base_url: &str, server: &ServerConfig) -> HttpBackend {
    HttpBackend::new(base_url, server).expect("valid base URL").with_retry_policy(fast_retries())
}

pub fn backend(base_url: &str) -> HttpBackend {
    backend_with(base_url, &server_config())
}

pub fn request() -> ChatRequest {
    ChatRequest {
        model: "phi-3.1-mini-4k-instruct".into(),
        messages: vec![ChatMessage::system("You are Atlas."), ChatMessage::user("Why is the sky blue?")],
        temperature: 0.7,
        top_p: 0.9,
        max_tokens: 300,
        seed: Some(7),
        response_format: None,
        sampling: Default::default(),
    }
}

/// Streams one call, collecting the deltas handed on (pieces that arrived together come merged).
pub async fn chat(
    backend: &HttpBackend,
    request: &ChatRequest,
) -> (Vec<Delta>, Result<ChatCompletion, LlmError>) {
    let (handed, result) = chat_pieces(backend, request).await;
    (handed.into_iter().map(|(delta, _)| delta).collect(), result)
}

/// Streams one call, collecting the deltas handed on with how many pieces each holds.
pub async fn chat_pieces(
    backend: &HttpBackend,
    request: &ChatRequest,
) -> (Vec<(Delta, u32)>, Result<ChatCompletion, LlmError>) {
    let mut handed = Vec::new();
    let result = {
        let mut sink = |delta: Delta, pieces: u32| handed.push((delta, pieces));
        backend.stream_chat(request, &mut sink).await
    };
    (handed, result)
}

/// The answer text of a list of deltas.
pub fn content_of(deltas: &[Delta]) -> String {
    deltas
        .iter()
        .filter_map(|d| match d {
            Delta::Content(text) => Some(text.as_str()),
            Delta::Reasoning(_) => None,
        })
        .collect()
}
