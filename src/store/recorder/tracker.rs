//! Turns events into writes. Structured events become ops at once; token text is buffered per call
//! and becomes one `AppendText` op per flush, so the database never sees a write per token.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use super::marks::{self, MARK_EVERY_MS, Mark};
use super::ops::Op;
use crate::engine::{CallId, EventKind, RunEvent, RunId, TurnInfo, TurnKind};

/// What the recorder knows about the runs it is recording.
#[derive(Default)]
pub struct Tracker {
    instance_id: String,
    runs: HashMap<RunId, RunTrack>,
    /// Runs recently finished, so a late duplicate of their start is not taken for a new run.
    finished: VecDeque<RunId>,
}

/// How many finished run ids to remember.
const FINISHED_KEPT: usize = 256;

struct RunTrack {
    /// The next event number of the run (RunStarted is 0).
    next_seq: i64,
    calls: HashMap<CallId, CallTrack>,
}

impl RunTrack {
    fn seq(&mut self) -> i64 {
        self.next_seq += 1;
        self.next_seq
    }
}

/// A streaming call's text not yet written, and its pace.
struct CallTrack {
    opened_ms: i64,
    text: String,
    reasoning: String,
    /// Bytes received so far, written or not.
    text_len: usize,
    reasoning_len: usize,
    marks: String,
    last_mark_ms: Option<i64>,
    /// The time of the last token not yet covered by a mark.
    tail_ms: Option<i64>,
    first_token_ms: Option<i64>,
    last_token_ms: i64,
    /// When the oldest unwritten text arrived (by the recorder's clock).
    pending_since: Option<Instant>,
}

impl CallTrack {
    fn new(opened_ms: i64) -> Self {
        CallTrack {
            opened_ms,
            text: String::new(),
            reasoning: String::new(),
            text_len: 0,
            reasoning_len: 0,
            marks: String::new(),
            last_mark_ms: None,
            tail_ms: None,
            first_token_ms: None,
            last_token_ms: opened_ms,
            pending_since: None,
        }
    }

    fn token(&mut self, at_ms: i64, text: &str, reasoning: bool, now: Instant) {
        if reasoning {
            self.reasoning.push_str(text);
            self.reasoning_len += text.len();
        } else {
            self.text.push_str(text);
            self.text_len += text.len();
        }
        self.first_token_ms.get_or_insert(at_ms);
        self.last_token_ms = at_ms;
        self.pending_since.get_or_insert(now);
        if self.last_mark_ms.is_none_or(|last| at_ms >= last + MARK_EVERY_MS) {
            self.mark(at_ms);
        } else {
            self.tail_ms = Some(at_ms);
        }
    }

    fn mark(&mut self, at_ms: i64) {
        let dt_ms = (at_ms - self.opened_ms).max(0);
        marks::push(
            &mut self.marks,
            Mark { dt_ms, text_len: self.text_len, reasoning_len: self.reasoning_len },
        );
        self.last_mark_ms = Some(at_ms);
        self.tail_ms = None;
    }

    /// Closes the pace up to the last token, for a flush.
    fn close_marks(&mut self) {
        if let Some(at) = self.tail_ms {
            self.mark(at);
        }
    }

    /// The unwritten text as an op, if there is any.
    fn take_append(&mut self, run: &str, call: CallId) -> Option<Op> {
        self.close_marks();
        self.pending_since = None;
        if self.text.is_empty() && self.reasoning.is_empty() && self.marks.is_empty() {
            return None;
        }
        Some(Op::AppendText {
            run: run.to_string(),
            call,
            text: std::mem::take(&mut self.text),
            reasoning: std::mem::take(&mut self.reasoning),
            marks: std::mem::take(&mut self.marks),
            first_token_ms: self.first_token_ms.unwrap_or(self.last_token_ms),
            last_token_ms: self.last_token_ms,
        })
    }
}

impl Tracker {
    pub fn new(instance_id: String) -> Self {
        Tracker { instance_id, runs: HashMap::new(), finished: VecDeque::new() }
    }

