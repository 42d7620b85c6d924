//! This process's footprint, from /proc: resident memory, open file descriptors, threads.

/// One reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footprint {
    pub rss_kb: u64,
    pub fds: usize,
    pub threads: u64,
    /// Tasks alive on the test's tokio runtime.
    pub tasks: usize,
}

impl Footprint {
    /// Reads it now (the tasks of the current runtime).
    pub fn now() -> Footprint {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        let fds = std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0);
        let tasks = tokio::runtime::Handle::try_current().map(|h| h.metrics().num_alive_tasks()).unwrap_or(0);
        Footprint { rss_kb: field("VmRSS:"), fds, threads: field("Threads:"), tasks }
    }
}

impl std::fmt::Display for Footprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RSS {} KiB, {} fds, {} threads, {} tasks", self.rss_kb, self.fds, self.threads, self.tasks)
    }
}
