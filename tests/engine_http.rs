//! The engine over real HTTP against the in-process mock server: server behaviours that only
//! show on the wire (a refused `response_format`, reasoning fields).

mod support;

use std::sync::Arc;

use ailab::config::Hierarchy;
use ailab::engine::testkit::six_node_tree;
use ailab::engine::{
    Backends, Engine, EventKind, EventSink, RunEvent, RunStatus, RunSummary, SCHEMA_REFUSED, SplitMethod,
};
use support::{MockServer, Reply, Step, StreamScript};
use tokio_util::sync::CancellationToken;

/// The six-node tree (test prompts) served by `mock`.
fn tree_on(mock: &MockServer) -> Hierarchy {
    let mut h = six_node_tree();
    h.server.base_url = mock.base_url();
    h
}

async fn run(h: Hierarchy, prompt: &str) -> (RunSummary, Vec<RunEvent>) {
    let backends = Backends::http(&h).expect("a client for the mock");
    let engine = Engine::new(Arc::new(h), backends);
    let sink = EventSink::new();
    let mut rx = sink.subscribe();
    let summary = engine.run(prompt.into(), &sink, CancellationToken::new()).await;
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    (summary, events)
}

fn split_reply(request: &support::RecordedRequest) -> Option<Reply> {
    let user = request.last_user_message().unwrap_or("");
    if user.starts_with("Split into 2") {
        Some(Reply::text(&["1. the technical half\n", "2. the human half\n"]))
    } else if user.starts_with("Split into 1") {
        Some(Reply::text(&["1. the deep part\n"]))
    } else {
        None
    }
}

#[tokio::test]
async fn a_server_refusing_response_format_gets_the_split_again_without_it() {
    let mock = MockServer::start().await;
    mock.respond_with(|req| {
        if req.body.get("response_format").is_some() {
            return Some(Reply::error_string(400, "'response_format' is not supported"));
        }
        split_reply(req)
    });
    let (summary, events) = run(tree_on(&mock), "Why is the sky blue?").await;
    assert_eq!(summary.status, RunStatus::Done, "{:?}", summary.error);
    assert_eq!(summary.totals.failed_calls, 0, "a refused schema is not a failed call");
    assert_eq!(summary.totals.calls, 10, "9 calls + the refused split");
    let requests = mock.chat_requests();
    // Only the first split carried a schema; it was asked again without one, and the server's
    // refusal was remembered for Nova's and Sage's splits.
    let with_schema: Vec<usize> =
        requests.iter().filter(|r| r.body.get("response_format").is_some()).map(|r| r.index).collect();
    assert_eq!(with_schema, vec![1]);
    assert_eq!(requests[1].body["messages"], requests[0].body["messages"]);
    let refused = events.iter().find_map(|e| match &e.kind {
        EventKind::CallFinished { call: 1, error, .. } => error.clone(),
        _ => None,
    });
    let refused = refused.expect("the refused split is recorded with why");
    assert!(refused.starts_with(SCHEMA_REFUSED), "{refused}");
    assert!(refused.contains("'response_format' is not supported"), "{refused}");
    // The list reply was read: the children got their own sub-tasks.
    assert!(events.iter().any(|e| matches!(
        &e.kind,
        EventKind::TaskAssigned { node, task, split: Some(SplitMethod::List), .. }
            if node == "nova" && task == "the technical half"
    )));
}

#[tokio::test]
async fn a_missing_model_on_a_split_is_not_asked_again_without_the_schema() {
    let mock = MockServer::start().await;
    mock.respond_with(|req| Some(Reply::model_not_found(req.model())));
    let (summary, _) = run(tree_on(&mock), "Hi").await;
    assert_eq!(summary.status, RunStatus::Failed);
    assert_eq!(mock.chat_count(), 1, "asking without the schema cannot fix a missing model");
    assert!(summary.error.unwrap_or_default().contains("does not serve model"));
}

#[tokio::test]
async fn a_reply_of_only_reasoning_fails_that_branch_with_a_hint() {
    let mock = MockServer::start().await;
    mock.respond_with(|req| {
        let system = req.system_prompt().unwrap_or("");
        let reply = |steps: Vec<Step>| Some(Reply::Stream(StreamScript::new(steps)));
        if system == "You are Echo." {
            // A reasoning model that spent its whole max_tokens thinking.
            reply(vec![
                Step::ReasoningContent("Let me think step by step about ".into()),
                Step::ReasoningContent("light and scattering".into()),
                Step::Finish("length".into()),
                Step::Done,
            ])
        } else if system == "You are Pixel." {
            // Thinking first, then an answer: fine.
            reply(vec![
                Step::ReasoningContent("Short thought.".into()),
                Step::Content("Pixel's answer.".into()),
                Step::Finish("stop".into()),
                Step::Done,
            ])
        } else {
            None
        }
    });
    let (summary, events) = run(tree_on(&mock), "Why is the sky blue?").await;
    assert_eq!(summary.status, RunStatus::Degraded);
    let failed: Vec<(&str, &str)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::NodeFailed { node, reason } => Some((node.as_str(), reason.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, "echo");
    assert!(
        failed[0].1.contains("on reasoning and wrote no answer; raise max_tokens for Echo"),
        "{failed:?}"
    );
    let nova_synthesis = mock
        .chat_requests()
        .into_iter()
        .rfind(|r| r.system_prompt() == Some("You are Nova.") && r.split_count().is_none())
        .unwrap();
    let replies = nova_synthesis.last_user_message().unwrap_or("");
    assert!(replies.contains("Pixel's answer."), "{replies}");
    assert!(replies.contains("[MISSING: this branch failed"), "{replies}");
}
