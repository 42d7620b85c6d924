//! A failed split is not a failed run (issue 15 §5): a split that broke off is asked once more, then
//! falls back; a split too long for the model is shortened and asked again.

use std::sync::atomic::AtomicUsize;

use super::super::testkit::{Reply, ScriptedBackend, echo_reply, six_node_tree};
use super::*;

fn broke() -> LlmError {
    LlmError::Truncated
}

/// What each of `of`'s split calls said would follow it (`None` for a success or a failure that stood).
fn nexts_of(events: &[RunEvent], of: &str) -> Vec<Option<AfterFailure>> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CallFinished { node, phase: Phase::Split, next, .. } if node == of => Some(*next),
            _ => None,
        })
        .collect()
}

fn splits_of(events: &[RunEvent], of: &str) -> Vec<Option<String>> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CallFinished { node, phase: Phase::Split, error, .. } if node == of => {
                Some(error.clone())
            }
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_split_that_broke_off_once_is_asked_again_and_the_run_is_done() {
    let atlas_splits = Arc::new(AtomicUsize::new(0));
    let seen = atlas_splits.clone();
    let backend = ScriptedBackend::new(move |req| {
        if req.response_format.is_some()
            && is_system(req, "Atlas")
            && seen.fetch_add(1, Ordering::SeqCst) == 0
        {
            Reply::Broken("[\"Explain the technical side of".into(), broke())
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend, 4), "Why is the sky blue?").await;
    assert_eq!(summary.status, RunStatus::Done, "{:?}", summary.error);
    assert_eq!(atlas_splits.load(Ordering::SeqCst), 2);
    let errors = splits_of(&events, "atlas");
    assert_eq!(errors.len(), 2);
    assert!(errors[0].as_deref().is_some_and(|e| e.contains("stream ended")), "{errors:?}");
    assert_eq!(errors[1], None);
    assert_eq!(nexts_of(&events, "atlas"), [Some(AfterFailure::AskAgain), None], "it says it asks again");
    assert_eq!(summary.totals.failed_calls, 1, "the broken call is counted");
}

#[tokio::test]
async fn a_split_that_breaks_twice_falls_back_degrades_the_run_and_says_why() {
    for error in [
        LlmError::Truncated,
        LlmError::InvalidResponse { message: "a stream chunk is not valid JSON".into() },
    ] {
        let broken = error.clone();
        let backend = ScriptedBackend::new(move |req| {
            if req.response_format.is_some() && is_system(req, "Atlas") {
                Reply::Broken("[\"Explain".into(), broken.clone())
            } else {
                echo_reply(req)
            }
        });
        let (summary, events) =
            run_collect(&engine(six_node_tree(), backend.clone(), 4), "Why is the sky blue?").await;
        assert_eq!(summary.status, RunStatus::Degraded, "{error:?}: {:?}", summary.error);
        assert!(summary.answer.is_some());
        assert_eq!(splits_of(&events, "atlas").len(), 2, "asked exactly once more");
        let nexts = nexts_of(&events, "atlas");
        assert_eq!(nexts, [Some(AfterFailure::AskAgain), Some(AfterFailure::Fallback)], "{error:?}");
        let nova = events.iter().find_map(|e| match &e.kind {
            EventKind::TaskAssigned { node, task, split, fallback_reason, from_call } if node == "nova" => {
                Some((task.clone(), *split, fallback_reason.clone(), *from_call))
            }
            _ => None,
        });
        let (task, split, why, from_call) = nova.unwrap_or_else(|| panic!("Nova got a task"));
        assert_eq!(split, Some(SplitMethod::Fallback));
        assert!(task.starts_with("Why is the sky blue?") && task.contains("as Nova"), "{task}");
        let why = why.unwrap_or_default();
        assert!(why.starts_with("Atlas could not split the task even when asked again ("), "{why}");
        assert!(from_call.is_some(), "the task points at the split that failed");
        // Nova's own split went on as usual below.
        assert!(splits_of(&events, "nova").iter().all(Option::is_none));
    }
}

#[tokio::test]
async fn a_split_too_long_for_the_model_is_shortened_and_asked_again() {
    let backend = ScriptedBackend::new(|req| {
        if req.response_format.is_some() && is_system(req, "Atlas") && user_text(req).chars().count() > 400 {
            Reply::Fail(LlmError::ContextOverflow { message: "context length exceeded".into() })
        } else {
            echo_reply(req)
        }
    });
    let prompt = format!("Why is the sky blue? {}", "Tell me everything about light and air. ".repeat(20));
    let (summary, events) = run_collect(&engine(six_node_tree(), backend.clone(), 4), &prompt).await;
    assert_eq!(summary.status, RunStatus::Done, "{:?}", summary.error);
    let atlas: Vec<ChatRequest> = backend
        .received()
        .into_iter()
        .filter(|r| r.response_format.is_some() && is_system(r, "Atlas"))
        .collect();
    assert!(atlas.len() >= 2, "asked again");
    let (first, last) = (user_text(&atlas[0]).len(), user_text(&atlas[atlas.len() - 1]).len());
    assert!(last < first, "the prompt was shortened: {first} → {last}");
    let mut truncated = events.iter().filter_map(|e| match &e.kind {
        EventKind::CallStarted { node, phase: Phase::Split, truncated_input, .. } if node == "atlas" => {
            Some(*truncated_input)
        }
        _ => None,
    });
    assert_eq!(truncated.next_back(), Some(true), "the shortened call says its input was cut");
    assert!(matches!(tasks_assigned_split(&events, "nova"), Some(SplitMethod::Json)));
}

#[tokio::test]
async fn a_split_that_never_fits_falls_back_and_one_that_cannot_reach_the_server_fails() {
    let backend = ScriptedBackend::new(|req| {
        if req.response_format.is_some() && is_system(req, "Atlas") {
            Reply::Fail(LlmError::ContextOverflow { message: "context length exceeded".into() })
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend, 4), "Why is the sky blue?").await;
    assert_eq!(summary.status, RunStatus::Degraded);
    assert_eq!(splits_of(&events, "atlas").len(), 4, "asked, then shortened three times");
    let shorten = Some(AfterFailure::Shorten);
    assert_eq!(nexts_of(&events, "atlas"), [shorten, shorten, shorten, Some(AfterFailure::Fallback)]);
    assert_eq!(tasks_assigned_split(&events, "sage"), Some(SplitMethod::Fallback));

    // Before the reply began: the children would meet the same server, so the node fails as before.
    let backend = ScriptedBackend::new(|req| {
        if req.response_format.is_some() && is_system(req, "Atlas") {
            Reply::Fail(LlmError::Unreachable { url: "http://x".into(), reason: "refused".into() })
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend, 4), "Why is the sky blue?").await;
    assert_eq!(summary.status, RunStatus::Failed);
    assert_eq!(splits_of(&events, "atlas").len(), 1);
    assert_eq!(nexts_of(&events, "atlas"), [None], "the failure stands: no \"asking again\"");
    assert!(summary.error.unwrap_or_default().starts_with("could not split the task: cannot reach"));
}

fn tasks_assigned_split(events: &[RunEvent], of: &str) -> Option<SplitMethod> {
    events.iter().find_map(|e| match &e.kind {
        EventKind::TaskAssigned { node, split, .. } if node == of => *split,
        _ => None,
    })
}
