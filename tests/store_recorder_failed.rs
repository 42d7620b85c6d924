//! The recorder keeps what a call streamed when the call ends without a text of its own (it failed
//! or was cancelled mid-stream): the engine's `CallFinished` then carries no text, and the record
//! must not trade the streamed text for that empty one (the soak found it, issue 15 §2).

mod store_support;

use ailab::config::Phase;
use ailab::engine::{EventKind, RunStatus, RunTotals};
use ailab::store::{CallStatus, Reader, Recorder};
use store_support::*;

/// The engine's finish of a call that broke off: no text, no reasoning, an error.
fn broke_off(s: &mut Script, call: u32, node: &str, started_ms: i64, error: &str) {
    let mut event = s.finish_call(call, node, Phase::Answer, "", started_ms, Some(error));
    if let EventKind::CallFinished { reasoning, .. } = &mut event.kind {
        reasoning.clear();
    }
    *s.events.last_mut().unwrap() = event;
}

#[test]
fn a_call_failing_mid_stream_keeps_the_text_it_streamed() {
    let (_dir, path) = temp_db();
    let recorder = Recorder::start(&path).unwrap();
    let tx = recorder.listener();
    let mut s = Script::new("20260101-120000-fa11", "break off", 1_767_268_800_000);
    let t0 = s.now;
    s.task("atlas", "break off", None);
    s.start_call(1, "atlas", Phase::Answer, None);
    s.thought(1, "atlas", Phase::Answer, "thinking first ");
    s.stream(1, "atlas", Phase::Answer, "the first half was written ", 10);
    for e in s.events.drain(..) {
        tx.send(e).unwrap();
    }
    // Part of the text is on disk, the rest still waits in the recorder's buffer when the call fails.
    recorder.flush().unwrap();
    s.stream(1, "atlas", Phase::Answer, "and the rest was still buffered", 10);
    broke_off(&mut s, 1, "atlas", t0, "the stream ended before the answer was finished");
    s.start_call(2, "atlas", Phase::Answer, None);
    s.stream(2, "atlas", Phase::Answer, "a second try that was cancelled", 10);
    broke_off(&mut s, 2, "atlas", t0, "cancelled");
    s.start_call(3, "atlas", Phase::Answer, None);
    broke_off(&mut s, 3, "atlas", t0, "the server answered HTTP 500: boom");
    let totals = RunTotals { calls: 3, failed_calls: 2, ..Default::default() };
    s.finish_run(RunStatus::Failed, None, totals);
    for e in s.events.drain(..) {
        tx.send(e).unwrap();
    }
    recorder.shutdown().unwrap();

    let reader = Reader::open(&path).unwrap();
    let record = reader.load_run("20260101-120000-fa11").unwrap();
    let calls: Vec<(CallStatus, &str, &str)> =
        record.calls.iter().map(|c| (c.status, c.text.as_str(), c.reasoning.as_str())).collect();
    assert_eq!(
        calls,
        [
            (
                CallStatus::Failed,
                "the first half was written and the rest was still buffered",
                "thinking first "
            ),
            (CallStatus::Stopped, "a second try that was cancelled", ""),
            (CallStatus::Failed, "", ""),
        ]
    );
    assert!(record.calls[0].error.as_deref().unwrap_or("").contains("ended before"));
    // The kept text is searchable, as a finished call's is.
    assert_eq!(reader.search("buffered", 10).unwrap().len(), 1);
    assert_eq!(reader.search("cancelled", 10).unwrap().len(), 1);
}
