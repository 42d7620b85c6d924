//! CPU time of another process from `/proc`: its own (every thread, live or ended) and that of its
//! reaped children, per thread too, in clock ticks turned into durations.

use std::time::Duration;

/// CPU time of a process so far.
#[derive(Debug, Clone, Copy)]
pub struct ProcCpu {
    /// User + system time of all its threads.
    pub own: Duration,
    /// User + system time of the children it has waited for.
    pub children: Duration,
}

impl ProcCpu {
    pub fn read(pid: u32) -> Option<ProcCpu> {
        let fields = stat_fields(&format!("/proc/{pid}/stat"))?;
        Some(ProcCpu { own: ticks(&fields, UTIME, STIME)?, children: ticks(&fields, CUTIME, CSTIME)? })
    }
}

/// One thread name's share of a process: CPU time and how often its threads were switched in
/// (voluntary and forced context switches, from `status`): each wake-up costs a switch.
#[derive(Debug, Clone)]
pub struct ThreadCpu {
    pub name: String,
    pub cpu: Duration,
    pub switches: u64,
}

/// CPU time and switches of each live thread of `pid`, summed per thread name, most CPU first.
pub fn threads(pid: u32) -> Vec<ThreadCpu> {
    let mut by_name: Vec<ThreadCpu> = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return by_name };
    for task in tasks.flatten() {
        let path = task.path().join("stat");
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let name = text.split_once('(').and_then(|(_, rest)| rest.rsplit_once(')')).map(|(n, _)| n);
        let (Some(name), Some(fields)) = (name, stat_fields(&path.display().to_string())) else { continue };
        let Some(cpu) = ticks(&fields, UTIME, STIME) else { continue };
        let switches = switches(&task.path().join("status"));
        match by_name.iter_mut().find(|t| t.name == name) {
            Some(total) => {
                total.cpu += cpu;
                total.switches += switches;
            }
            None => by_name.push(ThreadCpu { name: name.to_string(), cpu, switches }),
        }
    }
    by_name.sort_by_key(|t| std::cmp::Reverse(t.cpu));
    by_name
}

/// Voluntary plus forced context switches of one thread since it started.
fn switches(status: &std::path::Path) -> u64 {
    let Ok(text) = std::fs::read_to_string(status) else { return 0 };
    text.lines()
        .filter(|line| line.contains("ctxt_switches:"))
        .filter_map(|line| line.split_whitespace().last()?.parse::<u64>().ok())
        .sum()
}

/// `tokio-rt-worker 220 ms (9120 switches), ailab 50 ms (400 switches), …`
pub fn describe(threads: &[ThreadCpu]) -> String {
    let parts: Vec<String> = threads
        .iter()
        .take(5)
        .map(|t| format!("{} {:.0} ms ({} switches)", t.name, t.cpu.as_secs_f64() * 1000.0, t.switches))
        .collect();
    if parts.is_empty() { "-".into() } else { parts.join(", ") }
}

/// Asks a process to leave (SIGTERM), as closing the terminal would.
pub fn terminate(pid: u32) {
    // SAFETY: sending a signal to a process id; a gone process only makes the call fail.
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGTERM);
    }
}

// Indices into `stat_fields` (proc(5) fields 14–17; index 0 is field 4, the parent's pid).
const UTIME: usize = 10;
const STIME: usize = 11;
const CUTIME: usize = 12;
const CSTIME: usize = 13;

/// The numeric fields after the command name (which may hold spaces) and the state letter.
fn stat_fields(path: &str) -> Option<Vec<u64>> {
    let text = std::fs::read_to_string(path).ok()?;
    let (_, rest) = text.rsplit_once(')')?;
    Some(rest.split_whitespace().skip(1).map(|f| f.parse().unwrap_or(0)).collect())
}

/// Fields `a` + `b` (clock ticks) as a duration.
fn ticks(fields: &[u64], a: usize, b: usize) -> Option<Duration> {
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let per_second = if per_second > 0 { per_second as u64 } else { 100 };
    let total = fields.get(a)? + fields.get(b)?;
    Some(Duration::from_nanos(total * 1_000_000_000 / per_second))
}
