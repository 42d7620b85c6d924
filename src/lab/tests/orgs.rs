//! Another organization as an arm: run by its own engine, judged against the tree under test.

use std::sync::Arc;

use super::{MemoryStore, eval, prompts};
use crate::engine::testkit::{Reply, ScriptedBackend, echo_reply, hierarchy, six_node_tree};
use crate::engine::{Backends, Engine, EventSink, hierarchy_hash};
use crate::lab::eval::OrgEngine;
use crate::lab::{Arm, EvalOptions, OrgKey, run_eval, scoreboard};

/// A judge that prefers whichever answer Boss (the other organization's root) wrote.
fn boss_loving_judge(req: &crate::llm::ChatRequest) -> Reply {
    if req.model == "judge-model" {
        let user = &req.messages[1].content;
        let a = user.find("[Answer A]").unwrap_or(0);
        let b = user.find("[Answer B]").unwrap_or(0);
        let boss = user.find("You are Boss").unwrap_or(usize::MAX);
        let winner = if boss > a && boss < b { "A" } else { "B" };
        return Reply::Text(format!("{{\"winner\": \"{winner}\", \"reason\": \"Boss\"}}"));
    }
    echo_reply(req)
}

#[tokio::test]
async fn another_organization_runs_on_its_own_engine_and_is_judged_against_the_tree() {
    let backend = ScriptedBackend::new(boss_loving_judge);
    let backends = Backends::single(backend.clone(), 4);
    let engine = Engine::new(Arc::new(six_node_tree()), backends.clone());
    let team = hierarchy(&[("boss", &["worker"]), ("worker", &[])]);
    let org = Arm::Org(OrgKey::file("team.toml", &hierarchy_hash(&team)));
    let options = EvalOptions {
        arms: vec![Arm::Tree, Arm::Solo, org.clone()],
        orgs: vec![OrgEngine { arm: org.clone(), engine: Engine::new(Arc::new(team), backends) }],
        repeat: 1,
        judge_model: "judge-model".into(),
        levels: false,
    };
    let mut store = MemoryStore::default();
    let results = eval(&engine, &mut store, &prompts(), &options, &mut |_| {}).await;
    let arms: Vec<&Arm> = results[0].arms.iter().map(|(a, _)| a).collect();
    assert_eq!(arms, [&Arm::Tree, &Arm::Solo, &org], "in the order given");
    let theirs = &results[0].arms[2].1;
    assert!(theirs.answered() && theirs.calls > 1, "{theirs:?}");
    assert!(theirs.answer.as_deref().is_some_and(|a| a.starts_with("You are Boss")), "{theirs:?}");
    // The tree is judged against it in both orders, like any other arm.
    let against: Vec<&Arm> = store
        .judgements
        .iter()
        .filter(|(_, j)| j.pair == (Arm::Tree, org.clone()))
        .map(|(_, j)| &j.shown_first)
        .collect();
    assert_eq!(against, [&Arm::Tree, &org, &Arm::Tree, &org], "two prompts, both orders");
    let board = scoreboard(&results);
    let pair = board.pairs.iter().find(|p| p.y == org).expect("tree vs the other organization");
    assert_eq!((pair.tally.wins, pair.tally.losses), (0, 2), "Boss's answers won");
    let table = crate::lab::render_table(&board, "judge-model");
    assert!(table.contains("tree vs tree@team.toml#"), "{table}");
    assert!(table.lines().any(|l| l.starts_with("tree@team.toml#")), "its cost row: {table}");

    // Resuming finds its answers and verdicts: nothing runs again.
    let before = backend.received().len();
    eval(&engine, &mut store, &prompts(), &options, &mut |_| {}).await;
    assert_eq!(backend.received().len(), before);
}

#[tokio::test]
async fn an_organizations_arm_without_its_engine_is_refused_before_any_call() {
    let backend = ScriptedBackend::new(echo_reply);
    let engine = Engine::new(Arc::new(six_node_tree()), Backends::single(backend.clone(), 4));
    let org = Arm::Org(OrgKey::preset("seed", "0123456789abcdef"));
    let options = EvalOptions {
        arms: vec![Arm::Tree, org],
        orgs: Vec::new(),
        repeat: 1,
        judge_model: "judge-model".into(),
        levels: false,
    };
    let mut store = MemoryStore::default();
    let cancel = tokio_util::sync::CancellationToken::new();
    let outcome =
        run_eval(&engine, &EventSink::new(), &mut store, &prompts(), &options, &mut |_| {}, &cancel).await;
    let err = outcome.expect_err("no engine for tree@seed");
    assert!(err.contains("tree@seed#01234567 was given no engine"), "{err}");
    assert!(backend.received().is_empty());
}
