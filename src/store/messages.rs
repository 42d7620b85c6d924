//! A run read as the conversation it was: the seed design's message types (query, iteration,
//! expansion, delegation, response, synthesis, reflection, critique, error), each linked to the
//! message it answers.

use serde::{Deserialize, Serialize};

use super::model::{CallRecord, CallStatus, RunRecord};
use crate::config::Phase;
use crate::engine::{CallId, TurnKind};

/// The kinds of message in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// The user's prompt to the root.
    Query,
    /// A follow-up: the user's prompt to the root on a later turn of a conversation.
    Iteration,
    /// The user's question to one member alone, about its part of an earlier turn.
    Expansion,
    /// A parent handing a sub-task to a child.
    Delegation,
    /// An answer to a task (a leaf's answer, a solo answer, a revised answer).
    Response,
    /// A parent combining its children's replies (or a revision of that).
    Synthesis,
    /// A node critiquing its own draft.
    Reflection,
    /// A parent reviewing a child's reply (or a judge's verdict).
    Critique,
    /// A call that failed.
    Error,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Query => "query",
            MessageKind::Iteration => "iteration",
            MessageKind::Expansion => "expansion",
            MessageKind::Delegation => "delegation",
            MessageKind::Response => "response",
            MessageKind::Synthesis => "synthesis",
            MessageKind::Reflection => "reflection",
            MessageKind::Critique => "critique",
            MessageKind::Error => "error",
        }
    }
}

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Position in the conversation, from 1.
    pub id: usize,
    pub kind: MessageKind,
    /// A node id, or "user".
    pub from: String,
    /// A node id, "user", or none (an error).
    pub to: Option<String>,
    pub content: String,
    /// The message this one answers or follows from.
    pub parent: Option<usize>,
    /// The call that produced it (none for the query and delegations read from tasks).
    pub call: Option<CallId>,
    pub phase: Option<Phase>,
    pub at_ms: i64,
    /// Set when the call failed or was cut off (the content is then what arrived).
    pub error: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    /// The prompt, when the record has no task for the root.
    Prompt,
    Task(i64),
    Call(CallId),
}

struct Draft {
    key: Key,
    parent: Option<Key>,
    kind: MessageKind,
    from: String,
    to: Option<String>,
    content: String,
    call: Option<CallId>,
    phase: Option<Phase>,
    at_ms: i64,
    seq: i64,
    error: Option<String>,
}

/// The run's messages in the order they were produced.
pub fn messages(record: &RunRecord) -> Vec<Message> {
    let mut drafts: Vec<Draft> = Vec::new();
    // The user's message opens the run: a question, a follow-up, or a question to one member.
    let query = match record.run.turn_kind {
        TurnKind::Expansion => MessageKind::Expansion,
        _ if record.run.turn > 1 => MessageKind::Iteration,
        _ => MessageKind::Query,
    };
    let has_root_task = record.tasks.iter().any(|t| t.from_call.is_none());
    if !has_root_task {
        drafts.push(Draft {
            key: Key::Prompt,
            parent: None,
            kind: query,
            from: "user".into(),
            to: Some(record.run.root.clone()),
            content: record.run.prompt.clone(),
            call: None,
            phase: None,
            at_ms: record.run.started_ms,
            seq: 0,
            error: None,
        });
    }
    for task in &record.tasks {
        let (kind, from, parent) = match task.from_call.and_then(|c| record.call(c)) {
            Some(split) => (MessageKind::Delegation, split.node.clone(), Some(task_of(record, split))),
            None if task.from_call.is_none() => (query, "user".to_string(), None),
            None => (MessageKind::Delegation, parent_of(record, &task.node), None),
        };
        drafts.push(Draft {
            key: Key::Task(task.seq),
            parent,
            kind,
            from,
            to: Some(task.node.clone()),
            content: task.task.clone(),
            call: task.from_call,
            phase: None,
            at_ms: task.at_ms,
            seq: task.seq,
            error: None,
        });
    }
    for call in &record.calls {
        let failed = call.status == CallStatus::Failed;
        // A split that worked is told by its delegations.
        if call.phase == Phase::Split && !failed {
            continue;
        }
        let kind = if failed { MessageKind::Error } else { kind_of(record, call) };
        let to = match kind {
            MessageKind::Error => None,
            MessageKind::Reflection => Some(call.node.clone()),
            MessageKind::Critique => call
                .parent_call
                .and_then(|p| record.call(p))
                .map(|p| p.node.clone())
                .or_else(|| Some("user".into())),
            // An expanded reply answers the user, who asked that member alone.
            _ if call.phase == Phase::Expand => Some("user".into()),
            _ => Some(parent_of(record, &call.node)),
        };
        let content = if failed && call.text.is_empty() {
            call.error.clone().unwrap_or_default()
        } else {
            call.text.clone()
        };
        drafts.push(Draft {
            key: Key::Call(call.call),
            parent: Some(parent_key(record, call)),
            kind,
            from: call.node.clone(),
            to,
            content,
            call: Some(call.call),
            phase: Some(call.phase),
            at_ms: call.closed_ms.unwrap_or(call.metrics.ended_ms),
            seq: call.finish_seq.unwrap_or(call.start_seq),
            error: call.error.clone(),
        });
    }
    drafts.sort_by_key(|d| (d.at_ms, d.seq));
    let id_of = |key: Key, drafts: &[Draft]| drafts.iter().position(|d| d.key == key).map(|i| i + 1);
    let mut out = Vec::with_capacity(drafts.len());
    for (i, d) in drafts.iter().enumerate() {
        out.push(Message {
            id: i + 1,
            kind: d.kind,
            from: d.from.clone(),
            to: d.to.clone(),
            content: d.content.clone(),
            parent: d.parent.and_then(|k| id_of(k, &drafts)),
            call: d.call,
            phase: d.phase,
            at_ms: d.at_ms,
            error: d.error.clone(),
        });
    }
    out
}

