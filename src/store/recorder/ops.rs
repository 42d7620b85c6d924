//! The writes the recorder makes, as plain data. Events become ops first and are written later, in
//! one IMMEDIATE transaction per batch, so a batch that meets a locked database can simply be retried.

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use crate::engine::{CallMetrics, ReflectionRound, RunStatus, RunTotals};
use crate::store::CallStatus;

/// One write to the record.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    StartRun {
        run: String,
        kind: String,
        prompt: String,
        root: String,
        at_ms: i64,
        /// The hierarchy as JSON, with its `source` blanked (kept in `hierarchy_source`).
        hierarchy_json: String,
        hierarchy_hash: String,
        hierarchy_source: String,
        app_version: String,
        instance_id: String,
        /// The conversation (the id of its first run) and the turn the run is.
        conversation: String,
        turn: u32,
        turn_kind: &'static str,
        parent_run: Option<String>,
    },
    AssignTask {
        run: String,
        seq: i64,
        at_ms: i64,
        node: String,
        task: String,
        from_call: Option<u32>,
        split: Option<&'static str>,
        fallback_reason: Option<String>,
    },
    /// A call's answer was flagged (it mostly repeated its instructions).
    FlagCall { run: String, call: u32, reason: String },
    NodeEvent {
        run: String,
        seq: i64,
        at_ms: i64,
        node: String,
        /// JSON of the new state, or `None` for a failure.
        state: Option<String>,
        reason: Option<String>,
    },
    StartCall {
        run: String,
        call: u32,
        seq: i64,
        at_ms: i64,
        node: String,
        phase: &'static str,
        parent_call: Option<u32>,
        endpoint: String,
        request_json: String,
        requested_model: String,
        truncated_input: bool,
        reflection: Option<ReflectionRound>,
    },
    /// Streamed text since the last flush, and the pace marks that go with it.
    AppendText {
        run: String,
        call: u32,
        text: String,
        reasoning: String,
        marks: String,
        first_token_ms: i64,
        last_token_ms: i64,
    },
    FinishCall {
        run: String,
        call: u32,
        seq: i64,
        at_ms: i64,
        text: String,
        reasoning: String,
        marks: String,
        metrics: CallMetrics,
        split: Option<&'static str>,
        error: Option<String>,
    },
    FinishRun {
        run: String,
        seq: i64,
        at_ms: i64,
        status: RunStatus,
        answer: Option<String>,
        totals: RunTotals,
    },
    /// The run will get no more events (ailab is closing): close it as interrupted.
    InterruptRun { run: String },
}

impl Op {
    /// The run the op writes to.
    pub fn run(&self) -> &str {
        match self {
            Op::StartRun { run, .. }
            | Op::AssignTask { run, .. }
            | Op::NodeEvent { run, .. }
            | Op::StartCall { run, .. }
            | Op::AppendText { run, .. }
            | Op::FinishCall { run, .. }
            | Op::FinishRun { run, .. }
            | Op::FlagCall { run, .. }
            | Op::InterruptRun { run } => run,
        }
    }
}

