//! Items 1, 2 and 5: the engine against the paced mock. Orchestration overhead over the strict
//! critical path, what streaming delegation buys on an unbalanced tree, and what recording costs.

use std::time::Duration;

use ailab::config::Hierarchy;
use ailab::engine::testkit::{hierarchy, six_node_tree};
use ailab::engine::{Engine, RunStatus};

use crate::Options;
use crate::measure::{median, ms};
use crate::mock::PacedMock;
use crate::report::{Bar, Report};
use crate::runs::{self, RunMeasure, run_once};

/// The pace: 5 ms per token, 100 tokens per call.
pub const PACE: Duration = Duration::from_millis(5);
pub const TOKENS: usize = 100;

/// A tree whose first child has the deepest subtree: every split's first element starts the
/// longest branch, so streaming delegation shortens the critical path at each level.
pub fn deep_first_tree() -> Hierarchy {
    hierarchy(&[
        ("atlas", &["nova", "sage"]),
        ("nova", &["echo", "pixel"]),
        ("echo", &["quantum", "orion"]),
        ("sage", &[]),
        ("pixel", &[]),
        ("quantum", &[]),
        ("orion", &[]),
    ])
}

fn check(run: &RunMeasure) {
    assert_eq!(run.status, RunStatus::Done, "bench: a run against the mock did not finish cleanly");
}

/// Item 1: wall ÷ strict critical path and engine CPU per token on the six-node tree. Streaming
/// delegation is off here, so that the strict critical path is exactly the chain of dependent calls
/// and everything above it is the engine's own overhead (item 2 measures it on).
pub fn overhead(options: &Options, report: &mut Report) {
    let runtime = runs::runtime();
    let mock = PacedMock::start(PACE, TOKENS);
    let engine = runs::engine(six_node_tree(), &mock.base_url(), 4, false);
    let repeats = if options.quick { 2 } else { 5 };
    let runs: Vec<RunMeasure> = runtime.block_on(async {
        // One run to open connections and pass the first-request gate, as a live app would have.
        check(&run_once(&engine, Some(mock.clock), None).await);
        let mut runs = Vec::new();
        for _ in 0..repeats {
            let run = run_once(&engine, Some(mock.clock), None).await;
            check(&run);
            runs.push(run);
        }
        runs
    });
    let ratios: Vec<f64> = runs.iter().map(RunMeasure::ratio).collect();
    let overheads: Vec<f64> = runs.iter().map(|r| r.wall_ms - r.critical_ms).collect();
    let cpu_per_token: Vec<f64> = runs.iter().map(|r| ms(r.cpu) * 1000.0 / r.tokens.max(1) as f64).collect();
    let first = &runs[0];
    report.info("1", "critical path of the six-node tree (median)", median(&crit(&runs)), "ms");
    report.note(format!("{} calls, {} tokens per run, {} runs", first.calls, first.tokens, runs.len()));
    report.bar("1", "wall ÷ strict critical path (median)", median(&ratios), "×", Bar::AtMost(1.02));
    report.info("1", "orchestration overhead: wall − critical path (median)", median(&overheads), "ms");
    report.note("streaming delegation off; call times have 1 ms resolution");
    report.info("1", "engine CPU per streamed token (median)", median(&cpu_per_token), "µs");
    report.note("process CPU minus the mock thread's CPU clock");
}

fn crit(runs: &[RunMeasure]) -> Vec<f64> {
    runs.iter().map(|r| r.critical_ms).collect()
}

/// Runs `engines` alternately `repeats` times each (so drift in the machine's load hits both).
async fn alternate(engines: &[&Engine], mock: &PacedMock, repeats: usize) -> Vec<Vec<RunMeasure>> {
    let mut results: Vec<Vec<RunMeasure>> = engines.iter().map(|_| Vec::new()).collect();
    for _ in 0..repeats {
        for (engine, runs) in engines.iter().zip(results.iter_mut()) {
            let run = run_once(engine, Some(mock.clock), None).await;
            check(&run);
            runs.push(run);
        }
    }
    results
}

