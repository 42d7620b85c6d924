//! A record of 10,000 runs of the built-in six-node tree, written straight into the store's schema
//! (created by the store's own migrations) in one transaction, and cached under `target/` so later
//! runs of the suite reuse it. Rows have what the recorder writes: the exact requests (built by the
//! engine's own prompt builders), answers of realistic length, streaming marks, tasks, node states,
//! and search entries for prompts and call texts.

use std::path::{Path, PathBuf};

use ailab::clock::civil_from_unix;
use ailab::config::{DEFAULT_HIERARCHY_TOML, Hierarchy, NodeConfig, Phase, parse_hierarchy};
use ailab::engine::prompts::{self, Asked, ChildReply};
use ailab::engine::{NodeStatus, hierarchy_hash};
use ailab::llm::ChatRequest;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{Connection, Transaction, params};
use sha2::{Digest, Sha256};

use crate::delegation_frame::out_dir;
use crate::history_text::Text;

/// Bump when the generated content changes, so a stale cached file is not reused.
const GENERATOR_VERSION: u32 = 1;

/// The cached record of `runs` runs, generated first if needed. Returns its path and whether it
/// was generated now (with how long that took).
pub fn cached(runs: usize) -> rusqlite::Result<(PathBuf, Option<std::time::Duration>)> {
    let dir = out_dir();
    let _ = std::fs::create_dir_all(&dir);
    let schema = ailab::store::schema::SCHEMA_VERSION;
    let path = dir.join(format!("history-{runs}-g{GENERATOR_VERSION}-s{schema}.db"));
    if path.exists() {
        return Ok((path, None));
    }
    let started = std::time::Instant::now();
    let partial = path.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    generate(&partial, runs)?;
    std::fs::rename(&partial, &path).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    Ok((path, Some(started.elapsed())))
}

fn generate(path: &Path, runs: usize) -> rusqlite::Result<()> {
    let mut conn = Connection::open(path)?;
    // Bulk load: no journal while writing; the file is switched to WAL (as the store keeps it) after.
    conn.pragma_update(None, "journal_mode", "OFF")?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    ailab::store::schema::migrate(&mut conn, path).map_err(|e| {
        rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e.to_string())))
    })?;
    let hierarchy = parse_hierarchy(DEFAULT_HIERARCHY_TOML, "built-in")
        .unwrap_or_else(|err| panic!("bench: the built-in hierarchy does not parse: {err}"));
    let tx = conn.transaction()?;
    let writer = Writer::new(&tx, hierarchy)?;
    let mut rng = StdRng::seed_from_u64(0x00a1_1ab0);
    let mut started_ms: i64 = 1_735_689_600_000; // 2025-01-01
    for _ in 0..runs {
        started_ms += rng.random_range(120_000..900_000);
        writer.run(&tx, &mut rng, started_ms)?;
    }
    drop(writer);
    tx.commit()?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    Ok(())
}

struct Writer {
    hierarchy: Hierarchy,
    digest: String,
    hash: String,
    source: String,
    text: Text,
}

/// One call of a generated run, before call ids are given in start order.
struct Planned {
    node: usize,
    phase: Phase,
    start: i64,
    end: i64,
    /// Index (in the plan) of the call whose output fed this one.
    parent: Option<usize>,
    request: ChatRequest,
    text: String,
}

