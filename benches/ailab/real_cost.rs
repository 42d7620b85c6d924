//! Item 8: what the shipped tree costs on a real server, at its shipped settings (512 tokens per
//! leaf, the loop guard on), against the same tree with the guard off and against one model alone:
//! wall time and tokens (medians of runs interleaved on, off, solo), the tree's wall ÷ solo's and
//! ÷ its own critical path, and where the calls' time went (waiting for a slot, reading the prompt
//! before the first token, generating). Skipped when nothing answers; slow (minutes per tree run on
//! a CPU), so it is its own section.

use std::time::Duration;

use ailab::config::{DEFAULT_HIERARCHY_TOML, Hierarchy, parse_hierarchy};
use ailab::engine::{Conversation, Engine, EventKind, EventSink, RunEvent, RunStatus, new_run_id};

use crate::Options;
use crate::measure::median;
use crate::real_server::{answers, server_url};
use crate::report::Report;
use crate::runs::{self, RunMeasure, run_prompt_within};

/// The question the first reading used ("a default run took 327 s").
const PROMPT: &str = "Why do cats purr?";
/// A run not done by then is cancelled, and the section says the server is too busy to measure.
const RUN_LIMIT: Duration = Duration::from_secs(900);

/// Where one arm's calls spent their time, summed over calls.
#[derive(Debug, Default, Clone, Copy)]
struct Split {
    slot_ms: f64,
    prompt_ms: f64,
    generate_ms: f64,
}

pub fn run(options: &Options, report: &mut Report) {
    let base_url = server_url();
    if !answers(&base_url) {
        return report.skip(
            "8",
            format!("no server answers at {base_url} (start one with `/work/shared/tools/local-llm start`)"),
        );
    }
    let shipped = match parse_hierarchy(DEFAULT_HIERARCHY_TOML, "built-in") {
        Ok(h) => h,
        Err(err) => return report.skip("8", format!("the built-in hierarchy does not parse: {err}")),
    };
    let repeats = if options.quick { 1 } else { 3 };
    let runtime = runs::runtime();
    let (on, off, solo) = runtime.block_on(async {
        let (mut on, mut off, mut solo) = (Vec::new(), Vec::new(), Vec::new());
        for repeat in 0..repeats {
            // The same seed for each arm of one repeat: with the guard off the tree says exactly
            // what it said with the guard on, and then goes on where the guard stopped it.
            let seed = 7 + repeat as i64;
            let with_guard = runs::engine(seeded(&shipped, seed, true), &base_url, 4, true);
            let without = runs::engine(seeded(&shipped, seed, false), &base_url, 4, true);
            for (engine, runs, label) in
                [(&with_guard, &mut on, "guard on"), (&without, &mut off, "guard off")]
            {
                let run = run_prompt_within(engine, PROMPT, None, None, Some(RUN_LIMIT)).await;
                eprintln!(
                    "    {label}: {:.1} s, {} tokens, {} calls ({} looped), critical path {:.1} s, {:?}",
                    run.wall_ms / 1000.0,
                    run.tokens,
                    run.calls,
                    looped(&run.events),
                    run.critical_ms / 1000.0,
                    run.status
                );
                runs.push(run);
            }
            let (wall_ms, status) = solo_run(&with_guard).await;
            eprintln!("    solo: {:.1} s, {status:?}", wall_ms / 1000.0);
            solo.push((wall_ms, status));
        }
        (on, off, solo)
    });
    if on.iter().chain(&off).any(|r| r.status == RunStatus::Cancelled)
        || solo.iter().any(|(_, s)| *s == RunStatus::Cancelled)
    {
        return report.skip(
            "8",
            format!("a run against {base_url} took over {} s (the server is too busy)", RUN_LIMIT.as_secs()),
        );
    }
    let wall = |runs: &[RunMeasure]| median(&runs.iter().map(|r| r.wall_ms / 1000.0).collect::<Vec<_>>());
    let tokens = |runs: &[RunMeasure]| median(&runs.iter().map(|r| r.tokens as f64).collect::<Vec<_>>());
    let critical = |runs: &[RunMeasure]| median(&runs.iter().map(RunMeasure::ratio).collect::<Vec<_>>());
    let solo_wall = median(&solo.iter().map(|(ms, _)| ms / 1000.0).collect::<Vec<_>>());
    report.info("8", "shipped tree, loop guard on: wall (median)", wall(&on), "s");
    report.note(format!(
        "{:.0} tokens streamed, {} looped calls in all; \"{PROMPT}\", {repeats} runs each, interleaved on, off, solo",
        tokens(&on),
        on.iter().map(|r| looped(&r.events)).sum::<usize>()
    ));
    report.info("8", "shipped tree, loop guard off: wall (median)", wall(&off), "s");
    report.note(format!("{:.0} tokens streamed", tokens(&off)));
    report.info("8", "guard off ÷ guard on: wall", wall(&off) / wall(&on), "×");
    report.info("8", "guard off ÷ guard on: tokens", tokens(&off) / tokens(&on).max(1.0), "×");
    report.info("8", "one model alone (solo): wall (median)", solo_wall, "s");
    report.info("8", "tree ÷ solo, guard on: wall", wall(&on) / solo_wall, "×");
    report.info("8", "tree ÷ solo, guard off: wall", wall(&off) / solo_wall, "×");
    report.info("8", "tree wall ÷ its critical path, guard on (median)", critical(&on), "×");
    report.info("8", "tree wall ÷ its critical path, guard off (median)", critical(&off), "×");
    for (label, runs) in [("on", &on), ("off", &off)] {
        let split = runs.iter().fold(Split::default(), |sum, r| add(sum, time_split(&r.events)));
        let total = (split.slot_ms + split.prompt_ms + split.generate_ms).max(1.0);
        report.info(
            "8",
            format!("guard {label}: share of call time spent generating"),
            split.generate_ms / total,
            "",
        );
        report.note(format!(
            "summed over calls: waiting for a slot {:.0}%, reading the prompt (to first token) {:.0}%, generating {:.0}%",
            100.0 * split.slot_ms / total,
            100.0 * split.prompt_ms / total,
            100.0 * split.generate_ms / total
        ));
    }
}

