//! The lab's tables: comparisons resume, verdicts combine by the swap rule, votes queue and count.
//! Written through the recorder's writer, read back as rows, and scored by the lab.

use ailab::engine::RunStatus;
use ailab::lab::verdict::{Outcome, Pick};
use ailab::lab::{
    Arm, ArmResult, ComparisonResult, Judgement, LabPrompt, LabStore, judged_comparisons, scoreboard,
    voted_comparisons,
};
use ailab::store::{LabRecord, LabScope, Reader, RecordWriter, Recorder, RecorderHandle};

#[path = "store_support/mod.rs"]
mod store_support;

const SERVER: &str = "http://127.0.0.1:1234/v1";

fn answered(run: &str, answer: &str) -> ArmResult {
    ArmResult {
        run_id: run.into(),
        status: RunStatus::Done,
        answer: Some(answer.into()),
        calls: 1,
        tokens: 10,
        wall_ms: 100,
        flagged: 0,
    }
}

fn judgement(pick: Pick, shown_first: Arm) -> Judgement {
    Judgement {
        pair: (Arm::Tree, Arm::Solo),
        shown_first,
        judge_model: "judge".into(),
        run_id: "r".into(),
        pick: Some(pick),
        reason: "because".into(),
    }
}

/// The record's writer for the lab's rows, and a reader of them.
fn open(dir: &tempfile::TempDir) -> (RecorderHandle, Reader) {
    let path = dir.path().join("lab.db");
    (Recorder::start(&path).unwrap(), Reader::open(&path).unwrap())
}

fn store(writer: RecordWriter, hierarchy_hash: &str, backend: &str) -> LabRecord {
    LabRecord { writer, hierarchy_hash: hierarchy_hash.into(), backend: backend.into() }
}

/// The comparisons of `scope` scored by the judge, from the rows the record reads back.
fn judged(reader: &Reader, scope: LabScope) -> Vec<ComparisonResult> {
    judged_comparisons(&reader.lab_rows(None, scope).unwrap())
}

/// The comparisons of `scope` scored by the user's votes.
fn voted(reader: &Reader, scope: LabScope) -> Vec<ComparisonResult> {
    voted_comparisons(&reader.lab_rows(None, scope).unwrap())
}

#[test]
fn comparisons_resume_verdicts_combine_and_votes_queue() {
    let dir = tempfile::tempdir().unwrap();
    let (recorder, reader) = open(&dir);
    let prompt = LabPrompt {
        category: "reasoning".into(),
        text: "Is 17 prime?".into(),
        reference: None,
        earlier: Vec::new(),
    };
    {
        let mut store = store(recorder.writer(), "v1", SERVER);
        let id = store.comparison(&prompt, 1).unwrap();
        assert_eq!(
            store.comparison(&prompt, 1).unwrap(),
            id,
            "same prompt, repeat and version: same comparison"
        );
        assert_ne!(store.comparison(&prompt, 2).unwrap(), id);
        store.save_arm(id, &Arm::Tree, &answered("t1", "Yes, 17 is prime.")).unwrap();
        store.save_arm(id, &Arm::Solo, &answered("s1", "Yes.")).unwrap();
        assert_eq!(store.arm_result(id, &Arm::Tree).unwrap().unwrap().run_id, "t1");
        // The tree shown first won (A), then the tree shown second won (B): a clear tree win.
        store.save_judgement(id, &judgement(Pick::A, Arm::Tree)).unwrap();
        store.save_judgement(id, &judgement(Pick::B, Arm::Solo)).unwrap();
        assert!(store.judgement(id, &(Arm::Tree, Arm::Solo), &Arm::Tree, "judge").unwrap().is_some());
        assert!(store.judgement(id, &(Arm::Tree, Arm::Solo), &Arm::Tree, "other").unwrap().is_none());
    }
    let other_version = store(recorder.writer(), "v2", SERVER).comparison(&prompt, 1).unwrap();
    assert_ne!(other_version, 1, "a new prompt version starts fresh");

    let judged = judged(&reader, LabScope::Real);
    assert_eq!(judged.len(), 1);
    assert_eq!(judged[0].outcomes, vec![((Arm::Tree, Arm::Solo), Outcome::First)]);
    assert_eq!(scoreboard(&judged).pairs[0].tally.wins, 1);

    let queue = ailab::lab::vote_queue(&reader.lab_rows(None, LabScope::Real).unwrap(), 10);
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].pair, (Arm::Tree, Arm::Solo));
    assert_eq!(queue[0].answers.0, "Yes, 17 is prime.");
    let (comparison, pair) = (queue[0].comparison, queue[0].pair.clone());
    recorder
        .writer()
        .run(move |w| w.cast_vote(comparison, &pair, &Arm::Solo, Outcome::Second, "shorter is better"))
        .unwrap();
    assert!(ailab::lab::vote_queue(&reader.lab_rows(None, LabScope::Real).unwrap(), 10).is_empty());
    let voted = voted(&reader, LabScope::Real);
    assert_eq!(voted[0].outcomes, vec![((Arm::Tree, Arm::Solo), Outcome::Second)]);
}

