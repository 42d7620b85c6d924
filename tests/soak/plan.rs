//! What the soak does, drawn from one seed: per run, the fault and which of the run's requests
//! meets it; per killed run, when the kill comes. `SOAK_SEED` replays a soak, `SOAK_RUNS` and
//! `SOAK_KILLS` scale it down for a quick try.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::support::mock_server::Fault;

/// Calls in a run of the default six-node tree (three splits, three answers, three syntheses):
/// the fault lands on one of them.
pub const CALLS_PER_RUN: usize = 9;

/// One run of the soak.
#[derive(Debug, Clone, Copy)]
pub struct PlannedRun {
    pub fault: Fault,
    /// Which of the run's requests (1-based) gets the fault.
    pub target: usize,
    /// For a killed run: how long after its start the SIGKILL comes.
    pub kill_after: Option<Duration>,
}

/// The whole soak.
#[derive(Debug, Clone)]
pub struct Plan {
    pub seed: u64,
    pub runs: Vec<PlannedRun>,
    pub kills: Vec<PlannedRun>,
}

impl Plan {
    /// The plan for `SOAK_SEED` (or a fresh seed), `SOAK_RUNS` runs (200) and `SOAK_KILLS` kills (20).
    pub fn from_env() -> Result<Plan, String> {
        let seed = match std::env::var("SOAK_SEED") {
            Ok(text) => {
                text.trim().parse().map_err(|_| format!("SOAK_SEED={text:?} is not a whole number"))?
            }
            Err(_) => rand::rng().random(),
        };
        let runs = count("SOAK_RUNS", 200)?;
        let kills = count("SOAK_KILLS", (runs / 10).max(1))?;
        Ok(Plan::new(seed, runs, kills))
    }

    pub fn new(seed: u64, runs: usize, kills: usize) -> Plan {
        let mut rng = StdRng::seed_from_u64(seed);
        // Every fault comes up at least once when there are enough runs: a shuffled round of them
        // first, then random ones.
        let mut faults: Vec<Fault> = Vec::with_capacity(runs);
        while faults.len() < runs {
            let mut round = Fault::ALL.to_vec();
            for i in (1..round.len()).rev() {
                round.swap(i, rng.random_range(0..=i));
            }
            faults.extend(round);
        }
        let planned = |rng: &mut StdRng, fault: Fault, kill: bool| PlannedRun {
            fault,
            target: rng.random_range(1..=CALLS_PER_RUN),
            kill_after: kill.then(|| Duration::from_millis(rng.random_range(150..1500))),
        };
        let run_list = faults[..runs].iter().map(|f| planned(&mut rng, *f, false)).collect();
        let kill_list = (0..kills)
            .map(|_| {
                let fault = Fault::ALL[rng.random_range(0..Fault::ALL.len())];
                planned(&mut rng, fault, true)
            })
            .collect();
        Plan { seed, runs: run_list, kills: kill_list }
    }
}

fn count(name: &str, default: usize) -> Result<usize, String> {
    match std::env::var(name) {
        Ok(text) => text.trim().parse().map_err(|_| format!("{name}={text:?} is not a whole number")),
        Err(_) => Ok(default),
    }
}
