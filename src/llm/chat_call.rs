//! One streaming chat call: send (re-sending only before a successful response arrived), then
//! read the SSE body with a first-token deadline and an idle timeout between chunks. There is no
//! total timeout: a long answer that keeps flowing is never cut off. Dropping the future drops
//! the response and so closes the connection, which is how a call is cancelled.

use std::future::Future;
use std::time::Instant;

use futures::{FutureExt, Stream, StreamExt};
use reqwest::Response;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::client::HttpBackend;
use super::gathered::Gathered;
use super::paced::Paced;
use super::retry;
use super::server_error::{self, excerpt};
use super::sse::SseParser;
use super::stream::StreamDecoder;
use super::{ChatCompletion, ChatRequest, Delta, DeltaSink, LlmError};

/// How much of a body to keep for an error message.
const HEAD_BYTES: usize = 200;

/// How long streamed text is left to gather between two reads (under a frame, 25 ms).
const GATHER: std::time::Duration = std::time::Duration::from_millis(20);

/// What the network thread sends back to the caller of a call.
enum Streamed {
    Piece(Delta, u32),
    Done(Result<ChatCompletion, LlmError>),
}

/// Stops a call on the network thread when its caller lets go of it.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A 200 response and what is known when it arrived.
struct Opened {
    response: Response,
    /// When the first text must have arrived by.
    first_token_deadline: Option<Instant>,
    retries: u32,
}

impl HttpBackend {
    /// Streams one completion, handing each piece of text to `on_delta` as it arrives. The HTTP
    /// work runs on the network thread ([`Paced`]): called there, directly; called from another
    /// runtime, as a task there whose pieces come back over a channel, so `on_delta` runs on the
    /// caller's side. Dropping this future stops the call and closes its connection.
    pub(super) async fn chat(
        &self,
        request: &ChatRequest,
        on_delta: DeltaSink<'_>,
    ) -> Result<ChatCompletion, LlmError> {
        let body = request_body(request)?;
        let Some(paced) = Paced::get() else {
            return self.call(body, &request.model, on_delta, None).await;
        };
        if Paced::is_current() {
            return self.call(body, &request.model, on_delta, Some(paced)).await;
        }
        let (tx, mut rx) = mpsc::unbounded_channel();
        let backend = self.clone();
        let model = request.model.clone();
        let task = paced.spawn(async move {
            let pieces = tx.clone();
            let mut send = move |delta: Delta, count: u32| {
                let _ = pieces.send(Streamed::Piece(delta, count));
            };
            let result = backend.call(body, &model, &mut send, Some(paced)).await;
            let _ = tx.send(Streamed::Done(result));
        });
        let _stop = AbortOnDrop(task);
        while let Some(streamed) = rx.recv().await {
            match streamed {
                Streamed::Piece(delta, count) => on_delta(delta, count),
                Streamed::Done(result) => return result,
            }
        }
        // The task ended without a result: it panicked (logged by the panic hook).
        Err(LlmError::InvalidResponse { message: "the call stopped unexpectedly inside ailab".into() })
    }

    /// One call from request to last piece, on whichever runtime polls it.
    async fn call(
        &self,
        body: Value,
        model: &str,
        on_delta: DeltaSink<'_>,
        paced: Option<&Paced>,
    ) -> Result<ChatCompletion, LlmError> {
        let opened = self.open(&body, model).await?;
        let retries = opened.retries;
        let mut completion = self.read(opened, model, on_delta, paced).await?;
        completion.retries = retries;
        Ok(completion)
    }