#[test]
fn demo_comparisons_are_never_resumed_as_real_ones_nor_scored_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let (recorder, reader) = open(&dir);
    let prompt = LabPrompt {
        category: "reasoning".into(),
        text: "Is 17 prime?".into(),
        reference: None,
        earlier: Vec::new(),
    };
    let mut ids = Vec::new();
    for backend in ["demo", SERVER] {
        let mut store = store(recorder.writer(), "v1", backend);
        let id = store.comparison(&prompt, 1).unwrap();
        assert!(store.arm_result(id, &Arm::Tree).unwrap().is_none(), "{backend}: nothing to resume yet");
        store.save_arm(id, &Arm::Tree, &answered("t", &format!("{backend} tree"))).unwrap();
        store.save_arm(id, &Arm::Solo, &answered("s", &format!("{backend} solo"))).unwrap();
        store.save_judgement(id, &judgement(Pick::A, Arm::Tree)).unwrap();
        store.save_judgement(id, &judgement(Pick::B, Arm::Solo)).unwrap();
        ids.push(id);
    }
    assert_ne!(ids[0], ids[1], "the demo's comparison is not the server's");

    let real = judged(&reader, LabScope::Real);
    assert_eq!(real.len(), 1);
    assert_eq!(real[0].arms[0].1.answer.as_deref(), Some("http://127.0.0.1:1234/v1 tree"));
    let demo = judged(&reader, LabScope::Demo);
    assert_eq!(demo.len(), 1);
    assert_eq!(demo[0].comparison, ids[0]);
    let queue = ailab::lab::vote_queue(&reader.lab_rows(None, LabScope::Real).unwrap(), 10);
    assert_eq!(queue.iter().map(|v| v.comparison).collect::<Vec<_>>(), vec![ids[1]]);
}

#[test]
fn a_pair_without_both_verdicts_is_not_judged_rather_than_a_tie() {
    let dir = tempfile::tempdir().unwrap();
    let (recorder, reader) = open(&dir);
    let prompt = LabPrompt {
        category: "reasoning".into(),
        text: "Is 17 prime?".into(),
        reference: None,
        earlier: Vec::new(),
    };
    {
        let mut store = store(recorder.writer(), "v1", SERVER);
        let id = store.comparison(&prompt, 1).unwrap();
        store.save_arm(id, &Arm::Tree, &answered("t", "Yes.")).unwrap();
        store.save_arm(id, &Arm::Solo, &answered("s", "Yes, it is.")).unwrap();
        let failed = ArmResult { status: RunStatus::Failed, answer: None, ..answered("c", "") };
        store.save_arm(id, &Arm::Compute, &failed).unwrap();
        // Only one order of tree vs solo was judged (the other call failed and was not saved).
        store.save_judgement(id, &judgement(Pick::A, Arm::Tree)).unwrap();
    }
    let judged = judged(&reader, LabScope::Real);
    assert_eq!(judged.len(), 1);
    assert!(judged[0].outcomes.is_empty());
    let board = scoreboard(&judged);
    let tree_solo = board.pairs.iter().find(|p| p.x == Arm::Tree && p.y == Arm::Solo).unwrap();
    assert_eq!(tree_solo.tally.total(), 0, "no verdict is no tie");
    assert_eq!(tree_solo.not_judged, 1);
    let tree_compute = board.pairs.iter().find(|p| p.x == Arm::Tree && p.y == Arm::Compute).unwrap();
    assert_eq!((tree_compute.arm_failed, tree_compute.not_judged), (1, 0));
    // The failed arm's zeros do not pull the averages down.
    let compute = board.costs.iter().find(|c| c.arm == Arm::Compute).unwrap();
    assert_eq!((compute.runs, compute.failed, compute.answered), (1, 1, 0));
}

