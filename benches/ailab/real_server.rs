//! Item 6: a tree run against a real OpenAI-compatible server (the shared `local-llm`, llama.cpp
//! with 4 parallel slots) with the endpoint limit at 1 and at 4. Skipped when nothing answers.

use std::time::Duration;

use ailab::config::{DEFAULT_HIERARCHY_TOML, parse_hierarchy};

use crate::Options;
use crate::measure::median;
use crate::report::Report;
use crate::runs::{self, RunMeasure, run_within};

/// Where `local-llm` serves (override with `AILAB_BENCH_SERVER`).
const DEFAULT_SERVER: &str = "http://127.0.0.1:1234/v1";
/// Completion budget per call, so a tree run stays well under a minute on two shared cores.
const MAX_TOKENS: u32 = 64;
/// A run not done by then is cancelled and the section reports the server as too busy to measure.
const RUN_LIMIT: Duration = Duration::from_secs(60);

pub fn run(options: &Options, report: &mut Report) {
    let base_url = server_url();
    if !answers(&base_url) {
        return report.skip(
            "6",
            format!("no server answers at {base_url} (start one with `/work/shared/tools/local-llm start`)"),
        );
    }
    let mut hierarchy = match parse_hierarchy(DEFAULT_HIERARCHY_TOML, "built-in") {
        Ok(h) => h,
        Err(err) => return report.skip("6", format!("the built-in hierarchy does not parse: {err}")),
    };
    for node in &mut hierarchy.nodes {
        node.max_tokens = MAX_TOKENS;
        // Same sampling every run, so both limits get comparable amounts of text.
        node.seed = Some(7);
        node.temperature = 0.0;
    }
    let repeats = if options.quick { 1 } else { 3 };
    let runtime = runs::runtime();
    let serial = runs::engine(hierarchy.clone(), &base_url, 1, true);
    let parallel = runs::engine(hierarchy, &base_url, 4, true);
    let (one, four) = runtime.block_on(async {
        // Warm the model (its first request loads it, with llama.cpp's prompt cache empty). If even
        // this run cannot finish in time, the server is too busy to measure anything.
        let warm = run_within(&parallel, None, None, Some(RUN_LIMIT)).await;
        let (mut one, mut four) = (Vec::new(), Vec::new());
        if warm.status == ailab::engine::RunStatus::Cancelled {
            return (vec![warm], four);
        }
        for _ in 0..repeats {
            for (engine, runs, limit) in [(&serial, &mut one, 1), (&parallel, &mut four, 4)] {
                let run = run_within(engine, None, None, Some(RUN_LIMIT)).await;
                eprintln!(
                    "    limit {limit}: {:.1} s, {} tokens, {:?}",
                    run.wall_ms / 1000.0,
                    run.tokens,
                    run.status
                );
                runs.push(run);
            }
        }
        (one, four)
    });
    if one.iter().chain(&four).any(|r| r.status == ailab::engine::RunStatus::Cancelled) {
        return report.skip(
            "6",
            format!(
                "a run against {base_url} took over {} s (the server is too busy to measure)",
                RUN_LIMIT.as_secs()
            ),
        );
    }
    let wall = |runs: &[RunMeasure]| median(&runs.iter().map(|r| r.wall_ms / 1000.0).collect::<Vec<_>>());
    let tokens = |runs: &[RunMeasure]| median(&runs.iter().map(|r| r.tokens as f64).collect::<Vec<_>>());
    let rate = |runs: &[RunMeasure]| {
        median(&runs.iter().map(|r| r.tokens as f64 * 1000.0 / r.wall_ms.max(1.0)).collect::<Vec<_>>())
    };
    let statuses: Vec<String> =
        one.iter().chain(&four).map(|r| format!("{:?}", r.status).to_lowercase()).collect();
    report.info("6", "real server, max_concurrent = 1: wall (median)", wall(&one), "s");
    report.note(format!("{:.0} tokens streamed, {:.1} tokens/s", tokens(&one), rate(&one)));
    report.info("6", "real server, max_concurrent = 4: wall (median)", wall(&four), "s");
    report.note(format!("{:.0} tokens streamed, {:.1} tokens/s", tokens(&four), rate(&four)));
    report.info("6", "concurrency speed-up: wall at 1 ÷ wall at 4", wall(&one) / wall(&four), "×");
    report.note(format!(
        "built-in tree, {MAX_TOKENS} tokens max per call, temperature 0; runs: {}",
        statuses.join(", ")
    ));
    report.info("6", "one call's generation rate at max_concurrent = 1 (median)", call_rate(&one), "tok/s");
    report.info("6", "one call's generation rate at max_concurrent = 4 (median)", call_rate(&four), "tok/s");
    report.note("calls that share the server's compute each stream slower");
}

/// The server the real-server sections measure.
pub fn server_url() -> String {
    std::env::var("AILAB_BENCH_SERVER").unwrap_or_else(|_| DEFAULT_SERVER.to_string())
}

/// True if `GET {base_url}/models` answers within two seconds.
pub fn answers(base_url: &str) -> bool {
    let url = format!("{}/models", base_url.trim_end_matches('/'));
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return false;
    };
    runtime.block_on(async {
        let Ok(client) = reqwest::Client::builder().timeout(Duration::from_secs(2)).build() else {
            return false;
        };
        matches!(client.get(&url).send().await, Ok(r) if r.status().is_success())
    })
}

/// The median generation rate of single calls (the server's figure when it gives one).
fn call_rate(runs: &[RunMeasure]) -> f64 {
    let rates: Vec<f64> = runs
        .iter()
        .flat_map(|r| &r.events)
        .filter_map(|e| match &e.kind {
            ailab::engine::EventKind::CallFinished { metrics, error: None, .. } => metrics.tokens_per_sec,
            _ => None,
        })
        .collect();
    median(&rates)
}
