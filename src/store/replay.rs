//! A recorded run turned back into its event stream, so the live view can reopen it with the same
//! reducer that drew it live, and replay it at its recorded pace.
//!
//! Structured events come back in the exact order they happened (every one was numbered); streamed
//! text comes back as one `Token` per recorded pace mark (every 100 ms of streaming at most), placed
//! between its call's start and end by time.

use std::collections::HashMap;
use std::sync::Arc;

use super::error::StoreError;
use super::model::{CallRecord, CallStatus, RunRecord};
use super::read::Reader;
use super::recorder::marks;
use crate::config::Hierarchy;
use crate::engine::{EventKind, RunEvent, RunId, RunStatus, RunTotals};

impl Reader {
    /// The run's events as they were emitted, with their recorded times (see [`replay_events`]).
    pub fn run_events(&self, id: &str) -> Result<Vec<RunEvent>, StoreError> {
        replay_events(&self.load_run(id)?)
    }
}

/// Rebuilds the event sequence of a recorded run: RunStarted, then tasks, node states, calls with
/// their text and results in their original order, then RunFinished (unless the run is still going
/// in another ailab). Calls cut off by a crash end with a CallFinished carrying their error.
pub fn replay_events(record: &RunRecord) -> Result<Vec<RunEvent>, StoreError> {
    let run_id: RunId = Arc::from(record.run.id.as_str());
    let mut hierarchy: Hierarchy =
        serde_json::from_value(record.hierarchy.clone()).map_err(|e| StoreError::Unreadable {
            id: record.run.id.clone(),
            reason: format!(
                "its hierarchy was recorded by ailab {} in another format ({e})",
                record.app_version
            ),
        })?;
    hierarchy.source = record.hierarchy_source.clone();

    // Structured events by their sequence number, doubled (`2 s + 1`) so a call closed by the record
    // rather than by an event can be slotted in just before the run's end (`2 f`).
    let slot = |seq: i64| seq.saturating_mul(2).saturating_add(1);
    // An interrupted run has no RunFinished: its end goes after everything.
    let finish_seq = record.finish_seq.unwrap_or(i64::MAX / 4);
    let mut structured: Vec<(i64, i64, EventKind)> = Vec::new();
    structured.push((
        0,
        record.run.started_ms,
        EventKind::RunStarted {
            prompt: record.run.prompt.clone(),
            root: record.run.root.clone(),
            hierarchy: Arc::new(hierarchy),
            hierarchy_hash: record.run.hierarchy_hash.clone(),
            app_version: record.app_version.clone(),
            // As the engine emitted it: a lab arm's tree run is a tree run.
            kind: if record.run.kind == super::model::TREE_ARM {
                "tree".into()
            } else {
                record.run.kind.clone()
            },
            conversation: record.turn_info(),
        },
    ));
    for task in &record.tasks {
        let kind = EventKind::TaskAssigned {
            node: task.node.clone(),
            task: task.task.clone(),
            from_call: task.from_call,
            split: task.split,
            fallback_reason: task.fallback_reason.clone(),
        };
        structured.push((slot(task.seq), task.at_ms, kind));
    }
    for event in &record.node_events {
        let kind = match (&event.state, &event.reason) {
            (Some(state), _) => EventKind::NodeState { node: event.node.clone(), state: state.clone() },
            (None, reason) => EventKind::NodeFailed {
                node: event.node.clone(),
                reason: reason.clone().unwrap_or_else(|| "failed".into()),
            },
        };
        structured.push((slot(event.seq), event.at_ms, kind));
    }
    for call in &record.calls {
        let started = EventKind::CallStarted {
            call: call.call,
            node: call.node.clone(),
            phase: call.phase,
            parent_call: call.parent_call,
            endpoint: call.endpoint.clone(),
            request: Arc::new(call.request.clone()),
            truncated_input: call.truncated_input,
            reflection: call.reflection.clone(),
        };
        structured.push((slot(call.start_seq), call.opened_ms, started));
        let closing = match (call.finish_seq, call.status) {
            (Some(seq), _) => Some((slot(seq), call.closed_ms.unwrap_or(call.metrics.ended_ms))),
            // Cut off (a crash, or a run that ended around it): close it just before the run's end.
            (None, CallStatus::Interrupted) => Some((finish_seq * 2, call.metrics.ended_ms)),
            _ => None,
        };
        if let Some((seq, at)) = closing {
            structured.push((seq, at, finished(record, call)));
            // Flagged as the call ended (a stable sort keeps it just after its end).
            if let Some(reason) = &call.flag {
                let flagged = EventKind::AnswerFlagged {
                    call: call.call,
                    node: call.node.clone(),
                    reason: reason.clone(),
                };
                structured.push((seq, at, flagged));
            }
        }
    }
    if record.run.status != RunStatus::Running {
        let at = record.run.ended_ms.unwrap_or(record.run.started_ms);
        let totals = RunTotals {
            calls: record.run.calls,
            failed_calls: record.run.failed_calls,
            prompt_tokens: record.run.prompt_tokens,
            completion_tokens: record.run.completion_tokens,
            wall_ms: record.wall_ms.unwrap_or(at - record.run.started_ms),
            flagged_answers: record.calls.iter().filter(|c| c.flag.is_some()).count() as u32,
            looped_calls: record.calls.iter().filter(|c| c.status == CallStatus::Looped).count() as u32,
        };
        let kind =
            EventKind::RunFinished { status: record.run.status, answer: record.answer.clone(), totals };
        structured.push((slot(finish_seq), at, kind));
    }
    structured.sort_by_key(|(seq, _, _)| *seq);
    // Wall clocks can step back; the replay must not.
    let mut clock = i64::MIN;
    for entry in &mut structured {
        clock = clock.max(entry.1);
        entry.1 = clock;
    }

    // Where each call's tokens must fall: after its start, before its end.
    let mut bounds: HashMap<u32, (i64, i64, i64)> = HashMap::new();
    let run_end = structured.last().map(|e| e.1).unwrap_or(record.run.started_ms);
    for (seq, at, kind) in &structured {
        match kind {
            EventKind::CallStarted { call, .. } => {
                bounds.insert(*call, (*at, run_end, *seq));
            }
            EventKind::CallFinished { call, .. } => {
                if let Some(b) = bounds.get_mut(call) {
                    b.1 = *at;
                }
            }
            _ => {}
        }
    }
    let mut tokens: Vec<(i64, i64, usize, EventKind)> = Vec::new();
    for call in &record.calls {
        let Some(&(from, to, start_seq)) = bounds.get(&call.call) else { continue };
        for (i, (at, kind)) in call_tokens(call).into_iter().enumerate() {
            tokens.push((at.clamp(from, to.max(from)), start_seq, i, kind));
        }
    }
    tokens.sort_by_key(|(at, start_seq, i, _)| (*at, *start_seq, *i));

    Ok(merge(&run_id, structured, tokens))
}

