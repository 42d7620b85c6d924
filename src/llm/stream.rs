//! Decoding the events of an OpenAI-compatible chat stream into text and the call's final facts,
//! tolerating what real servers send: usage chunks with empty `choices`, `role` in every delta,
//! `delta: {}` carrying only the finish reason, llama.cpp's `timings`, reasoning as
//! `reasoning_content`, `reasoning` or inline `<think>`, and errors inside a 200 stream.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use super::server_error::{self, excerpt};
use super::sse::SseEvent;
use super::think::ThinkSplitter;
use super::{ChatCompletion, Delta, LlmError, ServerTimings, Usage};

/// How much of a malformed chunk to show in the error.
const EXCERPT_CHARS: usize = 80;

/// Turns SSE events into deltas while collecting what the stream says about the call.
#[derive(Debug)]
pub struct StreamDecoder {
    requested_model: String,
    think: ThinkSplitter,
    completion: ChatCompletion,
    done: bool,
    /// Events decoded: none at all tells a stream closed before it began from one cut off.
    events: usize,
}

impl StreamDecoder {
    /// A decoder for a stream answering a request for `requested_model`.
    pub fn new(requested_model: &str) -> Self {
        Self {
            requested_model: requested_model.to_string(),
            think: ThinkSplitter::new(),
            completion: ChatCompletion::default(),
            done: false,
            events: 0,
        }
    }

    /// True once `data: [DONE]` arrived: nothing more is expected.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// True once any answer or reasoning text arrived. A stream of reasoning alone is not an
    /// empty stream: it is returned with empty `content`, and the engine fails that call with a
    /// hint naming the node (only it knows which `max_tokens` to raise).
    pub fn has_text(&self) -> bool {
        !self.completion.content.is_empty() || !self.completion.reasoning.is_empty()
    }

    /// Decodes one event into the text it carries. An error payload is fatal for the call.
    pub fn decode(&mut self, event: &SseEvent) -> Result<Vec<Delta>, LlmError> {
        if self.done {
            return Ok(Vec::new());
        }
        self.events += 1;
        let data = event.data.trim();
        if event.event.as_deref() == Some("error") {
            let message = serde_json::from_str::<Value>(data)
                .ok()
                .and_then(|v| server_error::message_from_value(&v))
                .unwrap_or_else(|| server_error::shorten(data));
            return Err(server_error::from_stream(message, &self.requested_model));
        }
        if data.is_empty() {
            return Ok(Vec::new());
        }
        if data == "[DONE]" {
            self.done = true;
            return Ok(Vec::new());
        }
        // Nearly every chunk is only a piece of text: read it in place, without building a tree.
        // (A struct would also read from a JSON array, which is no chunk: objects only.)
        if data.starts_with('{')
            && let Ok(chunk) = serde_json::from_str::<TextChunk<'_>>(data)
            && let Some(deltas) = self.decode_text_chunk(&chunk)
        {
            return Ok(deltas);
        }
        let chunk: Value = serde_json::from_str(data).map_err(|_| LlmError::InvalidResponse {
            message: format!("a stream chunk is not valid JSON: {}", excerpt(data, EXCERPT_CHARS)),
        })?;
        self.decode_chunk(&chunk)
    }

    /// Decodes a whole non-streamed completion (`choices[0].message`), for servers that ignore
    /// `stream: true` and answer with one JSON object.
    pub fn decode_whole(&mut self, body: &Value) -> Result<Vec<Delta>, LlmError> {
        let mut deltas = self.decode_chunk(body)?;
        if let Some(message) = first_choice(body).and_then(|c| c.get("message")) {
            deltas.extend(self.text_of(message));
        }
        self.done = true;
        Ok(deltas)
    }

