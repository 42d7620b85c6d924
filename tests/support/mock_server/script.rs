//! What the mock answers to one request: a scripted [`Reply`], and for streams the [`Step`]s of a
//! [`StreamScript`] rendered into bytes with LM Studio's chunk shapes.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};

/// The answer to one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// HTTP 200 and a server-sent event stream.
    Stream(StreamScript),
    /// Any status with a body (JSON bodies are sent as `application/json`), before any streaming.
    Status { status: u16, body: String, retry_after: Option<String> },
    /// Wait this long before sending the headers of the inner reply (a stall before headers).
    Delayed(Duration, Box<Reply>),
    /// Never answer; hold the request until the client gives up.
    Hang,
    /// Close the connection before any header is sent (a server that crashed or reset it).
    Reset,
    /// What the mock answers when nothing is scripted (see `MockConfig`).
    Default,
}

impl Reply {
    /// An LM Studio stream of these content pieces, then finish, usage and `[DONE]`.
    pub fn text(pieces: &[&str]) -> Reply {
        Reply::Stream(StreamScript::answer(pieces))
    }

    /// A status with a raw body.
    pub fn status(status: u16, body: impl Into<String>) -> Reply {
        Reply::Status { status, body: body.into(), retry_after: None }
    }

    /// LM Studio's error object: `{"error":{"message":..,"type":..,"param":..,"code":..}}`.
    pub fn error_object(status: u16, message: &str, code: Option<&str>) -> Reply {
        let body = json!({ "error": {
            "message": message, "type": "invalid_request_error", "param": code.map(|_| "model"), "code": code
        }});
        Reply::status(status, body.to_string())
    }

    /// LM Studio's plain-string error: `{"error":"..."}`.
    pub fn error_string(status: u16, message: &str) -> Reply {
        Reply::status(status, json!({ "error": message }).to_string())
    }

    /// LM Studio's 400 for a model it does not have.
    pub fn model_not_found(model: &str) -> Reply {
        let message = format!(
            "Invalid model identifier \"{model}\". Please specify a valid downloaded model (i.e. llama-3.2-1b-instruct)."
        );
        Reply::error_object(400, &message, Some("model_not_found"))
    }

    /// LM Studio's 400 when nothing is loaded and just-in-time loading is off.
    pub fn no_models_loaded() -> Reply {
        Reply::error_string(
            400,
            "No models loaded. Please load a model in the developer page or use the 'lms load' command.",
        )
    }

    /// LM Studio's 400 for a prompt longer than the loaded context.
    pub fn context_overflow() -> Reply {
        Reply::error_string(
            400,
            "Trying to keep the first 4710 tokens when context the overflows. However, the model is loaded \
             with context length of only 4096 tokens, which is not enough. Try to load the model with a \
             larger context length, or provide a shorter input",
        )
    }

    /// Ollama's `/v1` 404 for a model that was never pulled.
    pub fn ollama_model_not_found(model: &str) -> Reply {
        let body = json!({ "error": {
            "message": format!("model \"{model}\" not found, try pulling it first"),
            "type": "api_error", "param": null, "code": null
        }});
        Reply::status(404, body.to_string())
    }

    /// A 500 with LM Studio's error object.
    pub fn server_error(message: &str) -> Reply {
        let body = json!({ "error": { "message": message, "type": "server_error" } });
        Reply::status(500, body.to_string())
    }

    /// A 429, optionally with `Retry-After` in seconds.
    pub fn too_many_requests(retry_after_secs: Option<&str>) -> Reply {
        let body = json!({ "error": { "message": "Too many requests", "type": "rate_limit" } });
        Reply::Status {
            status: 429,
            body: body.to_string(),
            retry_after: retry_after_secs.map(str::to_string),
        }
    }

    /// This reply, after holding the request (no headers) for `delay`.
    pub fn after(self, delay: Duration) -> Reply {
        Reply::Delayed(delay, Box::new(self))
    }
}

impl From<StreamScript> for Reply {
    fn from(script: StreamScript) -> Reply {
        Reply::Stream(script)
    }
}

