//! Conversations through the offline demo: a follow-up is answered about the new question (the
//! earlier turns come first in its prompt), and a member asked alone expands on its own part.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::super::*;

#[tokio::test(start_paused = true)]
async fn the_demo_answers_a_follow_up_and_an_expansion_as_such() {
    // The shipped tree: the demo reads its prompts as a user's server would.
    let shipped = crate::config::load::parse_hierarchy(crate::config::load::DEFAULT_HIERARCHY_TOML, "test");
    let h = Arc::new(shipped.expect("the shipped tree parses"));
    let engine = Engine::new(h.clone(), Backends::demo(&h));
    let sink = EventSink::new();
    let mut conversation = Conversation::default();
    let first = engine
        .run_turn(new_run_id(), "Why is the sky blue?".into(), &conversation, &sink, CancellationToken::new())
        .await;
    conversation.push(first.turn.expect("a tree run is a turn"));
    let follow_up = engine
        .run_turn(new_run_id(), "What about sunsets?".into(), &conversation, &sink, CancellationToken::new())
        .await;
    let answer = follow_up.answer.clone().unwrap_or_default();
    assert!(answer.contains("sunsets") && !answer.contains("Earlier in this conversation"), "{answer}");
    conversation.push(follow_up.turn.expect("a turn"));
    let asked = engine
        .expand(
            new_run_id(),
            &conversation,
            "nova",
            "Which step is hardest?".into(),
            &sink,
            CancellationToken::new(),
        )
        .await;
    assert_eq!(asked.status, RunStatus::Done);
    let reply = asked.answer.unwrap_or_default();
    assert!(reply.starts_with("[demo] More on \"Which step is hardest?\""), "{reply}");
}