/// Item 2: streaming delegation on and off, on the default tree and on a deep-first tree.
pub fn delegation(options: &Options, report: &mut Report) {
    let runtime = runs::runtime();
    let mock = PacedMock::start(PACE, TOKENS);
    let repeats = if options.quick { 1 } else { 3 };
    for (label, tree, bar) in [
        ("default six-node tree", six_node_tree(), None),
        ("deep-first tree (first child deepest, 7 nodes)", deep_first_tree(), Some(Bar::AtMost(0.9))),
    ] {
        let on = runs::engine(tree.clone(), &mock.base_url(), 4, true);
        let off = runs::engine(tree, &mock.base_url(), 4, false);
        let results = runtime.block_on(async {
            check(&run_once(&on, Some(mock.clock), None).await);
            alternate(&[&on, &off], &mock, repeats).await
        });
        let ratio = |runs: &[RunMeasure]| median(&runs.iter().map(RunMeasure::ratio).collect::<Vec<_>>());
        let wall = |runs: &[RunMeasure]| median(&runs.iter().map(|r| r.wall_ms).collect::<Vec<_>>());
        report.push(
            "2",
            format!("{label}: wall ÷ strict critical path, streaming on"),
            ratio(&results[0]),
            "×",
            bar,
            "",
        );
        let (early, children) = results[0][0].early_children();
        report.note(format!("{early} of {children} child calls started while their parent's split streamed"));
        report.info(
            "2",
            format!("{label}: wall ÷ strict critical path, streaming off"),
            ratio(&results[1]),
            "×",
        );
        report.info("2", format!("{label}: wall on ÷ wall off"), wall(&results[0]) / wall(&results[1]), "×");
        if bar.is_some() {
            match crate::delegation_frame::write(&results[0][0]) {
                Ok(path) => {
                    report.note(format!("TUI frame of children starting mid-split: {}", path.display()))
                }
                Err(err) => eprintln!("  (could not write the TUI frame: {err})"),
            }
        }
    }
}

/// Item 5: the same run with the recorder on and off, alternately; medians.
pub fn recording(options: &Options, report: &mut Report) {
    let runtime = runs::runtime();
    let mock = PacedMock::start(PACE, TOKENS);
    let engine = runs::engine(six_node_tree(), &mock.base_url(), 4, true);
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("bench: no temp dir: {err}"));
    let db = dir.path().join("ailab.db");
    let pairs = if options.quick { 2 } else { 6 };
    let (on, off) = runtime.block_on(async {
        check(&run_once(&engine, Some(mock.clock), Some(&db)).await);
        let (mut on, mut off) = (Vec::new(), Vec::new());
        for i in 0..pairs {
            // Alternate which goes first, so neither always follows the other.
            let record_first = i % 2 == 0;
            for record in [record_first, !record_first] {
                let run = run_once(&engine, Some(mock.clock), record.then_some(db.as_path())).await;
                check(&run);
                if record { on.push(run) } else { off.push(run) }
            }
        }
        (on, off)
    });
    let wall = |runs: &[RunMeasure]| median(&runs.iter().map(|r| r.wall_ms).collect::<Vec<_>>());
    let cpu = |runs: &[RunMeasure]| median(&runs.iter().map(|r| ms(r.cpu)).collect::<Vec<_>>());
    report.bar(
        "5",
        "wall with recorder ÷ wall without (medians)",
        wall(&on) / wall(&off),
        "×",
        Bar::AtMost(1.01),
    );
    report.note(format!("{pairs} runs each, alternating"));
    report.info("5", "wall, recorder on (median)", wall(&on), "ms");
    report.info("5", "wall, recorder off (median)", wall(&off), "ms");
    report.info("5", "process CPU per run, recorder on (median)", cpu(&on), "ms");
    report.note("the recorder's thread included; its start and shutdown are not");
    report.info("5", "process CPU per run, recorder off (median)", cpu(&off), "ms");
}
