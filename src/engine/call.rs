//! One model call inside a run: limit, stream, measure, report. Every call of the cascade goes
//! through [`RunContext::call`], so every call is announced, streamed and measured the same way.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::backends::Backends;
use super::events::{CallId, CallMetrics, EventKind, NodeStatus, RunTotals, SplitMethod};
use super::sink::{RunEmitter, now_ms};
use super::split::{ParsedSplit, parse_split};
use crate::config::{Hierarchy, NodeConfig, Phase};
use crate::llm::{ChatCompletion, ChatRequest, Delta, LlmError};

/// A call that did not produce an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum CallFailure {
    Cancelled,
    Failed(String),
}

impl CallFailure {
    pub fn reason(&self) -> String {
        match self {
            CallFailure::Cancelled => "cancelled".into(),
            CallFailure::Failed(reason) => reason.clone(),
        }
    }
}

/// Sees a call's answer text as it streams in.
pub type TextHook<'a> = &'a mut (dyn FnMut(CallId, &str) + Send);

/// What a successful call produced.
#[derive(Debug, Clone)]
pub struct CallOutput {
    pub call: CallId,
    pub text: String,
    /// For split calls: the sub-tasks read from the text (`None`: it could not be read).
    pub split: Option<ParsedSplit>,
}

/// Everything a running cascade shares: the events out, the cancel signal, the tallies.
pub struct RunContext {
    pub hierarchy: Arc<Hierarchy>,
    pub backends: Backends,
    pub emitter: RunEmitter,
    /// The user's prompt, available to every template as `{query}`.
    pub query: String,
    /// Start children while their parent's split still streams (see `split_stream`).
    pub streaming_delegation: bool,
    next_call: AtomicU32,
    /// Set when something failed but the run went on (a branch, a reflection).
    pub degraded: AtomicBool,
    totals: Mutex<RunTotals>,
    states: Mutex<HashMap<String, NodeStatus>>,
}

/// What to announce with a call.
pub struct CallSpec<'a> {
    pub node: &'a NodeConfig,
    pub phase: Phase,
    pub parent_call: Option<CallId>,
    pub request: ChatRequest,
    pub truncated_input: bool,
    /// For split calls: how many sub-tasks to read from the answer.
    pub split_into: Option<usize>,
    /// The node's cancel signal (a child of the run's).
    pub cancel: &'a CancellationToken,
    /// Sees the answer text as it streams (streaming delegation reads splits early through it).
    pub on_text: Option<TextHook<'a>>,
}

impl RunContext {
    pub fn new(
        hierarchy: Arc<Hierarchy>,
        backends: Backends,
        emitter: RunEmitter,
        query: String,
        streaming_delegation: bool,
    ) -> Self {
        Self {
            hierarchy,
            backends,
            emitter,
            query,
            streaming_delegation,
            next_call: AtomicU32::new(1),
            degraded: AtomicBool::new(false),
            totals: Mutex::new(RunTotals::default()),
            states: Mutex::new(HashMap::new()),
        }
    }

    /// Moves a node to a new state and says so.
    pub fn set_state(&self, node: &str, state: NodeStatus) {
        if let Ok(mut states) = self.states.lock() {
            states.insert(node.to_string(), state.clone());
        }
        self.emitter.emit(EventKind::NodeState { node: node.to_string(), state });
    }

    /// Marks a node failed, with the reason, and the run as degraded (the caller decides if fatal).
    pub fn fail_node(&self, node: &str, reason: &str) {
        self.degraded.store(true, Ordering::Relaxed);
        self.emitter.emit(EventKind::NodeFailed { node: node.to_string(), reason: reason.to_string() });
        self.set_state(node, NodeStatus::Failed { reason: reason.to_string() });
    }

    /// Nodes that have not reached a final state (to mark them cancelled at the end).
    pub fn unfinished_nodes(&self) -> Vec<String> {
        let states = self.states.lock().map(|s| s.clone()).unwrap_or_default();
        self.hierarchy
            .preorder()
            .into_iter()
            .filter(|n| !states.get(&n.id).is_some_and(NodeStatus::is_final))
            .map(|n| n.id.clone())
            .collect()
    }

    pub fn totals(&self) -> RunTotals {
        self.totals.lock().map(|t| *t).unwrap_or_default()
    }

    /// Runs one call to completion (or cancellation), streaming its tokens as events.
    pub async fn call(&self, mut spec: CallSpec<'_>) -> Result<CallOutput, CallFailure> {
        let call = self.next_call.fetch_add(1, Ordering::Relaxed);
        let node = spec.node;
        let endpoint_url = self.hierarchy.endpoint_of(node).to_string();
        let request = Arc::new(spec.request);
        self.emitter.emit(EventKind::CallStarted {
            call,
            node: node.id.clone(),
            phase: spec.phase,
            parent_call: spec.parent_call,
            endpoint: endpoint_url.clone(),
            request: request.clone(),
            truncated_input: spec.truncated_input,
        });
        let started_ms = now_ms();
        let started = Instant::now();
        let result = self
            .stream(call, node, spec.phase, &endpoint_url, &request, spec.cancel, spec.on_text.take())
            .await;
        let ended_ms = now_ms();
        let (completion, error) = match &result {
            Ok(done) => (Some(done), None),
            Err(failure) => (None, Some(failure.reason())),
        };
        let metrics = measure(&request, completion, started, started_ms, ended_ms);
        let parsed = match (spec.split_into, completion) {
            (Some(count), Some(done)) => parse_split(&done.content, count),
            _ => None,
        };
        let split_method =
            spec.split_into.map(|_| parsed.as_ref().map_or(SplitMethod::Fallback, |p| p.method));
        self.tally(&metrics, error.is_some());
        self.emitter.emit(EventKind::CallFinished {
            call,
            node: node.id.clone(),
            phase: spec.phase,
            metrics,
            text: completion.map(|c| c.content.clone()).unwrap_or_default(),
            reasoning: completion.map(|c| c.reasoning.clone()).unwrap_or_default(),
            split: if error.is_none() { split_method } else { None },
            error,
        });
        result.map(|c| CallOutput { call, text: c.content, split: parsed })
    }

