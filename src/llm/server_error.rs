//! Turning a server's error (an HTTP error body, or an error inside a stream) into the
//! [`LlmError`] a user can act on. LM Studio, llama.cpp, Ollama and vLLM all say "model not
//! found" or "context too long" differently; these are the shapes seen in their sources.

use serde_json::Value;

use super::LlmError;

/// Longest server message kept in an error (a raw HTML page must not flood the screen).
const MAX_MESSAGE_CHARS: usize = 300;

/// The human-readable message in an error body: `{"error":{"message":..}}`, `{"error":".."}`,
/// `{"message":..}` (vLLM), `{"detail":..}` (FastAPI), or the raw text, shortened.
pub fn message_from_body(body: &str) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(value) => message_from_value(&value).unwrap_or_else(|| shorten(body.trim())),
        Err(_) => shorten(body.trim()),
    }
}

/// The message of a JSON error payload, if it has one.
pub fn message_from_value(value: &Value) -> Option<String> {
    let found = match value.get("error") {
        Some(error) => error_text(error),
        None => value.get("message").or_else(|| value.get("detail")).and_then(error_text),
    };
    found.map(|m| shorten(m.trim()))
}

fn error_text(error: &Value) -> Option<String> {
    match error {
        Value::String(s) => Some(s.clone()),
        Value::Object(map) => match map.get("message") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => error_text(other),
            None => Some(error.to_string()),
        },
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// The `code` of an OpenAI-style error object (`model_not_found`), if any.
fn error_code(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body).ok()?;
    let code = value.get("error")?.get("code")?;
    code.as_str().map(str::to_string)
}

/// Classifies a non-2xx answer to a request for `model`.
pub fn from_http(status: u16, body: &str, model: &str) -> LlmError {
    let message = message_from_body(body);
    if status == 400 && error_code(body).as_deref() == Some("model_not_found") {
        return LlmError::ModelNotFound { model: model.to_string(), message };
    }
    if let Some(error) = from_known_message(&message, model) {
        return error;
    }
    if status == 404 && mentions_missing_model(&message.to_lowercase()) {
        return LlmError::ModelNotFound { model: model.to_string(), message };
    }
    let message = if message.is_empty() { status_text(status) } else { message };
    LlmError::Http { status, message }
}

/// Classifies an error a server sent inside a 200 stream.
pub fn from_stream(message: String, model: &str) -> LlmError {
    from_known_message(&message, model).unwrap_or(LlmError::Stream { message })
}

/// Errors recognised by their wording, whatever the status.
fn from_known_message(message: &str, model: &str) -> Option<LlmError> {
    let lower = message.to_lowercase();
    if lower.contains("no models loaded") {
        return Some(LlmError::NoModelLoaded { message: message.to_string() });
    }
    if lower.contains("invalid model identifier") {
        return Some(LlmError::ModelNotFound { model: model.to_string(), message: message.to_string() });
    }
    let overflow = lower.contains("trying to keep the first")
        || lower.contains("context length")
        || lower.contains("context size")
        || lower.contains("context window")
        || (lower.contains("exceeds") && (lower.contains("context") || lower.contains("token")));
    overflow.then(|| LlmError::ContextOverflow { message: message.to_string() })
}

/// Ollama: `model "x" not found, try pulling it first`; vLLM: `The model `x` does not exist.`
fn mentions_missing_model(lower: &str) -> bool {
    lower.contains("model") && (lower.contains("not found") || lower.contains("does not exist"))
}

fn status_text(status: u16) -> String {
    match status {
        429 => "too many requests".into(),
        500 => "internal server error".into(),
        502 => "bad gateway".into(),
        503 => "service unavailable".into(),
        _ => "no message".into(),
    }
}

/// At most `MAX_MESSAGE_CHARS` characters, marked when cut.
pub fn shorten(text: &str) -> String {
    excerpt(text, MAX_MESSAGE_CHARS)
}

/// The first `max_chars` characters of `text`, with "…" when it was longer.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = "phi-3.1-mini-4k-instruct";

    #[test]
    fn lmstudio_invalid_model_identifier_is_model_not_found() {
        let body = r#"{"error":{"message":"Invalid model identifier \"x\". Please specify a valid downloaded model.","type":"invalid_request_error","param":"model","code":"model_not_found"}}"#;
        assert!(
            matches!(from_http(400, body, MODEL), LlmError::ModelNotFound { ref model, .. } if model == MODEL)
        );
    }

    #[test]
    fn lmstudio_no_models_loaded_as_plain_string() {
        let body = r#"{"error":"No models loaded. Please load a model in the developer page or use the 'lms load' command."}"#;
        assert_eq!(
            from_http(400, body, MODEL),
            LlmError::NoModelLoaded {
                message: "No models loaded. Please load a model in the developer page or use the 'lms load' command."
                    .into()
            }
        );
    }

    #[test]
    fn context_overflow_wordings() {
        for message in [
            "Trying to keep the first 5000 tokens when context the overflows. However, the model is loaded with context length of only 4096 tokens",
            "the request exceeds the available context size, try increasing it",
            "This model's maximum context length is 4096 tokens.",
        ] {
            let body = serde_json::json!({ "error": { "message": message } }).to_string();
            assert!(matches!(from_http(400, &body, MODEL), LlmError::ContextOverflow { .. }), "{message}");
        }
    }

    #[test]
    fn ollama_and_vllm_404s_are_model_not_found() {
        let ollama = r#"{"error":{"message":"model \"llama9\" not found, try pulling it first","type":"api_error","param":null,"code":null}}"#;
        let vllm = r#"{"object":"error","message":"The model `llama9` does not exist.","type":"NotFoundError","param":null,"code":404}"#;
        for body in [ollama, vllm] {
            assert!(matches!(from_http(404, body, "llama9"), LlmError::ModelNotFound { .. }), "{body}");
        }
    }

    #[test]
    fn other_errors_keep_status_and_the_servers_message() {
        assert_eq!(
            from_http(500, r#"{"error":{"message":"CUDA out of memory"}}"#, MODEL),
            LlmError::Http { status: 500, message: "CUDA out of memory".into() }
        );
        assert_eq!(
            from_http(404, "Cannot POST /v2/chat", MODEL),
            LlmError::Http { status: 404, message: "Cannot POST /v2/chat".into() }
        );
        assert_eq!(
            from_http(503, "", MODEL),
            LlmError::Http { status: 503, message: "service unavailable".into() }
        );
    }

    #[test]
    fn long_raw_bodies_are_shortened() {
        let body = "x".repeat(5000);
        let LlmError::Http { message, .. } = from_http(500, &body, MODEL) else { panic!("not Http") };
        assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(message.ends_with('…'));
    }

    #[test]
    fn stream_errors_are_classified_too() {
        assert!(matches!(
            from_stream("Trying to keep the first 4200 tokens when context the overflows".into(), MODEL),
            LlmError::ContextOverflow { .. }
        ));
        assert_eq!(from_stream("boom".into(), MODEL), LlmError::Stream { message: "boom".into() });
    }
}
