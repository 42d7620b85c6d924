//! Everything that can go wrong talking to a model server, each with a plain-language hint.

use thiserror::Error;

/// What LiteLLM's proxy says of a model name its config does not route.
pub(crate) const LITELLM_UNKNOWN_MODEL: &str = "Invalid model name passed in";

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
    /// A request the server found invalid, whatever status it used (llama-cpp-python answers its
    /// validation errors with a 500): asking again unchanged cannot help.
    #[error("the server refused the request as invalid (HTTP {status}): {message}")]
    BadRequest { status: u16, message: String },
    /// The API key was missing or wrong (a 401 or 403, or LiteLLM's 400 "No connected db.").
    #[error("the server did not accept the API key (HTTP {status}): {message}")]
    KeyRejected { status: u16, message: String },
    #[error("the server reported an error mid-stream: {message}")]
    Stream { message: String },
    #[error("the server sent an empty stream (no text at all)")]
    EmptyStream,
    /// `[DONE]` before any text and without a finish reason: the server ended the stream itself,
    /// as llama-cpp-python does to a stream when another request arrives.
    #[error("the server ended the stream before its first word ([DONE], no text, no finish reason)")]
    CutOff,
    #[error("the stream ended before the answer was finished (no [DONE] and no finish reason)")]
    Truncated,
    /// A 200 whose stream ended before its first event: the server failed after its headers.
    #[error("the server closed the stream without sending anything (no text, no [DONE])")]
    ClosedEmpty,
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
            LlmError::ModelNotFound { model, message } if message.contains(LITELLM_UNKNOWN_MODEL) => {
                return Some(format!(
                    "LiteLLM has no model_name \"{model}\" in its config: add it to model_list in LiteLLM's \
                     config file, or set model in hierarchy.toml to a name `ailab check` lists."
                ));
            }
            LlmError::ModelNotFound { .. } => Some(
                "Load the model in LM Studio (or run `ailab check` to see what is served and fix hierarchy.toml).",
            ),
            LlmError::NoModelLoaded { .. } => {
                Some("In LM Studio: load Phi-3.1 mini (or `lms load phi-3.1-mini-4k-instruct`).")
            }
            LlmError::ContextOverflow { .. } => {
                Some("Shorten the prompt, lower max_tokens, or load the model with a longer context length.")
            }
            LlmError::ClosedEmpty => Some(
                "The server failed before its first word and its own log says why. llama-cpp-python does \
                 this when the prompt is as long as its context (its log: \"Requested tokens (N) exceed \
                 context window of 2048\"; 2048 is its default): start it with --n_ctx 8192, or set \
                 context_tokens in hierarchy.toml to the server's context so ailab fits what it adds \
                 (earlier turns, replies) to it.",
            ),
            LlmError::CutOff => Some(
                "llama-cpp-python ends a stream like this when another request arrives while it streams \
                 (its --interrupt_requests, on by default): start it with --interrupt_requests False, or \
                 set max_concurrent = 1 in [server] of hierarchy.toml so ailab sends one request at a time.",
            ),
            LlmError::FirstTokenTimeout { .. } => {
                Some("The server may be busy or loading a model; raise first_token_timeout_secs in [server].")
            }
            LlmError::IdleTimeout { .. } => {
                Some("Raise idle_timeout_secs in [server] if the server is slow.")
            }
            LlmError::KeyRejected { .. } => Some(
                "The server wants an API key: put it in an environment variable and name that variable \
                 in [server] api_key_env (LM Studio: Developer tab → Server Settings → Require Authentication; \
                 LiteLLM: the master_key of its config).",
            ),
            LlmError::BadRequest { .. } => Some(
                "The server does not accept one of the settings sent: remove the setting its message \
                 names from hierarchy.toml, or run `ailab check --deep` to see which it refuses.",
            ),
            LlmError::Http { status: 500.., message, .. } if message.starts_with("litellm.") => Some(
                "LiteLLM passed on a failure of the servers behind it: check that every api_base in \
                 LiteLLM's config answers (LiteLLM's log names the one that failed).",
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