impl Writer {
    fn new(tx: &Transaction<'_>, hierarchy: Hierarchy) -> rusqlite::Result<Writer> {
        let mut canonical = hierarchy.clone();
        canonical.source = String::new();
        let json = serde_json::to_string(&canonical).unwrap_or_default();
        let digest: String = Sha256::digest(json.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        tx.execute(
            "INSERT OR IGNORE INTO hierarchies (digest, json) VALUES (?1, ?2)",
            params![digest, json],
        )?;
        let hash = hierarchy_hash(&hierarchy);
        let source = hierarchy.source.clone();
        Ok(Writer { hierarchy, digest, hash, source, text: Text::new() })
    }

    fn run(&self, tx: &Transaction<'_>, rng: &mut StdRng, t0: i64) -> rusqlite::Result<()> {
        let h = &self.hierarchy;
        let nodes: Vec<&NodeConfig> = h.preorder();
        let mut prompt = String::new();
        self.text.sentence(rng, &mut prompt);
        let prompt = format!("{}?", prompt.trim_end().trim_end_matches('.'));
        let id = run_id(t0, rng.random());

        // Plan the calls: split down (children start early, as streaming delegation does), answer, synthesize up.
        let mut plan: Vec<Planned> = Vec::new();
        let mut tasks: Vec<(i64, usize, String, Option<usize>)> = vec![(t0, 0, prompt.clone(), None)];
        let mut states: Vec<(i64, usize, NodeStatus)> =
            (0..nodes.len()).map(|i| (t0, i, NodeStatus::Waiting)).collect();
        let root =
            self.node_run(rng, &nodes, 0, &prompt, &prompt, t0 + 5, None, &mut plan, &mut tasks, &mut states);
        let failed = rng.random_range(0..100) < 3;

        // Events in time order get the recorder's sequence numbers; call ids follow start order.
        let mut order: Vec<usize> = (0..plan.len()).collect();
        order.sort_by_key(|&i| (plan[i].start, i));
        let mut call_id = vec![0u32; plan.len()];
        for (n, &i) in order.iter().enumerate() {
            call_id[i] = n as u32 + 1;
        }
        enum Ev {
            Task(usize),
            State(usize),
            Start(usize),
            Finish(usize),
        }
        let mut events: Vec<(i64, u8, Ev)> = Vec::new();
        events.extend((0..tasks.len()).map(|i| (tasks[i].0, 1, Ev::Task(i))));
        events.extend((0..states.len()).map(|i| (states[i].0, 2, Ev::State(i))));
        events.extend((0..plan.len()).map(|i| (plan[i].start, 3, Ev::Start(i))));
        events.extend((0..plan.len()).map(|i| (plan[i].end, 0, Ev::Finish(i))));
        events.sort_by_key(|(at, rank, _)| (*at, *rank));
        let mut start_seq = vec![0i64; plan.len()];
        let mut finish_seq = vec![0i64; plan.len()];
        let mut seq = 0i64;
        let mut task_rows = Vec::new();
        let mut state_rows = Vec::new();
        for (_, _, ev) in &events {
            seq += 1;
            match ev {
                Ev::Task(i) => task_rows.push((seq, *i)),
                Ev::State(i) => state_rows.push((seq, *i)),
                Ev::Start(i) => start_seq[*i] = seq,
                Ev::Finish(i) => finish_seq[*i] = seq,
            }
        }
        let ended = plan.iter().map(|c| c.end).max().unwrap_or(t0) + 3;
        let status = if failed { "degraded" } else { "done" };
        let (prompt_tokens, completion_tokens) = plan.iter().fold((0i64, 0i64), |(p, c), call| {
            (p + (json(&call.request).len() / 4) as i64, c + (call.text.len() / 5) as i64)
        });
        tx.prepare_cached(
            "INSERT INTO runs (id, kind, prompt, root, status, started_ms, ended_ms, answer, hierarchy_digest,
                               hierarchy_hash, hierarchy_source, app_version, instance_id, calls, failed_calls,
                               prompt_tokens, completion_tokens, wall_ms, finish_seq)
             VALUES (?1, 'tree', ?2, 'atlas', ?3, ?4, ?5, ?6, ?7, ?8, ?9, '0.1.0', 'bench-generator', ?10, ?11,
                     ?12, ?13, ?14, ?15)",
        )?
        .execute(params![
            id,
            prompt,
            status,
            t0,
            ended,
            plan[root].text,
            self.digest,
            self.hash,
            self.source,
            plan.len() as i64,
            i64::from(failed),
            prompt_tokens,
            completion_tokens,
            ended - t0,
            seq + 1
        ])?;
        let run_seq = tx.last_insert_rowid();
        let mut fts = tx.prepare_cached("INSERT INTO search_index (rowid, body) VALUES (?1, ?2)")?;
        fts.execute(params![run_seq << 20, prompt])?;
        let mut task_stmt = tx.prepare_cached(
            "INSERT INTO tasks (run_id, seq, at_ms, node, task, from_call, split_method)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (seq, i) in task_rows {
            let (at, node, task, from) = &tasks[i];
            let from_call = from.map(|p| call_id[p]);
            let split = from.map(|_| "json");
            task_stmt.execute(params![id, seq, at, nodes[*node].id, task, from_call, split])?;
        }
        let mut state_stmt = tx.prepare_cached(
            "INSERT INTO node_events (run_id, seq, at_ms, node, state, reason) VALUES (?1, ?2, ?3, ?4, ?5, NULL)",
        )?;
        for (seq, i) in state_rows {
            let (at, node, state) = &states[i];
            let state = serde_json::to_string(state).unwrap_or_default();
            state_stmt.execute(params![id, seq, at, nodes[*node].id, state])?;
        }
        let mut call_stmt = tx.prepare_cached(
            "INSERT INTO calls (run_id, call, start_seq, finish_seq, node, phase, parent_call, endpoint, request,
                                truncated_input, status, opened_ms, closed_ms, last_token_ms, text, reasoning,
                                marks, split_method, error, requested_model, answering_model, started_ms,
                                first_token_ms, ended_ms, prompt_tokens, completion_tokens, usage_from_server,
                                tokens_per_sec, finish_reason, retries)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 'done', ?10, ?11, ?11, ?12, '', ?13, ?14, NULL, ?15,
                     ?15, ?10, ?16, ?11, ?17, ?18, 1, ?19, 'stop', 0)",
        )?;
        for (i, call) in plan.iter().enumerate() {
            let first_token = call.start + rng.random_range(250..900);
            let completion = (call.text.len() / 5) as i64;
            let rate = completion as f64 * 1000.0 / (call.end - first_token).max(1) as f64;
            let split = (call.phase == Phase::Split).then_some("json");
            call_stmt.execute(params![
                id,
                call_id[i],
                start_seq[i],
                finish_seq[i],
                nodes[call.node].id,
                call.phase.as_str(),
                call.parent.map(|p| call_id[p]),
                h.server.base_url,
                json(&call.request),
                call.start,
                call.end,
                call.text,
                marks(call.start, first_token, call.end, call.text.len()),
                split,
                call.request.model,
                first_token,
                (json(&call.request).len() / 4) as i64,
                completion,
                rate
            ])?;
            fts.execute(params![(run_seq << 20) + i64::from(call_id[i]), call.text])?;
        }
        Ok(())
    }

    /// Plans `node`'s calls from `at`; returns the index of the call that produced its answer.
    #[allow(clippy::too_many_arguments)]
    fn node_run(
        &self,
        rng: &mut StdRng,
        nodes: &[&NodeConfig],
        node: usize,
        query: &str,
        task: &str,
        at: i64,
        from: Option<usize>,
        plan: &mut Vec<Planned>,
        tasks: &mut Vec<(i64, usize, String, Option<usize>)>,
        states: &mut Vec<(i64, usize, NodeStatus)>,
    ) -> usize {
        let config = nodes[node];
        let children: Vec<usize> =
            config.children.iter().filter_map(|c| nodes.iter().position(|n| n.id == *c)).collect();
        if children.is_empty() {
            states.push((at, node, NodeStatus::Answering));
            let words = rng.random_range(120..220);
            let text = self.text.prose(rng, words);
            let end = at + 400 + (text.len() as i64) * 6;
            plan.push(Planned {
                node,
                phase: Phase::Answer,
                start: at,
                end,
                parent: from,
                request: prompts::answer(config, Asked::alone(query), task).request,
                text,
            });
            states.push((end, node, NodeStatus::Done));
            return plan.len() - 1;
        }
        states.push((at, node, NodeStatus::Splitting));
        let child_configs: Vec<&NodeConfig> = children.iter().map(|&c| nodes[c]).collect();
        let sub_tasks: Vec<String> = children
            .iter()
            .map(|_| {
                let mut s = String::new();
                self.text.sentence(rng, &mut s);
                self.text.sentence(rng, &mut s);
                s.trim_end().to_string()
            })
            .collect();
        let text = serde_json::Value::from(sub_tasks.clone()).to_string();
        let end = at + 400 + (text.len() as i64) * 6;
        plan.push(Planned {
            node,
            phase: Phase::Split,
            start: at,
            end,
            parent: from,
            request: prompts::split(config, &child_configs, Asked::alone(query), task).request,
            text,
        });
        let split = plan.len() - 1;
        states.push((end, node, NodeStatus::Delegated));
        let mut replies = Vec::new();
        let mut last_end = end;
        let mut latest = split;
        for (k, &child) in children.iter().enumerate() {
            // The first children start as their element closes; the last waits for the whole split.
            let start = if k + 1 < children.len() {
                at + (end - at) * (k as i64 + 1) / children.len() as i64
            } else {
                end
            };
            tasks.push((start, child, sub_tasks[k].clone(), Some(split)));
            let produced = self.node_run(
                rng,
                nodes,
                child,
                query,
                &sub_tasks[k],
                start,
                Some(split),
                plan,
                tasks,
                states,
            );
            let done = plan[produced].end;
            if done >= last_end {
                last_end = done;
                latest = produced;
            }
            replies.push(ChildReply {
                name: nodes[child].name.clone(),
                role: nodes[child].role.clone(),
                task: sub_tasks[k].clone(),
                reply: Ok(plan[produced].text.clone()),
            });
        }
        let at = last_end + 2;
        states.push((at, node, NodeStatus::Synthesizing));
        let words = rng.random_range(160..300);
        let text = self.text.prose(rng, words);
        let end = at + 400 + (text.len() as i64) * 6;
        plan.push(Planned {
            node,
            phase: Phase::Synthesize,
            start: at,
            end,
            parent: Some(latest),
            request: prompts::synthesize(config, Asked::alone(query), task, &replies).request,
            text,
        });
        states.push((end, node, NodeStatus::Done));
        plan.len() - 1
    }
}

fn json(request: &ChatRequest) -> String {
    serde_json::to_string(request).unwrap_or_default()
}

/// A run id as the engine makes them: UTC start time and four hex digits.
fn run_id(started_ms: i64, suffix: u16) -> String {
    let (y, mo, d, h, mi, s) = civil_from_unix(started_ms / 1000);
    format!("{y:04}{mo:02}{d:02}-{h:02}{mi:02}{s:02}-{suffix:04x}")
}

/// Pace marks as the recorder writes them: one per 100 ms of streaming.
fn marks(start: i64, first_token: i64, end: i64, len: usize) -> String {
    let mut out = String::new();
    let span = (end - first_token).max(1);
    let mut t = first_token;
    while t < end {
        let so_far = (len as i64 * (t - first_token) / span) as usize;
        out.push_str(&format!("{},{},0;", t - start, so_far.max(1)));
        t += 100;
    }
    out.push_str(&format!("{},{len},0;", end - start));
    out
}