/// One thing a stream does.
#[derive(Debug, Clone)]
pub enum Step {
    /// A chunk with `delta: {role: "assistant", content}` (role repeated, as LM Studio does).
    Content(String),
    /// A chunk with `delta.reasoning_content` (LM Studio, llama.cpp).
    ReasoningContent(String),
    /// A chunk with `delta.reasoning` (Ollama, vLLM, gpt-oss).
    Reasoning(String),
    /// `delta: {}` with this finish reason (and `timings` if the script has them).
    Finish(String),
    /// The usage chunk, with an empty `choices` array.
    Usage { prompt_tokens: u32, completion_tokens: u32 },
    /// `data: <json>` as given.
    Data(Value),
    /// `event: <name>` then `data: <data>` (LM Studio's `event: error` after a 200).
    Event { name: String, data: String },
    /// A `:` comment line.
    Comment(String),
    /// These exact bytes, line endings included (for malformed input).
    Raw(String),
    /// `data: [DONE]`.
    Done,
    /// Send nothing for this long (a stall mid-stream).
    Pause(Duration),
    /// Break the connection here without finishing the response.
    Drop,
}

/// Line endings a stream uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineEnding {
    #[default]
    Lf,
    CrLf,
    Cr,
}

impl LineEnding {
    fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
            LineEnding::Cr => "\r",
        }
    }
}

/// A scripted 200 stream and how to deliver it.
#[derive(Debug, Clone, Default)]
pub struct StreamScript {
    pub steps: Vec<Step>,
    pub line_ending: LineEnding,
    /// Deliver one byte at a time with this pause between bytes (zero: just yield, so each
    /// byte is flushed on its own but without the 1 ms granularity of timers).
    pub byte_delay: Option<Duration>,
    /// Pause between steps (the per-token pace).
    pub step_delay: Duration,
    /// Start the body with a UTF-8 BOM.
    pub bom: bool,
    /// The `model` the chunks name; `None` echoes the requested model.
    pub model: Option<String>,
    /// Add llama.cpp `timings` to the finish chunk.
    pub timings: bool,
}

impl StreamScript {
    /// A stream of exactly these steps.
    pub fn new(steps: Vec<Step>) -> Self {
        Self { steps, ..Self::default() }
    }

    /// Content pieces, then `delta: {}` + `stop`, the usage chunk and `[DONE]`: LM Studio's shape.
    pub fn answer(pieces: &[&str]) -> Self {
        let mut steps: Vec<Step> = pieces.iter().map(|p| Step::Content(p.to_string())).collect();
        steps.push(Step::Finish("stop".into()));
        steps.push(Step::Usage { prompt_tokens: 10, completion_tokens: pieces.len() as u32 });
        steps.push(Step::Done);
        Self::new(steps)
    }

    /// A 200 stream without any text, but well terminated (LM Studio BT#2339).
    pub fn empty() -> Self {
        Self::new(vec![
            Step::Data(
                json!({ "choices": [{ "index": 0, "delta": { "role": "assistant" }, "finish_reason": null }] }),
            ),
            Step::Finish("stop".into()),
            Step::Usage { prompt_tokens: 10, completion_tokens: 0 },
            Step::Done,
        ])
    }

    /// The same stream with these line endings.
    pub fn line_ending(mut self, ending: LineEnding) -> Self {
        self.line_ending = ending;
        self
    }

    /// The same stream delivered one byte at a time.
    pub fn byte_by_byte(mut self, delay: Duration) -> Self {
        self.byte_delay = Some(delay);
        self
    }

    /// The same stream with `delay` between steps.
    pub fn paced(mut self, delay: Duration) -> Self {
        self.step_delay = delay;
        self
    }

    /// The same stream starting with a BOM.
    pub fn with_bom(mut self) -> Self {
        self.bom = true;
        self
    }

    /// The same stream with llama.cpp `timings` on its finish chunk.
    pub fn with_timings(mut self) -> Self {
        self.timings = true;
        self
    }

    /// The same stream naming another answering model.
    pub fn answering_model(mut self, model: &str) -> Self {
        self.model = Some(model.to_string());
        self
    }

    /// The same stream with `step` inserted at `index` (clamped to the end).
    pub fn insert(mut self, index: usize, step: Step) -> Self {
        let index = index.min(self.steps.len());
        self.steps.insert(index, step);
        self
    }

    /// The same stream cut after `count` steps (no finish, no `[DONE]`), then broken off.
    pub fn dropped_after(mut self, count: usize) -> Self {
        self.steps.truncate(count);
        self.steps.push(Step::Drop);
        self
    }

