//! Splits that cannot be read whole: fallbacks, cut-off arrays, early children and restarts.

use std::time::Duration;

use super::super::testkit::{Reply, ScriptedBackend, echo_reply, six_node_tree};
use super::*;

fn tasks_of<'a>(events: &'a [RunEvent], of: &str) -> Vec<(&'a str, Option<SplitMethod>)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TaskAssigned { node, task, split, .. } if node == of => Some((task.as_str(), *split)),
            _ => None,
        })
        .collect()
}

fn errors(events: &[RunEvent]) -> Vec<(String, String)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CallFinished { node, error: Some(error), .. } => Some((node.clone(), error.clone())),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn nested_fallbacks_frame_the_plain_task_once() {
    // No split can be read: every child gets the whole task, framed by its own role only.
    let backend = ScriptedBackend::new(|req| {
        if req.response_format.is_some() {
            Reply::Text("What a deep question; let me ponder it.".into())
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) =
        run_collect(&engine(six_node_tree(), backend.clone(), 4), "Why is the sky blue?").await;
    assert_eq!(summary.status, RunStatus::Done);
    let quantum = tasks_of(&events, "quantum");
    assert_eq!(quantum.len(), 1);
    let (task, split) = quantum[0];
    assert_eq!(split, Some(SplitMethod::Fallback));
    assert_eq!(task, "Why is the sky blue?\n\n(Answer this from your own angle as Quantum, quantum role.)");
    let echo = backend.received().into_iter().find(|r| is_system(r, "Echo")).unwrap();
    assert_eq!(user_text(&echo).matches("(Answer this").count(), 1, "{}", user_text(&echo));
    assert!(!user_text(&echo).contains("as Nova"));
}

#[tokio::test]
async fn a_split_cut_at_its_token_cap_keeps_the_elements_that_closed() {
    let backend = ScriptedBackend::with_delay(Duration::from_millis(2), |req| {
        if req.response_format.is_some() && is_system(req, "Atlas") {
            Reply::CutOff("[\"the technical half\", \"the human half, which rambles on until the cap".into())
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend.clone(), 4), "Q?").await;
    assert_eq!(summary.status, RunStatus::Done);
    assert_eq!(errors(&events), vec![], "nothing failed, nothing restarted");
    // Nova started early on its closed element and kept it; Sage got the framed whole task.
    assert_eq!(tasks_of(&events, "nova"), vec![("the technical half", Some(SplitMethod::Json))]);
    let sage = tasks_of(&events, "sage");
    assert_eq!(sage.len(), 1);
    assert!(sage[0].0.starts_with("Q?") && sage[0].0.contains("as Sage"), "{sage:?}");
    assert_eq!(sage[0].1, Some(SplitMethod::Fallback));
    assert!(position(&events, call_started("nova")) < position(&events, split_finished("atlas")));
    let atlas_split = events.iter().find_map(|e| match &e.kind {
        EventKind::CallFinished { node, phase: Phase::Split, split, .. } if node == "atlas" => Some(*split),
        _ => None,
    });
    assert_eq!(atlas_split, Some(Some(SplitMethod::Partial)));
    // The schema bounds each sub-task, so a grammar-constrained server closes every string.
    let atlas_request = backend.received().into_iter().next().unwrap();
    let max_length =
        atlas_request.response_format.as_ref().and_then(|f| f.pointer("/json_schema/schema/items/maxLength"));
    assert_eq!(max_length.and_then(|m| m.as_u64()), Some(prompts::SPLIT_MAX_TASK_CHARS as u64));
}

#[tokio::test]
async fn an_early_child_restarted_by_the_final_split_is_not_a_failure() {
    // The model starts a JSON array, closes it too soon, then writes the split as a list: the
    // final reading (the list) disagrees with the element Nova started on.
    let backend = ScriptedBackend::with_delay(Duration::from_millis(2), |req| {
        if req.response_format.is_some() && is_system(req, "Atlas") {
            Reply::Text(
                "[\"early guess\"] Sorry, let me write that again as a proper list of sub-tasks:\n\
                 1. the technical half\n2. the human half\n"
                    .into(),
            )
        } else if user_text(req).contains("early guess") {
            Reply::Stall
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend.clone(), 4), "Q?").await;
    assert_eq!(summary.status, RunStatus::Done, "a restart does not degrade the run");
    assert_eq!(summary.totals.failed_calls, 0);
    let nova: Vec<&str> = tasks_of(&events, "nova").into_iter().map(|(t, _)| t).collect();
    assert_eq!(nova, vec!["early guess", "the technical half"]);
    let errors = errors(&events);
    assert!(errors.contains(&("nova".to_string(), RESTARTED.to_string())), "{errors:?}");
    assert!(errors.iter().all(|(_, e)| is_not_a_failure(e)), "{errors:?}");
    assert!(
        !events.iter().any(|e| matches!(
            &e.kind,
            EventKind::NodeState { state: NodeStatus::Cancelled | NodeStatus::Failed { .. }, .. }
        )),
        "no node is reported cancelled or failed"
    );
}

#[tokio::test]
async fn a_sub_task_that_only_repeats_the_team_list_falls_back_without_an_early_start() {
    let backend = ScriptedBackend::with_delay(Duration::from_millis(2), |req| {
        if req.response_format.is_some() && is_system(req, "Atlas") {
            Reply::Text(
                "[\"1. Nova (nova role)\\n2. Quantum (quantum role)\", \"Think about what blue means\"]"
                    .into(),
            )
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend, 4), "Why is the sky blue?").await;
    assert_eq!(summary.status, RunStatus::Done);
    let nova = tasks_of(&events, "nova");
    assert_eq!(nova.len(), 1, "assigned once, never started early on the echo: {nova:?}");
    assert_eq!(nova[0].1, Some(SplitMethod::Fallback));
    assert!(nova[0].0.starts_with("Why is the sky blue?\n\n(Answer this"), "{}", nova[0].0);
    assert_eq!(tasks_of(&events, "sage"), vec![("Think about what blue means", Some(SplitMethod::Json))]);
    assert!(errors(&events).is_empty(), "{:?}", errors(&events));
}
