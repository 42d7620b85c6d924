//! Engine tests with a scripted backend: no network, no terminal.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::testkit::{Reply, ScriptedBackend, echo_reply, hierarchy, six_node_tree};
use super::*;

mod conversation;
mod gate;
mod levels;
mod messages;
mod replies;
mod server_ways;
mod split_checks;
mod split_failures;
mod splits;
mod watch;
use crate::config::{Hierarchy, Phase};
use crate::llm::{ChatRequest, LlmError};

fn engine(h: Hierarchy, backend: Arc<ScriptedBackend>, limit: usize) -> Engine {
    Engine::new(Arc::new(h), Backends::single(backend, limit))
}

async fn run_collect(engine: &Engine, prompt: &str) -> (RunSummary, Vec<RunEvent>) {
    let sink = EventSink::new();
    let mut rx = sink.subscribe();
    let summary = engine.run(prompt.into(), &sink, CancellationToken::new()).await;
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    (summary, events)
}

fn user_text(req: &ChatRequest) -> &str {
    req.messages.last().map_or("", |m| m.content.as_str())
}

fn is_system(req: &ChatRequest, name: &str) -> bool {
    req.messages.first().is_some_and(|m| m.content == format!("You are {name}."))
}

fn calls_of(events: &[RunEvent]) -> Vec<(String, Phase)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CallFinished { node, phase, .. } => Some((node.clone(), *phase)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn six_node_tree_runs_to_done_with_one_run_id() {
    let backend = ScriptedBackend::echo();
    let (summary, events) = run_collect(&engine(six_node_tree(), backend, 4), "Why is the sky blue?").await;
    assert_eq!(summary.status, RunStatus::Done);
    assert!(summary.answer.as_deref().unwrap_or("").starts_with("You are Atlas. says Combine"));
    assert_eq!(summary.totals.calls, 9, "3 splits + 3 answers + 3 syntheses");
    assert!(events.iter().all(|e| e.run_id == summary.run_id));
    assert!(matches!(events.first().map(|e| &e.kind), Some(EventKind::RunStarted { .. })));
    assert!(matches!(
        events.last().map(|e| &e.kind),
        Some(EventKind::RunFinished { status: RunStatus::Done, .. })
    ));
    let done: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::NodeState { node, state: NodeStatus::Done } => Some(node.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(done.len(), 6);
    // Leaves got their own sub-tasks from the JSON split.
    let tasks: Vec<(String, String, Option<SplitMethod>)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TaskAssigned { node, task, split, .. } => Some((node.clone(), task.clone(), *split)),
            _ => None,
        })
        .collect();
    assert_eq!(tasks.len(), 6);
    assert!(tasks.iter().any(|(n, t, s)| n == "pixel"
        && t == "Explain the human side of: Why is the sky blue?"
        && *s == Some(SplitMethod::Json)));
}

#[tokio::test]
async fn split_falls_back_to_a_list_then_to_the_whole_task() {
    let backend = ScriptedBackend::new(|req| {
        if req.response_format.is_some() && is_system(req, "Atlas") {
            Reply::Text("Sure.\n1. the technical half\n2. the human half\n".into())
        } else if req.response_format.is_some() {
            Reply::Text("I think this is a wonderful question about life.".into())
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend.clone(), 4), "Q?").await;
    assert_eq!(summary.status, RunStatus::Done);
    let splits: Vec<(String, Option<SplitMethod>)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CallFinished { node, phase: Phase::Split, split, .. } => Some((node.clone(), *split)),
            _ => None,
        })
        .collect();
    assert!(splits.contains(&("atlas".into(), Some(SplitMethod::List))));
    assert!(splits.contains(&("nova".into(), Some(SplitMethod::Fallback))));
    let echo_request = backend.received().into_iter().find(|r| is_system(r, "Echo")).unwrap();
    assert!(user_text(&echo_request).contains("the technical half"));
    assert!(user_text(&echo_request).contains("as Echo, echo role"));
}

