//! Building blocks for tests and benchmarks: a hierarchy from a compact description and a
//! scripted backend. Not used by the app itself; public so integration tests and benches can.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use crate::config::{DEFAULT_MODEL, Hierarchy, NodeConfig, Prompts, ServerConfig};
use crate::llm::{ChatBackend, ChatCompletion, ChatRequest, Delta, DeltaSink, LlmError, ModelInfo, Usage};

/// Templates that use every placeholder a phase needs, short enough to read in test failures.
pub fn test_prompts(name: &str) -> Prompts {
    Prompts {
        system: format!("You are {name}."),
        split: "Split into {count} parts for {children}: {task}".into(),
        answer: "Answer: {task}".into(),
        synthesize: "Combine the replies to {task}:\n{replies}".into(),
        reflect: "Critique this draft: {draft}".into(),
        revise: "Revise the draft {draft} given the critique {critique}".into(),
        critique: "Review {child}'s reply to {child_task}: {reply}".into(),
    }
}

/// A node with test prompts and default settings.
pub fn node(id: &str, children: &[&str]) -> NodeConfig {
    let name = {
        let mut chars = id.chars();
        chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
    };
    NodeConfig {
        id: id.to_string(),
        name: name.clone(),
        role: format!("{id} role"),
        children: children.iter().map(|c| c.to_string()).collect(),
        model: DEFAULT_MODEL.to_string(),
        endpoint: None,
        temperature: 0.7,
        top_p: 0.9,
        max_tokens: 300,
        seed: None,
        context_tokens: 4096,
        reflect: 0,
        critique: false,
        prompts: test_prompts(&name),
        loop_guard: true,
        loop_guard_repeats: crate::config::defaults::LOOP_GUARD_REPEATS,
        sampling: Default::default(),
        reflection_levels: Vec::new(),
    }
}

/// A hierarchy from `(id, children)` pairs; the first pair is the root.
pub fn hierarchy(spec: &[(&str, &[&str])]) -> Hierarchy {
    Hierarchy {
        server: ServerConfig::default(),
        nodes: spec.iter().map(|(id, children)| node(id, children)).collect(),
        root: 0,
        source: "test".into(),
    }
}

/// The default six-node tree shape with test prompts.
pub fn six_node_tree() -> Hierarchy {
    hierarchy(&[
        ("atlas", &["nova", "sage"]),
        ("nova", &["echo", "pixel"]),
        ("sage", &["quantum"]),
        ("echo", &[]),
        ("pixel", &[]),
        ("quantum", &[]),
    ])
}

/// What a scripted backend does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Stream this text word by word.
    Text(String),
    /// Stream this text word by word, then stop as a server does at `max_tokens` (`length`).
    CutOff(String),
    /// Stream this as reasoning only, then stop at `max_tokens`: a reasoning model that spent
    /// its whole budget thinking.
    ReasoningOnly(String),
    /// Fail with this error before any text.
    Fail(LlmError),
    /// Stream this text word by word, then fail with this error: a reply that broke off.
    Broken(String, LlmError),
    /// Never answer (until cancelled).
    Stall,
    /// Stream this text word by word, then go silent without ending (until cancelled).
    StallAfter(String),
}

type Script = dyn Fn(&ChatRequest) -> Reply + Send + Sync;

/// A moment in the life of one request, for tests about ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    Received,
    FirstToken,
    Ended,
}

/// A backend that answers by a script, with a delay per word, counting concurrency.
pub struct ScriptedBackend {
    script: Box<Script>,
    word_delay: Duration,
    in_flight: AtomicUsize,
    /// The most requests seen in flight at once.
    pub max_in_flight: AtomicUsize,
    /// Every request received, in order.
    pub requests: Mutex<Vec<ChatRequest>>,
    /// What happened to each request (by its index in `requests`), in the order it happened.
    pub timeline: Mutex<Vec<(usize, Moment)>>,
}

impl ScriptedBackend {
    pub fn new(script: impl Fn(&ChatRequest) -> Reply + Send + Sync + 'static) -> Arc<Self> {
        Self::with_delay(Duration::from_millis(1), script)
    }

    pub fn with_delay(
        word_delay: Duration,
        script: impl Fn(&ChatRequest) -> Reply + Send + Sync + 'static,
    ) -> Arc<Self> {
        Arc::new(Self {
            script: Box::new(script),
            word_delay,
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            requests: Mutex::new(Vec::new()),
            timeline: Mutex::new(Vec::new()),
        })
    }

    /// What happened to each request, in order.
    pub fn moments(&self) -> Vec<(usize, Moment)> {
        self.timeline.lock().map(|t| t.clone()).unwrap_or_default()
    }

    fn note(&self, request: usize, moment: Moment) {
        if let Ok(mut timeline) = self.timeline.lock() {
            timeline.push((request, moment));
        }
    }

