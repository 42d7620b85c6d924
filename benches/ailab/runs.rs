//! One tree run through the real engine and HTTP client, measured: wall time, the strict critical
//! path from the run's own call timings, CPU time, and what streamed.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ailab::config::{Hierarchy, Phase};
use ailab::engine::timeline::{self, CallSpan};
use ailab::engine::{Backends, Engine, EventKind, EventSink, RunEvent, RunStatus};
use ailab::store::Recorder;
use tokio_util::sync::CancellationToken;

use crate::measure::{ThreadClock, ms, process_cpu};

/// The prompt every benchmark run answers.
pub const PROMPT: &str =
    "How does quantum tunnelling make flash memory work, and where does it stop working?";

/// What one run measured.
#[derive(Debug, Clone)]
pub struct RunMeasure {
    pub status: RunStatus,
    pub wall_ms: f64,
    pub critical_ms: f64,
    /// CPU time of the process during the run, less the mock's thread (if one was given).
    pub cpu: Duration,
    pub tokens: usize,
    pub calls: usize,
    pub spans: Vec<CallSpan>,
    pub events: Vec<RunEvent>,
}

impl RunMeasure {
    /// Wall time ÷ strict critical path.
    pub fn ratio(&self) -> f64 {
        if self.critical_ms > 0.0 { self.wall_ms / self.critical_ms } else { f64::NAN }
    }

    /// Child calls that started before their parent's split call ended (streaming delegation at work).
    pub fn early_children(&self) -> (usize, usize) {
        let splits: Vec<&CallSpan> = self.spans.iter().filter(|s| s.phase == Phase::Split).collect();
        let children: Vec<&CallSpan> = self
            .spans
            .iter()
            .filter(|s| s.parent_call.is_some_and(|p| splits.iter().any(|split| split.call == p)))
            .collect();
        let early = children
            .iter()
            .filter(|c| splits.iter().any(|s| Some(s.call) == c.parent_call && c.started_ms < s.ended_ms))
            .count();
        (early, children.len())
    }
}

/// An engine over `hierarchy` talking HTTP to `base_url`, with `max_concurrent` per endpoint.
pub fn engine(mut hierarchy: Hierarchy, base_url: &str, max_concurrent: usize, streaming: bool) -> Engine {
    hierarchy.server.base_url = base_url.to_string();
    hierarchy.server.max_concurrent = max_concurrent;
    let backends = Backends::http(&hierarchy).unwrap_or_else(|err| panic!("bench: no HTTP backend: {err}"));
    Engine::new(Arc::new(hierarchy), backends).with_streaming_delegation(streaming)
}

/// Runs the prompt once. `mock_clock`: the mock's thread, whose CPU is not the engine's.
/// `record`: a database to record into (the recorder's start and shutdown are not timed).
pub async fn run_once(engine: &Engine, mock_clock: Option<ThreadClock>, record: Option<&Path>) -> RunMeasure {
    run_within(engine, mock_clock, record, None).await
}

/// Like [`run_once`], cancelling the run if it is not done after `limit`.
pub async fn run_within(
    engine: &Engine,
    mock_clock: Option<ThreadClock>,
    record: Option<&Path>,
    limit: Option<Duration>,
) -> RunMeasure {
    run_prompt_within(engine, PROMPT, mock_clock, record, limit).await
}

/// Like [`run_within`], answering `prompt`.
pub async fn run_prompt_within(
    engine: &Engine,
    prompt: &str,
    mock_clock: Option<ThreadClock>,
    record: Option<&Path>,
    limit: Option<Duration>,
) -> RunMeasure {
    let cancel = cancel_after(limit);
    let sink = EventSink::new();
    let mut events_rx = sink.subscribe();
    let recorder = record.map(|path| {
        let handle = Recorder::start(path).unwrap_or_else(|err| panic!("bench: cannot record: {err}"));
        sink.add(handle.listener());
        handle
    });
    let mock_before = mock_clock.map(ThreadClock::now).unwrap_or_default();
    let cpu_before = process_cpu();
    let started = Instant::now();
    let summary = engine.run(prompt.to_string(), &sink, cancel.clone()).await;
    cancel.cancel();
    let wall = started.elapsed();
    let mock_cpu = mock_clock.map(ThreadClock::now).unwrap_or_default().saturating_sub(mock_before);
    let cpu = process_cpu().saturating_sub(cpu_before).saturating_sub(mock_cpu);
    if let Some(handle) = recorder {
        handle.shutdown().unwrap_or_else(|err| panic!("bench: the recorder failed: {err}"));
    }
    let mut events = Vec::new();
    while let Ok(event) = events_rx.try_recv() {
        events.push(event);
    }
    let spans = timeline::spans(&events);
    let critical = timeline::strict_critical_path_ms(engine.hierarchy(), &spans);
    let tokens: usize = events
        .iter()
        .map(|e| if let EventKind::Token { pieces, .. } = e.kind { pieces as usize } else { 0 })
        .sum();
    RunMeasure {
        status: summary.status,
        wall_ms: ms(wall),
        critical_ms: critical as f64,
        cpu,
        tokens,
        calls: spans.len(),
        spans,
        events,
    }
}

/// A token that cancels itself after `limit` (never, without one): a run that overstays is stopped.
pub fn cancel_after(limit: Option<Duration>) -> CancellationToken {
    let cancel = CancellationToken::new();
    if let Some(limit) = limit {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(limit).await;
            cancel.cancel();
        });
    }
    cancel
}

/// A multi-threaded runtime like the app's (one worker per core).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|err| panic!("bench: cannot build a runtime: {err}"))
}
