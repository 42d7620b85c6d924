//! Watching streams: the loop guard, silences, and calls queued for a free slot.

use super::super::testkit::{Reply, ScriptedBackend, echo_reply, six_node_tree};
use super::*;

const LINE: &str = "The insight: What are the factors that contribute to a cat's purring? ";

/// Echo loops on one line after a first sentence; everyone else echoes.
fn echo_loops(req: &ChatRequest) -> Reply {
    if is_system(req, "Echo") {
        Reply::Text(format!("Cats purr when content. {}", LINE.repeat(40)))
    } else {
        echo_reply(req)
    }
}

fn tokens_of(events: &[RunEvent], call: CallId) -> usize {
    events.iter().filter(|e| matches!(&e.kind, EventKind::Token { call: c, .. } if *c == call)).count()
}

#[tokio::test]
async fn a_looping_answer_is_cut_at_its_first_repeat_and_used_as_an_answer() {
    let backend = ScriptedBackend::new(echo_loops);
    let (summary, events) =
        run_collect(&engine(six_node_tree(), backend.clone(), 4), "Why do cats purr?").await;
    assert_eq!(summary.status, RunStatus::Done, "a loop is not a failure");
    assert_eq!(summary.totals.looped_calls, 1);
    assert_eq!(summary.totals.failed_calls, 0);
    let (call, unit, tokens_after) = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::CallLooped { call, node, unit, tokens_after, .. } if node == "echo" => {
                Some((*call, unit.clone(), *tokens_after))
            }
            _ => None,
        })
        .expect("the guard says it stopped Echo");
    assert_eq!(unit, LINE.trim_end());
    let (text, metrics) = events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::CallFinished { call: c, text, metrics, error: None, .. } if *c == call => {
                Some((text.clone(), metrics.clone()))
            }
            _ => None,
        })
        .expect("the looped call finished without an error");
    assert_eq!(text, format!("Cats purr when content. {}", LINE.trim_end()));
    assert_eq!(metrics.finish_reason.as_deref(), Some(LOOPED));
    // Two more copies of a 12-word line make the loop: 24 words, give or take the one being read.
    assert!((20..=26).contains(&tokens_after), "{tokens_after} tokens after the loop began");
    let streamed = tokens_of(&events, call);
    assert!(streamed < 4 + 12 * 4, "stopped early: {streamed} of {} words streamed", 4 + 12 * 40);
    // Nova synthesized from Echo's kept text, once.
    let nova = backend.received().into_iter().rfind(|r| is_system(r, "Nova") && r.response_format.is_none());
    let nova = nova.map(|r| user_text(&r).to_string()).unwrap_or_default();
    assert!(nova.contains("Cats purr when content."), "{nova}");
    assert_eq!(nova.matches("The insight:").count(), 1, "{nova}");
}

#[tokio::test]
async fn a_node_with_the_guard_off_runs_to_the_end() {
    let mut tree = six_node_tree();
    let echo = tree.nodes.iter_mut().find(|n| n.id == "echo").expect("echo");
    echo.loop_guard = false;
    let (summary, events) = run_collect(&engine(tree, ScriptedBackend::new(echo_loops), 4), "Q?").await;
    assert_eq!(summary.totals.looped_calls, 0);
    assert!(!events.iter().any(|e| matches!(e.kind, EventKind::CallLooped { .. })));
    let text = events.iter().find_map(|e| match &e.kind {
        EventKind::CallFinished { node, text, .. } if node == "echo" => Some(text.clone()),
        _ => None,
    });
    assert_eq!(text.map(|t| t.matches("The insight:").count()), Some(40));
}

#[tokio::test]
async fn a_looping_split_is_read_from_what_was_kept() {
    // Atlas's split: a numbered list whose second item repeats until the cap.
    let backend = ScriptedBackend::new(|req| {
        if is_system(req, "Atlas") && req.response_format.is_some() {
            let item = "Why do cats purr when they are hurt or scared?\n";
            Reply::Text(format!("1. How do cats make the purring sound?\n2. {}", item.repeat(30)))
        } else {
            echo_reply(req)
        }
    });
    let (summary, events) = run_collect(&engine(six_node_tree(), backend, 4), "Why do cats purr?").await;
    assert_eq!(summary.status, RunStatus::Done);
    assert_eq!(summary.totals.looped_calls, 1);
    let tasks: Vec<(String, String)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TaskAssigned { node, task, from_call: Some(_), .. }
                if node == "nova" || node == "sage" =>
            {
                Some((node.clone(), task.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    assert!(tasks[0].1.contains("purring sound"), "{tasks:?}");
    assert!(tasks[1].1.ends_with("hurt or scared?"), "{tasks:?}");
}

#[tokio::test(start_paused = true)]
async fn a_silent_stream_is_announced_every_20_s_until_it_times_out() {
    let backend = ScriptedBackend::with_delay(Duration::from_millis(10), |req| {
        if is_system(req, "Quantum") { Reply::StallAfter("Purring is".into()) } else { echo_reply(req) }
    });
    let engine = engine(six_node_tree(), backend, 4);
    let sink = EventSink::new();
    let mut rx = sink.subscribe();
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    // Cancel after 65 s of (virtual) time: three notices, at 20, 40 and 60 s.
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(65)).await;
        stop.cancel();
    });
    let summary = engine.run("Why do cats purr?".into(), &sink, cancel).await;
    assert_eq!(summary.status, RunStatus::Cancelled);
    let mut silences = Vec::new();
    while let Ok(e) = rx.try_recv() {
        if let EventKind::CallSilent { node, secs, .. } = e.kind {
            silences.push((node, secs));
        }
    }
    let quantum = |secs| ("quantum".to_string(), secs);
    assert_eq!(silences, vec![quantum(20), quantum(40), quantum(60)]);
}

#[tokio::test]
async fn a_call_waiting_for_a_slot_says_it_is_queued_and_when_it_goes() {
    let backend = ScriptedBackend::with_delay(Duration::from_millis(2), echo_reply);
    let (summary, events) = run_collect(&engine(six_node_tree(), backend, 1), "Q?").await;
    assert_eq!(summary.status, RunStatus::Done);
    let queued: Vec<(CallId, u32)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CallQueued { call, ahead, .. } => Some((*call, *ahead)),
            _ => None,
        })
        .collect();
    assert!(!queued.is_empty(), "with one slot, siblings wait");
    // Each call's count ahead only goes down, and the calls behind others see it count down.
    let mut calls: Vec<CallId> = queued.iter().map(|(call, _)| *call).collect();
    calls.sort_unstable();
    calls.dedup();
    for call in &calls {
        let aheads: Vec<u32> = queued.iter().filter(|(c, _)| c == call).map(|(_, a)| *a).collect();
        assert!(aheads.windows(2).all(|w| w[1] < w[0]), "call {call}: {aheads:?}");
    }
    assert!(queued.iter().any(|(_, ahead)| *ahead > 0), "{queued:?}");
    assert!(queued.len() > calls.len(), "some count went down while waiting: {queued:?}");
    for (call, _) in &queued {
        let at = |want: fn(&EventKind, CallId) -> bool| events.iter().position(|e| want(&e.kind, *call));
        let queued_at = at(|k, c| matches!(k, EventKind::CallQueued { call, .. } if *call == c));
        let slotted_at = at(|k, c| matches!(k, EventKind::CallSlotted { call, .. } if *call == c));
        let first_token = at(|k, c| matches!(k, EventKind::Token { call, .. } if *call == c));
        assert!(queued_at < slotted_at && slotted_at < first_token, "call {call}: queued, slotted, streamed");
    }
}
