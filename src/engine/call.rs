//! One model call inside a run: limit, stream, measure, report. Every call of the cascade goes
//! through [`RunContext::call`], so every call is announced, streamed and measured the same way.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::backends::{Backends, Endpoint};
use super::conversation::{Conversation, Earlier, Exchange, PastTurn, TurnInfo, TurnKind};
use super::ending::{
    CUT_OFF, CUT_OFF_RETRIES, CallFailure, Ending, LOOPED, Mending, describe_for, measure, refuses_schema,
};
use super::events::{
    AfterFailure, CallId, CallMetrics, EventKind, NodeStatus, ReflectionRound, RunTotals, SplitMethod,
};
use super::prompts::{Asked, earlier_budget};
use super::restart::Restarts;
use super::schema_form;
use super::sink::RunEmitter;
use super::split::{ParsedSplit, read_split};
use crate::clock::now_ms;
use crate::config::{Hierarchy, NodeConfig, Phase};
use crate::llm::{ChatCompletion, ChatRequest, LlmError};

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
    /// Answers flagged as no answer (see `checks::answer`), for the run's totals.
    pub flagged_answers: AtomicU32,
    totals: Mutex<RunTotals>,
    states: Mutex<HashMap<String, NodeStatus>>,
    /// Subtrees being stopped for a restart (see `early`).
    pub restarts: Restarts,
    /// What each member reads of the conversation's earlier turns, by node id (none on a first turn).
    earlier: HashMap<String, Earlier>,
    /// Where the run sits in its conversation (none for the lab's other arms).
    pub turn: Option<TurnInfo>,
    /// What each member was asked and answered on this turn, by node id, for the next to read.
    exchanges: Mutex<BTreeMap<String, Exchange>>,
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
    /// For split calls: how far their mending has gone, so a failure's `CallFinished` says what
    /// follows it (asked again, or the fallback).
    pub mending: Option<Mending>,
    /// The node's cancel signal (a child of the run's).
    pub cancel: &'a CancellationToken,
    /// Sees the answer text as it streams (streaming delegation reads splits early through it).
    pub on_text: Option<TextHook<'a>>,
    /// For a reflection round's calls: which round, announced with the call.
    pub reflection: Option<ReflectionRound>,
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
            flagged_answers: AtomicU32::new(0),
            totals: Mutex::new(RunTotals::default()),
            states: Mutex::new(HashMap::new()),
            restarts: Restarts::default(),
            earlier: HashMap::new(),
            turn: None,
            exchanges: Mutex::new(BTreeMap::new()),
        }
    }

    /// The run as the next turn of `conversation`: each member reads the earlier turns, bounded
    /// to its own context window.
    pub fn with_conversation(mut self, conversation: &Conversation) -> Self {
        self.turn = Some(conversation.next_turn_info(self.emitter.run_id()));
        if conversation.turns.is_empty() {
            return self;
        }
        let root = self.hierarchy.root().id.clone();
        self.earlier = self
            .hierarchy
            .nodes
            .iter()
            .map(|node| {
                let earlier = conversation.earlier_for(&node.id, node.id == root, earlier_budget(node));
                (node.id.clone(), earlier)
            })
            .collect();
        self
    }

    /// Notes what `node` was asked (a restarted node's latest task wins) and what it answered.
    pub fn note_exchange(&self, node: &str, task: &str, answer: Option<&str>) {
        if let Ok(mut exchanges) = self.exchanges.lock() {
            let exchange = Exchange { task: task.to_string(), answer: answer.map(str::to_string) };
            exchanges.insert(node.to_string(), exchange);
        }
    }

    /// This run as a turn of its conversation: the question, the final answer, every exchange.
    pub fn as_turn(&self, answer: Option<&str>, complete: bool) -> PastTurn {
        PastTurn {
            run_id: self.emitter.run_id().to_string(),
            question: self.query.clone(),
            answer: answer.map(str::to_string),
            complete,
            members: self.exchanges.lock().map(|e| e.clone()).unwrap_or_default(),
            kind: TurnKind::Question,
            member: None,
            parent_run: None,
        }
    }

    /// The question as `node` reads it: this turn's, after the earlier turns it reads.
    pub fn asked(&self, node: &str) -> Asked<'_> {
        match self.earlier.get(node) {
            Some(earlier) => Asked { query: &self.query, earlier },
            None => Asked::alone(&self.query),
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

    /// True once the node has been given a state in this run.
    pub fn was_started(&self, node: &str) -> bool {
        self.states.lock().is_ok_and(|states| states.contains_key(node))
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
    ///
    /// A split whose JSON schema the server refuses (a 4xx that is not about the model or the
    /// context) is asked again once, in the form the server named or without a schema, as a new
    /// call; the refused one says so in its error, and later calls go in that form (see
    /// `schema_form`).
    pub async fn call(&self, mut spec: CallSpec<'_>) -> Result<CallOutput, CallFailure> {
        let node = spec.node;
        let endpoint_url = self.hierarchy.endpoint_of(node).to_string();
        let endpoint = self.backends.get(&endpoint_url).cloned();
        if let Some(endpoint) = &endpoint {
            schema_form::fit(endpoint, &mut spec.request, spec.split_into.is_some());
        }
        // Where the call goes, as its backend names it: the server's URL, or the offline demo's
        // "demo", so a recorded demo run never reads as sent to a server.
        let goes_to = endpoint.as_ref().map_or(endpoint_url.clone(), |e| e.backend.endpoint().to_string());
        let mut cut_offs = 0;
        loop {
            let call = self.next_call.fetch_add(1, Ordering::Relaxed);
            let request = Arc::new(spec.request.clone());
            self.emitter.emit(EventKind::CallStarted {
                call,
                node: node.id.clone(),
                phase: spec.phase,
                parent_call: spec.parent_call,
                endpoint: goes_to.clone(),
                request: request.clone(),
                truncated_input: spec.truncated_input,
                reflection: spec.reflection.clone(),
            });
            let started_ms = now_ms();
            let started = Instant::now();
            let on_text = spec.on_text.as_mut().map(|hook| &mut **hook as TextHook<'_>);
            // The `response_format` to ask again with, when the server refused the schema.
            let (ending, ask_again_with) = match &endpoint {
                None => (Ending::failed(format!("no backend for endpoint {endpoint_url}")), None),
                Some(endpoint) => {
                    let result =
                        self.stream(call, node, spec.phase, endpoint, &request, spec.cancel, on_text).await;
                    match result {
                        Err(error)
                            if spec.split_into.is_some()
                                && request.response_format.is_some()
                                && refuses_schema(&error) =>
                        {
                            let (reason, format) = schema_form::refused(endpoint, &request, &error);
                            let failure = CallFailure::Failed(reason.clone());
                            (Ending::NotAFailure { failure, reason }, Some(format))
                        }
                        // Cut off for another request (llama-cpp-python): nothing was lost, so the
                        // server goes one request at a time and the call is asked again.
                        Err(LlmError::CutOff) if cut_offs < CUT_OFF_RETRIES => {
                            cut_offs += 1;
                            endpoint.go_one_at_a_time();
                            let (failure, reason) = (CallFailure::Failed(CUT_OFF.into()), CUT_OFF.into());
                            (Ending::NotAFailure { failure, reason }, Some(request.response_format.clone()))
                        }
                        result => (self.judge(node, &request, spec.split_into.is_some(), result), None),
                    }
                }
            };
            let ended_ms = now_ms();
            let completion = ending.completion();
            let metrics = measure(&request, completion, started, started_ms, ended_ms);
            let parsed = match (spec.split_into, &ending) {
                (Some(count), Ending::Answered(done)) => {
                    // A looped split is not read as cut off: it was cut after a whole copy of its
                    // unit, so its last item is complete (an open JSON array still gives its
                    // closed elements).
                    read_split(&done.content, count, done.finish_reason.as_deref() == Some("length"))
                }
                _ => None,
            };
            let split = match &ending {
                Ending::Answered(_) => {
                    spec.split_into.map(|_| parsed.as_ref().map_or(SplitMethod::Fallback, |p| p.method))
                }
                _ => None,
            };
            // A call the user cancelled did not fail: it is counted as a call, not as a failure.
            self.tally(&metrics, matches!(&ending, Ending::Failed { failure, .. } if failure.is_failure()));
            let next = match (&ending, spec.mending) {
                _ if ask_again_with.is_some() => Some(AfterFailure::AskAgain),
                (Ending::Failed { failure, .. }, Some(mending)) => mending.next(failure),
                _ => None,
            };
            self.emitter.emit(EventKind::CallFinished {
                call,
                node: node.id.clone(),
                phase: spec.phase,
                metrics,
                text: completion.map(|c| c.content.clone()).unwrap_or_default(),
                reasoning: completion.map(|c| c.reasoning.clone()).unwrap_or_default(),
                split,
                error: ending.reason(),
                next,
            });
            if let Some(format) = ask_again_with {
                spec.request.response_format = format;
                continue;
            }
            return match ending {
                Ending::Answered(done) => Ok(CallOutput { call, text: done.content, split: parsed }),
                Ending::Failed { failure, .. } | Ending::NotAFailure { failure, .. } => {
                    Err(failure.of_call(call))
                }
            };
        }
    }

    /// Classifies what the backend returned. A reply with reasoning but no answer is a failure:
    /// accepting it would leave the parent synthesizing from nothing.
    fn judge(
        &self,
        node: &NodeConfig,
        request: &ChatRequest,
        is_split: bool,
        result: Result<ChatCompletion, LlmError>,
    ) -> Ending {
        match result {
            Ok(done) if !is_split && done.content.trim().is_empty() && !done.reasoning.trim().is_empty() => {
                let reason = if done.finish_reason.as_deref() == Some("length") {
                    format!(
                        "the model used all its max_tokens ({}) on reasoning and wrote no answer; \
                         raise max_tokens for {} in hierarchy.toml",
                        request.max_tokens, node.name
                    )
                } else {
                    format!(
                        "the model wrote only reasoning and no answer; if this repeats, raise max_tokens \
                         for {} in hierarchy.toml",
                        node.name
                    )
                };
                Ending::Failed {
                    completion: Some(done),
                    failure: CallFailure::Failed(reason.clone()),
                    reason,
                }
            }
            Ok(done) => Ending::Answered(done),
            Err(LlmError::Cancelled) => match self.restarts.reason(&node.id) {
                Some(reason) => Ending::NotAFailure { failure: CallFailure::Cancelled, reason },
                None => Ending::Failed {
                    completion: None,
                    failure: CallFailure::Cancelled,
                    reason: CallFailure::Cancelled.reason(),
                },
            },
            Err(error) => Ending::from_error(describe_for(&error, request), &error, is_split),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn stream(
        &self,
        call: CallId,
        node: &NodeConfig,
        phase: Phase,
        endpoint: &Endpoint,
        request: &ChatRequest,
        cancel: &CancellationToken,
        on_text: Option<TextHook<'_>>,
    ) -> Result<ChatCompletion, LlmError> {
        let work = async {
            let _permit = self.slot(call, node, endpoint).await?;
            // LM Studio loads a cold model once per concurrent first request (BT#1751): the first
            // request to each model goes alone until its first token, the rest wait for it.
            let gate = endpoint.warm_gate(&request.model);
            let guard = gate.lock().await;
            let mut cold = (!*guard).then_some(guard);
            // The model answered, so it is loaded: let the requests waiting for it go.
            let mut warmed = || {
                if let Some(mut warm) = cold.take() {
                    *warm = true;
                }
            };
            let backend = endpoint.backend.as_ref();
            let result = self.watch_stream(call, node, phase, backend, request, on_text, &mut warmed).await;
            // Still held: no token came, so a failed first call leaves the model cold and the
            // next request goes alone too.
            if let Some(mut guard) = cold {
                *guard = result.is_ok();
            }
            result
        };
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(LlmError::Cancelled),
            result = work => result,
        }
    }

    fn tally(&self, metrics: &CallMetrics, failed: bool) {
        if let Ok(mut totals) = self.totals.lock() {
            totals.calls += 1;
            totals.failed_calls += u32::from(failed);
            totals.looped_calls += u32::from(metrics.finish_reason.as_deref() == Some(LOOPED));
            totals.prompt_tokens += u64::from(metrics.prompt_tokens.unwrap_or(0));
            totals.completion_tokens += u64::from(metrics.completion_tokens);
        }
    }
}
