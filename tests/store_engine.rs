//! The recorder on the real engine (scripted backend, no network): whatever the cascade emits is
//! recorded, and the record replays as the same event stream.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use ailab::config::{Hierarchy, Phase};
use ailab::engine::testkit::{Reply, ScriptedBackend, echo_reply, hierarchy, six_node_tree};
use ailab::engine::{Backends, Engine, EventKind, EventSink, ReflectionRound, RunEvent, RunStatus};
use ailab::llm::LlmError;
use ailab::store::{CallStatus, MessageKind, Reader, Recorder, messages};
use tokio_util::sync::CancellationToken;

/// Runs `prompt` through the tree with a recorder attached; returns the live events and the record path.
async fn recorded_run(
    h: Hierarchy,
    backend: Arc<ScriptedBackend>,
    prompt: &str,
    cancel_after: Option<Duration>,
) -> (tempfile::TempDir, std::path::PathBuf, Vec<RunEvent>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ailab.db");
    let recorder = Recorder::start(&path).unwrap();
    let sink = EventSink::new();
    sink.add(recorder.listener());
    let mut live = sink.subscribe();
    let engine = Engine::new(Arc::new(h), Backends::single(backend, 4));
    let cancel = CancellationToken::new();
    if let Some(after) = cancel_after {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            cancel.cancel();
        });
    }
    engine.run(prompt.into(), &sink, cancel).await;
    tokio::task::spawn_blocking(move || recorder.shutdown()).await.unwrap().unwrap();
    let mut events = Vec::new();
    while let Ok(e) = live.try_recv() {
        events.push(e);
    }
    (dir, path, events)
}

fn without_tokens(events: &[RunEvent]) -> Vec<RunEvent> {
    events.iter().filter(|e| !matches!(e.kind, EventKind::Token { .. })).cloned().collect()
}

