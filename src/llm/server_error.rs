//! Turning a server's error (an HTTP error body, or an error inside a stream) into the
//! [`LlmError`] a user can act on. LM Studio, llama.cpp, Ollama and vLLM all say "model not
//! found" or "context too long" differently; these are the shapes seen in their sources.

use serde_json::Value;

use super::LlmError;
use super::error::LITELLM_UNKNOWN_MODEL;

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

/// The `code` and `type` of an OpenAI-style error object. LiteLLM sends the status as a string
/// code (`"400"`) and its own types (`auth_error`, `no_db_connection`).
#[derive(Default)]
struct ErrorFields {
    code: Option<String>,
    kind: Option<String>,
}

impl ErrorFields {
    fn of(body: &str) -> Self {
        let Ok(value) = serde_json::from_str::<Value>(body) else { return Self::default() };
        let Some(error) = value.get("error").filter(|e| e.is_object()) else { return Self::default() };
        let text = |key: &str| error.get(key).and_then(Value::as_str).map(str::to_string);
        Self { code: text("code"), kind: text("type") }
    }
}

/// Classifies a non-2xx answer to a request for `model`.
pub fn from_http(status: u16, body: &str, model: &str) -> LlmError {
    let message = message_from_body(body);
    let fields = ErrorFields::of(body);
    if status == 400 && fields.code.as_deref() == Some("model_not_found") {
        return LlmError::ModelNotFound { model: model.to_string(), message };
    }
    if let Some(error) = from_known_message(&message, model) {
        return error;
    }
    if status == 404 && mentions_missing_model(&message.to_lowercase()) {
        return LlmError::ModelNotFound { model: model.to_string(), message };
    }
    // LiteLLM without a database answers a key that is not its master key with a 400 "No
    // connected db." (it would look the key up there): the key is what is wrong.
    if matches!(status, 401 | 403) || fields.kind.as_deref() == Some("no_db_connection") {
        let message = if message.is_empty() { status_text(status) } else { message };
        return LlmError::KeyRejected { status, message };
    }
    if status >= 500 && is_validation_error(&message) {
        return LlmError::BadRequest { status, message };
    }
    let message = if message.is_empty() { status_text(status) } else { message };
    LlmError::Http { status, message }
}

/// A request the server's schema rejected, sent as a 500 by llama-cpp-python (its error handler
/// turns every exception into a 500, pydantic's validation errors included): asking again
/// unchanged cannot help, so it is not re-sent, and a split asks again without its schema.
fn is_validation_error(message: &str) -> bool {
    // FastAPI: "1 validation error:\n  {'type': 'literal_error', …}"; pydantic: "2 validation errors for X".
    let count = message.trim_start().trim_start_matches(|c: char| c.is_ascii_digit());
    count.len() < message.trim_start().len() && count.starts_with(" validation error")
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
    if lower.contains("invalid model identifier") || message.contains(LITELLM_UNKNOWN_MODEL) {
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
        401 => "unauthorized".into(),
        403 => "forbidden".into(),
        429 => "too many requests".into(),
        500 => "internal server error".into(),
        502 => "bad gateway".into(),
        503 => "service unavailable".into(),
        _ => "no message".into(),
    }
}

