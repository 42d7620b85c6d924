//! The real binary, one `ailab ask` per run, against the faulty mock, all into one record; some
//! runs killed with SIGKILL mid-run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::faulty::{FaultyMock, owed};
use crate::plan::PlannedRun;
use crate::record;

/// What a killed run still owes the record: its text up to this long before the kill.
pub const KILL_GRACE: Duration = Duration::from_millis(500);

/// Where the soak keeps its record and its tree.
pub struct Setup {
    pub dirs: tempfile::TempDir,
    pub db: PathBuf,
    pub hierarchy: PathBuf,
}

impl Setup {
    pub fn new() -> Setup {
        let dirs = tempfile::tempdir().expect("a temporary folder");
        let hierarchy = dirs.path().join("hierarchy.toml");
        std::fs::write(&hierarchy, soak_hierarchy_toml()).expect("the soak's tree is written");
        Setup { db: dirs.path().join("soak.db"), hierarchy, dirs }
    }
}

/// The repository's tree with timeouts a soak can wait out: a stall (3 s) outlasts the idle
/// timeout (2 s), a slow first token (1.5 s) does not outlast the first-token timeout (10 s).
pub fn soak_hierarchy_toml() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("hierarchy.toml");
    let text = std::fs::read_to_string(&path).expect("hierarchy.toml is readable");
    let replaced = text
        .replace("\nfirst_token_timeout_secs = 300\n", "\nfirst_token_timeout_secs = 10\n")
        .replace("\nidle_timeout_secs = 60\n", "\nidle_timeout_secs = 2\n");
    assert_eq!(replaced.matches("_timeout_secs = ").count(), 3, "the timeouts moved in hierarchy.toml");
    assert!(
        replaced.contains("idle_timeout_secs = 2\n") && replaced.contains("first_token_timeout_secs = 10\n")
    );
    replaced
}

/// One run as it went.
#[derive(Debug)]
pub struct Outcome {
    pub run: Option<String>,
    pub exit: Option<i32>,
    /// The kill came while the run was going.
    pub killed: bool,
    pub requests: usize,
    pub faulted: bool,
    pub owed_bytes: usize,
    pub missing: Vec<String>,
    pub took: Duration,
}

/// Runs `planned` as run number `n`: `ailab ask` to its end, or killed at its moment.
pub fn one_run(
    mock: &FaultyMock,
    setup: &Setup,
    n: usize,
    planned: &PlannedRun,
    last_seq: &mut i64,
) -> Outcome {
    let first = mock.arm(planned);
    let began = Instant::now();
    let mut cmd =
        crate::support::ailab_at(env!("CARGO_BIN_EXE_ailab"), &mock.mock.base_url(), setup.dirs.path());
    cmd.arg("--db").arg(&setup.db).arg("--hierarchy").arg(&setup.hierarchy);
    cmd.args(["ask", "--quiet", &format!("Soak run {n}: what makes a long walk good for thinking?")]);
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    let (exit, killed_at) = run(cmd, planned.kill_after);
    if killed_at.is_some() {
        // Let the mock notice the dead connection before its log is read.
        std::thread::sleep(Duration::from_millis(200));
    }
    let took = began.elapsed();
    let exchanges = mock.collect(first);
    let conn = record::open(&setup.db);
    let runs = record::runs_after(&conn, *last_seq);
    if let Some((seq, _)) = runs.last() {
        *last_seq = *seq;
    }
    assert!(runs.len() <= 1, "run {n} left {} runs in the record: {runs:?}", runs.len());
    let run = runs.into_iter().next().map(|(_, id)| id);
    let cutoff = killed_at.map(|at| at - KILL_GRACE);
    let owed = owed(&exchanges.sent, cutoff);
    let calls = run.as_deref().map(|id| record::calls(&conn, id)).unwrap_or_default();
    Outcome {
        exit,
        killed: killed_at.is_some(),
        requests: exchanges.requests,
        faulted: exchanges.faulted.is_some(),
        owed_bytes: owed.iter().map(|(_, c, r)| c.len() + r.len()).sum(),
        missing: record::missing(&calls, &owed, killed_at.is_some()),
        run,
        took,
    }
}

/// Runs the command to its end, or kills it after `kill_after` if it is still going; the exit
/// code and when the kill came.
fn run(mut cmd: Command, kill_after: Option<Duration>) -> (Option<i32>, Option<Instant>) {
    let mut child = cmd.spawn().expect("the binary starts");
    let Some(after) = kill_after else {
        return (child.wait().expect("the binary ends").code(), None);
    };
    let deadline = Instant::now() + after;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("the binary can be waited on") {
            return (status.code(), None);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // SIGKILL (std's kill on Unix): no chance to flush or close anything.
    let _ = child.kill();
    let killed_at = Instant::now();
    let status = child.wait().expect("the killed binary is reaped");
    // An exit code means it finished on its own just before the kill.
    (status.code(), status.code().is_none().then_some(killed_at))
}