    /// Answers splits with a valid JSON array of real sub-tasks and everything else with
    /// `"<system> says <user>"`.
    pub fn echo() -> Arc<Self> {
        Self::new(echo_reply)
    }

    /// The requests received so far.
    pub fn received(&self) -> Vec<ChatRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// Angles of the echo script's sub-tasks, one per child in turn.
const ANGLES: &[&str] = &["technical", "human", "historical", "practical", "ethical", "economic"];

/// The default script: JSON for splits (one angle of the task per child, as
/// `Explain the technical side of: <task>`), an echo otherwise.
pub fn echo_reply(request: &ChatRequest) -> Reply {
    // In either form of schema (OpenAI's `json_schema`, or llama-cpp-python's `json_object`).
    if let Some(count) = request.response_format.as_ref().and_then(crate::llm::schema::split_count) {
        let items: Vec<String> = (0..count).map(|i| sub_task(request, i)).collect();
        return Reply::Text(serde_json::to_string(&items).unwrap_or_default());
    }
    let system = request.messages.first().map_or("", |m| m.content.as_str());
    let user = request.messages.last().map_or("", |m| m.content.as_str());
    let user: String = user.chars().take(40).collect();
    Reply::Text(format!("{system} says {user}"))
}

/// The echo script's sub-task for child `index`: the task of a [`test_prompts`] split
/// (`… parts for <team>: <task>`), an earlier angle's wording taken off, seen from one angle.
pub fn sub_task(request: &ChatRequest, index: usize) -> String {
    let user = request.messages.last().map_or("", |m| m.content.as_str());
    let task = user.split_once("): ").map_or(user, |(_, task)| task);
    let task = task.rsplit_once(" side of: ").map_or(task, |(_, task)| task);
    format!("Explain the {} side of: {task}", ANGLES[index % ANGLES.len()])
}

/// Counts a request out of flight and notes its end, however it ends (dropped when cancelled).
struct InFlight<'a>(&'a ScriptedBackend, usize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.note(self.1, Moment::Ended);
    }
}

impl ChatBackend for ScriptedBackend {
    fn stream_chat<'a>(
        &'a self,
        request: &'a ChatRequest,
        on_delta: DeltaSink<'a>,
    ) -> BoxFuture<'a, Result<ChatCompletion, LlmError>> {
        Box::pin(async move {
            let index = match self.requests.lock() {
                Ok(mut requests) => {
                    requests.push(request.clone());
                    requests.len() - 1
                }
                Err(_) => 0,
            };
            self.note(index, Moment::Received);
            let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            let _guard = InFlight(self, index);
            self.max_in_flight.fetch_max(now, Ordering::SeqCst);
            let mut broken = None;
            let mut stall = false;
            let (text, reasoning, finish_reason) = match (self.script)(request) {
                Reply::StallAfter(text) => {
                    stall = true;
                    (text, false, "stop")
                }
                Reply::Text(text) => (text, false, "stop"),
                Reply::Broken(text, error) => {
                    broken = Some(error);
                    (text, false, "stop")
                }
                Reply::CutOff(text) => (text, false, "length"),
                Reply::ReasoningOnly(text) => (text, true, "length"),
                Reply::Fail(error) => return Err(error),
                Reply::Stall => std::future::pending().await,
            };
            let mut first_token_at = None;
            let mut chunks = 0;
            for word in text.split_inclusive(' ') {
                if !self.word_delay.is_zero() {
                    tokio::time::sleep(self.word_delay).await;
                }
                if first_token_at.is_none() {
                    first_token_at = Some(Instant::now());
                    self.note(index, Moment::FirstToken);
                }
                let word = word.to_string();
                on_delta(if reasoning { Delta::Reasoning(word) } else { Delta::Content(word) }, 1);
                chunks += 1;
            }
            if stall {
                std::future::pending::<()>().await;
            }
            if let Some(error) = broken {
                return Err(error);
            }
            if chunks == 0 {
                return Err(LlmError::EmptyStream);
            }
            let (content, reasoning) = if reasoning { (String::new(), text) } else { (text, String::new()) };
            Ok(ChatCompletion {
                content,
                reasoning,
                finish_reason: Some(finish_reason.into()),
                model: Some(request.model.clone()),
                usage: Some(Usage { prompt_tokens: 10, completion_tokens: chunks }),
                first_token_at,
                chunks,
                ..ChatCompletion::default()
            })
        })
    }

    fn list_models(&self) -> BoxFuture<'_, Result<Vec<ModelInfo>, LlmError>> {
        Box::pin(async { Ok(vec![ModelInfo { id: DEFAULT_MODEL.to_string() }]) })
    }

    fn endpoint(&self) -> &str {
        "scripted"
    }
}
