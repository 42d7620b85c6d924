//! The soak (issue 15 §2): runs back to back against the in-process mock with a random fault per
//! run, some killed with SIGKILL, and then the record must have lost nothing: sound file, every run
//! in a final state, every word the mock sent in the record. The same runs through one long-lived
//! process must not grow its memory, file descriptors or tasks.
//!
//! Not part of `cargo test` (it takes minutes): `scripts/soak.sh`, or
//! `cargo test --test soak -- --ignored --nocapture --test-threads=1`. `SOAK_SEED` replays a soak,
//! `SOAK_RUNS` (200) and `SOAK_KILLS` (20) scale it.

mod support;

#[path = "soak/faulty.rs"]
mod faulty;
#[path = "soak/headless.rs"]
mod headless;
#[path = "soak/in_process.rs"]
mod in_process;
#[path = "soak/plan.rs"]
mod plan;
#[path = "soak/process.rs"]
mod process;
#[path = "soak/record.rs"]
mod record;

use std::collections::BTreeMap;
use std::time::Instant;

use faulty::FaultyMock;
use headless::Setup;
use plan::Plan;

/// Final run states: a run in any other state after the soak was lost track of.
const FINAL: [&str; 5] = ["done", "degraded", "failed", "cancelled", "interrupted"];

fn plan() -> Plan {
    let plan = Plan::from_env().unwrap_or_else(|why| panic!("{why}"));
    println!(
        "soak: seed {} ({} runs, {} killed); replay with SOAK_SEED={}",
        plan.seed,
        plan.runs.len(),
        plan.kills.len(),
        plan.seed
    );
    plan
}