/// Writes one op. The caller holds the transaction.
pub fn apply(conn: &Connection, op: &Op) -> rusqlite::Result<()> {
    match op {
        Op::StartRun {
            run,
            kind,
            prompt,
            root,
            at_ms,
            hierarchy_json,
            hierarchy_hash,
            hierarchy_source,
            app_version,
            instance_id,
            conversation,
            turn,
            turn_kind,
            parent_run,
        } => {
            let digest: String =
                Sha256::digest(hierarchy_json.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
            conn.execute(
                "INSERT OR IGNORE INTO hierarchies (digest, json) VALUES (?1, ?2)",
                params![digest, hierarchy_json],
            )?;
            conn.execute(
                "INSERT INTO runs (id, kind, prompt, root, status, started_ms, hierarchy_digest, hierarchy_hash,
                                   hierarchy_source, app_version, instance_id, conversation_id, turn, turn_kind,
                                   parent_run)
                 VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![
                    run,
                    kind,
                    prompt,
                    root,
                    at_ms,
                    digest,
                    hierarchy_hash,
                    hierarchy_source,
                    app_version,
                    instance_id,
                    conversation,
                    turn,
                    turn_kind,
                    parent_run
                ],
            )?;
            conn.execute(
                "INSERT OR REPLACE INTO search_index (rowid, body)
                 VALUES ((SELECT seq FROM runs WHERE id = ?1) << 20, ?2)",
                params![run, prompt],
            )?;
        }
        Op::AssignTask { run, seq, at_ms, node, task, from_call, split, fallback_reason } => {
            conn.execute(
                "INSERT INTO tasks (run_id, seq, at_ms, node, task, from_call, split_method, fallback_reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![run, seq, at_ms, node, task, from_call, split, fallback_reason],
            )?;
        }
        Op::FlagCall { run, call, reason } => {
            conn.execute(
                "UPDATE calls SET flag = ?3 WHERE run_id = ?1 AND call = ?2",
                params![run, call, reason],
            )?;
        }
        Op::NodeEvent { run, seq, at_ms, node, state, reason } => {
            conn.execute(
                "INSERT INTO node_events (run_id, seq, at_ms, node, state, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![run, seq, at_ms, node, state, reason],
            )?;
        }
        Op::StartCall {
            run,
            call,
            seq,
            at_ms,
            node,
            phase,
            parent_call,
            endpoint,
            request_json,
            requested_model,
            truncated_input,
            reflection,
        } => {
            conn.execute(
                "INSERT INTO calls (run_id, call, start_seq, opened_ms, node, phase, parent_call, endpoint,
                                    request, requested_model, truncated_input, status, started_ms,
                                    reflection_round, reflection_rounds, reflection_name)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'streaming', ?4, ?12, ?13, ?14)",
                params![
                    run,
                    call,
                    seq,
                    at_ms,
                    node,
                    phase,
                    parent_call,
                    endpoint,
                    request_json,
                    requested_model,
                    truncated_input,
                    reflection.as_ref().map(|r| r.round),
                    reflection.as_ref().map(|r| r.of),
                    reflection.as_ref().and_then(|r| r.name.as_deref()),
                ],
            )?;
        }
        Op::AppendText { run, call, text, reasoning, marks, first_token_ms, last_token_ms } => {
            conn.execute(
                "UPDATE calls SET text = text || ?3, reasoning = reasoning || ?4, marks = marks || ?5,
                                  first_token_ms = coalesce(first_token_ms, ?6), last_token_ms = ?7
                 WHERE run_id = ?1 AND call = ?2 AND status = 'streaming'",
                params![run, call, text, reasoning, marks, first_token_ms, last_token_ms],
            )?;
        }
        Op::FinishCall { run, call, seq, at_ms, text, reasoning, marks, metrics, split, error } => {
            finish_call(conn, run, *call, *seq, *at_ms, text, reasoning, marks, metrics, *split, error)?;
        }
        Op::FinishRun { run, seq, at_ms, status, answer, totals } => {
            conn.execute(
                "UPDATE calls SET status = 'interrupted', error = 'the run ended before this call finished',
                                  ended_ms = coalesce(last_token_ms, opened_ms)
                 WHERE run_id = ?1 AND status = 'streaming'",
                [run],
            )?;
            // A cancelled call's partial text is searchable, as a crashed one's is.
            super::super::recovery::index_interrupted_calls(conn, run)?;
            // The engine counts the calls that finished; calls cut off by a cancel were recorded too
            // and count here (`history show` tells them apart as interrupted).
            conn.execute(
                "UPDATE runs SET status = ?2, ended_ms = ?3, answer = ?4,
                                 calls = max(?5, (SELECT count(*) FROM calls WHERE run_id = ?1)), failed_calls = ?6,
                                 prompt_tokens = ?7, completion_tokens = ?8, wall_ms = ?9, finish_seq = ?10
                 WHERE id = ?1",
                params![
                    run,
                    status.as_str(),
                    at_ms,
                    answer,
                    totals.calls,
                    totals.failed_calls,
                    totals.prompt_tokens as i64,
                    totals.completion_tokens as i64,
                    totals.wall_ms,
                    seq
                ],
            )?;
        }
        Op::InterruptRun { run } => {
            super::super::recovery::interrupt_run(conn, run, "ailab closed before this run finished")?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn finish_call(
    conn: &Connection,
    run: &str,
    call: u32,
    seq: i64,
    at_ms: i64,
    text: &str,
    reasoning: &str,
    marks: &str,
    m: &CallMetrics,
    split: Option<&'static str>,
    error: &Option<String>,
) -> rusqlite::Result<()> {
    let status = match error.as_deref() {
        None if m.finish_reason.as_deref() == Some(crate::engine::LOOPED) => CallStatus::Looped,
        None => CallStatus::Done,
        Some(e) if crate::engine::is_not_a_failure(e) => CallStatus::Stopped,
        Some(_) => CallStatus::Failed,
    }
    .as_str();
    let changed = conn.execute(
        "UPDATE calls SET status = ?3, finish_seq = ?4, closed_ms = ?5,
                          text = CASE WHEN ?10 IS NOT NULL AND ?6 = '' THEN text ELSE ?6 END,
                          reasoning = CASE WHEN ?10 IS NOT NULL AND ?7 = '' THEN reasoning ELSE ?7 END,
                          marks = marks || ?8, split_method = ?9, error = ?10,
                          requested_model = ?11, answering_model = ?12, started_ms = ?13, first_token_ms = ?14,
                          ended_ms = ?15, prompt_tokens = ?16, completion_tokens = ?17, usage_from_server = ?18,
                          tokens_per_sec = ?19, finish_reason = ?20, retries = ?21
         WHERE run_id = ?1 AND call = ?2",
        params![
            run,
            call,
            status,
            seq,
            at_ms,
            text,
            reasoning,
            marks,
            split,
            error,
            m.requested_model,
            m.answering_model,
            m.started_ms,
            m.first_token_ms,
            m.ended_ms,
            m.prompt_tokens,
            m.completion_tokens,
            m.usage_from_server,
            m.tokens_per_sec,
            m.finish_reason,
            m.retries
        ],
    )?;
    if changed == 0 {
        return Ok(());
    }
    // Running totals, so an interrupted run still shows what it used; RunFinished sets the final ones.
    conn.execute(
        "UPDATE runs SET calls = calls + 1, failed_calls = failed_calls + ?2,
                         prompt_tokens = prompt_tokens + ?3, completion_tokens = completion_tokens + ?4
         WHERE id = ?1",
        params![
            run,
            error.as_deref().is_some_and(|e| !crate::engine::is_not_a_failure(e)),
            m.prompt_tokens.unwrap_or(0),
            m.completion_tokens
        ],
    )?;
    if call >= (1 << 20) {
        return Ok(());
    }
    if !text.is_empty() {
        conn.execute(
            "INSERT OR REPLACE INTO search_index (rowid, body)
             VALUES (((SELECT seq FROM runs WHERE id = ?1) << 20) + ?2, ?3)",
            params![run, call, text],
        )?;
    } else if error.is_some() {
        // The text it streamed before it failed, kept above, is searchable too.
        conn.execute(
            "INSERT OR REPLACE INTO search_index (rowid, body)
             SELECT (r.seq << 20) + c.call, c.text FROM calls c JOIN runs r ON r.id = c.run_id
             WHERE c.run_id = ?1 AND c.call = ?2 AND c.text <> ''",
            params![run, call],
        )?;
    }
    Ok(())
}
