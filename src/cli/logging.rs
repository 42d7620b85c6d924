//! Logs go to a file under the data dir (never to the screen, which the live view owns).

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Starts file logging; returns the guard that flushes on drop. `AILAB_LOG` sets the filter.
pub fn init(_tui: bool) -> Option<WorkerGuard> {
    let dir = crate::paths::data_dir()?.join("logs");
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::daily(dir, "ailab.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("AILAB_LOG").unwrap_or_else(|_| EnvFilter::new("ailab=info"));
    tracing_subscriber::fmt().with_writer(writer).with_ansi(false).with_env_filter(filter).try_init().ok()?;
    Some(guard)
}
