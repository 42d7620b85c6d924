//! The picture of one run, built from its events and nothing else. `apply` is the only way in,
//! so a recorded run fed back through it (History, replay) looks exactly like a live one.
//! All model and server text is sanitized on the way in.

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::{Hierarchy, Phase};
use crate::engine::{
    AfterFailure, CallId, CallMetrics, EventKind, NodeStatus, ReflectionRound, RunEvent, RunId, RunStatus,
    RunTotals, SplitMethod, TurnInfo,
};
use crate::llm::ChatRequest;
use crate::text::sanitize::{Sanitizer, Tabs, one_line, sanitize};

/// One node as the run has shown it so far.
#[derive(Debug, Clone)]
pub struct NodeView {
    pub id: String,
    pub name: String,
    pub role: String,
    pub model: String,
    pub depth: usize,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// `None` before any run.
    pub status: Option<NodeStatus>,
    pub task: Option<String>,
    /// How the parent's split was read to give this node its task.
    pub split: Option<SplitMethod>,
    /// Why the node got the fallback instead of its sub-task (sanitized), when it did.
    pub fallback_reason: Option<String>,
    /// Tasks given to the node this run (a restart gives it another), so what is drawn from its
    /// task can tell that it changed without comparing the text.
    pub assigned: u32,
    /// Why the node's answer is not taken as one (sanitized), when it was flagged.
    pub flag: Option<String>,
    /// Indexes into [`RunView::calls`], in start order.
    pub calls: Vec<usize>,
    pub failure: Option<String>,
}

impl NodeView {
    /// True while the node is working (not idle, waiting or finished).
    pub fn is_active(&self) -> bool {
        matches!(
            self.status,
            Some(
                NodeStatus::Splitting
                    | NodeStatus::Answering
                    | NodeStatus::Reflecting
                    | NodeStatus::Critiquing
                    | NodeStatus::Revising
                    | NodeStatus::Synthesizing
            )
        )
    }
}

/// One model call.
#[derive(Debug, Clone)]
pub struct CallView {
    pub id: CallId,
    /// Index into [`RunView::nodes`].
    pub node: usize,
    pub phase: Phase,
    pub parent_call: Option<CallId>,
    pub endpoint: String,
    /// The exact request (not sanitized: views sanitize what they show of it).
    pub request: Arc<ChatRequest>,
    pub truncated_input: bool,
    /// For a reflection round's calls: which round of how many, and its level's name (one line,
    /// sanitized), to title the section ("Reflection 2 of 3 · draw out implications").
    pub reflection: Option<ReflectionRound>,
    pub started_ms: i64,
    pub first_token_ms: Option<i64>,
    pub ended_ms: Option<i64>,
    /// The answer text so far (sanitized).
    pub text: String,
    /// Reasoning text so far (sanitized).
    pub reasoning: String,
    /// Token events received.
    pub streamed: u32,
    pub metrics: Option<CallMetrics>,
    pub error: Option<String>,
    pub split: Option<SplitMethod>,
    /// For a failed call the engine did not give up on: what it did next (asked again, …).
    pub next: Option<AfterFailure>,
    /// What the call is waiting for, while it waits (a free slot, or the model's next token).
    pub wait: Option<CallWait>,
    text_filter: Sanitizer,
    reasoning_filter: Sanitizer,
}

/// Why a started call shows no progress: said on its pane, so a wait does not read as a model
/// answering at 0 tok/s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallWait {
    /// Waiting for a free slot of its endpoint, with `ahead` calls before it when it joined.
    Queued { ahead: u32 },
    /// Streaming, but no token for `secs` seconds.
    Silent { secs: u64 },
}

impl CallView {
    pub fn is_finished(&self) -> bool {
        self.ended_ms.is_some()
    }

    /// True when the loop guard stopped the call (its text is cut where the loop began).
    pub fn looped(&self) -> bool {
        self.metrics.as_ref().and_then(|m| m.finish_reason.as_deref()) == Some(crate::engine::LOOPED)
    }

