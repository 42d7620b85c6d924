//! What real servers taught (issue 15 §3), at the engine: llama-cpp-python takes a schema only as
//! a `json_object`, and cuts a stream off when another request arrives.

use std::sync::atomic::AtomicUsize;

use super::super::ending::CUT_OFF_RETRIES;
use super::super::testkit::{Reply, ScriptedBackend, echo_reply, six_node_tree};
use super::*;

fn format_type(req: &ChatRequest) -> Option<&str> {
    req.response_format.as_ref().and_then(|f| f.get("type")).and_then(|t| t.as_str())
}

/// Each `CallFinished` of `node`: its error and what followed it.
fn endings_of(events: &[RunEvent], of: &str) -> Vec<(Option<String>, Option<AfterFailure>)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CallFinished { node, error, next, .. } if node == of => Some((error.clone(), *next)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_server_that_names_json_object_gets_the_schema_in_that_form_from_then_on() {
    let backend = ScriptedBackend::new(|req| match format_type(req) {
        Some("json_schema") => Reply::Fail(LlmError::BadRequest {
            status: 500,
            message: "1 validation error: Input should be 'text' or 'json_object'".into(),
        }),
        _ => echo_reply(req),
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend.clone(), 4), "Why?").await;
    assert_eq!(summary.status, RunStatus::Done, "{:?}", summary.error);
    assert_eq!(summary.totals.failed_calls, 0, "a refused form is not a failure");
    let received = backend.received();
    let forms: Vec<Option<&str>> = received.iter().map(format_type).collect();
    let splits: Vec<&str> = received.iter().filter_map(format_type).collect();
    assert_eq!(splits.iter().filter(|t| **t == "json_schema").count(), 1, "{forms:?}");
    assert_eq!(splits.iter().filter(|t| **t == "json_object").count(), 3, "Atlas, Nova, Sage: {forms:?}");
    let atlas = endings_of(&events, "atlas");
    let (refused, next) = &atlas[0];
    assert!(refused.as_deref().is_some_and(|e| e.starts_with(SCHEMA_AS_JSON_OBJECT)), "{refused:?}");
    assert_eq!(*next, Some(AfterFailure::AskAgain));
    assert!(
        matches!(tasks_split(&events, "nova"), Some(SplitMethod::Json)),
        "the json_object split was read"
    );
}

#[tokio::test]
async fn a_stream_cut_off_for_another_request_is_asked_again_and_is_no_failure() {
    let quantum_answers = Arc::new(AtomicUsize::new(0));
    let seen = quantum_answers.clone();
    let backend = ScriptedBackend::new(move |req| {
        if is_system(req, "Quantum") && seen.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::Fail(LlmError::CutOff)
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend, 4), "Why?").await;
    assert_eq!(summary.status, RunStatus::Done, "{:?}", summary.error);
    assert_eq!(summary.totals.failed_calls, 0);
    assert_eq!(quantum_answers.load(Ordering::SeqCst), 2);
    let quantum = endings_of(&events, "quantum");
    assert_eq!(quantum[0], (Some(CUT_OFF.to_string()), Some(AfterFailure::AskAgain)));
    assert_eq!(quantum[1], (None, None));
}

#[tokio::test]
async fn a_call_cut_off_every_time_fails_with_the_server_flag_that_stops_it() {
    let backend = ScriptedBackend::new(|req| {
        if is_system(req, "Quantum") { Reply::Fail(LlmError::CutOff) } else { echo_reply(req) }
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend, 4), "Why?").await;
    assert_eq!(summary.status, RunStatus::Degraded);
    let quantum = endings_of(&events, "quantum");
    assert_eq!(quantum.len(), 1 + CUT_OFF_RETRIES as usize, "asked again {CUT_OFF_RETRIES} times, no more");
    let last = quantum.last().and_then(|(e, _)| e.clone()).unwrap_or_default();
    assert!(last.contains("--interrupt_requests False") && last.contains("max_concurrent = 1"), "{last}");
}

fn tasks_split(events: &[RunEvent], of: &str) -> Option<SplitMethod> {
    events.iter().find_map(|e| match &e.kind {
        EventKind::TaskAssigned { node, split, .. } if node == of => *split,
        _ => None,
    })
}