    /// Sends the request until a 200 arrives, re-sending on retryable failures.
    async fn open(&self, body: &Value, model: &str) -> Result<Opened, LlmError> {
        let url = format!("{}/chat/completions", self.base_url);
        let mut retries = 0;
        loop {
            let first_token_deadline = self.timeouts.first_token.map(|t| Instant::now() + t);
            let send = self.client.post(&url).header(ACCEPT, "text/event-stream").json(body).send();
            let (error, retry_after) = match within(first_token_deadline, send).await {
                None => return Err(self.first_token_timeout()),
                Some(Err(e)) => (self.transport_error(&e), None),
                Some(Ok(response)) if response.status().is_success() => {
                    return Ok(Opened { response, first_token_deadline, retries });
                }
                Some(Ok(response)) => {
                    let status = response.status().as_u16();
                    let retry_after = retry::retry_after(response.headers());
                    let text = within(first_token_deadline, response.text()).await;
                    let text = text.and_then(Result::ok).unwrap_or_default();
                    (server_error::from_http(status, &text, model), retry_after)
                }
            };
            if !error.is_retryable() || retries >= self.retry.max_retries {
                return Err(error);
            }
            tracing::debug!(%error, retries, "re-sending chat request");
            tokio::time::sleep(self.retry.delay(retries, retry_after)).await;
            retries += 1;
        }
    }

    /// Reads the body of a 200 answer to the end (or to `[DONE]`).
    async fn read(
        &self,
        opened: Opened,
        model: &str,
        on_delta: DeltaSink<'_>,
        paced: Option<&Paced>,
    ) -> Result<ChatCompletion, LlmError> {
        let Opened { response, first_token_deadline, .. } = opened;
        let mut decoder = StreamDecoder::new(model);
        let mut first_token_at = None;
        let mut gathered = Gathered::default();
        if is_json(&response) {
            let text = within(first_token_deadline, response.text())
                .await
                .ok_or_else(|| self.first_token_timeout())?
                .map_err(|_| LlmError::Truncated)?;
            let value: Value = serde_json::from_str(&text).map_err(|_| LlmError::InvalidResponse {
                message: format!("the answer is not JSON: {}", excerpt(text.trim(), 80)),
            })?;
            gather(decoder.decode_whole(&value), &mut gathered, &mut first_token_at, on_delta)?;
        } else {
            let mut parser = SseParser::new();
            let mut body = response.bytes_stream();
            // The start of the body and whether it held any event, to tell a stream that broke
            // off from something that never was a stream (a web page on the wrong port).
            let mut head = Vec::new();
            let mut saw_event = false;
            while !decoder.is_done() {
                let deadline = match first_token_at {
                    None => first_token_deadline,
                    Some(_) => self.timeouts.idle.map(|t| Instant::now() + t),
                };
                let mut next = match within(deadline, body.next()).await {
                    None if first_token_at.is_none() => return Err(self.first_token_timeout()),
                    None => return Err(self.idle_timeout()),
                    Some(next) => next,
                };
                let mut ended = false;
                loop {
                    let bytes = match next {
                        None => {
                            ended = true;
                            break;
                        }
                        Some(Ok(bytes)) => bytes,
                        // The connection broke: fine after the server said it was finished, else truncated.
                        Some(Err(error)) => {
                            tracing::debug!(%error, "stream broke off");
                            ended = true;
                            break;
                        }
                    };
                    if let Some(paced) = paced {
                        paced.streamed();
                    }
                    if head.len() < HEAD_BYTES {
                        head.extend_from_slice(&bytes[..bytes.len().min(HEAD_BYTES - head.len())]);
                    }
                    for event in parser.feed(&bytes) {
                        saw_event = true;
                        gather(decoder.decode(&event), &mut gathered, &mut first_token_at, on_delta)?;
                    }
                    if decoder.is_done() {
                        break;
                    }
                    match already_here(&mut body).await {
                        Some(more) => next = more,
                        None => break,
                    }
                }
                // What this read brought goes on in one go: one event per read, not per token.
                gathered.hand_on(on_delta);
                if ended {
                    break;
                }
                // Once text flows, let a few milliseconds of it gather in the socket: it is then
                // read with one system call and handed on in one go, instead of a wake-up of every
                // task on the way per token. The network thread does this for all its calls at
                // once (it reads in ticks while anything streams).
                if paced.is_none() && first_token_at.is_some() && !decoder.is_done() {
                    tokio::time::sleep_until(gather_tick(Instant::now()).into()).await;
                }
            }
            for event in parser.finish() {
                saw_event = true;
                gather(decoder.decode(&event), &mut gathered, &mut first_token_at, on_delta)?;
            }
            if !saw_event && !head.is_empty() {
                let start = String::from_utf8_lossy(&head);
                return Err(LlmError::InvalidResponse {
                    message: format!(
                        "the answer is not an event stream: {}; is the base URL right?",
                        excerpt(start.trim(), 80)
                    ),
                });
            }
        }
        gather(Ok(decoder.flush()), &mut gathered, &mut first_token_at, on_delta)?;
        gathered.hand_on(on_delta);
        let mut completion = decoder.finish()?;
        completion.first_token_at = first_token_at;
        Ok(completion)
    }