    fn decode_chunk(&mut self, chunk: &Value) -> Result<Vec<Delta>, LlmError> {
        if let Some(error) = chunk.get("error").filter(|e| !e.is_null()) {
            let message = server_error::message_from_value(chunk).unwrap_or_else(|| error.to_string());
            return Err(server_error::from_stream(message, &self.requested_model));
        }
        if !chunk.is_object() {
            return Err(LlmError::InvalidResponse {
                message: format!(
                    "a stream chunk is not a JSON object: {}",
                    excerpt(&chunk.to_string(), EXCERPT_CHARS)
                ),
            });
        }
        if self.completion.model.is_none()
            && let Some(model) = chunk.get("model").and_then(Value::as_str).filter(|m| !m.is_empty())
        {
            self.completion.model = Some(model.to_string());
        }
        if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
            self.completion.usage = Some(usage_of(usage));
        }
        if let Some(timings) = chunk.get("timings").filter(|t| t.is_object()) {
            // Timings are a bonus: a shape we cannot read is ignored, not fatal.
            self.completion.timings = serde_json::from_value::<ServerTimings>(timings.clone()).ok();
        }
        let Some(choice) = first_choice(chunk) else { return Ok(Vec::new()) };
        if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
            self.completion.finish_reason = Some(reason.to_string());
        }
        Ok(choice.get("delta").map(|delta| self.text_of(delta)).unwrap_or_default())
    }

    /// The deltas of a chunk of the common shape, or `None` when it carries anything else (an
    /// error, usage, timings, several choices): those take the general path.
    fn decode_text_chunk(&mut self, chunk: &TextChunk<'_>) -> Option<Vec<Delta>> {
        if chunk.error.is_some() || chunk.usage.is_some() || chunk.timings.is_some() {
            return None;
        }
        let choice = match chunk.choices.as_slice() {
            [] => return Some(Vec::new()),
            [choice] => choice,
            _ => return None,
        };
        if self.completion.model.is_none()
            && let Some(model) = chunk.model.as_deref().filter(|m| !m.is_empty())
        {
            self.completion.model = Some(model.to_string());
        }
        if let Some(reason) = &choice.finish_reason {
            self.completion.finish_reason = Some(reason.to_string());
        }
        let Some(delta) = &choice.delta else { return Some(Vec::new()) };
        let reasoning = delta.reasoning_content.as_deref().filter(|t| !t.is_empty());
        let reasoning = reasoning.or(delta.reasoning.as_deref().filter(|t| !t.is_empty()));
        Some(self.text_parts(reasoning, delta.content.as_deref()))
    }

    /// The reasoning and answer text of a delta (or a whole message).
    fn text_of(&mut self, delta: &Value) -> Vec<Delta> {
        // Some servers send both names with the same text: take one.
        let reasoning = ["reasoning_content", "reasoning"]
            .iter()
            .find_map(|key| delta.get(key).and_then(Value::as_str).filter(|t| !t.is_empty()));
        self.text_parts(reasoning, delta.get("content").and_then(Value::as_str))
    }

    fn text_parts(&mut self, reasoning: Option<&str>, content: Option<&str>) -> Vec<Delta> {
        let mut out = Vec::new();
        if let Some(text) = reasoning {
            out.push(Delta::Reasoning(text.to_string()));
        }
        if let Some(text) = content {
            out.extend(self.think.push(text));
        }
        self.record(&out);
        out
    }

    fn record(&mut self, deltas: &[Delta]) {
        if deltas.is_empty() {
            return;
        }
        self.completion.chunks += 1;
        for delta in deltas {
            match delta {
                Delta::Content(text) => self.completion.content.push_str(text),
                Delta::Reasoning(text) => self.completion.reasoning.push_str(text),
            }
        }
    }

    /// Text held back by the `<think>` splitter, released when the stream ends.
    pub fn flush(&mut self) -> Vec<Delta> {
        let out = self.think.finish();
        for delta in &out {
            match delta {
                Delta::Content(text) => self.completion.content.push_str(text),
                Delta::Reasoning(text) => self.completion.reasoning.push_str(text),
            }
        }
        out
    }

    /// True if the stream said it was finished (`[DONE]` or a finish reason).
    pub fn is_complete(&self) -> bool {
        self.done || self.completion.finish_reason.is_some()
    }

    /// The call's result once the stream has ended (call [`StreamDecoder::flush`] first).
    /// No event at all means the server closed the stream before it began; no end marker means
    /// truncated; `[DONE]` before any text and without a finish reason means the server cut it
    /// off; no text at all otherwise means an empty stream.
    pub fn finish(self) -> Result<ChatCompletion, LlmError> {
        if self.events == 0 && !self.is_complete() {
            return Err(LlmError::ClosedEmpty);
        }
        if !self.is_complete() {
            return Err(LlmError::Truncated);
        }
        if !self.has_text() && self.done && self.completion.finish_reason.is_none() {
            return Err(LlmError::CutOff);
        }
        if !self.has_text() {
            return Err(LlmError::EmptyStream);
        }
        Ok(self.completion)
    }
}

/// A stream chunk read in place (text borrowed where it has no escapes). Fields the decoder only
/// needs to know are present are read as such, and take the general path.
#[derive(Deserialize)]
struct TextChunk<'a> {
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    choices: Vec<TextChoice<'a>>,
    #[serde(default)]
    error: Option<IgnoredAny>,
    #[serde(default)]
    usage: Option<IgnoredAny>,
    #[serde(default)]
    timings: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct TextChoice<'a> {
    #[serde(borrow, default)]
    finish_reason: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    delta: Option<TextDelta<'a>>,
}

#[derive(Deserialize)]
struct TextDelta<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reasoning_content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reasoning: Option<Cow<'a, str>>,
}

fn first_choice(chunk: &Value) -> Option<&Value> {
    let choices = chunk.get("choices")?.as_array()?;
    choices.iter().find(|c| c.get("index").and_then(Value::as_u64) == Some(0)).or(choices.first())
}

fn usage_of(usage: &Value) -> Usage {
    let count =
        |key: &str| usage.get(key).and_then(Value::as_u64).map_or(0, |n| n.min(u32::MAX as u64) as u32);
    Usage { prompt_tokens: count("prompt_tokens"), completion_tokens: count("completion_tokens") }
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
