//! A small lab record for the Lab tab's tests: comparisons written with `LabRecord` (through the
//! recorder's writer) into a temp SQLite file and read back with the same function the shell
//! uses, with the shown order fixed instead of drawn at random.

use super::ui::update;
use ailab::config::Phase;
use ailab::engine::{EventKind, RunStatus};
use ailab::lab::verdict::{Outcome, Pick};
use ailab::lab::{Arm, ArmResult, Judgement, LabPrompt, LabStore};
use ailab::store::{LabRecord, LabScope, Reader, Recorder, RecorderHandle};
use ailab::tui::app::lab::{LabQuery, lab_data};
use ailab::tui::msg::lab::{LabData, LabMsg};
use ailab::tui::msg::{Effect, LabEffect, Msg};
use ailab::tui::state::{State, Tab};

use super::support;

/// The judge named in the tests.
pub const JUDGE: &str = "phi-judge";

/// The server the comparisons were made against (not the demo).
const BACKEND: &str = "http://127.0.0.1:1234/v1";

/// Prompts (no arm names in them, so a screen showing an arm name is a leak).
pub const PROMPTS: &[(&str, &str)] = &[
    ("reasoning", "A bat and a ball cost 1.10 together; the bat costs 1.00 more. What does the ball cost?"),
    ("reasoning", "Is 221 a prime number? Show how you checked."),
    ("writing", "Write a four-line poem about autumn rain."),
    ("explanation", "Explain what a hash table is to a ten-year-old."),
];

fn answer(arm: &Arm, prompt: usize) -> ArmResult {
    let text = match arm {
        Arm::Tree => format!(
            "**Step by step** for question {prompt}:\n\n1. Name the parts.\n2. Check each one against \
             the facts, carefully, with a worked example that runs a little long.\n3. Conclude.\n\n\
             The ball costs 0.05, because 0.05 + 1.05 = 1.10."
        ),
        Arm::Solo => format!("Short answer to question {prompt}: the ball costs 0.05."),
        Arm::Compute => format!("Combined drafts for question {prompt}: 0.05, checked twice."),
        Arm::Parts => format!("Echo (implementation):\nPart of question {prompt}: 0.05."),
        Arm::Org(_) => format!("Every member reflected on question {prompt}; the answer is 0.05, checked."),
    };
    let calls = match arm {
        Arm::Tree | Arm::Parts => 9,
        Arm::Solo => 1,
        Arm::Compute => 10,
        Arm::Org(_) => 29,
    };
    ArmResult {
        run_id: format!("{arm}-{prompt}"),
        status: RunStatus::Done,
        answer: Some(text),
        calls,
        tokens: u64::from(calls) * 120,
        wall_ms: i64::from(calls) * 1_300,
        flagged: 0,
    }
}

/// The judge's picks for (tree vs solo, tree vs compute, solo vs compute), per prompt: each as
/// (shown first = pair.0, swapped).
fn picks(prompt: usize) -> [(Pick, Pick); 3] {
    match prompt {
        0 => [(Pick::A, Pick::B), (Pick::A, Pick::A), (Pick::B, Pick::A)],
        1 => [(Pick::A, Pick::B), (Pick::Tie, Pick::Tie), (Pick::B, Pick::A)],
        2 => [(Pick::A, Pick::B), (Pick::B, Pick::A), (Pick::Tie, Pick::B)],
        _ => [(Pick::B, Pick::A), (Pick::A, Pick::B), (Pick::B, Pick::A)],
    }
}

/// Writes the comparisons (judged: all but the last; the user voted on one pair) and returns
/// a reader of them.
pub fn record(dir: &std::path::Path) -> Reader {
    let path = dir.join("lab.db");
    let recorder = Recorder::start(&path).unwrap();
    let pairs = [(Arm::Tree, Arm::Solo), (Arm::Tree, Arm::Compute), (Arm::Solo, Arm::Compute)];
    {
        let mut store =
            LabRecord { writer: recorder.writer(), hierarchy_hash: "v1".into(), backend: BACKEND.into() };
        for (i, (category, text)) in PROMPTS.iter().enumerate() {
            let prompt = LabPrompt {
                category: (*category).into(),
                text: (*text).into(),
                reference: None,
                earlier: Vec::new(),
            };
            let id = store.comparison(&prompt, 1).unwrap();
            for arm in [Arm::Tree, Arm::Solo, Arm::Compute] {
                store.save_arm(id, &arm, &answer(&arm, i)).unwrap();
            }
            if i + 1 == PROMPTS.len() {
                continue;
            }
            for (pair, (first, swapped)) in pairs.iter().zip(picks(i)) {
                for (shown_first, pick) in [(pair.0.clone(), first), (pair.1.clone(), swapped)] {
                    let judgement = Judgement {
                        pair: pair.clone(),
                        shown_first,
                        judge_model: JUDGE.into(),
                        run_id: format!("judge-{i}"),
                        pick: Some(pick),
                        reason: "clearer".into(),
                    };
                    store.save_judgement(id, &judgement).unwrap();
                }
            }
        }
    }
    recorder
        .writer()
        .run(|w| w.cast_vote(1, &(Arm::Tree, Arm::Solo), &Arm::Solo, Outcome::First, "more complete"))
        .unwrap();
    recorder.shutdown().unwrap();
    Reader::open(&path).unwrap()
}