fn texts(events: &[RunEvent]) -> HashMap<(u32, bool), String> {
    let mut out: HashMap<(u32, bool), String> = HashMap::new();
    for e in events {
        if let EventKind::Token { call, text, reasoning, .. } = &e.kind {
            out.entry((*call, *reasoning)).or_default().push_str(text);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_six_node_run_is_recorded_and_replays_as_it_happened() {
    let backend = ScriptedBackend::with_delay(Duration::from_millis(3), echo_reply);
    let (_dir, path, live) = recorded_run(six_node_tree(), backend, "Why is the sky blue?", None).await;
    let run_id = live[0].run_id.to_string();

    let reader = Reader::open(&path).unwrap();
    let record = reader.load_run(&run_id).unwrap();
    assert_eq!(record.run.status, RunStatus::Done);
    assert_eq!(record.calls.len(), 9);
    assert!(record.calls.iter().all(|c| c.status == CallStatus::Done && !c.text.is_empty()));
    // Every child's first call points at its parent's split.
    for call in record.calls.iter().filter(|c| c.phase == Phase::Answer) {
        let parent = record.call(call.parent_call.unwrap()).unwrap();
        assert_eq!(parent.phase, Phase::Split);
    }

    let replayed = reader.run_events(&run_id).unwrap();
    assert_eq!(without_tokens(&replayed), without_tokens(&live));
    assert_eq!(texts(&replayed), texts(&live));

    let msgs = messages(&record);
    let count = |kind| msgs.iter().filter(|m| m.kind == kind).count();
    assert_eq!(
        (
            count(MessageKind::Query),
            count(MessageKind::Delegation),
            count(MessageKind::Response),
            count(MessageKind::Synthesis)
        ),
        (1, 5, 3, 3)
    );
    // Every message but the query answers an earlier one.
    assert!(msgs.iter().skip(1).all(|m| m.parent.is_some_and(|p| p < m.id)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reflection_and_critique_become_their_own_messages() {
    let mut h = hierarchy(&[("atlas", &["nova"]), ("nova", &[])]);
    h.nodes[0].critique = true;
    h.nodes[1].reflect = 1;
    let (_dir, path, live) = recorded_run(h, ScriptedBackend::echo(), "Reflect on this", None).await;
    let reader = Reader::open(&path).unwrap();
    let record = reader.load_run(&live[0].run_id).unwrap();
    let msgs = messages(&record);
    let kinds: Vec<MessageKind> = msgs.iter().map(|m| m.kind).collect();
    assert!(kinds.contains(&MessageKind::Reflection), "{kinds:?}");
    assert!(kinds.contains(&MessageKind::Critique), "{kinds:?}");
    let critique = msgs.iter().find(|m| m.kind == MessageKind::Critique).unwrap();
    assert_eq!((critique.from.as_str(), critique.to.as_deref()), ("atlas", Some("nova")));
    let reviewed = &msgs[critique.parent.unwrap() - 1];
    assert_eq!(reviewed.from, "nova", "a critique answers the child's reply");
    assert_eq!(without_tokens(&reader.run_events(&live[0].run_id).unwrap()), without_tokens(&live));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_branch_is_recorded_as_an_error_in_a_degraded_run() {
    let backend = ScriptedBackend::new(|req| {
        if req.messages.first().is_some_and(|m| m.content == "You are Quantum.") {
            Reply::Fail(LlmError::Http { status: 400, message: "bad things".into() })
        } else {
            echo_reply(req)
        }
    });
    let (_dir, path, live) = recorded_run(six_node_tree(), backend, "Partly fails", None).await;
    let reader = Reader::open(&path).unwrap();
    let record = reader.load_run(&live[0].run_id).unwrap();
    assert_eq!(record.run.status, RunStatus::Degraded);
    let failed = record.calls.iter().find(|c| c.node == "quantum").unwrap();
    assert_eq!(failed.status, CallStatus::Failed);
    assert!(failed.error.as_deref().unwrap_or("").contains("bad things"));
    let errors: Vec<_> = messages(&record).into_iter().filter(|m| m.kind == MessageKind::Error).collect();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].content.contains("bad things"));
    assert!(record.node_events.iter().any(|e| e.node == "quantum" && e.reason.is_some()));
    assert_eq!(without_tokens(&reader.run_events(&live[0].run_id).unwrap()), without_tokens(&live));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_keeps_what_streamed() {
    // Splits answer, leaves stall until cancelled.
    let backend =
        ScriptedBackend::new(
            |req| if req.response_format.is_some() { echo_reply(req) } else { Reply::Stall },
        );
    let (_dir, path, live) =
        recorded_run(six_node_tree(), backend, "Cancel me", Some(Duration::from_millis(300))).await;
    let reader = Reader::open(&path).unwrap();
    let record = reader.load_run(&live[0].run_id).unwrap();
    assert_eq!(record.run.status, RunStatus::Cancelled);
    assert!(record.calls.iter().filter(|c| c.phase == Phase::Split).all(|c| c.status == CallStatus::Done));
    assert!(record.calls.iter().all(|c| c.status != CallStatus::Streaming), "no call is left streaming");
    assert_eq!(without_tokens(&reader.run_events(&live[0].run_id).unwrap()), without_tokens(&live));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reflection_levels_are_recorded_per_call_and_replay_as_they_were_announced() {
    let mut h = hierarchy(&[("boss", &["quantum"]), ("quantum", &[])]);
    let quantum = &mut h.nodes[1];
    quantum.reflection_levels = ["check the facts", "draw out implications", "the single deepest insight"]
        .into_iter()
        .map(|name| ailab::config::ReflectionLevel {
            name: name.into(),
            reflect: format!("{name}: {{draft}}"),
            revise: "Revise {draft} per {critique}".into(),
        })
        .collect();
    quantum.reflect = 3;
    let backend = ScriptedBackend::with_delay(Duration::from_millis(1), echo_reply);
    let (_dir, path, live) = recorded_run(h, backend, "Why?", None).await;
    let run_id = live[0].run_id.to_string();

    let reader = Reader::open(&path).unwrap();
    let record = reader.load_run(&run_id).unwrap();
    let levels: Vec<(Phase, Option<ReflectionRound>)> = record
        .calls
        .iter()
        .filter(|c| c.node == "quantum")
        .map(|c| (c.phase, c.reflection.clone()))
        .collect();
    let named = |round: u32, name: &str| Some(ReflectionRound { round, of: 3, name: Some(name.to_string()) });
    assert_eq!(
        levels,
        vec![
            (Phase::Answer, None),
            (Phase::Reflect, named(1, "check the facts")),
            (Phase::Revise, named(1, "check the facts")),
            (Phase::Reflect, named(2, "draw out implications")),
            (Phase::Revise, named(2, "draw out implications")),
            (Phase::Reflect, named(3, "the single deepest insight")),
            (Phase::Revise, named(3, "the single deepest insight")),
        ]
    );
    // A past run shows what the live one showed: the replay carries the same levels.
    let replayed = reader.run_events(&run_id).unwrap();
    assert_eq!(without_tokens(&replayed), without_tokens(&live));
}