/// On one line (LiteLLM's messages hold blank lines; an error is shown on one line) and at most
/// `MAX_MESSAGE_CHARS` characters, marked when cut.
pub fn shorten(text: &str) -> String {
    let one_line = if text.contains(['\n', '\r']) {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        text.to_string()
    };
    excerpt(&one_line, MAX_MESSAGE_CHARS)
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

    // LiteLLM's proxy (1.108), as captured from `litellm --config scripts/litellm.yaml`.
    const LITELLM_UNKNOWN: &str = r#"{"error":{"message":"/chat/completions: Invalid model name passed in model=nope. Call `/v1/models` to view available models for your key.","type":"invalid_request_error","param":null,"code":"400","provider_specific_fields":{"error":"/chat/completions: Invalid model name passed in model=nope. Call `/v1/models` to view available models for your key."}}}"#;
    const LITELLM_NO_KEY: &str = r#"{"error":{"message":"Authentication Error, No api key passed in.","type":"auth_error","param":"None","code":"401"}}"#;
    const LITELLM_WRONG_KEY: &str =
        r#"{"error":{"message":"No connected db.","type":"no_db_connection","param":null,"code":"400"}}"#;
    const LITELLM_BACKENDS_DOWN: &str = r#"{"error":{"message":"litellm.InternalServerError: InternalServerError: OpenAIException - Connection error.\n\nLiteLLM: model group 'phi-3.1-mini-4k-instruct' failed with the error above. No fallback was attempted.","type":"internal_server_error","param":null,"code":"500"}}"#;

    #[test]
    fn litellm_unknown_model_name_is_model_not_found_with_litellms_fix() {
        let error = from_http(400, LITELLM_UNKNOWN, "nope");
        assert!(matches!(error, LlmError::ModelNotFound { ref model, .. } if model == "nope"), "{error:?}");
        let hint = error.hint().unwrap_or_default();
        assert!(hint.contains("model_list") && hint.contains("\"nope\""), "{hint}");
    }

    #[test]
    fn litellm_missing_or_wrong_key_is_a_rejected_key_not_a_refused_schema() {
        assert_eq!(
            from_http(401, LITELLM_NO_KEY, MODEL),
            LlmError::KeyRejected {
                status: 401,
                message: "Authentication Error, No api key passed in.".into()
            }
        );
        let wrong = from_http(400, LITELLM_WRONG_KEY, MODEL);
        assert_eq!(wrong, LlmError::KeyRejected { status: 400, message: "No connected db.".into() });
        assert!(!wrong.is_retryable());
        assert!(wrong.hint().is_some_and(|h| h.contains("api_key_env") && h.contains("master_key")));
    }

    #[test]
    fn litellm_string_codes_are_not_mistaken_for_known_codes() {
        // A string "400" code is neither model_not_found nor a reason to treat a 400 differently.
        let body = r#"{"error":{"message":"'temperature' must be a number","type":"invalid_request_error","param":null,"code":"400"}}"#;
        assert_eq!(
            from_http(400, body, MODEL),
            LlmError::Http { status: 400, message: "'temperature' must be a number".into() }
        );
    }

    #[test]
    fn litellm_failures_behind_it_are_retried_and_name_the_servers_behind_it() {
        let error = from_http(500, LITELLM_BACKENDS_DOWN, MODEL);
        assert!(
            matches!(&error, LlmError::Http { status: 500, message }
                if message.contains("Connection error. LiteLLM: model group")),
            "on one line: {error:?}"
        );
        assert!(error.is_retryable());
        assert!(error.hint().is_some_and(|h| h.contains("api_base")));
    }

    #[test]
    fn llama_cpp_pythons_500_validation_errors_are_bad_requests_not_server_failures() {
        let message = "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}\n";
        let body = serde_json::json!({ "error": {
            "message": message, "type": "internal_server_error", "param": null, "code": null
        }})
        .to_string();
        let error = from_http(500, &body, MODEL);
        assert!(
            matches!(error, LlmError::BadRequest { status: 500, ref message } if message.contains("literal_error")),
            "{error:?}"
        );
        assert!(!error.is_retryable(), "asking again unchanged cannot help");
        let pydantic = r#"{"error":{"message":"2 validation errors for CreateChatCompletionRequest","type":"internal_server_error"}}"#;
        assert!(matches!(from_http(500, pydantic, MODEL), LlmError::BadRequest { .. }));
        // A real server failure stays one (and is re-sent).
        let crash = r#"{"error":{"message":"llama_decode returned -3","type":"internal_server_error"}}"#;
        assert!(from_http(500, crash, MODEL).is_retryable());
        assert!(from_http(500, r#"{"error":{"message":"validation error"}}"#, MODEL).is_retryable());
    }
}