    /// Completion tokens: the server's count when finished, else the pieces seen.
    pub fn tokens(&self) -> u32 {
        self.metrics.as_ref().map(|m| m.completion_tokens).filter(|&t| t > 0).unwrap_or(self.streamed)
    }

    /// Tokens per second: measured by the engine when finished, live from the clock otherwise.
    pub fn tokens_per_sec(&self, now_ms: i64) -> Option<f64> {
        if let Some(rate) = self.metrics.as_ref().and_then(|m| m.tokens_per_sec) {
            return Some(rate);
        }
        let first = self.first_token_ms?;
        let end = self.ended_ms.unwrap_or(now_ms);
        let secs = (end - first) as f64 / 1000.0;
        (secs >= 0.25 && self.streamed > 1).then(|| f64::from(self.streamed - 1) / secs)
    }

    /// Time to first token in ms.
    pub fn ttft_ms(&self) -> Option<i64> {
        match &self.metrics {
            Some(m) if m.first_token_ms.is_some() => m.ttft_ms(),
            _ => self.first_token_ms.map(|t| t - self.started_ms),
        }
    }
}

/// The footer figures of a pane.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    pub tokens: u32,
    pub tokens_per_sec: Option<f64>,
    pub ttft_ms: Option<i64>,
    pub elapsed_ms: Option<i64>,
}

/// A run: its nodes, its calls, and how it ended.
#[derive(Debug, Clone)]
pub struct RunView {
    pub run_id: Option<RunId>,
    pub prompt: String,
    pub hierarchy: Arc<Hierarchy>,
    /// Nodes in pre-order from the root (index 0).
    pub nodes: Vec<NodeView>,
    pub calls: Vec<CallView>,
    /// `None` before any run.
    pub status: Option<RunStatus>,
    pub answer: Option<String>,
    pub totals: Option<RunTotals>,
    /// Why the run failed, when the root failed.
    pub error: Option<String>,
    pub started_ms: Option<i64>,
    pub finished_ms: Option<i64>,
    /// The conversation and turn the run is (none for a lab arm, or before any run).
    pub turn: Option<TurnInfo>,
    /// Events that changed more than a call's streamed text (states, tasks, calls starting or
    /// ending, waits), so what is derived from those alone (a member's caption) can tell it is
    /// still current without rebuilding per token.
    pub shape: u64,
    node_index: HashMap<String, usize>,
    call_index: HashMap<CallId, usize>,
}