#[test]
fn the_rows_of_one_judge_are_read_apart_from_another_judge_s() {
    let dir = tempfile::tempdir().unwrap();
    let (recorder, reader) = open(&dir);
    let prompt = LabPrompt {
        category: "reasoning".into(),
        text: "Is 17 prime?".into(),
        reference: None,
        earlier: Vec::new(),
    };
    let mut store = store(recorder.writer(), "v1", SERVER);
    let id = store.comparison(&prompt, 1).unwrap();
    store.save_arm(id, &Arm::Tree, &answered("t", "Yes.")).unwrap();
    store.save_arm(id, &Arm::Solo, &answered("s", "Yes, it is.")).unwrap();
    store.save_judgement(id, &judgement(Pick::A, Arm::Tree)).unwrap();
    store.save_judgement(id, &judgement(Pick::B, Arm::Solo)).unwrap();
    let other = |pick, shown_first| Judgement { judge_model: "other".into(), ..judgement(pick, shown_first) };
    store.save_judgement(id, &other(Pick::B, Arm::Tree)).unwrap();
    store.save_judgement(id, &other(Pick::A, Arm::Solo)).unwrap();

    let rows = reader.lab_rows(Some("other"), LabScope::Real).unwrap();
    assert_eq!(rows.judgements.len(), 2);
    assert!(rows.judgements.iter().all(|(c, j)| *c == id && j.judge_model == "other"));
    let scored = judged_comparisons(&rows);
    assert_eq!(scored[0].outcomes, vec![((Arm::Tree, Arm::Solo), Outcome::Second)]);
    // Every judge at once: the first judge met on the pair counts, never both.
    let all = judged(&reader, LabScope::Real);
    assert_eq!(all[0].outcomes.len(), 1);
    assert_eq!(all[0].judgements.len(), 2);
}

