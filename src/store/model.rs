//! What reads return: a run as a list row, and a run in full with its calls and tasks.

use serde::{Deserialize, Serialize};

use crate::config::Phase;
use crate::engine::{
    CallId, CallMetrics, NodeStatus, ReflectionRound, RunStatus, SplitMethod, TurnInfo, TurnKind,
};
use crate::llm::ChatRequest;

/// One run as the history list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRow {
    pub id: String,
    /// "tree" (the user's own run), [`TREE_ARM`], or a lab arm ("solo", "compute") or "judge".
    pub kind: String,
    pub prompt: String,
    pub root: String,
    pub status: RunStatus,
    pub started_ms: i64,
    pub ended_ms: Option<i64>,
    pub calls: u32,
    pub failed_calls: u32,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// SHA-256 of the hierarchy the run used (its prompt version).
    pub hierarchy_hash: String,
    /// Why the run was marked interrupted, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The conversation the run is a turn of (the id of its first run; its own for a first turn).
    pub conversation: String,
    /// Which turn of it (1 for the first).
    pub turn: u32,
    #[serde(default)]
    pub turn_kind: TurnKind,
    /// The turn this one follows from (an expansion's turn, a resynthesis' expansion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_run: Option<String>,
}

/// The kind a tree run reads as when it answered as a lab arm: the engine records every tree run as
/// "tree", and the comparison it belongs to tells the lab's apart from the user's own.
pub const TREE_ARM: &str = "tree-arm";

impl RunRow {
    /// True for a run the lab made (an arm of a comparison, or a judge call), not the user's own.
    pub fn is_lab(&self) -> bool {
        self.kind != "tree"
    }

    /// The kind as people read it: "tree" for the user's own runs; "lab tree", "lab solo",
    /// "lab compute" or "lab judge" for the lab's.
    pub fn kind_label(&self) -> String {
        match self.kind.as_str() {
            "tree" => "tree".into(),
            TREE_ARM => "lab tree".into(),
            other => format!("lab {other}"),
        }
    }

    /// The first non-empty line of the prompt (what a one-line list shows).
    pub fn title(&self) -> &str {
        self.prompt.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
    }

    /// Where the run sits in its conversation, for lists: `↳ turn 2`, `↳ turn 4 · asked sage`,
    /// `↳ turn 5 · sent up`; `None` for a first turn.
    pub fn turn_label(&self) -> Option<String> {
        match self.turn_kind {
            TurnKind::Expansion => Some(format!("↳ turn {} · asked {}", self.turn, self.root)),
            TurnKind::Resynthesis => Some(format!("↳ turn {} · sent up", self.turn)),
            TurnKind::Question if self.turn > 1 => Some(format!("↳ turn {}", self.turn)),
            TurnKind::Question => None,
        }
    }

    /// How long the run took, once it is over.
    pub fn duration_ms(&self) -> Option<i64> {
        self.ended_ms.map(|end| (end - self.started_ms).max(0))
    }

    /// Prompt plus completion tokens.
    pub fn total_tokens(&self) -> u64 {
        self.prompt_tokens + self.completion_tokens
    }

    /// The key to ask for the page after this row.
    pub fn cursor(&self) -> RunCursor {
        RunCursor { started_ms: self.started_ms, id: self.id.clone() }
    }
}

/// Which runs a listing or a search takes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RunScope {
    /// Every recorded run, the lab's included.
    #[default]
    All,
    /// The user's own runs: not the arms and judges the lab made ([`RunRow::is_lab`]).
    Own,
}

impl RunScope {
    /// `All` when the lab's runs are wanted, `Own` when not.
    pub fn with_lab(lab: bool) -> RunScope {
        if lab { RunScope::All } else { RunScope::Own }
    }
}

/// How many runs the record holds: the user's own, and the lab's (arms and judges).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunCounts {
    pub own: u64,
    pub lab: u64,
}

impl RunCounts {
    /// Every run.
    pub fn all(&self) -> u64 {
        self.own + self.lab
    }

    /// The runs a listing in `scope` shows.
    pub fn in_scope(&self, scope: RunScope) -> u64 {
        match scope {
            RunScope::All => self.all(),
            RunScope::Own => self.own,
        }
    }
}

/// A position in the newest-first list: the page after it starts with the next older run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCursor {
    pub started_ms: i64,
    pub id: String,
}

/// A search result: the run and a snippet of the best matching text (`[match]` in brackets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub run: RunRow,
    pub snippet: String,
}

/// Where a recorded call ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    /// Still streaming (its run is still running, in this or another ailab).
    Streaming,
    Done,
    Failed,
    /// The process stopped mid-call; the text so far is kept.
    Interrupted,
    /// Ended without its answer through no fault of its own: cancelled by the user, restarted with
    /// a new sub-task, or a split asked again without the schema the server refused.
    Stopped,
    /// Stopped by the loop guard: the model kept repeating itself. Its text is cut to where the
    /// loop began and counts as its answer (not a failure).
    Looped,
}