#[tokio::test]
async fn a_failed_branch_degrades_the_run_and_the_parent_says_so() {
    let backend = ScriptedBackend::new(|req| {
        if is_system(req, "Quantum") {
            Reply::Fail(LlmError::Http { status: 400, message: "bad things".into() })
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend.clone(), 4), "Q?").await;
    assert_eq!(summary.status, RunStatus::Degraded);
    assert!(summary.answer.is_some());
    assert!(
        events.iter().any(|e| matches!(&e.kind, EventKind::NodeFailed { node, .. } if node == "quantum"))
    );
    // Sage had no reply at all, so it answers its task alone, told why, and does not fail.
    assert!(!events.iter().any(|e| matches!(&e.kind, EventKind::NodeFailed { node, .. } if node == "sage")));
    let sage_alone = backend
        .received()
        .into_iter()
        .rfind(|r| is_system(r, "Sage") && r.response_format.is_none())
        .unwrap();
    let asked = user_text(&sage_alone);
    assert!(asked.contains("Your team could not answer this time: Quantum:"), "{asked}");
    assert!(asked.contains("bad things"), "{asked}");
    let atlas_synthesis = backend
        .received()
        .into_iter()
        .rfind(|r| is_system(r, "Atlas") && r.response_format.is_none())
        .unwrap();
    assert!(!user_text(&atlas_synthesis).contains("[MISSING: this branch failed"), "Sage's answer went up");
    assert!(matches!(
        events.last().map(|e| &e.kind),
        Some(EventKind::RunFinished { status: RunStatus::Degraded, .. })
    ));
}

#[tokio::test]
async fn a_failed_root_fails_the_run() {
    let backend = ScriptedBackend::new(|req| {
        if is_system(req, "Atlas") && req.response_format.is_none() {
            Reply::Fail(LlmError::EmptyStream)
        } else {
            echo_reply(req)
        }
    });
    let (summary, _) = run_collect(&engine(six_node_tree(), backend, 4), "Q?").await;
    assert_eq!(summary.status, RunStatus::Failed);
    assert_eq!(summary.answer, None);
    assert!(summary.error.unwrap().contains("empty stream"));
}

#[tokio::test]
async fn cancelling_stops_every_call_within_100ms() {
    let backend =
        ScriptedBackend::new(
            |req| if req.response_format.is_some() { echo_reply(req) } else { Reply::Stall },
        );
    let engine = engine(six_node_tree(), backend.clone(), 4);
    let sink = EventSink::new();
    let mut rx = sink.subscribe();
    let cancel = CancellationToken::new();
    let run = tokio::spawn({
        let (engine, sink, cancel) = (engine.clone(), sink.clone(), cancel.clone());
        async move { engine.run("Q?".into(), &sink, cancel).await }
    });
    // Wait until the three leaves are stalled mid-call.
    let deadline = Instant::now() + Duration::from_secs(5);
    while backend.received().len() < 6 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let cancelled_at = Instant::now();
    cancel.cancel();
    let summary = run.await.unwrap();
    assert!(cancelled_at.elapsed() < Duration::from_millis(100), "took {:?}", cancelled_at.elapsed());
    assert_eq!(summary.status, RunStatus::Cancelled);
    assert!(summary.totals.calls > 0);
    assert_eq!(summary.totals.failed_calls, 0, "a call the user cancelled did not fail");
    let mut final_states = std::collections::HashMap::new();
    while let Ok(e) = rx.try_recv() {
        if let EventKind::NodeState { node, state } = e.kind {
            final_states.insert(node, state);
        }
    }
    assert_eq!(final_states.len(), 6);
    assert!(final_states.values().all(NodeStatus::is_final));
    assert_eq!(final_states["echo"], NodeStatus::Cancelled);
}

#[tokio::test]
async fn concurrency_is_bounded_per_endpoint() {
    let wide = hierarchy(&[
        ("root", &["a", "b", "c", "d", "e", "f"]),
        ("a", &[]),
        ("b", &[]),
        ("c", &[]),
        ("d", &[]),
        ("e", &[]),
        ("f", &[]),
    ]);
    let backend = ScriptedBackend::with_delay(Duration::from_millis(5), echo_reply);
    let (summary, _) = run_collect(&engine(wide.clone(), backend.clone(), 2), "Q?").await;
    assert_eq!(summary.status, RunStatus::Done);
    assert_eq!(backend.max_in_flight.load(Ordering::SeqCst), 2);
    // Without streaming delegation, so every child starts when the split ends: started early, the
    // first children would finish before the last one starts.
    let backend = ScriptedBackend::with_delay(Duration::from_millis(5), echo_reply);
    run_collect(&engine(wide, backend.clone(), 8).with_streaming_delegation(false), "Q?").await;
    assert_eq!(backend.max_in_flight.load(Ordering::SeqCst), 6, "siblings run concurrently");
}

#[tokio::test]
async fn reflection_and_critique_add_their_calls() {
    let mut h = hierarchy(&[("boss", &["worker"]), ("worker", &[])]);
    h.nodes[0].critique = true;
    h.nodes[1].reflect = 1;
    let backend = ScriptedBackend::echo();
    let (summary, events) = run_collect(&engine(h, backend, 4), "Q?").await;
    assert_eq!(summary.status, RunStatus::Done);
    let phases: Vec<Phase> = calls_of(&events).into_iter().map(|(_, p)| p).collect();
    assert_eq!(
        phases,
        vec![
            Phase::Split,
            Phase::Answer,
            Phase::Reflect,
            Phase::Revise,
            Phase::Critique,
            Phase::Revise,
            Phase::Synthesize
        ]
    );
    // Each call links to the call whose output it consumed.
    let parents: Vec<Option<CallId>> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CallStarted { parent_call, .. } => Some(*parent_call),
            _ => None,
        })
        .collect();
    assert_eq!(parents, vec![None, Some(1), Some(2), Some(3), Some(4), Some(5), Some(6)]);
}

