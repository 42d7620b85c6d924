//! This process's footprint, from /proc: resident memory, open file descriptors, threads.

/// One reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footprint {
    pub rss_kb: u64,
    /// RSS before the allocator gave its free pages back.
    pub rss_raw_kb: u64,
    pub fds: usize,
    pub threads: u64,
    /// Tasks alive on the test's tokio runtime.
    pub tasks: usize,
    /// Memory SQLite holds (page caches, statements), all connections of the process.
    pub sqlite_kb: u64,
}

impl Footprint {
    /// Reads it now (the tasks of the current runtime), after handing the allocator's free pages
    /// back to the system: otherwise RSS keeps the high-water mark of the biggest run so far (a
    /// 3000-token answer), which says nothing about a leak. The RSS before that is `rss_raw_kb`.
    pub fn now() -> Footprint {
        let rss_raw_kb = rss_kb();
        // SAFETY: malloc_trim only returns free memory to the system; it touches no live allocation.
        unsafe { libc::malloc_trim(0) };
        Footprint { rss_raw_kb, ..Footprint::untrimmed() }
    }

    fn untrimmed() -> Footprint {
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
        // SAFETY: a plain read of SQLite's allocation counter, callable from any thread.
        let sqlite_bytes = unsafe { rusqlite::ffi::sqlite3_memory_used() };
        Footprint {
            rss_kb: field("VmRSS:"),
            rss_raw_kb: field("VmRSS:"),
            fds,
            threads: field("Threads:"),
            tasks,
            sqlite_kb: u64::try_from(sqlite_bytes).unwrap_or(0) / 1024,
        }
    }
}

impl std::fmt::Display for Footprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RSS {} KiB ({} before malloc_trim; SQLite {} KiB), {} fds, {} threads, {} tasks",
            self.rss_kb, self.rss_raw_kb, self.sqlite_kb, self.fds, self.threads, self.tasks
        )
    }
}

fn rss_kb() -> u64 {
    Footprint::untrimmed().rss_kb
}