impl CallStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Streaming => "streaming",
            CallStatus::Done => "done",
            CallStatus::Failed => "failed",
            CallStatus::Interrupted => "interrupted",
            CallStatus::Stopped => "stopped",
            CallStatus::Looped => "looped",
        }
    }

    pub fn parse(s: &str) -> Option<CallStatus> {
        Some(match s {
            "streaming" => CallStatus::Streaming,
            "done" => CallStatus::Done,
            "failed" => CallStatus::Failed,
            "interrupted" => CallStatus::Interrupted,
            "stopped" => CallStatus::Stopped,
            "looped" => CallStatus::Looped,
            _ => return None,
        })
    }
}

/// One model call of a run, with its exact request, its text and its measurements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    pub call: CallId,
    pub node: String,
    pub phase: Phase,
    /// The call whose output produced this call's input.
    pub parent_call: Option<CallId>,
    pub endpoint: String,
    pub request: ChatRequest,
    pub truncated_input: bool,
    pub status: CallStatus,
    pub text: String,
    pub reasoning: String,
    /// For split calls: how the sub-tasks were read.
    pub split: Option<SplitMethod>,
    pub error: Option<String>,
    /// Complete for finished calls; for interrupted ones, what was known (start, first token, last text).
    pub metrics: CallMetrics,
    /// When the CallStarted event was emitted.
    pub opened_ms: i64,
    /// When the CallFinished event was emitted (none for interrupted calls).
    pub closed_ms: Option<i64>,
    /// The streaming pace, for replay (see `recorder::marks`).
    #[serde(skip)]
    pub marks: String,
    #[serde(skip)]
    pub(crate) start_seq: i64,
    #[serde(skip)]
    pub(crate) finish_seq: Option<i64>,
    /// Why the answer is not taken as one (it mostly repeated its instructions), when flagged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    /// For a reflection round's calls: which round of how many, and its level's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reflection: Option<ReflectionRound>,
}

/// A task handed to a node: the user's query for the root, a sub-task for a child.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    pub node: String,
    pub task: String,
    /// The split call that produced it (none for the root).
    pub from_call: Option<CallId>,
    pub split: Option<SplitMethod>,
    pub at_ms: i64,
    #[serde(skip)]
    pub(crate) seq: i64,
    /// Why the node got the fallback instead of a sub-task of the split, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_reason: Option<String>,
}

/// A node's state change or failure, in the order they happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeEventRecord {
    pub node: String,
    pub at_ms: i64,
    /// The new state; `None` for a failure (see `reason`).
    pub state: Option<NodeStatus>,
    pub reason: Option<String>,
    #[serde(skip)]
    pub(crate) seq: i64,
}

/// A run in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    #[serde(flatten)]
    pub run: RunRow,
    pub answer: Option<String>,
    pub app_version: String,
    pub hierarchy_source: String,
    /// The resolved hierarchy the run used, as recorded (kept as JSON so older records stay readable).
    pub hierarchy: serde_json::Value,
    pub wall_ms: Option<i64>,
    pub tasks: Vec<TaskRecord>,
    pub calls: Vec<CallRecord>,
    pub node_events: Vec<NodeEventRecord>,
    #[serde(skip)]
    pub(crate) finish_seq: Option<i64>,
}

impl RunRecord {
    /// Where the run sits in its conversation, as the engine announced it: tree runs are turns of
    /// a conversation; the lab's other arms are not.
    pub fn turn_info(&self) -> Option<TurnInfo> {
        (self.run.kind == "tree" || self.run.kind == TREE_ARM).then(|| TurnInfo {
            id: self.run.conversation.clone(),
            turn: self.run.turn,
            kind: self.run.turn_kind,
            parent_run: self.run.parent_run.clone(),
        })
    }

    /// "8 calls (0 failed, 2 interrupted)": every recorded call, and those that did not finish
    /// (a cancel or a crash cuts calls off; they are recorded with their text so far).
    pub fn calls_summary(&self) -> String {
        let count = |status| self.calls.iter().filter(|c| c.status == status).count();
        let (interrupted, stopped) = (count(CallStatus::Interrupted), count(CallStatus::Stopped));
        let looped = count(CallStatus::Looped);
        let total = (self.run.calls as usize).max(self.calls.len());
        let mut out =
            format!("{total} call{} ({} failed", if total == 1 { "" } else { "s" }, self.run.failed_calls);
        if interrupted > 0 {
            out.push_str(&format!(", {interrupted} interrupted"));
        }
        if stopped > 0 {
            out.push_str(&format!(", {stopped} stopped"));
        }
        if looped > 0 {
            out.push_str(&format!(
                ", {looped} stopped repeating {}",
                if looped == 1 { "itself" } else { "themselves" }
            ));
        }
        out.push(')');
        out
    }

    /// A call by id.
    pub fn call(&self, id: CallId) -> Option<&CallRecord> {
        self.calls.iter().find(|c| c.call == id)
    }

    /// A node's display name from the recorded hierarchy ("Atlas"), or its id.
    pub fn node_name<'a>(&'a self, node: &'a str) -> &'a str {
        self.hierarchy
            .get("nodes")
            .and_then(|nodes| nodes.as_array())
            .and_then(|nodes| nodes.iter().find(|n| n.get("id").and_then(|id| id.as_str()) == Some(node)))
            .and_then(|n| n.get("name"))
            .and_then(|name| name.as_str())
            .unwrap_or(node)
    }
}