    fn first_token_timeout(&self) -> LlmError {
        LlmError::FirstTokenTimeout { secs: self.timeouts.first_token.map_or(0.0, |t| t.as_secs_f64()) }
    }

    fn idle_timeout(&self) -> LlmError {
        LlmError::IdleTimeout { secs: self.timeouts.idle.map_or(0.0, |t| t.as_secs_f64()) }
    }
}

/// The request as sent: the recorded fields plus streaming with usage.
fn request_body(request: &ChatRequest) -> Result<Value, LlmError> {
    let mut body = serde_json::to_value(request)
        .map_err(|e| LlmError::InvalidResponse { message: format!("cannot encode the request: {e}") })?;
    if let Value::Object(map) = &mut body {
        map.insert("stream".into(), Value::Bool(true));
        map.insert("stream_options".into(), json!({ "include_usage": true }));
    }
    Ok(body)
}

/// When the streams read next: every call waits for the same ticks, so several streams flowing at
/// once are read in one wake-up of the runtime instead of one each.
fn gather_tick(now: Instant) -> Instant {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let epoch = *EPOCH.get_or_init(|| now);
    let step = GATHER.as_nanos();
    let ticks = now.saturating_duration_since(epoch).as_nanos() / step + 1;
    epoch + std::time::Duration::from_nanos(u64::try_from(ticks * step).unwrap_or(u64::MAX))
}

/// Keeps decoded pieces to hand on with the rest of their read, noting when text first came.
fn gather(
    decoded: Result<Vec<Delta>, LlmError>,
    gathered: &mut Gathered,
    first_token_at: &mut Option<Instant>,
    on_delta: DeltaSink<'_>,
) -> Result<(), LlmError> {
    match decoded {
        Ok(deltas) => {
            for delta in deltas {
                first_token_at.get_or_insert_with(Instant::now);
                gathered.push(delta);
            }
            Ok(())
        }
        // What arrived before the fault still goes on: a failed call keeps what it streamed.
        Err(error) => {
            gathered.hand_on(on_delta);
            Err(error)
        }
    }
}

/// A 200 with a JSON body instead of a stream: an error, or a server that ignored `stream: true`.
fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"))
}

/// The body's next item if it has already arrived (`None` if not). hyper hands a body over one
/// chunk (one server write) per turn of the connection's task, so that task gets one turn first.
async fn already_here<S: Stream + Unpin>(body: &mut S) -> Option<Option<S::Item>> {
    if let Some(item) = body.next().now_or_never() {
        return Some(item);
    }
    tokio::task::yield_now().await;
    body.next().now_or_never()
}

/// Runs `future` until `deadline` (`None`: no deadline); `None` if the deadline passed first.
async fn within<F: Future>(deadline: Option<Instant>, future: F) -> Option<F::Output> {
    match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline.into(), future).await.ok(),
        None => Some(future.await),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn streams_read_on_shared_ticks_a_little_ahead() {
        let now = Instant::now();
        let first = gather_tick(now);
        assert!(first > now && first <= now + GATHER, "the next tick is within one step");
        // Two streams asking at different moments between the same ticks wake together.
        let a = gather_tick(first - Duration::from_millis(7));
        let b = gather_tick(first - Duration::from_millis(2));
        assert_eq!(a, b);
        assert_eq!(a, first);
        assert_eq!(gather_tick(first), first + GATHER, "a stream on the tick waits for the next one");
    }
}
