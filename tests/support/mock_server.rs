//! An in-process OpenAI-compatible server with LM Studio's shapes, for tests and benchmarks.
//!
//! ```ignore
//! let mock = MockServer::start().await;             // http://127.0.0.1:PORT/v1
//! mock.push(Reply::server_error("boom"));           // the next chat request gets a 500 …
//! mock.push(Reply::text(&["Hel", "lo"]));           // … the one after streams "Hello"
//! mock.respond_with(|req| (req.model() == "x").then(|| Reply::model_not_found("x")));
//! // … run the client or the binary against mock.base_url() …
//! assert_eq!(mock.chat_requests()[0].system_prompt(), Some("You are Atlas."));
//! ```
//!
//! A reply is chosen per chat request: the queue first (in order), then the responder closure,
//! then the default answer (see `default_reply`). A test that runs the binary with a blocking
//! `std::process::Command` should use [`MockServer::start_in_thread`], so the server keeps
//! serving while the test thread waits.

mod default_reply;
mod faults;
mod handler;
mod quirks;
mod script;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;

pub use faults::{Fault, SentText};
pub use script::{LineEnding, Reply, Step, StreamScript};

/// The default model list: LM Studio with Phi-3.1 mini loaded six times.
pub const DEFAULT_MODEL: &str = "phi-3.1-mini-4k-instruct";

/// How the mock behaves when no script applies.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Ids served by `GET /v1/models`.
    pub models: Vec<String>,
    /// Pause between streamed tokens.
    pub token_delay: Duration,
    /// Pause after the headers, before the first token (prompt processing).
    pub first_token_delay: Duration,
    /// Pieces in a default (non-JSON) answer.
    pub answer_tokens: usize,
    /// Add llama.cpp `timings` to default answers.
    pub timings: bool,
}

impl Default for MockConfig {
    fn default() -> Self {
        let mut models = vec![DEFAULT_MODEL.to_string()];
        models.extend((2..=6).map(|i| format!("{DEFAULT_MODEL}:{i}")));
        Self {
            models,
            token_delay: Duration::from_millis(5),
            first_token_delay: Duration::ZERO,
            answer_tokens: 24,
            timings: false,
        }
    }
}

/// One request the mock received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// 1-based position among chat requests (0 for other requests).
    pub index: usize,
    pub method: String,
    pub path: String,
    /// The `Authorization` header, if sent.
    pub authorization: Option<String>,
    /// The JSON body (`Null` when there was none or it was not JSON).
    pub body: Value,
}

impl RecordedRequest {
    /// True for `POST /v1/chat/completions`.
    pub fn is_chat(&self) -> bool {
        self.method == "POST" && self.path == "/v1/chat/completions"
    }

    /// The requested model id.
    pub fn model(&self) -> &str {
        self.body.get("model").and_then(Value::as_str).unwrap_or("")
    }

    /// The content of the first message with this role.
    pub fn message(&self, role: &str) -> Option<&str> {
        self.messages().find(|(r, _)| *r == role).map(|(_, content)| content)
    }

    /// The system prompt, if one was sent.
    pub fn system_prompt(&self) -> Option<&str> {
        self.message("system")
    }

    /// The content of the last user message.
    pub fn last_user_message(&self) -> Option<&str> {
        self.messages().filter(|(r, _)| *r == "user").map(|(_, content)| content).last()
    }

    /// `minItems` of a json_schema array `response_format` (a split asking for that many items).
    pub fn split_count(&self) -> Option<usize> {
        // OpenAI's form, or llama-cpp-python's `{"type": "json_object", "schema": …}`.
        let format = self.body.get("response_format")?;
        let schema = format.get("json_schema").map_or(format.get("schema"), |f| f.get("schema"))?;
        if schema.get("type").and_then(Value::as_str) != Some("array") {
            return None;
        }
        let items = schema.get("minItems").or_else(|| schema.get("maxItems"))?;
        items.as_u64().map(|n| n as usize)
    }

