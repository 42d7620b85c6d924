//! The one event stream. Everything that happens in a run is one of these, and every event
//! carries its run id, so no consumer can lose track of which conversation a token belongs to.
//! The TUI, the SQLite recorder and the CLI printer all consume exactly this.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::conversation::{PastTurn, TurnInfo};
use crate::config::{Hierarchy, Phase};
use crate::llm::ChatRequest;

/// A run's identifier: sortable by start time, short enough to type (`20261124-042617-3fa9`).
pub type RunId = Arc<str>;

/// A call's number within its run (1, 2, …), in the order calls started.
pub type CallId = u32;

/// One thing that happened in a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunEvent {
    pub run_id: RunId,
    /// Wall-clock time of the event, milliseconds since the Unix epoch.
    pub at_ms: i64,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened. Serialized with a `type` field (`run_started`, `token`, …) for `ailab ask --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The run began. Carries the exact hierarchy it runs with, so the record can snapshot it.
    RunStarted {
        prompt: String,
        root: String,
        hierarchy: Arc<Hierarchy>,
        /// SHA-256 (hex) of the resolved hierarchy: the prompt version this run used.
        hierarchy_hash: String,
        app_version: String,
        /// What the run is part of ("tree", or a lab arm).
        #[serde(default = "default_kind")]
        kind: String,
        /// The conversation and turn a tree run belongs to (none for the lab's other arms).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conversation: Option<TurnInfo>,
    },
    /// A node moved to a new state.
    NodeState { node: String, state: NodeStatus },
    /// A node received its task: the user's query for the root, a sub-task for a child.
    TaskAssigned {
        node: String,
        task: String,
        /// The split call whose output produced the task (none for the root).
        from_call: Option<CallId>,
        /// How the parent's split was read, for children.
        split: Option<SplitMethod>,
        /// Why a child got the fallback instead of a sub-task of the split: the sub-task was
        /// rejected (`the sub-task "task_1" was a placeholder`), or the split failed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fallback_reason: Option<String>,
    },
    /// A model call was sent. `request` holds the exact messages and parameters.
    CallStarted {
        call: CallId,
        node: String,
        phase: Phase,
        /// The call whose output produced this call's input (a split for a child's first call,
        /// the last child call for a synthesis, the draft for a reflection).
        parent_call: Option<CallId>,
        endpoint: String,
        request: Arc<ChatRequest>,
        /// Set when child replies were cut to fit the context window.
        truncated_input: bool,
        /// For a reflection round's calls (its critique and its rewrite): which round of how many,
        /// and the round's level name when the member has named levels.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reflection: Option<ReflectionRound>,
    },
    /// A piece of streamed text.
    Token {
        call: CallId,
        node: String,
        phase: Phase,
        text: String,
        /// True for reasoning ("thinking") text, kept apart from the answer.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        reasoning: bool,
        /// How many of the server's pieces (tokens, as a rule) the text holds: pieces that arrived
        /// together travel as one event.
        #[serde(default = "one_piece", skip_serializing_if = "is_one_piece")]
        pieces: u32,
    },
    /// A call ended, successfully or not, with its measurements.
    CallFinished {
        call: CallId,
        node: String,
        phase: Phase,
        metrics: CallMetrics,
        /// The full answer text of the call (reasoning removed).
        text: String,
        reasoning: String,
        /// For split calls: how the sub-tasks were read from the text.
        split: Option<SplitMethod>,
        /// `None` on success.
        error: Option<String>,
        /// For a failed call the engine does not give up on: what it does next (asks again, or
        /// gives the members below the fallback). `None` when the failure stands as it is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next: Option<AfterFailure>,
    },
    /// A node gave up; its parent (if any) carries on without it.
    NodeFailed { node: String, reason: String },
    /// The run is over.
    RunFinished {
        status: RunStatus,
        /// The root's final answer (partial answers are not given here).
        answer: Option<String>,
        totals: RunTotals,
    },
    /// A call's answer is not what it seems: it mostly repeated its own prompt's instructions.
    /// Its parent does not take it as an answer (see `cascade`).
    AnswerFlagged { call: CallId, node: String, reason: String },
    /// A streaming call has sent no token for `secs` seconds (20, 40, …), before the idle
    /// timeout fails it. The next `Token` of the call ends the silence.
    CallSilent { call: CallId, node: String, secs: u64 },
    /// The loop guard stopped a call that kept repeating `unit`: its text was cut to the first
    /// copy (`kept_chars` characters), and `tokens_after` tokens came after the loop began.
    /// Its `CallFinished` follows, with `finish_reason` "looped"; the answer counts as an answer.
    CallLooped { call: CallId, node: String, unit: String, kept_chars: u32, tokens_after: u32 },
    /// A call waits for a free slot of its endpoint (`max_concurrent`), with `ahead` calls
    /// waiting before it; said again each time that count changes.
    CallQueued { call: CallId, node: String, ahead: u32 },
    /// A queued call got its slot and is sent now.
    CallSlotted { call: CallId, node: String, waited_ms: i64 },
}

/// What the engine does after a call failed, so every listener can tell a call that is asked
/// again from one given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterFailure {
    /// The reply broke off after it began: the same request is sent again.
    AskAgain,
    /// The prompt did not fit the model's context: it is sent again with less in it.
    Shorten,
    /// Given up: each member below gets the whole task, framed by its role (the fallback).
    Fallback,
}

impl AfterFailure {
    /// True when the call is asked again (the failure is not the last word).
    pub fn asks_again(self) -> bool {
        matches!(self, AfterFailure::AskAgain | AfterFailure::Shorten)
    }

    /// What happened to the call, in a few words ("broke off", "did not fit the model's context",
    /// "failed").
    pub fn what_happened(self) -> &'static str {
        match self {
            AfterFailure::AskAgain => "broke off",
            AfterFailure::Shorten => "did not fit the model's context",
            AfterFailure::Fallback => "failed",
        }
    }

    /// What the engine does about it, as a phrase ("asking again", …).
    pub fn what_follows(self) -> &'static str {
        match self {
            AfterFailure::AskAgain => "asking again",
            AfterFailure::Shorten => "asking again with a shorter prompt",
            AfterFailure::Fallback => {
                "giving up: each member gets the whole task, framed by its role (fallback)"
            }
        }
    }

    /// What the engine did about it, for a record read afterwards ("asked again", …).
    pub fn what_followed(self) -> &'static str {
        match self {
            AfterFailure::AskAgain => "asked again",
            AfterFailure::Shorten => "asked again with a shorter prompt",
            AfterFailure::Fallback => {
                "gave up: each member got the whole task, framed by its role (fallback)"
            }
        }
    }
}

/// Where a reflection call stands in its member's reflection: round `round` of `of`, named after
/// its level when the member reflects in named levels (see `config::ReflectionLevel`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReflectionRound {
    /// 1-based.
    pub round: u32,
    pub of: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl ReflectionRound {
    /// "Reflection 2 of 3 · draw out implications" (without the name for unnamed rounds).
    pub fn title(&self) -> String {
        let counted = format!("Reflection {} of {}", self.round, self.of);
        match &self.name {
            Some(name) => format!("{counted} · {name}"),
            None => counted,
        }
    }
}

fn default_kind() -> String {
    "tree".to_string()
}

fn one_piece() -> u32 {
    1
}

fn is_one_piece(n: &u32) -> bool {
    *n == 1
}

/// Where a node is in its lifecycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum NodeStatus {
    Waiting,
    Splitting,
    Delegated,
    Answering,
    Reflecting,
    Critiquing,
    Revising,
    Synthesizing,
    Done,
    Failed { reason: String },
    Cancelled,
}

impl NodeStatus {
    /// Short lowercase label ("splitting", "failed").
    pub fn label(&self) -> &'static str {
        match self {
            NodeStatus::Waiting => "waiting",
            NodeStatus::Splitting => "splitting",
            NodeStatus::Delegated => "delegated",
            NodeStatus::Answering => "answering",
            NodeStatus::Reflecting => "reflecting",
            NodeStatus::Critiquing => "critiquing",
            NodeStatus::Revising => "revising",
            NodeStatus::Synthesizing => "synthesizing",
            NodeStatus::Done => "done",
            NodeStatus::Failed { .. } => "failed",
            NodeStatus::Cancelled => "cancelled",
        }
    }

    /// True once the node will not change again in this run.
    pub fn is_final(&self) -> bool {
        matches!(self, NodeStatus::Done | NodeStatus::Failed { .. } | NodeStatus::Cancelled)
    }
}

/// How a split call's text became sub-tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitMethod {
    /// A JSON array of exactly one string per child.
    Json,
    /// A numbered or bulleted list with one item per child.
    List,
    /// Neither worked: each child got the whole task, framed by its role.
    Fallback,
    /// The reply was cut off or broke off: children whose JSON element closed got it, the others
    /// the whole task framed by their role (their tasks say `fallback`).
    Partial,
}

impl SplitMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SplitMethod::Json => "json",
            SplitMethod::List => "list",
            SplitMethod::Fallback => "fallback",
            SplitMethod::Partial => "partial",
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Running,
    /// Every node answered.
    Done,
    /// The root answered, but at least one branch failed.
    Degraded,
    /// The root failed: no answer.
    Failed,
    Cancelled,
    /// The process died mid-run (set by the recorder at the next start).
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Done => "done",
            RunStatus::Degraded => "degraded",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> Option<RunStatus> {
        Some(match s {
            "running" => RunStatus::Running,
            "done" => RunStatus::Done,
            "degraded" => RunStatus::Degraded,
            "failed" => RunStatus::Failed,
            "cancelled" => RunStatus::Cancelled,
            "interrupted" => RunStatus::Interrupted,
            _ => return None,
        })
    }
}

/// Measurements of one call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallMetrics {
    /// Unix ms when the request was sent.
    pub started_ms: i64,
    /// Unix ms of the first streamed text, if any arrived.
    pub first_token_ms: Option<i64>,
    /// Unix ms when the call ended.
    pub ended_ms: i64,
    pub prompt_tokens: Option<u32>,
    pub completion_tokens: u32,
    /// True when token counts came from the server's usage (else counted from chunks).
    pub usage_from_server: bool,
    /// Completion tokens per second of generation (after the first token).
    pub tokens_per_sec: Option<f64>,
    pub finish_reason: Option<String>,
    pub requested_model: String,
    pub answering_model: Option<String>,
    pub retries: u32,
}

impl CallMetrics {
    /// Time to first token in ms.
    pub fn ttft_ms(&self) -> Option<i64> {
        self.first_token_ms.map(|t| t - self.started_ms)
    }
}

/// How a run ended, as returned to whoever started it (the same facts as its `RunFinished` event).
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub run_id: RunId,
    pub status: RunStatus,
    pub answer: Option<String>,
    pub totals: RunTotals,
    /// Why the root failed, when it did.
    pub error: Option<String>,
    /// The run as a turn of its conversation, for the next turn to read (tree runs only).
    pub turn: Option<PastTurn>,
}

/// Totals of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RunTotals {
    pub calls: u32,
    pub failed_calls: u32,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub wall_ms: i64,
    /// Answers flagged as no answer: they mostly repeated their own instructions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub flagged_answers: u32,
    /// Calls the loop guard stopped (they answered: not failures).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub looped_calls: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