#[test]
fn a_follow_up_is_its_own_comparison_and_level_verdicts_resume_and_read_back_with_their_run() {
    use ailab::lab::levels::{LevelJudgement, LevelSide, tally};
    let dir = tempfile::tempdir().unwrap();
    let (recorder, reader) = open(&dir);
    let mut store = store(recorder.writer(), "v1", SERVER);
    let first = LabPrompt::new("writing", "Write a haiku.", None);
    // "Now shorter" after two different first turns: two comparisons, not one.
    let follow_up = |earlier: &str| LabPrompt {
        earlier: vec![earlier.into()],
        ..LabPrompt::new("writing", "Now shorter.", None)
    };
    let ids = [
        store.comparison(&first, 1).unwrap(),
        store.comparison(&follow_up("Write a haiku."), 1).unwrap(),
        store.comparison(&follow_up("Write a limerick."), 1).unwrap(),
    ];
    assert!(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2], "{ids:?}");
    assert_eq!(store.comparison(&follow_up("Write a haiku."), 1).unwrap(), ids[1], "resumed");
    store.save_arm(ids[1], &Arm::Tree, &answered("tree-2", "Short.")).unwrap();
    store.save_arm(ids[1], &Arm::Solo, &answered("solo-2", "Shorter.")).unwrap();

    let level = |shown_first, pick| LevelJudgement {
        run_id: "tree-2".into(),
        node: "nova".into(),
        shown_first,
        judge_model: "judge".into(),
        judge_run: format!("j-{shown_first:?}"),
        pick: Some(pick),
        reason: "r".into(),
    };
    assert!(store.level_judgement("tree-2", "nova", LevelSide::Synthesis, "judge").unwrap().is_none());
    store.save_level_judgement(ids[1], &level(LevelSide::Synthesis, Pick::A)).unwrap();
    store.save_level_judgement(ids[1], &level(LevelSide::Parts, Pick::B)).unwrap();
    let kept = store.level_judgement("tree-2", "nova", LevelSide::Parts, "judge").unwrap();
    assert_eq!(kept, Some(level(LevelSide::Parts, Pick::B)));
    assert!(store.level_judgement("tree-2", "nova", LevelSide::Parts, "other").unwrap().is_none());
    // The record keeps no run by these ids: nothing to continue from.
    assert_eq!(store.past_turn("tree-2").unwrap(), None);

    let rows = reader.lab_rows(None, LabScope::Real).unwrap();
    let row = rows.comparisons.iter().find(|c| c.comparison == ids[1]).unwrap();
    assert_eq!(row.prompt.earlier, ["Write a haiku."]);
    let judged = judged_comparisons(&rows);
    let scored = judged.iter().find(|r| r.comparison == ids[1]).unwrap();
    assert_eq!(scored.levels.len(), 2, "the verdicts on its tree run's parents");
    let members = [("nova".to_string(), "Nova".to_string())];
    let values = tally(&members, &rows.levels);
    assert_eq!(values[0].line(), "Nova: better than its parts in 1 of 1, 0 ties, 0 worse");
    // Another version of the organization reads none of them.
    assert!(reader.lab_rows_of(None, LabScope::Real, Some("v2")).unwrap().levels.is_empty());
    // A run's zoom reads its own, whatever the version, and nothing for a run never judged.
    let of_run = reader.run_levels("tree-2").unwrap();
    assert_eq!(of_run, [level(LevelSide::Synthesis, Pick::A), level(LevelSide::Parts, Pick::B)]);
    assert!(reader.run_levels("tree-1").unwrap().is_empty());
}

/// A version 9 record (`tests/data/record_v9_lab.sql`, frozen as that version wrote it) read by
/// this build: its comparisons, verdicts, votes, follow-up and levels load as they were, and another
/// organization's arm (a key in the same columns as `tree` and `solo`) is kept beside them.
#[test]
fn a_version_9_record_loads_whole_and_takes_another_organizations_arm() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v9.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        conn.execute_batch(include_str!("data/record_v9_lab.sql")).unwrap();
        conn.pragma_update(None, "user_version", 9).unwrap();
        conn.pragma_update(None, "application_id", ailab::store::schema::APPLICATION_ID).unwrap();
    }
    let recorder = Recorder::start(&path).unwrap();
    let seed = Arm::Org(ailab::lab::OrgKey::preset("seed", "5eed5eed0123"));
    {
        let mut store =
            LabRecord { writer: recorder.writer(), hierarchy_hash: "h".into(), backend: SERVER.into() };
        store.save_arm(1, &seed, &answered("o1", "Yes, by trial division up to 4.")).unwrap();
        for (shown_first, pick) in [(Arm::Tree, Pick::A), (seed.clone(), Pick::B)] {
            let judgement = Judgement { pair: (Arm::Tree, seed.clone()), ..judgement(pick, shown_first) };
            store.save_judgement(1, &judgement).unwrap();
        }
    }
    recorder.shutdown().unwrap();
    let reader = Reader::open(&path).unwrap();
    let rows = reader.lab_rows(None, LabScope::Real).unwrap();
    let arms = |id: i64| -> Vec<Arm> {
        let row = rows.comparisons.iter().find(|c| c.comparison == id).unwrap();
        row.arms.iter().map(|(arm, _)| arm.clone()).collect()
    };
    assert_eq!(
        arms(1),
        [Arm::Tree, Arm::Solo, seed.clone()],
        "the old arms as they were, the new one beside"
    );
    assert_eq!(arms(3), [Arm::Tree, Arm::Solo]);
    let follow_up = rows.comparisons.iter().find(|c| c.comparison == 3).unwrap();
    assert_eq!(
        (follow_up.prompt.earlier.as_slice(), follow_up.prompt.reference.as_deref()),
        (&["Is 17 prime?".to_string()][..], Some("yes"))
    );
    let judged = judged_comparisons(&rows);
    let first = judged.iter().find(|r| r.comparison == 1).unwrap();
    assert_eq!(first.outcomes, vec![((Arm::Tree, seed.clone()), Outcome::First)]);
    let third = judged.iter().find(|r| r.comparison == 3).unwrap();
    assert_eq!(third.outcomes, vec![((Arm::Tree, Arm::Solo), Outcome::First)]);
    assert_eq!(third.levels.len(), 2, "the verdicts on its tree run's parent");
    assert_eq!(rows.votes[0].pair, (Arm::Tree, Arm::Solo));
    assert_eq!(reader.run_levels("t3").unwrap().len(), 2);
    assert_eq!(reader.lab_rows(None, LabScope::Demo).unwrap().comparisons.len(), 1);
}