/// What the Lab reads: the version the comparisons above were made with, judged by a model
/// that is not under test.
pub fn query(scope: LabScope) -> LabQuery {
    LabQuery {
        judge_model: JUDGE.into(),
        scope,
        judge_in_tree: false,
        solo_model: "phi-3.1-mini-4k-instruct".into(),
        tree_name: "the lean tree".into(),
        current_version: "v1".into(),
        version: None,
        members: Vec::new(),
    }
}

/// The Lab tab's data from a fresh record; pairs of even comparisons show their first arm as "A".
pub fn data() -> LabData {
    let dir = tempfile::tempdir().unwrap();
    let reader = record(dir.path());
    lab_data(&reader, query(LabScope::Real), |p| p.comparison % 2 == 0).unwrap()
}

/// An empty record's data.
pub fn empty_data() -> LabData {
    let dir = tempfile::tempdir().unwrap();
    let reader = Reader::open(&dir.path().join("lab.db")).unwrap();
    lab_data(&reader, query(LabScope::Real), |_| true).unwrap()
}

/// What a session in demo mode reads from the same record (whose comparisons were all real).
pub fn demo_data() -> LabData {
    let dir = tempfile::tempdir().unwrap();
    let reader = record(dir.path());
    lab_data(&reader, query(LabScope::Demo), |_| true).unwrap()
}

/// A state on the Lab tab at `width` × `height`, showing `data`.
pub fn lab_state(width: u16, height: u16, data: Option<LabData>) -> State {
    let mut state = support::state(width, height);
    let effects =
        update(&mut state, Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::F(4))));
    assert_eq!(effects, vec![Effect::Lab(LabEffect::Load { version: None })]);
    assert_eq!(state.tab, Tab::Lab);
    if let Some(data) = data {
        update(&mut state, Msg::Lab(LabMsg::Loaded(Ok(Box::new(data)))));
    }
    state
}

/// The seed preset's arm as `ailab eval --arms tree,solo,tree@seed` keys it.
pub fn seed_arm() -> Arm {
    Arm::Org(ailab::lab::OrgKey::preset("seed", "5eed5eed0123456789"))
}

/// A record where the tree met solo and the seed's organization (which won three of four), judged
/// by the judge the Lab uses and, on two comparisons, by another judge too.
pub fn organizations_data() -> LabData {
    organizations_data_with(None)
}

/// The seed organization's run on prompt `prompt`, recorded call by call, with its member Sage
/// asking for `sage_model`: how the record knows who answered in that arm.
fn record_seed_run(recorder: &RecorderHandle, prompt: usize, sage_model: &str) {
    let mut run = support::Script::new(&answer(&seed_arm(), prompt).run_id);
    run.start(PROMPTS[prompt].1);
    let (split, _) = run.call(0, "atlas", Phase::Split, None, "[\"the price\", \"the check\"]");
    run.call(3_000, "sage", Phase::Answer, Some(split), "The ball costs 0.05.");
    for mut event in run.events {
        match &mut event.kind {
            EventKind::CallStarted { node, request, .. } if node == "sage" => {
                std::sync::Arc::make_mut(request).model = sage_model.into();
            }
            EventKind::CallFinished { node, metrics, .. } if node == "sage" => {
                metrics.requested_model = sage_model.into();
                metrics.answering_model = Some(sage_model.into());
            }
            _ => {}
        }
        recorder.listener().send(event).unwrap();
    }
}

/// [`organizations_data`], with the seed organization's runs recorded (their member Sage on
/// `sage_model`) when one is given.
pub fn organizations_data_with(sage_model: Option<&str>) -> LabData {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.db");
    let recorder = Recorder::start(&path).unwrap();
    let seed = seed_arm();
    if let Some(model) = sage_model {
        for prompt in 0..PROMPTS.len() {
            record_seed_run(&recorder, prompt, model);
        }
    }
    {
        let mut store =
            LabRecord { writer: recorder.writer(), hierarchy_hash: "v1".into(), backend: BACKEND.into() };
        for (i, (category, text)) in PROMPTS.iter().enumerate() {
            let prompt = LabPrompt {
                category: (*category).into(),
                text: (*text).into(),
                reference: None,
                earlier: Vec::new(),
            };
            let id = store.comparison(&prompt, 1).unwrap();
            for arm in [Arm::Tree, Arm::Solo, seed.clone()] {
                store.save_arm(id, &arm, &answer(&arm, i)).unwrap();
            }
            // (pair, pick with the tree shown first, pick swapped, judge)
            let mut verdicts = vec![
                ((Arm::Tree, Arm::Solo), Pick::A, Pick::B, JUDGE),
                (
                    (Arm::Tree, seed.clone()),
                    if i == 0 { Pick::A } else { Pick::B },
                    if i == 0 { Pick::B } else { Pick::A },
                    JUDGE,
                ),
            ];
            if i < 2 {
                verdicts.push(((Arm::Tree, Arm::Solo), Pick::B, Pick::A, "qwen-judge"));
            }
            for (pair, first, swapped, judge) in verdicts {
                for (shown_first, pick) in [(pair.0.clone(), first), (pair.1.clone(), swapped)] {
                    let judgement = Judgement {
                        pair: pair.clone(),
                        shown_first,
                        judge_model: judge.into(),
                        run_id: format!("judge-{i}"),
                        pick: Some(pick),
                        reason: "clearer".into(),
                    };
                    store.save_judgement(id, &judgement).unwrap();
                }
            }
        }
    }
    recorder.shutdown().unwrap();
    let reader = Reader::open(&path).unwrap();
    lab_data(&reader, query(LabScope::Real), |_| true).unwrap()
}
