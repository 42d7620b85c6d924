//! What real servers other than LM Studio taught (issue 15 §3), as replies the mock gives on cue,
//! so CI keeps each lesson without the real server. Every body here was captured from the server
//! named, by `scripts/try-llama-cpp-python.sh` and `scripts/try-litellm.sh`.

use serde_json::json;

use super::script::{Reply, Step, StreamScript};

impl Reply {
    /// llama-cpp-python's 500 for a `response_format` of type `json_schema` (it knows only `text`
    /// and `json_object`, and takes a schema as `{"type": "json_object", "schema": …}`): its error
    /// handler answers every exception, this validation error included, with a 500 (captured from
    /// llama-cpp-python 0.3 on `POST /v1/chat/completions`; 0.3.36 says the same).
    pub fn llama_cpp_python_schema_refused() -> Reply {
        let message = "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', 'ctx': {'expected': \"'text' or 'json_object'\"}}\n\n  File \"/work/venvs/lcp/lib/python3.11/site-packages/llama_cpp/server/app.py\", line 376, in create_chat_completion\n    POST /v1/chat/completions";
        let body = json!({ "error": {
            "message": message, "type": "internal_server_error", "param": null, "code": null
        }});
        Reply::status(500, body.to_string())
    }

    /// LiteLLM's 400 for a model name no entry of its config's `model_list` routes.
    pub fn litellm_unknown_model(model: &str) -> Reply {
        let message = format!(
            "/chat/completions: Invalid model name passed in model={model}. Call `/v1/models` to view available models for your key."
        );
        let body = json!({ "error": {
            "message": message, "type": "invalid_request_error", "param": null, "code": "400",
            "provider_specific_fields": { "error": message }
        }});
        Reply::status(400, body.to_string())
    }

    /// LiteLLM's 401 when a request carries no key (its `param` is the string "None").
    pub fn litellm_no_key() -> Reply {
        let body = json!({ "error": {
            "message": "Authentication Error, No api key passed in.", "type": "auth_error",
            "param": "None", "code": "401"
        }});
        Reply::status(401, body.to_string())
    }

    /// LiteLLM's 400 for a key that is not its master key, when it has no database to look the
    /// key up in.
    pub fn litellm_wrong_key() -> Reply {
        let body = json!({ "error": {
            "message": "No connected db.", "type": "no_db_connection", "param": null, "code": "400"
        }});
        Reply::status(400, body.to_string())
    }

    /// LiteLLM's 500 when every server behind a model name failed (here: refused the connection).
    pub fn litellm_servers_down(model: &str) -> Reply {
        let message = format!(
            "litellm.InternalServerError: InternalServerError: OpenAIException - Connection error.\n\nLiteLLM: model group '{model}' failed with the error above. No fallback was attempted."
        );
        let body = json!({ "error": {
            "message": message, "type": "internal_server_error", "param": null, "code": "500"
        }});
        Reply::status(500, body.to_string())
    }
}

impl StreamScript {
    /// A 200 event stream that closes without a single event: no text, no finish, no `[DONE]`.
    /// llama-cpp-python (0.3.36) answers a stream's headers before it runs the model, so a request
    /// that fails then ends like this, the reason only in its own log. Seen with a prompt of 2,831
    /// tokens and its default context: "ValueError: Requested tokens (2831) exceed context window
    /// of 2048" (a prompt shorter than `n_ctx` whose max_tokens overflow is cut, not failed).
    pub fn closed_empty() -> Self {
        Self::new(Vec::new())
    }

    /// A split as llama-cpp-python's JSON grammar lets a model write it: a JSON array of `tasks`
    /// whose strings carry raw newlines (its grammar's string character is `[^"\\]`, so control
    /// characters pass; strict JSON forbids them). Seen from SmolLM2 on 0.3.36 with a
    /// `json_object` schema: `[ "]\n```json\n{\n  " ,"\n  " ]`, the newlines raw.
    pub fn llama_cpp_python_raw_newline_split(tasks: &[&str]) -> Self {
        let quoted: Vec<String> = tasks.iter().map(|t| format!("\"{t}\"")).collect();
        Self::answer(&[&format!("[ {} ]", quoted.join(" ,"))])
    }

    /// llama-cpp-python's stream cut off for another request (`--interrupt_requests`, on by
    /// default): after each chunk it ends the stream with `[DONE]` if another request waits for
    /// the model, so a stream that began as another arrived is its role chunk, then `[DONE]`: no
    /// text and no finish reason. Captured with two `curl` streams 0.3 s apart.
    pub fn llama_cpp_python_cut_off() -> Self {
        Self::new(vec![
            Step::Data(json!({
                "id": "chatcmpl-0071ca30-2b55-47e1-88ec-e6d2a6f366ac", "model": "phi-3.1-mini-4k-instruct",
                "created": 1796612552, "object": "chat.completion.chunk",
                "choices": [{ "index": 0, "delta": { "role": "assistant" }, "logprobs": null, "finish_reason": null }]
            })),
            Step::Done,
        ])
    }
}