/// The judge's model answered in another organization's arm only (one of its members runs a second
/// instance of it): the record's calls say so, though no hierarchy loaded now names that member.
#[test]
fn a_judge_whose_model_answered_in_another_organizations_run_is_self_judged() {
    use ailab::lab::trust::self_judged_comparisons;
    let dir = tempfile::tempdir().unwrap();
    let (recorder, reader) = open(&dir);
    let seed = Arm::Org(ailab::lab::OrgKey::preset("seed", "5eed5eed0123"));
    let (tree_run, org_run) = ("20260101-120000-7a7a", "20260101-120000-0a0a");
    for (id, member_model) in [(tree_run, None), (org_run, Some("qwen2.5-7b-instruct:2"))] {
        let mut run = store_support::tree_run(id, "Is 17 prime?", 1_767_268_800_000);
        if let Some(model) = member_model {
            run.set_model("sage", model);
        }
        for event in run.events {
            recorder.listener().send(event).unwrap();
        }
    }
    {
        let mut store = store(recorder.writer(), "v1", SERVER);
        let prompt = LabPrompt {
            category: "reasoning".into(),
            text: "Is 17 prime?".into(),
            reference: None,
            earlier: Vec::new(),
        };
        let id = store.comparison(&prompt, 1).unwrap();
        store.save_arm(id, &Arm::Tree, &answered(tree_run, "Yes.")).unwrap();
        store.save_arm(id, &seed, &answered(org_run, "Yes, 17 is prime.")).unwrap();
        for judge in ["qwen2.5-7b-instruct", "llama-3.1-8b-instruct"] {
            for (shown_first, pick) in [(Arm::Tree, Pick::A), (seed.clone(), Pick::B)] {
                let judgement = Judgement {
                    pair: (Arm::Tree, seed.clone()),
                    judge_model: judge.into(),
                    ..judgement(pick, shown_first)
                };
                store.save_judgement(id, &judgement).unwrap();
            }
        }
    }
    recorder.shutdown().unwrap();
    let rows = reader.lab_rows(Some("qwen2.5-7b-instruct"), LabScope::Real).unwrap();
    assert!(rows.arm_models.contains(&(1, "qwen2.5-7b-instruct:2".to_string())), "{:?}", rows.arm_models);
    assert_eq!(self_judged_comparisons(&rows, "qwen2.5-7b-instruct"), [1].into());
    // A judge no member ran is not flagged on the same comparison.
    let rows = reader.lab_rows(Some("llama-3.1-8b-instruct"), LabScope::Real).unwrap();
    assert!(self_judged_comparisons(&rows, "llama-3.1-8b-instruct").is_empty(), "{:?}", rows.arm_models);
}
