//! The lab's tables: comparisons resume, verdicts combine by the swap rule, votes queue and count.

use ailab::engine::RunStatus;
use ailab::lab::verdict::{Outcome, Pick};
use ailab::lab::{Arm, ArmResult, Judgement, LabPrompt, LabStore, scoreboard};
use ailab::store::{LabRecord, Reader};

fn answered(run: &str, answer: &str) -> ArmResult {
    ArmResult {
        run_id: run.into(),
        status: RunStatus::Done,
        answer: Some(answer.into()),
        calls: 1,
        tokens: 10,
        wall_ms: 100,
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

#[test]
fn comparisons_resume_verdicts_combine_and_votes_queue() {
    let dir = tempfile::tempdir().unwrap();
    let mut reader = Reader::open(&dir.path().join("lab.db")).unwrap();
    let prompt = LabPrompt { category: "reasoning".into(), text: "Is 17 prime?".into() };
    {
        let mut store = LabRecord { reader: &mut reader, hierarchy_hash: "v1".into() };
        let id = store.comparison(&prompt, 1).unwrap();
        assert_eq!(
            store.comparison(&prompt, 1).unwrap(),
            id,
            "same prompt, repeat and version: same comparison"
        );
        assert_ne!(store.comparison(&prompt, 2).unwrap(), id);
        store.save_arm(id, Arm::Tree, &answered("t1", "Yes, 17 is prime.")).unwrap();
        store.save_arm(id, Arm::Solo, &answered("s1", "Yes.")).unwrap();
        assert_eq!(store.arm_result(id, Arm::Tree).unwrap().unwrap().run_id, "t1");
        // The tree shown first won (A), then the tree shown second won (B): a clear tree win.
        store.save_judgement(id, &judgement(Pick::A, Arm::Tree)).unwrap();
        store.save_judgement(id, &judgement(Pick::B, Arm::Solo)).unwrap();
        assert!(store.judgement(id, (Arm::Tree, Arm::Solo), Arm::Tree, "judge").unwrap().is_some());
        assert!(store.judgement(id, (Arm::Tree, Arm::Solo), Arm::Tree, "other").unwrap().is_none());
    }
    let other_version =
        LabRecord { reader: &mut reader, hierarchy_hash: "v2".into() }.comparison(&prompt, 1).unwrap();
    assert_ne!(other_version, 1, "a new prompt version starts fresh");

    let judged = reader.judged_comparisons(None).unwrap();
    assert_eq!(judged.len(), 1);
    assert_eq!(judged[0].outcomes, vec![((Arm::Tree, Arm::Solo), Outcome::First)]);
    assert_eq!(scoreboard(&judged).pairs[0].tally.wins, 1);

    let queue = reader.vote_queue(10).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].pair, (Arm::Tree, Arm::Solo));
    assert_eq!(queue[0].answers.0, "Yes, 17 is prime.");
    reader
        .cast_vote(queue[0].comparison, queue[0].pair, Arm::Solo, Outcome::Second, "shorter is better")
        .unwrap();
    assert!(reader.vote_queue(10).unwrap().is_empty());
    let voted = reader.voted_comparisons().unwrap();
    assert_eq!(voted[0].outcomes, vec![((Arm::Tree, Arm::Solo), Outcome::Second)]);
}
