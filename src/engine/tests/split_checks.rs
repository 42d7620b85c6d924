//! Sub-tasks a small model gets wrong (issue 14): each is rejected before a child starts on it,
//! the child gets the fallback built from the nearest valid task, and the record says why. An
//! answer that only writes its instructions back is flagged and not passed up as an answer.

use std::time::Duration;

use super::super::testkit::{Reply, ScriptedBackend, echo_reply, six_node_tree};
use super::*;

/// Each node's tasks as (task, split, fallback reason).
fn assigned(events: &[RunEvent], of: &str) -> Vec<(String, Option<SplitMethod>, Option<String>)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TaskAssigned { node, task, split, fallback_reason, .. } if node == of => {
                Some((task.clone(), *split, fallback_reason.clone()))
            }
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn what_a_small_model_wrote_falls_back_with_its_reason_and_never_seeds_a_fallback() {
    // Issue 14's record: Nova got "task_1", Echo a loop, Quantum a self-description, and Pixel's
    // fallback was built from "task_1".
    let prompt = "What is the best way to learn a new language as an adult?";
    let backend = ScriptedBackend::with_delay(Duration::from_millis(1), |req| {
        if req.response_format.is_none() {
            return echo_reply(req);
        }
        let text = if is_system(req, "Atlas") {
            "[\"task_1\", \"Reflect on what keeps adults motivated to learn a language\"]"
        } else if is_system(req, "Nova") {
            "[\"How to Learn a New Language: The 2014-2015 Study: 1. The 2014-2015 Study: 2. The 2014-2015 \
             Study: 3.\", \"Explain the patterns of adult language learning\"]"
        } else {
            "[\"At the helm of a team, Quantum, I am a guiding mentor. Quantum, a brilliant mind of an AI, \
             is here to assist me.\"]"
        };
        Reply::Text(text.into())
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend.clone(), 4), prompt).await;
    assert_eq!(summary.status, RunStatus::Done, "a rejected sub-task is not a failure");

    let nova = assigned(&events, "nova");
    assert_eq!(nova.len(), 1, "never started early on the placeholder: {nova:?}");
    assert_eq!(nova[0].1, Some(SplitMethod::Fallback));
    assert_eq!(nova[0].2.as_deref(), Some("the sub-task \"task_1\" was a placeholder"));
    assert!(nova[0].0.starts_with(prompt), "{}", nova[0].0);

    let echo = assigned(&events, "echo");
    assert_eq!(echo[0].1, Some(SplitMethod::Fallback));
    assert!(echo[0].2.as_deref().is_some_and(|r| r.ends_with("repeated itself")), "{echo:?}");
    // Built from the nearest valid task up the tree (the user's question), never from "task_1".
    assert!(echo[0].0.starts_with(prompt) && !echo[0].0.contains("task_1"), "{}", echo[0].0);

    let pixel = assigned(&events, "pixel");
    assert_eq!(
        pixel,
        vec![("Explain the patterns of adult language learning".into(), Some(SplitMethod::Json), None)]
    );

    let quantum = assigned(&events, "quantum");
    assert!(
        quantum[0].2.as_deref().is_some_and(|r| r.ends_with("only described a team member")),
        "{quantum:?}"
    );
    assert_eq!(
        assigned(&events, "sage"),
        vec![(
            "Reflect on what keeps adults motivated to learn a language".into(),
            Some(SplitMethod::Json),
            None
        )]
    );
    // What the children were really sent: no request carries a rejected sub-task.
    for request in backend.received() {
        assert!(!user_text(&request).contains("task_1") || is_system(&request, "Atlas"), "{request:?}");
    }
}

#[tokio::test]
async fn a_near_duplicate_sibling_falls_back_and_names_the_sibling() {
    let backend = ScriptedBackend::new(|req| {
        if req.response_format.is_some() && is_system(req, "Atlas") {
            Reply::Text(
                "[\"Research the history of cats purring\", \"Research the history of purring cats\"]".into(),
            )
        } else {
            echo_reply(req)
        }
    });
    let (_, events) = run_collect(&engine(six_node_tree(), backend, 4), "Why do cats purr?").await;
    let sage = assigned(&events, "sage");
    assert_eq!(
        sage[0].2.as_deref(),
        Some("the sub-task \"Research the history of purring cats\" was nearly the same as Nova's")
    );
}

#[tokio::test]
async fn an_answer_that_repeats_its_instructions_is_flagged_and_left_out_of_the_synthesis() {
    let mut tree = six_node_tree();
    for node in &mut tree.nodes {
        node.prompts.answer = "Answer your sub-task as the team's specialist.\nStay on your sub-task; \
                               teammates cover the rest of the question.\n{task}"
            .into();
    }
    let backend = ScriptedBackend::new(|req| {
        if is_system(req, "Echo") {
            Reply::Text(
                "Answer your sub-task as the team's specialist. Stay on your sub-task; teammates cover the \
                 rest of the question. I hope this helps."
                    .into(),
            )
        } else if req.response_format.is_none() && ["Pixel", "Quantum"].iter().any(|n| is_system(req, n)) {
            // An answer, not the echo script's quote of its prompt (which is itself an echo).
            Reply::Text("Sunlight scatters off the air, and blue light scatters the most.".into())
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) = run_collect(&engine(tree, backend.clone(), 4), "Why is the sky blue?").await;
    assert_eq!(summary.status, RunStatus::Degraded, "the answer arrived but is no answer");
    let flagged: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::AnswerFlagged { node, .. } => Some(node.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(flagged, vec!["echo"]);
    let nova_synthesis = backend
        .received()
        .into_iter()
        .find(|r| is_system(r, "Nova") && user_text(r).starts_with("Combine"))
        .unwrap_or_else(|| panic!("Nova synthesized"));
    let text = user_text(&nova_synthesis);
    assert!(
        text.contains("[MISSING: this branch failed (the answer mostly repeated its own instructions"),
        "{text}"
    );
    assert!(!text.contains("teammates cover the rest"), "the echo is not passed up: {text}");
}

#[tokio::test]
async fn a_split_with_an_empty_sub_task_says_the_member_got_none() {
    // Atlas's split closes its array with Sage's element empty: it did not break off.
    let prompt = "Why do cats purr?";
    let backend = ScriptedBackend::with_delay(Duration::from_millis(1), |req| {
        if req.response_format.is_none() || !is_system(req, "Atlas") {
            return echo_reply(req);
        }
        Reply::Text("[\"Explain the mechanics of how a cat's larynx makes the purr\", \"\"]".into())
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend, 4), prompt).await;
    assert_eq!(summary.status, RunStatus::Done);
    let sage = assigned(&events, "sage");
    assert_eq!(sage[0].1, Some(SplitMethod::Fallback));
    assert_eq!(sage[0].2.as_deref(), Some("the split had no sub-task for this member (1 for 2 members)"));
}
