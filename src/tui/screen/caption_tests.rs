//! One test per state a member can be in: the sentence a newcomer reads on its pane.

use super::*;
use crate::engine::{EventKind, NodeStatus, SplitMethod};
use crate::tui::screen::test_run::TestRun;

fn said(run: &TestRun, node: &str) -> String {
    caption(&run.view, run.index(node)).map(|c| c.text).unwrap_or_default()
}

/// The sky question split by Atlas and Nova: Echo and Pixel have their parts.
fn delegated() -> TestRun {
    let mut run = TestRun::new("Why is the sky blue?", &[("quantum", 3)]);
    run.state("atlas", NodeStatus::Splitting);
    let split = run.answer("atlas", Phase::Split, None, r#"["physics", "meaning"]"#);
    run.task("nova", "physics", Some(SplitMethod::Json));
    run.task("sage", "meaning", Some(SplitMethod::Json));
    run.state("atlas", NodeStatus::Delegated);
    run.answer("nova", Phase::Split, Some(split), r#"["steps", "myths"]"#);
    run.task("echo", "steps", Some(SplitMethod::Json));
    run.task("pixel", "myths", Some(SplitMethod::Json));
    run.state("nova", NodeStatus::Delegated);
    run
}

#[test]
fn before_any_run_there_is_nothing_to_say() {
    let run = TestRun::new("q", &[]);
    let idle = RunView::idle(run.view.hierarchy.clone());
    assert_eq!(caption(&idle, 0), None);
}

#[test]
fn a_parent_dividing_names_who_gets_the_parts() {
    let mut run = TestRun::new("Why is the sky blue?", &[]);
    run.state("atlas", NodeStatus::Splitting);
    assert_eq!(said(&run, "atlas"), "Atlas is dividing your question between Nova and Sage");
    run.state("nova", NodeStatus::Splitting);
    assert_eq!(said(&run, "nova"), "Nova is dividing its task between Echo and Pixel");
    run.state("sage", NodeStatus::Splitting);
    assert_eq!(said(&run, "sage"), "Sage is passing its task to Quantum");
}

#[test]
fn a_split_asked_again_says_why_and_does_not_read_as_failed() {
    let mut run = TestRun::new("Why is the sky blue?", &[]);
    run.state("atlas", NodeStatus::Splitting);
    let broke = run.call("atlas", Phase::Split, None);
    let dropped = Some("the stream ended before the answer was finished");
    run.finish_then(broke, "[\"phys", dropped, None, Some(crate::engine::AfterFailure::AskAgain));
    run.call("atlas", Phase::Split, None);
    let caption = caption(&run.view, run.index("atlas"));
    assert_eq!(
        caption.as_ref().map(|c| c.text.as_str()),
        Some("Atlas is dividing your question between Nova and Sage again: the first try broke off")
    );
    assert_eq!(caption.map(|c| c.role), Some(Role::StatusWarn));
}

#[test]
fn a_member_without_its_task_waits_for_its_parent() {
    let mut run = TestRun::new("q", &[]);
    run.state("echo", NodeStatus::Waiting);
    assert_eq!(said(&run, "echo"), "Echo is waiting for its part from Nova");
    let mut run = delegated();
    run.state("echo", NodeStatus::Waiting);
    assert_eq!(said(&run, "echo"), "Echo has its task and is waiting to start");
}

#[test]
fn a_delegated_parent_waits_for_the_children_still_working() {
    let mut run = delegated();
    assert_eq!(said(&run, "nova"), "Nova is waiting for Echo and Pixel");
    run.state("echo", NodeStatus::Done);
    assert_eq!(said(&run, "nova"), "Nova is waiting for Pixel");
    assert_eq!(said(&run, "atlas"), "Atlas is waiting for Nova and Sage");
}

#[test]
fn a_leaf_answers_its_part_and_the_root_alone_answers_the_question() {
    let mut run = delegated();
    run.state("echo", NodeStatus::Answering);
    run.call("echo", Phase::Answer, None);
    assert_eq!(said(&run, "echo"), "Echo is answering its part");
    run.state("sage", NodeStatus::Answering);
    run.call("sage", Phase::Answer, None);
    assert_eq!(said(&run, "sage"), "Sage is answering alone: its helpers failed");
    run.state("sage", NodeStatus::Done);
    assert_eq!(said(&run, "sage"), "Sage answered alone: its helpers failed");
}

#[test]
fn a_queued_or_silent_call_says_what_it_waits_for() {
    let mut run = delegated();
    run.state("echo", NodeStatus::Answering);
    let call = run.call("echo", Phase::Answer, None);
    run.send(EventKind::CallQueued { call, node: "echo".into(), ahead: 2 });
    assert_eq!(said(&run, "echo"), "Echo is waiting for a free slot on the server (2 ahead)");
    run.send(EventKind::CallQueued { call, node: "echo".into(), ahead: 0 });
    assert_eq!(said(&run, "echo"), "Echo is waiting for a free slot on the server (next in line)");
    run.send(EventKind::CallSlotted { call, node: "echo".into(), waited_ms: 5 });
    assert_eq!(said(&run, "echo"), "Echo is answering its part");
    run.send(EventKind::CallSilent { call, node: "echo".into(), secs: 20 });
    assert_eq!(said(&run, "echo"), "Echo has said nothing for 20 s");
    assert_eq!(caption(&run.view, run.index("echo")).map(|c| c.role), Some(Role::StatusWarn));
    run.token(call, "more");
    assert_eq!(said(&run, "echo"), "Echo is answering its part", "a token ends the silence");
}

#[test]
fn reflection_rounds_are_counted_from_the_calls() {
    let mut run = delegated();
    let draft = run.answer("quantum", Phase::Answer, None, "draft");
    run.state("quantum", NodeStatus::Reflecting);
    assert_eq!(said(&run, "quantum"), "Quantum is reviewing its own draft (reflection 1 of 3)");
    let review = run.answer("quantum", Phase::Reflect, Some(draft), "review");
    run.state("quantum", NodeStatus::Revising);
    assert_eq!(said(&run, "quantum"), "Quantum is rewriting its answer after its own review");
    let revised = run.answer("quantum", Phase::Revise, Some(review), "better");
    run.state("quantum", NodeStatus::Reflecting);
    run.call("quantum", Phase::Reflect, Some(revised));
    assert_eq!(said(&run, "quantum"), "Quantum is reviewing its own draft (reflection 2 of 3)");
}

#[test]
fn a_parent_reviews_a_child_and_the_child_rewrites_after_it() {
    let mut run = delegated();
    let reply = run.answer("pixel", Phase::Answer, None, "myths");
    run.state("pixel", NodeStatus::Done);
    run.state("nova", NodeStatus::Critiquing);
    let review = run.call("nova", Phase::Critique, Some(reply));
    assert_eq!(said(&run, "nova"), "Nova is reviewing Pixel's reply");
    run.state("pixel", NodeStatus::Revising);
    assert_eq!(said(&run, "pixel"), "Pixel is rewriting its answer after Nova's review");
    run.finish(review, "fine", None, None);
    run.call("pixel", Phase::Revise, Some(review));
    assert_eq!(said(&run, "pixel"), "Pixel is rewriting its answer after Nova's review");
}

#[test]
fn a_synthesis_names_the_replies_it_combines() {
    let mut run = delegated();
    run.state("quantum", NodeStatus::Done);
    run.state("sage", NodeStatus::Synthesizing);
    assert_eq!(said(&run, "sage"), "Sage is combining Quantum's reply with its own view");
    run.state("nova", NodeStatus::Done);
    run.state("sage", NodeStatus::Done);
    run.state("atlas", NodeStatus::Synthesizing);
    assert_eq!(said(&run, "atlas"), "Atlas is combining the replies of Nova and Sage into your answer");
    assert_eq!(said(&run, "nova"), "Nova is done");
}

#[test]
fn a_loop_a_flag_a_failure_and_a_cancel_say_what_happened() {
    let mut run = delegated();
    let call = run.call("echo", Phase::Answer, None);
    run.finish(call, "again", None, Some(crate::engine::LOOPED));
    run.state("echo", NodeStatus::Done);
    assert_eq!(said(&run, "echo"), "Echo was stopped: it kept repeating itself");
    run.send(EventKind::AnswerFlagged { call: 1, node: "pixel".into(), reason: "it echoed".into() });
    run.state("pixel", NodeStatus::Done);
    assert_eq!(said(&run, "pixel"), "Pixel's answer was set aside: it echoed");
    run.send(EventKind::NodeFailed { node: "quantum".into(), reason: "the server is gone".into() });
    run.state("quantum", NodeStatus::Failed { reason: "the server is gone".into() });
    assert_eq!(said(&run, "quantum"), "Quantum failed: the server is gone");
    assert_eq!(caption(&run.view, run.index("quantum")).map(|c| c.role), Some(Role::NodeFailed));
    run.state("sage", NodeStatus::Cancelled);
    assert_eq!(said(&run, "sage"), "Sage was stopped before it started");
}