#[tokio::test]
async fn a_single_node_tree_just_answers() {
    let backend = ScriptedBackend::echo();
    let (summary, events) = run_collect(&engine(hierarchy(&[("solo", &[])]), backend, 1), "Hi").await;
    assert_eq!(summary.status, RunStatus::Done);
    assert_eq!(calls_of(&events), vec![("solo".to_string(), Phase::Answer)]);
}

#[tokio::test]
async fn long_child_replies_are_cut_to_fit_the_context_and_say_so() {
    let backend = ScriptedBackend::with_delay(Duration::ZERO, |req| {
        if is_system(req, "Leaf") { Reply::Text("word ".repeat(5000)) } else { echo_reply(req) }
    });
    let h = hierarchy(&[("top", &["leaf"]), ("leaf", &[])]);
    let backend_ref = backend.clone();
    let (summary, events) = run_collect(&engine(h, backend, 1), "Q?").await;
    assert_eq!(summary.status, RunStatus::Done);
    assert!(events.iter().any(|e| matches!(
        &e.kind,
        EventKind::CallStarted { phase: Phase::Synthesize, truncated_input: true, .. }
    )));
    let synthesis = backend_ref.received().into_iter().next_back().unwrap();
    let chars = user_text(&synthesis).chars().count();
    assert!(chars < (4096 - 300) * 3, "synthesis prompt is {chars} chars");
    assert!(user_text(&synthesis).contains(prompts::CUT_MARKER.trim()));
}

#[tokio::test]
async fn events_serialize_with_a_type_field() {
    let backend = ScriptedBackend::echo();
    let (_, events) = run_collect(&engine(hierarchy(&[("solo", &[])]), backend, 1), "Hi").await;
    let types: Vec<String> = events
        .iter()
        .map(|e| serde_json::to_value(e).unwrap()["type"].as_str().unwrap().to_string())
        .collect();
    for t in [
        "run_started",
        "node_state",
        "task_assigned",
        "call_started",
        "token",
        "call_finished",
        "run_finished",
    ] {
        assert!(types.iter().any(|x| x == t), "missing {t}");
    }
    let token = events.iter().find(|e| matches!(e.kind, EventKind::Token { .. })).unwrap();
    let json = serde_json::to_value(token).unwrap();
    assert_eq!(json["node"], "solo");
    assert_eq!(json["phase"], "answer");
}

#[test]
fn run_ids_sort_by_time_and_are_short() {
    let id = new_run_id();
    assert_eq!(id.len(), "20261124-042617-3fa9".len());
}

/// Position of the first event matching `pred`.
fn position(events: &[RunEvent], pred: impl Fn(&EventKind) -> bool) -> usize {
    events.iter().position(|e| pred(&e.kind)).unwrap_or(usize::MAX)
}

fn split_finished(node: &'static str) -> impl Fn(&EventKind) -> bool {
    move |k| matches!(k, EventKind::CallFinished { node: n, phase: Phase::Split, .. } if n == node)
}

fn call_started(node: &'static str) -> impl Fn(&EventKind) -> bool {
    move |k| matches!(k, EventKind::CallStarted { node: n, .. } if n == node)
}

#[tokio::test]
async fn children_start_while_the_parent_still_writes_its_split() {
    let backend = ScriptedBackend::with_delay(Duration::from_millis(2), |req| {
        if req.response_format.is_some() && is_system(req, "Atlas") {
            Reply::Text(
                "[\"the technical half\", \"the human half, in many more words so it streams for a while\"]"
                    .into(),
            )
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend.clone(), 4), "Q?").await;
    assert_eq!(summary.status, RunStatus::Done);
    assert!(position(&events, call_started("nova")) < position(&events, split_finished("atlas")));
    // The last child waits for the whole split.
    assert!(position(&events, call_started("sage")) > position(&events, split_finished("atlas")));
    let nova = backend.received().into_iter().find(|r| is_system(r, "Nova")).unwrap();
    assert!(user_text(&nova).contains("the technical half"));

    let backend = ScriptedBackend::with_delay(Duration::from_millis(2), echo_reply);
    let strict = engine(six_node_tree(), backend, 4).with_streaming_delegation(false);
    let (_, events) = run_collect(&strict, "Q?").await;
    assert!(position(&events, call_started("nova")) > position(&events, split_finished("atlas")));
}

/// A run answered by the offline demo says so in every call it records: where the call went is
/// the demo, not the server the hierarchy names (History would otherwise show it as sent there).
#[tokio::test(start_paused = true)]
async fn a_demo_run_records_its_calls_as_the_demo_s() {
    let h = Arc::new(six_node_tree());
    let engine = Engine::new(h.clone(), Backends::demo(&h));
    let (summary, events) = run_collect(&engine, "Why is the sky blue?").await;
    assert_eq!(summary.status, RunStatus::Done);
    let endpoints: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CallStarted { endpoint, .. } => Some(endpoint.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        !endpoints.is_empty() && endpoints.iter().all(|e| *e == crate::llm::demo::DEMO_ENDPOINT),
        "{endpoints:?}"
    );
}