#[test]
#[ignore = "a soak of several minutes: run scripts/soak.sh"]
fn soak_headless_runs_and_kills_lose_nothing() {
    let plan = plan();
    let mock = FaultyMock::start();
    let setup = Setup::new();
    let began = Instant::now();
    let mut last_seq = 0;
    let mut outcomes = Vec::new();
    // A kill after every tenth run or so, so the next run's start is what marks it interrupted.
    let every = (plan.runs.len() / plan.kills.len().max(1)).max(1);
    let mut kills = plan.kills.iter();
    for (i, planned) in plan.runs.iter().enumerate() {
        let n = outcomes.len() + 1;
        outcomes.push((*planned, headless::one_run(&mock, &setup, n, planned, &mut last_seq)));
        if (i + 1) % every == 0
            && let Some(kill) = kills.next()
        {
            let n = outcomes.len() + 1;
            outcomes.push((*kill, headless::one_run(&mock, &setup, n, kill, &mut last_seq)));
        }
    }
    for kill in kills {
        let n = outcomes.len() + 1;
        outcomes.push((*kill, headless::one_run(&mock, &setup, n, kill, &mut last_seq)));
    }
    let secs = began.elapsed().as_secs_f64();
    // The next open marks the runs of a dead ailab interrupted.
    ailab::store::Recorder::start(&setup.db).expect("the record opens after the soak").shutdown().unwrap();

    let conn = record::open(&setup.db);
    let integrity = record::integrity(&conn);
    let statuses = record::statuses(&conn);
    let mut problems = Vec::new();
    let mut by_fault: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut killed, mut owed_bytes, mut requests) = (0, 0, 0);
    for (n, (planned, outcome)) in outcomes.iter().enumerate() {
        let entry = by_fault.entry(format!("{:?}", planned.fault)).or_default();
        entry.0 += 1;
        entry.1 += usize::from(outcome.faulted);
        killed += usize::from(outcome.killed);
        owed_bytes += outcome.owed_bytes;
        requests += outcome.requests;
        let what = format!(
            "run {} ({:?} on request {}, exit {:?})",
            n + 1,
            planned.fault,
            planned.target,
            outcome.exit
        );
        match &outcome.run {
            None if outcome.killed && outcome.owed_bytes == 0 => {}
            None => problems.push(format!("{what}: no run in the record")),
            Some(run) => {
                let status = record::status_of(&conn, run);
                if !FINAL.contains(&status.as_str()) {
                    problems.push(format!("{what}: run {run} is {status:?}"));
                }
            }
        }
        problems.extend(outcome.missing.iter().map(|m| format!("{what}: lost {m}")));
    }
    println!("soak: {} runs ({killed} killed mid-run) in {secs:.0} s, {requests} requests", outcomes.len());
    let slowest = outcomes.iter().map(|(_, o)| o.took.as_secs_f64()).fold(0.0, f64::max);
    println!("soak: {owed_bytes} bytes of streamed text owed to the record; slowest run {slowest:.1} s");
    println!("soak: integrity_check: {integrity}");
    println!("soak: run states: {statuses:?}");
    for (fault, (runs, hit)) in &by_fault {
        println!("soak:   {fault:<26} {runs:>3} runs, {hit:>3} met the fault");
    }
    for problem in &problems {
        println!("soak: PROBLEM {problem}");
    }
    assert_eq!(integrity, "ok");
    assert!(problems.is_empty(), "{} problems (seed {}), listed above", problems.len(), plan.seed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a soak of several minutes: run scripts/soak.sh"]
async fn soak_one_process_does_not_grow() {
    let plan = plan();
    let mock = tokio::task::spawn_blocking(FaultyMock::start).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("soak.db");
    let soaked = in_process::soak(&mock, &plan.runs, &db).await;

    let n = soaked.footprints.len();
    let early_at = (n / 10).max(1);
    let early = soaked.footprints[early_at - 1];
    let last = soaked.footprints[n - 1];
    let growth = (last.rss_kb as f64 / early.rss_kb as f64 - 1.0) * 100.0;
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    for status in &soaked.statuses {
        *states.entry(status.as_str()).or_default() += 1;
    }
    println!("soak (one process): {n} runs in {:.0} s; run states {states:?}", soaked.secs);
    println!("soak (one process): after run {early_at}: {early}");
    let raw_growth = (last.rss_raw_kb as f64 / early.rss_raw_kb as f64 - 1.0) * 100.0;
    println!("soak (one process): after run {n}: {last}");
    println!(
        "soak (one process): RSS {growth:+.1}% from run {early_at} (before malloc_trim {raw_growth:+.1}%)"
    );
    // Where it went: SQLite's page cache fills up to its cap as the record grows; the rest is
    // everything else (the allocator's per-thread arenas among it).
    let sqlite_growth = last.sqlite_kb as i64 - early.sqlite_kb as i64;
    let other_growth = last.rss_kb as i64 - early.rss_kb as i64 - sqlite_growth;
    println!(
        "soak (one process): of the growth, SQLite {sqlite_growth:+} KiB, the rest {other_growth:+} KiB"
    );
    let late = &soaked.footprints[n / 2..];
    let (low, high) = late.iter().fold((u64::MAX, 0), |(lo, hi), f| (lo.min(f.rss_kb), hi.max(f.rss_kb)));
    println!("soak (one process): RSS over the second half of the runs: {low}..{high} KiB");
    let peak = soaked.footprints.iter().map(|f| f.rss_kb).max().unwrap_or(0);
    println!("soak (one process): peak RSS {peak} KiB; {} bytes of streamed text owed", soaked.owed_bytes);
    for (run, loss) in &soaked.missing {
        println!("soak (one process): PROBLEM run {run}: lost {loss}");
    }
    let conn = record::open(&db);
    let integrity = record::integrity(&conn);
    println!("soak (one process): integrity_check: {integrity}");
    assert_eq!(integrity, "ok");
    assert!(soaked.missing.is_empty(), "text lost (seed {}), listed above", plan.seed);
    let unfinished: Vec<_> =
        record::statuses(&conn).into_iter().filter(|(s, _)| !FINAL.contains(&s.as_str())).collect();
    assert!(unfinished.is_empty(), "runs left unfinished: {unfinished:?}");
    assert!(growth <= 10.0, "RSS grew {growth:.1}% from run {early_at} to run {n} (seed {})", plan.seed);
    // Idle pooled connections come and go (each is a file and a task): the most over ten runs at
    // the start and at the end, so a leak shows and the pool's breathing does not.
    let most = |runs: &[process::Footprint]| {
        (runs.iter().map(|f| f.fds).max().unwrap_or(0), runs.iter().map(|f| f.tasks).max().unwrap_or(0))
    };
    let (early_fds, early_tasks) = most(&soaked.footprints[early_at.saturating_sub(10)..early_at]);
    let (late_fds, late_tasks) = most(&soaked.footprints[n.saturating_sub(10)..]);
    println!(
        "soak (one process): most open files / tasks over 10 runs: {early_fds} / {early_tasks} by run {early_at}, \
         {late_fds} / {late_tasks} at the end"
    );
    assert!(late_fds <= early_fds, "open files grew from {early_fds} to {late_fds}");
    assert!(late_tasks <= early_tasks, "tasks grew from {early_tasks} to {late_tasks}");
}
