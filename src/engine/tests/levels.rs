//! Reflection levels: a member with named levels sends level i's prompts in round i, and each
//! reflection call says which round it is, so the record and the panes can title it.

use super::*;
use crate::config::ReflectionLevel;

fn level(name: &str, reflect: &str, revise: &str) -> ReflectionLevel {
    ReflectionLevel { name: name.into(), reflect: reflect.into(), revise: revise.into() }
}

fn reflections(events: &[RunEvent]) -> Vec<(Phase, Option<ReflectionRound>)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CallStarted { phase, reflection, .. } => Some((*phase, reflection.clone())),
            _ => None,
        })
        .collect()
}

fn round(round: u32, of: u32, name: Option<&str>) -> Option<ReflectionRound> {
    Some(ReflectionRound { round, of, name: name.map(str::to_string) })
}

#[tokio::test]
async fn a_three_level_member_sends_each_levels_prompts_in_order_with_a_revision_between() {
    let mut h = hierarchy(&[("quantum", &[])]);
    let quantum = &mut h.nodes[0];
    quantum.reflection_levels = vec![
        level("check the facts", "FACTS of {draft}", "FIX FACTS {draft} / {critique}"),
        level(
            "draw out implications",
            "IMPLICATIONS of {draft}",
            "Revise the draft {draft} given the critique {critique}",
        ),
        level("the single deepest insight", "INSIGHT of {draft}", "DEEPEST {draft} / {critique}"),
    ];
    quantum.reflect = 3;
    let backend = ScriptedBackend::echo();
    let (summary, events) = run_collect(&engine(h, backend.clone(), 1), "Why?").await;
    assert_eq!(summary.status, RunStatus::Done);
    assert_eq!(summary.totals.calls, 7, "the answer, then a critique and a rewrite per level");

    let sent: Vec<String> = backend
        .received()
        .iter()
        .map(|r| user_text(r).split_whitespace().next().unwrap_or("").to_string())
        .collect();
    assert_eq!(sent, ["Answer:", "FACTS", "FIX", "IMPLICATIONS", "Revise", "INSIGHT", "DEEPEST"]);

    assert_eq!(
        reflections(&events),
        vec![
            (Phase::Answer, None),
            (Phase::Reflect, round(1, 3, Some("check the facts"))),
            (Phase::Revise, round(1, 3, Some("check the facts"))),
            (Phase::Reflect, round(2, 3, Some("draw out implications"))),
            (Phase::Revise, round(2, 3, Some("draw out implications"))),
            (Phase::Reflect, round(3, 3, Some("the single deepest insight"))),
            (Phase::Revise, round(3, 3, Some("the single deepest insight"))),
        ]
    );
    // Each round reads the draft the round before it wrote.
    let received = backend.received();
    assert!(
        user_text(&received[3]).contains("You are Quantum. says FIX FACTS"),
        "{}",
        user_text(&received[3])
    );
    assert_eq!(
        round(2, 3, Some("draw out implications")).map(|r| r.title()).as_deref(),
        Some("Reflection 2 of 3 · draw out implications")
    );
}

#[tokio::test]
async fn plain_reflection_rounds_are_numbered_without_a_name() {
    let mut h = hierarchy(&[("solo", &[])]);
    h.nodes[0].reflect = 2;
    let (_, events) = run_collect(&engine(h, ScriptedBackend::echo(), 1), "Why?").await;
    let rounds: Vec<Option<ReflectionRound>> = reflections(&events).into_iter().map(|(_, r)| r).collect();
    assert_eq!(
        rounds,
        vec![None, round(1, 2, None), round(1, 2, None), round(2, 2, None), round(2, 2, None)]
    );
    assert_eq!(round(1, 2, None).map(|r| r.title()).as_deref(), Some("Reflection 1 of 2"));
}