    fn messages(&self) -> impl Iterator<Item = (&str, &str)> {
        self.body
            .get("messages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| Some((m.get("role")?.as_str()?, m.get("content")?.as_str()?)))
    }
}

type Responder = dyn Fn(&RecordedRequest) -> Option<Reply> + Send + Sync;

/// State shared between the test and the server's handlers.
#[derive(Default)]
struct Shared {
    config: Mutex<MockConfig>,
    queue: Mutex<VecDeque<Reply>>,
    responder: Mutex<Option<Arc<Responder>>>,
    models_reply: Mutex<Option<Reply>>,
    /// LM Studio's native model list (`GET /api/v0/models`); `None` answers like llama.cpp (404).
    native_models: Mutex<Option<Value>>,
    log: Mutex<Vec<RecordedRequest>>,
    chat_count: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    disconnects: AtomicUsize,
    completed_streams: AtomicUsize,
    /// The text streamed per chat request (by its index), see `faults`.
    sent: Mutex<std::collections::HashMap<usize, SentText>>,
}

/// Locks a mutex even if a panicking test thread poisoned it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A running mock server; it stops when dropped.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MockServer {
    /// Starts on 127.0.0.1 with a free port, on the current tokio runtime.
    pub async fn start() -> MockServer {
        Self::start_with(MockConfig::default()).await
    }

    /// Starts with `config` on a free port, on the current tokio runtime.
    pub async fn start_with(config: MockConfig) -> MockServer {
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        Self::bind(addr, config).await.expect("mock server: cannot bind 127.0.0.1:0")
    }

    /// Starts on `addr` on the current tokio runtime.
    pub async fn bind(addr: SocketAddr, config: MockConfig) -> std::io::Result<MockServer> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared { config: Mutex::new(config), ..Shared::default() });
        let (stop, stopped) = tokio::sync::oneshot::channel();
        tokio::spawn(handler::serve(listener, shared.clone(), stopped));
        Ok(MockServer { addr, shared, stop: Some(stop), thread: None })
    }

    /// Starts on a free port on its own thread and runtime, for tests that block (running the binary).
    pub fn start_in_thread(config: MockConfig) -> MockServer {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("mock server: cannot build a runtime");
            runtime.block_on(async move {
                let addr = SocketAddr::from(([127, 0, 0, 1], 0));
                let listener = tokio::net::TcpListener::bind(addr).await.expect("mock server: cannot bind");
                let addr = listener.local_addr().expect("mock server: no local address");
                let shared = Arc::new(Shared { config: Mutex::new(config), ..Shared::default() });
                let (stop, stopped) = tokio::sync::oneshot::channel();
                let _ = ready_tx.send((addr, shared.clone(), stop));
                handler::serve(listener, shared, stopped).await;
            });
        });
        let (addr, shared, stop) = ready_rx.recv().expect("mock server thread failed to start");
        MockServer { addr, shared, stop: Some(stop), thread: Some(thread) }
    }

    /// `http://127.0.0.1:PORT/v1`, the base URL to give a client.
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.origin())
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Queues a reply for the next chat request that finds the queue non-empty.
    pub fn push(&self, reply: impl Into<Reply>) {
        lock(&self.shared.queue).push_back(reply.into());
    }

    /// Decides replies per request once the queue is empty; `None` falls through to the default.
    pub fn respond_with(
        &self,
        responder: impl Fn(&RecordedRequest) -> Option<Reply> + Send + Sync + 'static,
    ) {
        *lock(&self.shared.responder) = Some(Arc::new(responder));
    }

    /// Answers `GET /v1/models` with `reply` instead of the model list (`None` restores the list).
    pub fn set_models_reply(&self, reply: Option<Reply>) {
        *lock(&self.shared.models_reply) = reply;
    }

    /// Answers `GET /api/v0/models` with `{"object":"list","data": models}`, as LM Studio does.
    pub fn set_native_models(&self, models: Value) {
        *lock(&self.shared.native_models) = Some(models);
    }

    /// Changes the behaviour when no script applies (pace, token count, model list, timings).
    pub fn configure(&self, change: impl FnOnce(&mut MockConfig)) {
        change(&mut lock(&self.shared.config));
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).clone()
    }

    /// The chat requests received, in order.
    pub fn chat_requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).iter().filter(|r| r.is_chat()).cloned().collect()
    }

    /// How many chat requests arrived.
    pub fn chat_count(&self) -> usize {
        self.shared.chat_count.load(Ordering::SeqCst)
    }

    /// Chat requests being answered right now.
    pub fn in_flight(&self) -> usize {
        self.shared.in_flight.load(Ordering::SeqCst)
    }

    /// The most chat requests ever in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }

    /// Streams the client abandoned before their end (the mock saw the connection close).
    pub fn disconnects(&self) -> usize {
        self.shared.disconnects.load(Ordering::SeqCst)
    }

    /// Streams sent to their scripted end.
    pub fn completed_streams(&self) -> usize {
        self.shared.completed_streams.load(Ordering::SeqCst)
    }

    /// Waits until `condition` holds or `timeout` passes; returns whether it held.
    pub async fn wait_until(&self, timeout: Duration, condition: impl Fn(&MockServer) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        while !condition(self) {
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        true
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
