//! Replies that arrive but hold no answer.

use super::super::testkit::{Reply, ScriptedBackend, echo_reply, six_node_tree};
use super::*;

#[tokio::test]
async fn a_reply_of_only_reasoning_fails_its_call_with_a_hint() {
    let backend = ScriptedBackend::new(|req| {
        if is_system(req, "Echo") {
            Reply::ReasoningOnly("Let me think about this very carefully first".into())
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend.clone(), 4), "Q?").await;
    assert_eq!(summary.status, RunStatus::Degraded);
    assert_eq!(summary.totals.failed_calls, 1);
    let (error, reasoning) = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::CallFinished { node, error, reasoning, .. } if node == "echo" => {
                Some((error.clone(), reasoning.clone()))
            }
            _ => None,
        })
        .unwrap();
    let error = error.expect("an answer-less reply is a failed call");
    assert!(error.contains("used all its max_tokens (300) on reasoning"), "{error}");
    assert!(error.contains("raise max_tokens for Echo in hierarchy.toml"), "{error}");
    assert!(reasoning.starts_with("Let me think"), "the reasoning is kept for the record");
    assert!(events.iter().any(|e| matches!(&e.kind, EventKind::NodeFailed { node, .. } if node == "echo")));
    // Nova synthesizes knowing Echo's part is missing, not from an empty reply.
    let nova_synthesis = backend
        .received()
        .into_iter()
        .rfind(|r| is_system(r, "Nova") && r.response_format.is_none())
        .unwrap();
    assert!(user_text(&nova_synthesis).contains("[MISSING: this branch failed"));
}