/// Interleaves tokens with structured events by time, never letting a call's end (or the run's)
/// come before its last token.
fn merge(
    run_id: &RunId,
    structured: Vec<(i64, i64, EventKind)>,
    tokens: Vec<(i64, i64, usize, EventKind)>,
) -> Vec<RunEvent> {
    let mut left: HashMap<u32, usize> = HashMap::new();
    for (_, _, _, kind) in &tokens {
        if let EventKind::Token { call, .. } = kind {
            *left.entry(*call).or_default() += 1;
        }
    }
    let mut total_left = tokens.len();
    let mut out = Vec::with_capacity(structured.len() + tokens.len());
    let mut structured = structured.into_iter().peekable();
    let mut tokens = tokens.into_iter().peekable();
    loop {
        let take_token = match (structured.peek(), tokens.peek()) {
            (None, None) => break,
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some((_, s_at, s_kind)), Some((t_at, ..))) => {
                let blocked = match s_kind {
                    EventKind::CallFinished { call, .. } => left.get(call).copied().unwrap_or(0) > 0,
                    EventKind::RunFinished { .. } => total_left > 0,
                    _ => false,
                };
                blocked || t_at < s_at
            }
        };
        let (at_ms, kind) = if take_token {
            let Some((at, _, _, kind)) = tokens.next() else { break };
            if let EventKind::Token { call, .. } = &kind {
                if let Some(n) = left.get_mut(call) {
                    *n = n.saturating_sub(1);
                }
            }
            total_left = total_left.saturating_sub(1);
            (at, kind)
        } else {
            let Some((_, at, kind)) = structured.next() else { break };
            (at, kind)
        };
        out.push(RunEvent { run_id: run_id.clone(), at_ms, kind });
    }
    out
}

/// The CallFinished of a recorded call, with what followed it if it failed.
fn finished(record: &RunRecord, call: &CallRecord) -> EventKind {
    EventKind::CallFinished {
        call: call.call,
        node: call.node.clone(),
        phase: call.phase,
        metrics: call.metrics.clone(),
        text: call.text.clone(),
        reasoning: call.reasoning.clone(),
        split: call.split,
        error: call.error.clone(),
        next: record.after_failure(call),
    }
}

/// A call's text as timed tokens: one (or two, text and reasoning) per pace mark; a call recorded
/// without marks gets its whole text as one token at its first token time.
fn call_tokens(call: &CallRecord) -> Vec<(i64, EventKind)> {
    let token = |text: &str, reasoning: bool| EventKind::Token {
        call: call.call,
        node: call.node.clone(),
        phase: call.phase,
        text: text.to_string(),
        reasoning,
        // The pieces inside a mark are not kept; the call's own count comes with its end.
        pieces: 1,
    };
    let mut out = Vec::new();
    let (mut text_at, mut reasoning_at) = (0, 0);
    let mut last_at = call.metrics.first_token_ms.unwrap_or(call.opened_ms);
    for mark in marks::parse(&call.marks) {
        let at = call.opened_ms + mark.dt_ms;
        last_at = at;
        let reasoning_to = boundary(&call.reasoning, mark.reasoning_len);
        if reasoning_to > reasoning_at {
            out.push((at, token(&call.reasoning[reasoning_at..reasoning_to], true)));
            reasoning_at = reasoning_to;
        }
        let text_to = boundary(&call.text, mark.text_len);
        if text_to > text_at {
            out.push((at, token(&call.text[text_at..text_to], false)));
            text_at = text_to;
        }
    }
    // The final text can be longer than what streamed (or nothing was marked at all).
    if reasoning_at < call.reasoning.len() {
        out.push((last_at, token(&call.reasoning[reasoning_at..], true)));
    }
    if text_at < call.text.len() {
        out.push((last_at, token(&call.text[text_at..], false)));
    }
    out
}

/// The largest char boundary of `s` at or below `len`.
fn boundary(s: &str, len: usize) -> usize {
    let mut at = len.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}
