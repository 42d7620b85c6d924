//! Evaluation runs against a scripted backend and an in-memory store.

mod orgs;

use std::collections::HashMap;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::*;
use crate::engine::testkit::{Reply, ScriptedBackend, echo_reply, six_node_tree};
use crate::engine::{Backends, Engine, EventSink};
use crate::lab::ComparisonResult;
use crate::lab::verdict::Pick;

#[derive(Default)]
pub(super) struct MemoryStore {
    comparisons: Vec<(String, u32)>,
    arms: HashMap<(i64, Arm), ArmResult>,
    judgements: Vec<(i64, Judgement)>,
    levels: Vec<(i64, levels::LevelJudgement)>,
}

impl LabStore for MemoryStore {
    fn comparison(&mut self, prompt: &LabPrompt, repeat: u32) -> Result<i64, String> {
        let key = (format!("{:?} {}", prompt.earlier, prompt.text), repeat);
        let index = match self.comparisons.iter().position(|c| *c == key) {
            Some(i) => i,
            None => {
                self.comparisons.push(key);
                self.comparisons.len() - 1
            }
        };
        Ok(index as i64)
    }
    fn arm_result(&mut self, comparison: i64, arm: &Arm) -> Result<Option<ArmResult>, String> {
        Ok(self.arms.get(&(comparison, arm.clone())).cloned())
    }
    fn save_arm(&mut self, comparison: i64, arm: &Arm, result: &ArmResult) -> Result<(), String> {
        self.arms.insert((comparison, arm.clone()), result.clone());
        Ok(())
    }
    fn judgement(
        &mut self,
        comparison: i64,
        pair: &(Arm, Arm),
        shown_first: &Arm,
        judge_model: &str,
    ) -> Result<Option<Judgement>, String> {
        Ok(self
            .judgements
            .iter()
            .find(|(c, j)| {
                *c == comparison
                    && j.pair == *pair
                    && j.shown_first == *shown_first
                    && j.judge_model == judge_model
            })
            .map(|(_, j)| j.clone()))
    }
    fn save_judgement(&mut self, comparison: i64, judgement: &Judgement) -> Result<(), String> {
        self.judgements.push((comparison, judgement.clone()));
        Ok(())
    }
    // The memory keeps no runs: a follow-up or the levels of a run made by an earlier eval find
    // nothing here (those of this eval are read from its own runs).
    fn past_turn(&mut self, _run_id: &str) -> Result<Option<crate::engine::PastTurn>, String> {
        Ok(None)
    }
    fn level_judgement(
        &mut self,
        run_id: &str,
        node: &str,
        shown_first: levels::LevelSide,
        judge_model: &str,
    ) -> Result<Option<levels::LevelJudgement>, String> {
        Ok(self
            .levels
            .iter()
            .map(|(_, j)| j)
            .find(|j| {
                j.run_id == run_id
                    && j.node == node
                    && j.shown_first == shown_first
                    && j.judge_model == judge_model
            })
            .cloned())
    }
    fn save_level_judgement(
        &mut self,
        comparison: i64,
        judgement: &levels::LevelJudgement,
    ) -> Result<(), String> {
        self.levels.push((comparison, judgement.clone()));
        Ok(())
    }
}

/// A judge that prefers whichever answer came from the tree (Atlas's synthesis says "Combine").
fn tree_loving_judge(req: &crate::llm::ChatRequest) -> Reply {
    if req.model == "judge-model" {
        let user = &req.messages[1].content;
        let a_start = user.find("[Answer A]").unwrap_or(0);
        let b_start = user.find("[Answer B]").unwrap_or(0);
        let tree_pos = user.find("says Combine").unwrap_or(usize::MAX);
        let winner = if tree_pos > a_start && tree_pos < b_start { "A" } else { "B" };
        return Reply::Text(format!("{{\"winner\": \"{winner}\", \"reason\": \"more thorough\"}}"));
    }
    echo_reply(req)
}

pub(super) fn prompts() -> Vec<LabPrompt> {
    vec![
        LabPrompt {
            category: "explanation".into(),
            text: "Why is the sky blue?".into(),
            reference: None,
            earlier: Vec::new(),
        },
        LabPrompt {
            category: "reasoning".into(),
            text: "What is 2+2?".into(),
            reference: None,
            earlier: Vec::new(),
        },
    ]
}

