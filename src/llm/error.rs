//! Everything that can go wrong talking to a model server, each with a plain-language hint.

use thiserror::Error;

/// A failed call. Messages are written for the user, not for a developer.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum LlmError {
    #[error("cannot reach the server at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the server does not serve model \"{model}\": {message}")]
    ModelNotFound { model: String, message: String },
    #[error("the server has no model loaded: {message}")]
    NoModelLoaded { message: String },
    #[error("the prompt does not fit the model's context: {message}")]
    ContextOverflow { message: String },
    #[error("the server answered HTTP {status}: {message}")]
    Http { status: u16, message: String },
    #[error("the server reported an error mid-stream: {message}")]
    Stream { message: String },
    #[error("the server sent an empty stream (no text at all)")]
    EmptyStream,
    #[error("the stream ended before the answer was finished (no [DONE] and no finish reason)")]
    Truncated,
    #[error("no first token after {secs:.0} s (first-token timeout)")]
    FirstTokenTimeout { secs: f64 },
    #[error("the stream went silent for {secs:.0} s (idle timeout)")]
    IdleTimeout { secs: f64 },
    #[error("the server sent something that is not an OpenAI-compatible response: {message}")]
    InvalidResponse { message: String },
    #[error("cancelled")]
    Cancelled,
}

impl LlmError {
    /// What the user can do about it, for LM Studio first.
    pub fn hint(&self) -> Option<String> {
        let hint = match self {
            LlmError::Unreachable { url, .. } => return Some(unreachable_hint(url)),
            LlmError::ModelNotFound { .. } => Some(
                "Load the model in LM Studio (or run `ailab check` to see what is served and fix hierarchy.toml).",
            ),
            LlmError::NoModelLoaded { .. } => {
                Some("In LM Studio: load Phi-3.1 mini (or `lms load phi-3.1-mini-4k-instruct`).")
            }
            LlmError::ContextOverflow { .. } => {
                Some("Shorten the prompt, lower max_tokens, or load the model with a longer context length.")
            }
            LlmError::FirstTokenTimeout { .. } => {
                Some("The server may be busy or loading a model; raise first_token_timeout_secs in [server].")
            }
            LlmError::IdleTimeout { .. } => {
                Some("Raise idle_timeout_secs in [server] if the server is slow.")
            }
            LlmError::Http { status: 401 | 403, .. } => Some(
                "The server wants an API key: put it in an environment variable and name that variable \
                 in [server] api_key_env (LM Studio: Developer tab → Server Settings → Require Authentication).",
            ),
            _ => None,
        };
        hint.map(str::to_string)
    }

    /// True for failures worth re-sending (only ever before the first byte of a response).
    pub fn is_retryable(&self) -> bool {
        match self {
            LlmError::Unreachable { .. } => true,
            LlmError::Http { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

/// Where to start the server: LM Studio's own port gets LM Studio's menu; another address is
/// someone's own setting (a node's `endpoint`, `base_url`, or another server), named as such.
fn unreachable_hint(url: &str) -> String {
    let port = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|host| host.rsplit_once(':'));
    match port {
        Some((_, "1234")) => {
            "In LM Studio: open the Developer tab and press Start server (port 1234), or pass --base-url."
                .into()
        }
        _ => format!(
            "Start the server at {url} (LM Studio: Developer tab → Start server, on that port), or correct \
             that address in hierarchy.toml (a node's endpoint or [server] base_url) or with --base-url."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_server_gets_advice_for_its_own_address() {
        let lm_studio =
            LlmError::Unreachable { url: "http://localhost:1234/v1".into(), reason: "refused".into() };
        assert!(lm_studio.hint().is_some_and(|h| h.contains("Start server (port 1234)")));
        let other = LlmError::Unreachable { url: "http://127.0.0.1:9/v1".into(), reason: "refused".into() };
        let hint = other.hint().unwrap_or_default();
        assert!(
            hint.contains("Start the server at http://127.0.0.1:9/v1") && !hint.contains("1234"),
            "{hint}"
        );
    }
}
