//! Tests' tree runs as the record gives them back: the shipped hierarchy and a past turn whose
//! members answered (or not) their tasks. Shared by the parts and the levels tests.

use crate::config::Hierarchy;
use crate::engine::PastTurn;
use crate::engine::conversation::Exchange;

pub fn shipped() -> Hierarchy {
    crate::config::parse_hierarchy(crate::config::DEFAULT_HIERARCHY_TOML, "shipped")
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A complete turn in which each listed member had the task "task of ID" and gave `answer`.
pub fn turn(answers: &[(&str, Option<&str>)]) -> PastTurn {
    let members = answers
        .iter()
        .map(|(id, answer)| {
            let exchange = Exchange { task: format!("task of {id}"), answer: answer.map(str::to_string) };
            (id.to_string(), exchange)
        })
        .collect();
    PastTurn { answer: Some("the final answer".into()), complete: true, members, ..PastTurn::default() }
}