    /// Takes one event; pushes the writes it needs onto `out`. Returns true if the event should be
    /// written soon (anything but a token).
    pub fn take(&mut self, event: RunEvent, now: Instant, out: &mut Vec<Op>) -> bool {
        let RunEvent { run_id, at_ms, kind } = event;
        let run = run_id.to_string();
        if let EventKind::RunStarted {
            prompt,
            root,
            hierarchy,
            hierarchy_hash,
            app_version,
            kind,
            conversation,
        } = kind
        {
            if self.runs.contains_key(&run_id) || self.finished.contains(&run_id) {
                tracing::warn!(run, "a second RunStarted for the same run was ignored");
                return false;
            }
            let mut snapshot = (*hierarchy).clone();
            let hierarchy_source = std::mem::take(&mut snapshot.source);
            let hierarchy_json = serde_json::to_string(&snapshot).unwrap_or_else(|_| "{}".into());
            // A run outside any conversation (a lab arm) is a conversation of its own.
            let turn = conversation.unwrap_or_else(|| TurnInfo {
                id: run.clone(),
                turn: 1,
                kind: TurnKind::Question,
                parent_run: None,
            });
            self.runs.insert(run_id, RunTrack { next_seq: 0, calls: HashMap::new() });
            out.push(Op::StartRun {
                run,
                kind,
                prompt,
                root,
                at_ms,
                hierarchy_json,
                hierarchy_hash,
                hierarchy_source,
                app_version,
                instance_id: self.instance_id.clone(),
                conversation: turn.id,
                turn: turn.turn,
                turn_kind: turn.kind.as_str(),
                parent_run: turn.parent_run,
            });
            return true;
        }
        let Some(track) = self.runs.get_mut(&run_id) else {
            // A listener added mid-run: without its start the run cannot be recorded coherently.
            tracing::debug!(run, "event of a run whose start was not seen; not recorded");
            return false;
        };
        match kind {
            EventKind::RunStarted { .. } => false,
            // Passing states: a looped call is recorded by its CallFinished ("looped" finish).
            EventKind::CallSilent { .. }
            | EventKind::CallLooped { .. }
            | EventKind::CallQueued { .. }
            | EventKind::CallSlotted { .. } => false,
            EventKind::Token { call, text, reasoning, .. } => {
                if let Some(call_track) = track.calls.get_mut(&call) {
                    call_track.token(at_ms, &text, reasoning, now);
                }
                false
            }
            EventKind::NodeState { node, state } => {
                let seq = track.seq();
                let state = serde_json::to_string(&state).ok();
                out.push(Op::NodeEvent { run, seq, at_ms, node, state, reason: None });
                true
            }
            EventKind::NodeFailed { node, reason } => {
                let seq = track.seq();
                out.push(Op::NodeEvent { run, seq, at_ms, node, state: None, reason: Some(reason) });
                true
            }
            EventKind::TaskAssigned { node, task, from_call, split, fallback_reason } => {
                let seq = track.seq();
                let split = split.map(|s| s.as_str());
                out.push(Op::AssignTask { run, seq, at_ms, node, task, from_call, split, fallback_reason });
                true
            }
            EventKind::AnswerFlagged { call, reason, .. } => {
                out.push(Op::FlagCall { run, call, reason });
                true
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
                let seq = track.seq();
                track.calls.insert(call, CallTrack::new(at_ms));
                out.push(Op::StartCall {
                    run,
                    call,
                    seq,
                    at_ms,
                    node,
                    phase: phase.as_str(),
                    parent_call,
                    endpoint,
                    request_json: serde_json::to_string(&*request).unwrap_or_else(|_| "{}".into()),
                    requested_model: request.model.clone(),
                    truncated_input,
                    reflection,
                });
                true
            }
            EventKind::CallFinished { call, metrics, text, reasoning, split, error, .. } => {
                let seq = track.seq();
                let marks = match track.calls.remove(&call) {
                    // A call that failed or was cancelled mid-stream has no final text of its own:
                    // what it streamed is written first and kept (see `ops::finish_call`).
                    Some(mut call_track) if error.is_some() => {
                        out.extend(call_track.take_append(&run, call));
                        String::new()
                    }
                    Some(mut call_track) => {
                        call_track.close_marks();
                        call_track.marks
                    }
                    None => String::new(),
                };
                let split = split.map(|s| s.as_str());
                out.push(Op::FinishCall {
                    run,
                    call,
                    seq,
                    at_ms,
                    text,
                    reasoning,
                    marks,
                    metrics,
                    split,
                    error,
                });
                true
            }
            EventKind::RunFinished { status, answer, totals } => {
                let seq = track.seq();
                // Calls the engine never closed keep the text they streamed.
                let mut calls: Vec<_> = track.calls.drain().collect();
                calls.sort_by_key(|(id, _)| *id);
                out.extend(calls.into_iter().filter_map(|(id, mut c)| c.take_append(&run, id)));
                self.runs.remove(&run_id);
                if self.finished.len() == FINISHED_KEPT {
                    self.finished.pop_front();
                }
                self.finished.push_back(run_id);
                out.push(Op::FinishRun { run, seq, at_ms, status, answer, totals });
                true
            }
        }
    }

    /// Stops recording a run the database refused to start (its id is taken by another run):
    /// its later events are ignored rather than written over the other run.
    pub fn forget(&mut self, run: &str) {
        let id: RunId = run.into();
        self.runs.remove(&id);
        if self.finished.len() == FINISHED_KEPT {
            self.finished.pop_front();
        }
        self.finished.push_back(id);
    }

    /// Moves every call's unwritten text into ops.
    pub fn flush_text(&mut self, out: &mut Vec<Op>) {
        for (run_id, track) in &mut self.runs {
            let mut ids: Vec<CallId> = track.calls.keys().copied().collect();
            ids.sort_unstable();
            for id in ids {
                if let Some(op) = track.calls.get_mut(&id).and_then(|c| c.take_append(run_id, id)) {
                    out.push(op);
                }
            }
        }
    }

    /// When the oldest unwritten text arrived, if any is waiting.
    pub fn oldest_pending(&self) -> Option<Instant> {
        self.runs.values().flat_map(|r| r.calls.values()).filter_map(|c| c.pending_since).min()
    }

    /// Runs started but not finished (to close as interrupted when ailab exits mid-run).
    pub fn open_runs(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.runs.keys().map(|id| id.to_string()).collect();
        ids.sort();
        ids
    }
}