/// Runs the eval to its end (no cancel, no event listener), reporting each step to `progress`.
pub(super) async fn eval(
    engine: &Engine,
    store: &mut MemoryStore,
    prompts: &[LabPrompt],
    options: &EvalOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Vec<ComparisonResult> {
    run_eval(engine, &EventSink::new(), store, prompts, options, progress, &CancellationToken::new())
        .await
        .unwrap()
}

#[tokio::test]
async fn eval_runs_every_arm_judges_both_orders_and_resumes() {
    let backend = ScriptedBackend::new(tree_loving_judge);
    let engine = Engine::new(Arc::new(six_node_tree()), Backends::single(backend.clone(), 4));
    let options = EvalOptions {
        orgs: Vec::new(),
        arms: vec![Arm::Tree, Arm::Solo, Arm::Compute],
        repeat: 1,
        judge_model: "judge-model".into(),
        levels: false,
    };
    let mut store = MemoryStore::default();
    let mut steps = Vec::new();
    let results = eval(&engine, &mut store, &prompts(), &options, &mut |p| steps.push(p)).await;
    assert_eq!(results.len(), 2);
    // Three arms, and the judge on the tree's two pairs in both orders.
    assert_eq!(steps.len(), 2 * (3 + 2 * 2));
    assert_eq!(steps.last().map(|p| (p.done, p.total)), Some((14, 14)));
    // Compute arm: N samples with N = the tree's 9 calls, plus the aggregator.
    let compute = &results[0].arms.iter().find(|(a, _)| *a == Arm::Compute).unwrap().1;
    assert_eq!(compute.calls, 10);
    let board = scoreboard(&results);
    let tree_vs_solo = board.pairs.iter().find(|p| p.x == Arm::Tree && p.y == Arm::Solo).unwrap();
    assert_eq!((tree_vs_solo.tally.wins, tree_vs_solo.tally.ties, tree_vs_solo.tally.losses), (2, 0, 0));
    assert_eq!(tree_vs_solo.verdict, stats::Verdict::NoSignificantDifference, "n=2 proves nothing");
    assert!(store.judgements.iter().all(|(_, j)| j.pick.is_some() && j.reason == "more thorough"));
    let table = render_table(&board, "judge-model");
    assert!(table.contains("tree vs solo"), "{table}");
    assert!(table.contains("no significant difference"), "{table}");

    // Resuming does no new work.
    let calls_before = backend.received().len();
    let mut resumed = Vec::new();
    eval(&engine, &mut store, &prompts(), &options, &mut |p| resumed.push(p)).await;
    assert_eq!(backend.received().len(), calls_before);
    assert!(resumed.iter().all(|p| p.resumed));
}

#[tokio::test]
async fn a_position_biased_judge_yields_ties() {
    let backend = ScriptedBackend::new(|req| {
        if req.model == "judge-model" {
            Reply::Text("{\"winner\": \"A\", \"reason\": \"first is best\"}".into())
        } else {
            echo_reply(req)
        }
    });
    let engine = Engine::new(Arc::new(six_node_tree()), Backends::single(backend, 4));
    let options = EvalOptions {
        orgs: Vec::new(),
        arms: vec![Arm::Tree, Arm::Solo],
        repeat: 2,
        judge_model: "judge-model".into(),
        levels: false,
    };
    let mut store = MemoryStore::default();
    let results = eval(&engine, &mut store, &prompts()[..1], &options, &mut |_| {}).await;
    assert_eq!(results.len(), 2, "two repeats");
    let board = scoreboard(&results);
    assert_eq!(board.pairs[0].tally.ties, 2);
    assert_eq!(board.pairs[0].judge_ties, report::TieCounts { explicit: 0, disagreed: 2, unreadable: 0 });
    let table = render_table(&board, "judge-model");
    assert!(table.contains("ties: 2 where the judge disagreed with itself across the two orders"), "{table}");
    assert!(table.contains("repeats of a prompt (--repeat) are not independent samples"), "{table}");
    let stored: Vec<Option<Pick>> = store.judgements.iter().map(|(_, j)| j.pick).collect();
    assert_eq!(stored, vec![Some(Pick::A); 4]);
}

#[tokio::test]
async fn a_failing_judge_gives_no_verdict_and_is_asked_again_next_time() {
    let judge_up = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let up = judge_up.clone();
    let backend = ScriptedBackend::new(move |req| {
        if req.model != "judge-model" {
            return echo_reply(req);
        }
        if up.load(std::sync::atomic::Ordering::SeqCst) {
            tree_loving_judge(req)
        } else {
            Reply::Fail(crate::llm::LlmError::ModelNotFound {
                model: "judge-model".into(),
                message: "no such model".into(),
            })
        }
    });
    let engine = Engine::new(Arc::new(six_node_tree()), Backends::single(backend.clone(), 4));
    let options = EvalOptions {
        orgs: Vec::new(),
        arms: vec![Arm::Tree, Arm::Solo],
        repeat: 1,
        judge_model: "judge-model".into(),
        levels: false,
    };
    let mut store = MemoryStore::default();
    let run = |store: &mut MemoryStore| {
        let engine = engine.clone();
        let options = options.clone();
        let mut store = std::mem::take(store);
        async move {
            let results = eval(&engine, &mut store, &prompts(), &options, &mut |_| {}).await;
            (results, store)
        }
    };
    let (results, after) = run(&mut store).await;
    store = after;
    assert!(store.judgements.is_empty(), "a failed judge call is not saved as a verdict");
    assert!(results.iter().all(|r| r.outcomes.is_empty()));
    assert!(
        results.iter().all(|r| matches!(
            r.unscored.as_slice(),
            [((Arm::Tree, Arm::Solo), Unscored::NotJudged(reason))] if reason.contains("judge-model")
        )),
        "{:?}",
        results[0].unscored
    );
    let board = scoreboard(&results);
    assert_eq!(board.pairs[0].tally.total(), 0, "not ties");
    assert_eq!(board.pairs[0].not_judged, 2);
    assert_eq!(board.not_judged(), 2);
    assert!(render_table(&board, "judge-model").contains("2 comparison(s) without the judge's verdict"));
    // The first order failed: the second was not asked, to spare a judge that is down.
    let judge_calls = |b: &ScriptedBackend| b.received().iter().filter(|r| r.model == "judge-model").count();
    assert_eq!(judge_calls(&backend), 2);

    // Next time the judge answers: only the judging runs, and the pairs are scored.
    judge_up.store(true, std::sync::atomic::Ordering::SeqCst);
    let arm_calls = backend.received().len() - judge_calls(&backend);
    let (results, store) = run(&mut store).await;
    assert_eq!(backend.received().len() - judge_calls(&backend), arm_calls, "the answers were kept");
    assert_eq!(store.judgements.len(), 4);
    let board = scoreboard(&results);
    assert_eq!((board.pairs[0].tally.wins, board.pairs[0].not_judged), (2, 0));
}

#[tokio::test]
async fn a_failed_arm_is_left_out_of_its_pairs_and_of_the_averages() {
    let backend = ScriptedBackend::new(|req| {
        // Atlas never answers after its split (neither its synthesis nor, its branches failing
        // too, its answer alone): the tree fails; solo answers.
        let atlas = req.messages.first().is_some_and(|m| m.content.contains("You are Atlas"));
        let synthesis = req.messages.iter().any(|m| m.content.starts_with("Combine the replies"));
        if synthesis || (atlas && req.response_format.is_none()) {
            return Reply::Fail(crate::llm::LlmError::EmptyStream);
        }
        tree_loving_judge(req)
    });
    let engine = Engine::new(Arc::new(six_node_tree()), Backends::single(backend, 4));
    let options = EvalOptions {
        orgs: Vec::new(),
        arms: vec![Arm::Tree, Arm::Solo],
        repeat: 1,
        judge_model: "judge-model".into(),
        levels: false,
    };
    let mut store = MemoryStore::default();
    let results = eval(&engine, &mut store, &prompts()[..1], &options, &mut |_| {}).await;
    let tree = &results[0].arms.iter().find(|(a, _)| *a == Arm::Tree).unwrap().1;
    assert!(!tree.answered(), "{tree:?}");
    assert!(tree.calls > 0, "the failed tree still made calls");
    assert_eq!(results[0].unscored, vec![((Arm::Tree, Arm::Solo), Unscored::ArmFailed(vec![Arm::Tree]))]);
    let board = scoreboard(&results);
    assert_eq!((board.pairs[0].tally.total(), board.pairs[0].arm_failed), (0, 1));
    let cost = board.costs.iter().find(|c| c.arm == Arm::Tree).unwrap();
    assert_eq!((cost.runs, cost.failed, cost.answered), (1, 1, 0));
    assert_eq!(cost.avg_calls, 0.0, "no answered run to average");
    let table = render_table(&board, "judge-model");
    assert!(table.contains("1 comparison(s) where an arm gave no answer"), "{table}");
    assert!(table.contains("no answer yet (1 failed)"), "{table}");
}

#[test]
fn with_the_tree_only_its_pairs_are_judged_and_without_it_every_pair() {
    use crate::lab::eval::pairs;
    assert_eq!(
        pairs(&[Arm::Tree, Arm::Parts, Arm::Solo, Arm::Compute]),
        vec![(Arm::Tree, Arm::Parts), (Arm::Tree, Arm::Solo), (Arm::Tree, Arm::Compute)]
    );
    assert_eq!(pairs(&[Arm::Solo, Arm::Tree]), vec![(Arm::Tree, Arm::Solo)]);
    assert_eq!(
        pairs(&[Arm::Solo, Arm::Compute, Arm::Parts]),
        vec![(Arm::Solo, Arm::Compute), (Arm::Solo, Arm::Parts), (Arm::Compute, Arm::Parts)]
    );
}
