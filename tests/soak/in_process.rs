//! The same runs through one long-lived process (the engine and the recorder in this test, as the
//! live view holds them), to see whether anything grows from run to run: headless `ask` is a
//! process per run, so it cannot show a leak.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use ailab::config::parse_hierarchy;
use ailab::engine::{Backends, Engine, EventSink, RunStatus};
use ailab::store::Recorder;
use tokio_util::sync::CancellationToken;

use crate::faulty::{FaultyMock, owed};
use crate::plan::PlannedRun;
use crate::process::Footprint;
use crate::record;

/// What the long-lived process did.
pub struct Soaked {
    /// The footprint after each run.
    pub footprints: Vec<Footprint>,
    pub statuses: Vec<RunStatus>,
    /// Text the mock sent that the record does not hold, by run.
    pub missing: Vec<(usize, String)>,
    pub owed_bytes: usize,
    pub secs: f64,
}

/// Runs `runs` one after the other through one engine and one recorder writing to `db`.
pub async fn soak(mock: &FaultyMock, runs: &[PlannedRun], db: &Path) -> Soaked {
    let mut hierarchy =
        parse_hierarchy(&crate::headless::soak_hierarchy_toml(), "soak").expect("the soak's tree");
    hierarchy.server.base_url = mock.mock.base_url();
    let engine = Engine::new(Arc::new(hierarchy.clone()), Backends::http(&hierarchy).expect("a client"));
    let db_path = db.to_path_buf();
    let recorder =
        tokio::task::spawn_blocking(move || Recorder::start(&db_path)).await.unwrap().expect("recorder");
    let began = Instant::now();
    let mut soaked = Soaked {
        footprints: Vec::new(),
        statuses: Vec::new(),
        missing: Vec::new(),
        owed_bytes: 0,
        secs: 0.0,
    };
    for (n, planned) in runs.iter().enumerate() {
        let first = mock.arm(planned);
        let sink = EventSink::new();
        sink.add(recorder.listener());
        let prompt = format!("Soak run {}: what makes a long walk good for thinking?", n + 1);
        let summary = engine.run(prompt, &sink, CancellationToken::new()).await;
        drop(sink);
        tokio::task::block_in_place(|| recorder.flush()).expect("the record is written");
        let exchanges = mock.collect(first);
        let owed = owed(&exchanges.sent, None);
        soaked.owed_bytes += owed.iter().map(|(_, c, r)| c.len() + r.len()).sum::<usize>();
        // A connection per check: one kept open would grow its page cache with the record, and
        // that is the test's memory, not the app's.
        let calls = record::calls(&record::open(db), &summary.run_id);
        for loss in record::missing(&calls, &owed, false) {
            soaked
                .missing
                .push((n + 1, format!("{:?} on request {}: {loss}", planned.fault, planned.target)));
        }
        soaked.statuses.push(summary.status);
        let footprint = Footprint::now();
        if (n + 1) % 20 == 0 {
            println!("soak (one process): after run {}: {footprint}", n + 1);
        }
        soaked.footprints.push(footprint);
    }
    soaked.secs = began.elapsed().as_secs_f64();
    tokio::task::spawn_blocking(move || recorder.shutdown()).await.unwrap().expect("the recorder closes");
    soaked
}