/// The message kind of a call that did not fail.
fn kind_of(record: &RunRecord, call: &CallRecord) -> MessageKind {
    match call.phase {
        Phase::Synthesize | Phase::Aggregate => MessageKind::Synthesis,
        Phase::Reflect => MessageKind::Reflection,
        Phase::Critique | Phase::Judge => MessageKind::Critique,
        Phase::Revise if delegates(record, &call.node) => MessageKind::Synthesis,
        Phase::Answer | Phase::Solo | Phase::Sample | Phase::Revise | Phase::Split | Phase::Expand => {
            MessageKind::Response
        }
    }
}

/// What a call's message follows from: the task for splits, answers and syntheses; the call that
/// produced its input otherwise (the draft a reflection reviews, the reply a critique reviews).
fn parent_key(record: &RunRecord, call: &CallRecord) -> Key {
    if matches!(call.phase, Phase::Split | Phase::Synthesize | Phase::Aggregate) {
        return task_of(record, call);
    }
    match call.parent_call.and_then(|p| record.call(p)) {
        Some(p) if p.phase != Phase::Split || p.status == CallStatus::Failed => Key::Call(p.call),
        _ => task_of(record, call),
    }
}

/// The task message a node was working on when it made this call.
fn task_of(record: &RunRecord, call: &CallRecord) -> Key {
    record
        .tasks
        .iter()
        .rfind(|t| t.node == call.node && t.seq < call.start_seq)
        .map(|t| Key::Task(t.seq))
        .unwrap_or(Key::Prompt)
}

/// Whether a node has children (in the recorded hierarchy, or by having handed out tasks).
fn delegates(record: &RunRecord, node: &str) -> bool {
    let in_hierarchy = record
        .hierarchy
        .get("nodes")
        .and_then(|n| n.as_array())
        .and_then(|nodes| nodes.iter().find(|n| n.get("id").and_then(|i| i.as_str()) == Some(node)))
        .and_then(|n| n.get("children"))
        .and_then(|c| c.as_array())
        .is_some_and(|c| !c.is_empty());
    in_hierarchy
        || record
            .tasks
            .iter()
            .any(|t| t.from_call.and_then(|c| record.call(c)).is_some_and(|c| c.node == node))
}

/// Who a node answers to: its parent in the recorded hierarchy, else the node that gave it a task,
/// else the user.
fn parent_of(record: &RunRecord, node: &str) -> String {
    let from_hierarchy = record.hierarchy.get("nodes").and_then(|n| n.as_array()).and_then(|nodes| {
        nodes.iter().find_map(|n| {
            let children = n.get("children")?.as_array()?;
            if children.iter().any(|c| c.as_str() == Some(node)) {
                n.get("id")?.as_str().map(str::to_string)
            } else {
                None
            }
        })
    });
    from_hierarchy
        .or_else(|| {
            record
                .tasks
                .iter()
                .find(|t| t.node == node)
                .and_then(|t| t.from_call)
                .and_then(|c| record.call(c))
                .map(|c| c.node.clone())
        })
        .unwrap_or_else(|| "user".into())
}
