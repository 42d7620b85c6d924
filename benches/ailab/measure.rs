//! Clocks and counters the suite measures with: CPU time per thread and per process (the kernel's
//! own accounting, so time spent waiting on the mock's pace costs nothing), peak resident memory,
//! and medians.

use std::time::Duration;

/// A CPU-time clock of one thread (its `pthread_getcpuclockid`), readable from any thread while
/// that thread lives. Lets the suite subtract the mock server's share from the process's CPU time.
#[derive(Debug, Clone, Copy)]
pub struct ThreadClock(libc::clockid_t);

impl ThreadClock {
    /// The clock of the calling thread.
    pub fn current() -> ThreadClock {
        let mut id: libc::clockid_t = 0;
        // SAFETY: pthread_self is always a valid thread handle; `id` is a valid out pointer.
        let rc = unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut id) };
        if rc == 0 { ThreadClock(id) } else { ThreadClock(libc::CLOCK_THREAD_CPUTIME_ID) }
    }

    /// CPU time the thread has used so far.
    pub fn now(self) -> Duration {
        read_clock(self.0)
    }
}

/// CPU time of the calling thread.
pub fn thread_cpu() -> Duration {
    read_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU time of the whole process (every thread, user and system).
pub fn process_cpu() -> Duration {
    read_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

fn read_clock(id: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid out pointer; an invalid clock id only makes the call fail.
    let rc = unsafe { libc::clock_gettime(id, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Peak resident memory (`VmHWM`) of a process in KiB, from `/proc/<pid>/status`.
pub fn peak_rss_kib(pid: Option<u32>) -> Option<u64> {
    status_field(pid, "VmHWM:")
}

fn status_field(pid: Option<u32>, field: &str) -> Option<u64> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_string(),
    };
    let status = std::fs::read_to_string(path).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The median of some samples (the mean of the middle two for an even count); 0 for none.
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    if sorted.is_empty() {
        return 0.0;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 { sorted[mid] } else { (sorted[mid - 1] + sorted[mid]) / 2.0 }
}

/// Milliseconds as a float.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