    #[allow(clippy::too_many_arguments)]
    async fn stream(
        &self,
        call: CallId,
        node: &NodeConfig,
        phase: Phase,
        endpoint_url: &str,
        request: &ChatRequest,
        cancel: &CancellationToken,
        on_text: Option<TextHook<'_>>,
    ) -> Result<ChatCompletion, CallFailure> {
        let Some(endpoint) = self.backends.get(endpoint_url) else {
            return Err(CallFailure::Failed(format!("no backend for endpoint {endpoint_url}")));
        };
        let work = async {
            let _permit = endpoint.limit.acquire().await.map_err(|_| LlmError::Cancelled)?;
            // LM Studio loads a cold model once per concurrent first request (BT#1751):
            // the first request to each model goes alone, the rest wait for it.
            let warm_gate = endpoint.warm_gate(&request.model);
            let mut warm = warm_gate.lock().await;
            if *warm {
                drop(warm);
                return self.stream_unlocked(call, node, phase, endpoint, request, on_text).await;
            }
            let result = self.stream_unlocked(call, node, phase, endpoint, request, on_text).await;
            // A failed first call leaves the model cold, so the next one goes alone too.
            *warm = result.is_ok();
            result
        };
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(CallFailure::Cancelled),
            result = work => result.map_err(|e| match e {
                LlmError::Cancelled => CallFailure::Cancelled,
                other => CallFailure::Failed(describe(&other)),
            }),
        }
    }

    async fn stream_unlocked(
        &self,
        call: CallId,
        node: &NodeConfig,
        phase: Phase,
        endpoint: &super::backends::Endpoint,
        request: &ChatRequest,
        mut on_text: Option<TextHook<'_>>,
    ) -> Result<ChatCompletion, LlmError> {
        let node_id = node.id.clone();
        let mut on_delta = |delta: Delta| {
            let (text, reasoning) = match delta {
                Delta::Content(text) => (text, false),
                Delta::Reasoning(text) => (text, true),
            };
            if let (Some(hook), false) = (on_text.as_mut(), reasoning) {
                hook(call, &text);
            }
            self.emitter.emit(EventKind::Token { call, node: node_id.clone(), phase, text, reasoning });
        };
        endpoint.backend.stream_chat(request, &mut on_delta).await
    }

    fn tally(&self, metrics: &CallMetrics, failed: bool) {
        if let Ok(mut totals) = self.totals.lock() {
            totals.calls += 1;
            totals.failed_calls += u32::from(failed);
            totals.prompt_tokens += u64::from(metrics.prompt_tokens.unwrap_or(0));
            totals.completion_tokens += u64::from(metrics.completion_tokens);
        }
    }
}

/// The error as the user reads it: the message, then what to do.
pub fn describe(error: &LlmError) -> String {
    match error.hint() {
        Some(hint) => format!("{error}. {hint}"),
        None => error.to_string(),
    }
}

/// Metrics from the server's own figures where it gave them, measured ones otherwise.
fn measure(
    request: &ChatRequest,
    completion: Option<&ChatCompletion>,
    started: Instant,
    started_ms: i64,
    ended_ms: i64,
) -> CallMetrics {
    let mut metrics = CallMetrics {
        started_ms,
        ended_ms,
        requested_model: request.model.clone(),
        ..CallMetrics::default()
    };
    let Some(done) = completion else { return metrics };
    let first_token_ms =
        done.first_token_at.map(|t| started_ms + t.duration_since(started).as_millis() as i64);
    metrics.first_token_ms = first_token_ms;
    metrics.finish_reason = done.finish_reason.clone();
    metrics.answering_model = done.model.clone();
    metrics.retries = done.retries;
    match done.usage {
        Some(usage) => {
            metrics.prompt_tokens = Some(usage.prompt_tokens);
            metrics.completion_tokens = usage.completion_tokens;
            metrics.usage_from_server = true;
        }
        None => metrics.completion_tokens = done.chunks,
    }
    let server_rate = done.timings.and_then(|t| t.predicted_per_second).filter(|r| r.is_finite() && *r > 0.0);
    metrics.tokens_per_sec = server_rate.or_else(|| {
        let generating_ms = ended_ms - first_token_ms?;
        (generating_ms > 0 && metrics.completion_tokens > 1)
            .then(|| f64::from(metrics.completion_tokens - 1) * 1000.0 / generating_ms as f64)
    });
    metrics
}
