//! The test suite's mock server, run on a thread and runtime of its own so that its CPU time can be
//! read apart from the engine's, and scripted to stream every call (splits included) at one pace.

use std::sync::Arc;
use std::time::Duration;

use crate::measure::ThreadClock;
use crate::support::{MockConfig, MockServer, RecordedRequest, Reply, Step, StreamScript};

/// A paced mock on its own thread.
pub struct PacedMock {
    pub server: Arc<MockServer>,
    /// CPU clock of the thread that runs the whole mock (its runtime is single-threaded).
    pub clock: ThreadClock,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl PacedMock {
    /// Every call streams `tokens` pieces, `pace` apart; splits are JSON arrays of the size asked
    /// for whose text is also `tokens` pieces long, so a parent's split streams as long as an answer.
    pub fn start(pace: Duration, tokens: usize) -> PacedMock {
        let config = MockConfig { token_delay: pace, answer_tokens: tokens, ..MockConfig::default() };
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("bench-mock".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(runtime) => runtime,
                    Err(err) => panic!("bench: cannot build the mock's runtime: {err}"),
                };
                runtime.block_on(async move {
                    let server = Arc::new(MockServer::start_with(config).await);
                    let _ = ready_tx.send((server.clone(), ThreadClock::current()));
                    let _ = stopped.await;
                    drop(server);
                });
            })
            .unwrap_or_else(|err| panic!("bench: cannot start the mock's thread: {err}"));
        let (server, clock) = ready_rx.recv().unwrap_or_else(|_| panic!("bench: the mock did not start"));
        server.respond_with(move |request: &RecordedRequest| {
            request.split_count().map(|count| split_reply(count, tokens, pace))
        });
        PacedMock { server, clock, stop: Some(stop), thread: Some(thread) }
    }

    pub fn base_url(&self) -> String {
        self.server.base_url()
    }
}

impl Drop for PacedMock {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `["Sub-task 1 of 2: study …", "Sub-task 2 of 2: …"]` in `tokens` word-sized pieces in total.
pub fn split_reply(count: usize, tokens: usize, pace: Duration) -> Reply {
    let pieces = split_pieces(count, tokens);
    let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
    Reply::Stream(StreamScript::answer(&pieces).paced(pace))
}

/// The text of [`split_reply`] as word-sized pieces.
pub fn split_pieces(count: usize, tokens: usize) -> Vec<String> {
    let count = count.max(1);
    let words_per_item = (tokens / count).saturating_sub(4).max(1);
    // Each sub-task names the question's subject (the checks reject one with nothing in common
    // with the task it divides), then draws its words from a pseudo-random sequence: cycled words
    // are a loop, which the checks rightly reject, and a rejected sub-task never starts early.
    let items: Vec<String> = (1..=count)
        .map(|i| {
            let mut z = i as u64;
            let words: Vec<&str> = (0..words_per_item.saturating_sub(6))
                .map(|_| {
                    z = z.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    SUBJECT[((z >> 33) % SUBJECT.len() as u64) as usize]
                })
                .collect();
            format!("Sub-task {i} of {count}: how flash memory uses quantum tunnelling, {}", words.join(" "))
        })
        .collect();
    let text = serde_json::Value::from(items).to_string();
    text.split_inclusive(' ').map(str::to_string).collect()
}

const SUBJECT: &[&str] = &[
    "explain",
    "the",
    "physics",
    "of",
    "tunnelling",
    "through",
    "a",
    "barrier",
    "with",
    "one",
    "worked",
    "example",
    "and",
    "its",
    "limits",
    "in",
    "flash",
    "memory",
    "cells",
];

/// A stream of `pieces` at about `per_ms` pieces per millisecond: each group is written back to
/// back (one write per piece, as a server writes one chunk per token), then a 1 ms pause. Timers
/// tick in whole milliseconds, so a pause per piece could not go faster than 1000 pieces/s.
pub fn burst_script(pieces: &[String], per_ms: usize) -> StreamScript {
    let per_ms = per_ms.max(1);
    let mut steps = Vec::with_capacity(pieces.len() + pieces.len() / per_ms + 4);
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 && i % per_ms == 0 {
            steps.push(Step::Pause(Duration::from_millis(1)));
        }
        steps.push(Step::Content(piece.clone()));
    }
    steps.push(Step::Finish("stop".into()));
    steps.push(Step::Usage { prompt_tokens: 10, completion_tokens: pieces.len() as u32 });
    steps.push(Step::Done);
    StreamScript::new(steps)
}
