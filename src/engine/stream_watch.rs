//! Watching a call while it streams: its tokens become events, the loop guard reads its answer
//! text and stops the call when the model repeats itself, and a stream that goes silent is
//! announced every [`SILENCE_STEP_SECS`] before the idle timeout fails it. Before it streams, a
//! call waiting for a free slot of its endpoint says so.
//!
//! Stopping is dropping the backend's future (the HTTP client then closes the connection), so a
//! looping model stops generating on the server too, not only on the screen.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::{Instant, sleep, sleep_until};

use super::backends::Endpoint;
use super::call::{RunContext, TextHook};
use super::ending::LOOPED;
use super::events::{CallId, EventKind};
use super::loop_guard::{Loop, LoopGuard};
use crate::config::{NodeConfig, Phase};
use crate::llm::{ChatCompletion, ChatRequest, Delta, LlmError};

/// Seconds of silence between two "no tokens for N s" notices.
pub const SILENCE_STEP_SECS: u64 = 20;

/// What the stream has shown so far, shared by the delta callback and the silence watch.
#[derive(Default)]
struct Seen {
    /// Set when the node's loop guard is on: it keeps the answer text it reads.
    guard: Option<LoopGuard>,
    reasoning: String,
    /// Where each answer chunk ended in the answer text (to count the tokens after a loop).
    chunk_ends: Vec<usize>,
    chunks: u32,
    first_token_at: Option<std::time::Instant>,
    last_token: Option<Instant>,
    looped: Option<Loop>,
}

impl RunContext {
    /// A slot of the endpoint's concurrency limit; a call that has to wait for one says so
    /// (`CallQueued`, then `CallSlotted`), so it does not look like a model answering slowly.
    pub(super) async fn slot<'e>(
        &self,
        call: CallId,
        node: &NodeConfig,
        endpoint: &'e Endpoint,
    ) -> Result<tokio::sync::SemaphorePermit<'e>, LlmError> {
        let slots = endpoint.slots();
        if let Ok(permit) = slots.try_acquire() {
            return Ok(permit);
        }
        let waiting = endpoint.queue();
        let mut changes = waiting.changes();
        let mut ahead = waiting.ahead();
        self.emitter.emit(EventKind::CallQueued { call, node: node.id.clone(), ahead });
        let queued = Instant::now();
        let acquire = slots.acquire();
        tokio::pin!(acquire);
        // Said again whenever the count ahead changes, so "2 ahead" counts down.
        let permit = loop {
            tokio::select! {
                permit = &mut acquire => break permit.map_err(|_| LlmError::Cancelled)?,
                Ok(()) = changes.changed() => {
                    let now = waiting.ahead();
                    if now != ahead {
                        ahead = now;
                        self.emitter.emit(EventKind::CallQueued { call, node: node.id.clone(), ahead });
                    }
                }
            }
        };
        drop(waiting);
        let waited_ms = queued.elapsed().as_millis() as i64;
        self.emitter.emit(EventKind::CallSlotted { call, node: node.id.clone(), waited_ms });
        Ok(permit)
    }

    /// Streams one request, emitting its tokens; stops it at a loop (see the module doc).
    /// `on_first` runs at the first token (the model is loaded: the warm gate opens).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn watch_stream(
        &self,
        call: CallId,
        node: &NodeConfig,
        phase: Phase,
        backend: &dyn crate::llm::ChatBackend,
        request: &ChatRequest,
        mut on_text: Option<TextHook<'_>>,
        on_first: &mut (dyn FnMut() + Send),
    ) -> Result<ChatCompletion, LlmError> {
        let guarded = node.loop_guard && guards(phase);
        let seen = Mutex::new(Seen {
            guard: guarded
                .then(|| LoopGuard::new(node.loop_guard_repeats).with_prompt(&prompt_text(request))),
            ..Seen::default()
        });
        let stop = tokio_util::sync::CancellationToken::new();
        let node_id = node.id.clone();
        let mut on_delta = |delta: Delta, pieces: u32| {
            on_first();
            let (text, reasoning) = match delta {
                Delta::Content(text) => (text, false),
                Delta::Reasoning(text) => (text, true),
            };
            if let Ok(mut seen) = seen.lock() {
                note(&mut seen, &text, reasoning, guarded);
                if seen.looped.is_some() {
                    stop.cancel();
                }
            }
            if let (Some(hook), false) = (on_text.as_mut(), reasoning) {
                hook(call, &text);
            }
            self.emitter.emit(EventKind::Token {
                call,
                node: node_id.clone(),
                phase,
                text,
                reasoning,
                pieces,
            });
        };
        let stream = backend.stream_chat(request, &mut on_delta);
        let silence = async {
            let mut said = 0;
            let mut since = None;
            loop {
                let last = seen.lock().ok().and_then(|s| s.last_token);
                let Some(last) = last else {
                    sleep(Duration::from_secs(SILENCE_STEP_SECS)).await;
                    continue;
                };
                if since != Some(last) {
                    (since, said) = (Some(last), 0);
                }
                sleep_until(last + Duration::from_secs(said + SILENCE_STEP_SECS)).await;
                if seen.lock().ok().and_then(|s| s.last_token) == Some(last) {
                    said += SILENCE_STEP_SECS;
                    self.emitter.emit(EventKind::CallSilent { call, node: node.id.clone(), secs: said });
                }
            }
        };
        let result = tokio::select! {
            biased;
            _ = stop.cancelled() => None,
            result = stream => Some(result),
            _ = silence => None,
        };
        if let Some(result) = result {
            return result;
        }
        let seen = seen.into_inner().unwrap_or_default();
        let (Some(found), Some(guard)) = (seen.looped, seen.guard) else {
            return Err(LlmError::Cancelled);
        };
        let tokens_after = seen.chunk_ends.iter().filter(|end| **end > found.kept_bytes).count() as u32;
        let content = guard.text().get(..found.kept_bytes).unwrap_or_default().trim_end().to_string();
        self.emitter.emit(EventKind::CallLooped {
            call,
            node: node.id.clone(),
            unit: found.unit,
            kept_chars: content.chars().count() as u32,
            tokens_after,
        });
        Ok(ChatCompletion {
            content,
            reasoning: seen.reasoning,
            finish_reason: Some(LOOPED.into()),
            model: None,
            usage: None,
            timings: None,
            first_token_at: seen.first_token_at,
            chunks: seen.chunks,
            retries: 0,
        })
    }
}

/// Everything the model was given to read, as one text.
fn prompt_text(request: &ChatRequest) -> String {
    request.messages.iter().map(|m| m.content.as_str()).collect::<Vec<_>>().join("\n")
}

/// The phases the guard reads: every answer a member writes. The lab's judge writes a verdict in
/// a JSON schema, short and structured, where a repeated field is not a loop.
fn guards(phase: Phase) -> bool {
    phase != Phase::Judge
}

fn note(seen: &mut Seen, text: &str, reasoning: bool, guarded: bool) {
    let now = Instant::now();
    seen.last_token = Some(now);
    seen.first_token_at.get_or_insert_with(std::time::Instant::now);
    seen.chunks += 1;
    if !guarded {
        return;
    }
    if reasoning {
        seen.reasoning.push_str(text);
        return;
    }
    let Some(guard) = seen.guard.as_mut() else { return };
    let found = guard.feed(text);
    seen.chunk_ends.push(guard.text().len());
    if found.is_some() {
        seen.looped = found;
    }
}