/// The shipped tree with one seed on every node and the loop guard on or off.
fn seeded(shipped: &Hierarchy, seed: i64, guard: bool) -> Hierarchy {
    let mut hierarchy = shipped.clone();
    for node in &mut hierarchy.nodes {
        node.seed = Some(seed);
        node.loop_guard = guard;
    }
    hierarchy
}

/// The root's model answering the prompt alone: wall ms and how it ended.
async fn solo_run(engine: &Engine) -> (f64, RunStatus) {
    let cancel = runs::cancel_after(Some(RUN_LIMIT));
    let sink = EventSink::new();
    let started = std::time::Instant::now();
    let summary =
        engine.run_solo(new_run_id(), PROMPT.to_string(), &Conversation::default(), &sink, cancel).await;
    (started.elapsed().as_secs_f64() * 1000.0, summary.status)
}

fn looped(events: &[RunEvent]) -> usize {
    events.iter().filter(|e| matches!(e.kind, EventKind::CallLooped { .. })).count()
}

/// Each call's time, cut into waiting for a slot, reading the prompt and generating.
fn time_split(events: &[RunEvent]) -> Split {
    let mut split = Split::default();
    for event in events {
        match &event.kind {
            EventKind::CallSlotted { waited_ms, .. } => split.slot_ms += *waited_ms as f64,
            EventKind::CallFinished { metrics, .. } => {
                let first = metrics.first_token_ms.unwrap_or(metrics.ended_ms);
                split.prompt_ms += (first - metrics.started_ms) as f64;
                split.generate_ms += (metrics.ended_ms - first) as f64;
            }
            _ => {}
        }
    }
    // The slot wait is inside each call's time to first token: take it out of "reading".
    split.prompt_ms = (split.prompt_ms - split.slot_ms).max(0.0);
    split
}

fn add(a: Split, b: Split) -> Split {
    Split {
        slot_ms: a.slot_ms + b.slot_ms,
        prompt_ms: a.prompt_ms + b.prompt_ms,
        generate_ms: a.generate_ms + b.generate_ms,
    }
}