impl RunView {
    /// The tree at rest, before any run.
    pub fn idle(hierarchy: Arc<Hierarchy>) -> RunView {
        let order = hierarchy.preorder();
        let node_index: HashMap<String, usize> =
            order.iter().enumerate().map(|(i, n)| (n.id.clone(), i)).collect();
        let nodes = order
            .iter()
            .map(|n| NodeView {
                id: n.id.clone(),
                name: one_line(&n.name),
                role: one_line(&n.role),
                model: one_line(&n.model),
                depth: hierarchy.depth_of(&n.id).unwrap_or(0),
                parent: hierarchy.parent_of(&n.id).and_then(|p| node_index.get(&p.id).copied()),
                children: n.children.iter().filter_map(|c| node_index.get(c).copied()).collect(),
                status: None,
                task: None,
                split: None,
                fallback_reason: None,
                assigned: 0,
                flag: None,
                calls: Vec::new(),
                failure: None,
            })
            .collect();
        RunView {
            run_id: None,
            prompt: String::new(),
            hierarchy,
            nodes,
            calls: Vec::new(),
            status: None,
            answer: None,
            totals: None,
            error: None,
            started_ms: None,
            finished_ms: None,
            turn: None,
            shape: 0,
            node_index,
            call_index: HashMap::new(),
        }
    }

    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.node_index.get(id).copied()
    }

    pub fn call(&self, id: CallId) -> Option<&CallView> {
        self.call_index.get(&id).map(|&i| &self.calls[i])
    }

    /// The node's latest call, the one its pane shows.
    pub fn current_call(&self, node: usize) -> Option<&CallView> {
        self.nodes.get(node)?.calls.last().map(|&i| &self.calls[i])
    }

    /// True between `RunStarted` and `RunFinished`.
    pub fn is_running(&self) -> bool {
        self.status == Some(RunStatus::Running)
    }

    /// Folds one event into the view. `RunStarted` begins a new run; events of other runs are ignored.
    pub fn apply(&mut self, event: &RunEvent) {
        if let EventKind::RunStarted { prompt, hierarchy, conversation, .. } = &event.kind {
            *self = RunView::idle(hierarchy.clone());
            self.run_id = Some(event.run_id.clone());
            self.turn = conversation.clone();
            self.prompt = sanitize(prompt);
            self.status = Some(RunStatus::Running);
            self.started_ms = Some(event.at_ms);
            return;
        }
        if self.run_id.as_ref() != Some(&event.run_id) {
            return;
        }
        if !matches!(event.kind, EventKind::Token { .. }) {
            self.shape += 1;
        }
        match &event.kind {
            EventKind::RunStarted { .. } => {}
            EventKind::NodeState { node, state } => {
                if let Some(n) = self.node_mut(node) {
                    n.status = Some(sanitized_status(state));
                }
            }
            EventKind::TaskAssigned { node, task, split, fallback_reason, .. } => {
                if let Some(n) = self.node_mut(node) {
                    n.task = Some(sanitize(task));
                    n.split = *split;
                    n.fallback_reason = fallback_reason.as_deref().map(sanitize);
                    n.assigned += 1;
                }
            }
            EventKind::AnswerFlagged { node, reason, .. } => {
                if let Some(n) = self.node_mut(node) {
                    n.flag = Some(sanitize(reason));
                }
            }
            EventKind::CallStarted {
                call,
                node,
                phase,
                parent_call,
                endpoint,
                request,
                truncated_input,
                reflection,
            } => {
                let Some(node_ix) = self.node_index(node) else { return };
                let index = self.calls.len();
                self.calls.push(CallView {
                    id: *call,
                    node: node_ix,
                    phase: *phase,
                    parent_call: *parent_call,
                    endpoint: one_line(endpoint),
                    request: request.clone(),
                    truncated_input: *truncated_input,
                    reflection: reflection
                        .as_ref()
                        .map(|r| ReflectionRound { name: r.name.as_deref().map(one_line), ..r.clone() }),
                    started_ms: event.at_ms,
                    first_token_ms: None,
                    ended_ms: None,
                    text: String::new(),
                    reasoning: String::new(),
                    streamed: 0,
                    metrics: None,
                    error: None,
                    split: None,
                    next: None,
                    wait: None,
                    text_filter: Sanitizer::new(Tabs::Expand),
                    reasoning_filter: Sanitizer::new(Tabs::Expand),
                });
                self.call_index.insert(*call, index);
                self.nodes[node_ix].calls.push(index);
            }
            EventKind::Token { call, text, reasoning, pieces, .. } => {
                let Some(&ix) = self.call_index.get(call) else { return };
                let c = &mut self.calls[ix];
                if c.is_finished() {
                    return;
                }
                c.first_token_ms.get_or_insert(event.at_ms);
                c.streamed += pieces;
                if c.wait.take().is_some() {
                    self.shape += 1;
                }
                if *reasoning {
                    c.reasoning_filter.push(text, &mut c.reasoning);
                } else {
                    c.text_filter.push(text, &mut c.text);
                }
            }
            EventKind::CallFinished { call, metrics, text, reasoning, split, error, next, .. } => {
                let Some(&ix) = self.call_index.get(call) else { return };
                let c = &mut self.calls[ix];
                c.ended_ms = Some(event.at_ms);
                c.wait = None;
                // The final text is authoritative when the call succeeded; a failed call keeps
                // whatever streamed before the failure.
                if error.is_none() {
                    c.text = sanitize(text);
                    if !reasoning.is_empty() {
                        c.reasoning = sanitize(reasoning);
                    }
                }
                c.metrics = Some(metrics.clone());
                c.split = *split;
                c.next = *next;
                c.error = error.as_deref().map(sanitize);
            }
            EventKind::CallQueued { call, ahead, .. } => {
                self.set_wait(*call, Some(CallWait::Queued { ahead: *ahead }))
            }
            EventKind::CallSlotted { call, .. } => self.set_wait(*call, None),
            EventKind::CallSilent { call, secs, .. } => {
                self.set_wait(*call, Some(CallWait::Silent { secs: *secs }))
            }
            // Its CallFinished carries the kept text and the "looped" finish.
            EventKind::CallLooped { .. } => {}
            EventKind::NodeFailed { node, reason } => {
                let root = self.nodes.first().map(|n| n.id.clone());
                if let Some(n) = self.node_mut(node) {
                    n.failure = Some(sanitize(reason));
                }
                if root.as_deref() == Some(node.as_str()) {
                    self.error = Some(sanitize(reason));
                }
            }
            EventKind::RunFinished { status, answer, totals } => {
                self.status = Some(*status);
                self.answer = answer.as_deref().map(sanitize);
                self.totals = Some(*totals);
                self.finished_ms = Some(event.at_ms);
                for call in self.calls.iter_mut().filter(|c| c.ended_ms.is_none()) {
                    call.ended_ms = Some(event.at_ms);
                    call.wait = None;
                }
            }
        }
    }

    /// Sets what an unfinished call waits for.
    fn set_wait(&mut self, call: CallId, wait: Option<CallWait>) {
        let Some(&ix) = self.call_index.get(&call) else { return };
        let c = &mut self.calls[ix];
        if !c.is_finished() {
            c.wait = wait;
        }
    }

    fn node_mut(&mut self, id: &str) -> Option<&mut NodeView> {
        let ix = self.node_index(id)?;
        self.nodes.get_mut(ix)
    }

    /// A pane's footer figures at `now_ms`.
    pub fn figures(&self, node: usize, now_ms: i64) -> Figures {
        let Some(n) = self.nodes.get(node) else { return Figures::default() };
        let calls: Vec<&CallView> = n.calls.iter().map(|&i| &self.calls[i]).collect();
        let Some(current) = calls.last() else { return Figures::default() };
        let start = calls.iter().map(|c| c.started_ms).min();
        let end = if calls.iter().all(|c| c.is_finished()) {
            calls.iter().filter_map(|c| c.ended_ms).max()
        } else {
            Some(self.finished_ms.unwrap_or(now_ms))
        };
        Figures {
            tokens: calls.iter().map(|c| c.tokens()).sum(),
            tokens_per_sec: current.tokens_per_sec(now_ms),
            ttft_ms: current.ttft_ms(),
            elapsed_ms: start.zip(end).map(|(s, e)| (e - s).max(0)),
        }
    }

    /// Wall time of the run so far (or in total, once finished).
    pub fn elapsed_ms(&self, now_ms: i64) -> Option<i64> {
        let start = self.started_ms?;
        Some((self.finished_ms.unwrap_or(now_ms) - start).max(0))
    }

    /// Nodes currently working.
    pub fn active_nodes(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_active()).count()
    }

    /// Names of nodes that failed, for the degraded summary.
    pub fn failed_nodes(&self) -> Vec<(&str, &str)> {
        self.nodes
            .iter()
            .filter_map(|n| n.failure.as_deref().map(|reason| (n.name.as_str(), reason)))
            .collect()
    }
}

fn sanitized_status(status: &NodeStatus) -> NodeStatus {
    match status {
        NodeStatus::Failed { reason } => NodeStatus::Failed { reason: sanitize(reason) },
        other => other.clone(),
    }
}