    /// The stream as writes, sleeps and a possible break, for a request for `requested_model`.
    pub(super) fn render(&self, requested_model: &str) -> VecDeque<Out> {
        let model = self.model.as_deref().unwrap_or(requested_model);
        let nl = self.line_ending.as_str();
        let mut outs = VecDeque::new();
        let write = |outs: &mut VecDeque<Out>, text: String| {
            let bytes = text.into_bytes();
            match self.byte_delay {
                None => outs.push_back(Out::Write(Bytes::from(bytes))),
                Some(delay) => {
                    for byte in bytes {
                        outs.push_back(Out::Write(Bytes::copy_from_slice(&[byte])));
                        outs.push_back(Out::Sleep(delay));
                    }
                }
            }
        };
        if self.bom {
            write(&mut outs, "\u{feff}".into());
        }
        let mut completion_pieces = 0u32;
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 && !self.step_delay.is_zero() {
                outs.push_back(Out::Sleep(self.step_delay));
            }
            let data = |value: Value| format!("data: {value}{nl}{nl}");
            let text = match step {
                Step::Content(text) => {
                    completion_pieces += 1;
                    outs.push_back(Out::Sent(Some((false, text.clone()))));
                    data(chunk(model, json!({ "role": "assistant", "content": text }), None))
                }
                Step::ReasoningContent(text) => {
                    outs.push_back(Out::Sent(Some((true, text.clone()))));
                    data(chunk(model, json!({ "role": "assistant", "reasoning_content": text }), None))
                }
                Step::Reasoning(text) => {
                    outs.push_back(Out::Sent(Some((true, text.clone()))));
                    data(chunk(model, json!({ "role": "assistant", "reasoning": text }), None))
                }
                Step::Finish(reason) => {
                    let mut value = chunk(model, json!({}), Some(reason));
                    if self.timings {
                        value["timings"] = timings(completion_pieces);
                    }
                    data(value)
                }
                Step::Usage { prompt_tokens, completion_tokens } => data(json!({
                    "id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 1_700_000_000,
                    "model": model, "system_fingerprint": model, "choices": [],
                    "usage": { "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                               "total_tokens": prompt_tokens + completion_tokens }
                })),
                Step::Data(value) => data(value.clone()),
                Step::Event { name, data } => {
                    let lines: String = data.split('\n').map(|l| format!("data: {l}{nl}")).collect();
                    format!("event: {name}{nl}{lines}{nl}")
                }
                Step::Comment(text) => format!(": {text}{nl}"),
                Step::Raw(text) => {
                    outs.push_back(Out::Sent(None));
                    text.clone()
                }
                Step::Done => format!("data: [DONE]{nl}{nl}"),
                Step::Pause(delay) => {
                    outs.push_back(Out::Sleep(*delay));
                    continue;
                }
                Step::Drop => {
                    outs.push_back(Out::Break);
                    break;
                }
            };
            write(&mut outs, text);
        }
        outs
    }
}

/// What the body stream does next.
#[derive(Debug, Clone)]
pub(super) enum Out {
    /// The text the next write carries (reasoning or not; `None`: raw bytes that may not be
    /// readable), for the log of what was sent (see `faults::SentText`).
    Sent(Option<(bool, String)>),
    Write(Bytes),
    Sleep(Duration),
    Break,
}

/// An LM Studio chunk: one choice with this delta.
fn chunk(model: &str, delta: Value, finish_reason: Option<&str>) -> Value {
    json!({
        "id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 1_700_000_000,
        "model": model, "system_fingerprint": model,
        "choices": [{ "index": 0, "delta": delta, "logprobs": null, "finish_reason": finish_reason }]
    })
}

/// llama.cpp's `timings` for `predicted` tokens, at a plausible 40 tokens/s.
fn timings(predicted: u32) -> Value {
    let predicted_ms = predicted as f64 * 25.0;
    json!({
        "cache_n": 0, "prompt_n": 42, "prompt_ms": 84.0, "prompt_per_token_ms": 2.0, "prompt_per_second": 500.0,
        "predicted_n": predicted, "predicted_ms": predicted_ms, "predicted_per_token_ms": 25.0,
        "predicted_per_second": 40.0
    })
}
