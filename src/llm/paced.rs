//! The network thread: chat calls talk HTTP on a runtime of their own, which reads the sockets in
//! ticks while answers stream.
//!
//! A server streams one token per write, so a socket becomes readable thousands of times a second
//! across a tree's calls, and a runtime waiting on the network is woken for each: a thread switch
//! and an epoll round per token, most of the process's CPU in a run (the benchmark suite's live
//! row measured it). Reading less often does not help while the runtime is woken anyway; only
//! not waiting on the network does. So this runtime runs in two modes:
//! - **waiting**: like any runtime, woken by the network at once (a request being sent, headers
//!   awaited, a slow stream), so nothing is delayed while nothing streams;
//! - **paced**: while text flows, the thread, whenever it has nothing left to run, sleeps out the
//!   rest of the current [`TICK`] before it waits on the network, then runs everything that
//!   arrived meanwhile (every stream's data read with one system call each, in one wake-up of one
//!   thread). A tick in which nothing streamed puts it back to waiting.
//!
//! A streamed piece therefore reaches the engine at most one tick late; a frame is drawn every
//! 25 ms at the most, so nobody sees it. A run started from the live view runs here too
//! ([`spawn`]), so its calls' pieces reach the engine without crossing threads; a call made from
//! another runtime hands its pieces back over a channel (`chat_call`).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::runtime::{Builder, Handle};

/// How long streamed data gathers between two reads in paced mode (under a frame, 25 ms).
pub const TICK: Duration = Duration::from_millis(20);

/// The network thread's runtime.
pub struct Paced {
    handle: Handle,
}

/// Set by a call that read streamed data since the thread last had nothing to run.
static STREAMED: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// True on the network thread.
    static ON_NETWORK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Paced {
    /// The network thread, started on first use; `None` if it cannot start (the calls then run on
    /// the caller's runtime, as before).
    pub fn get() -> Option<&'static Paced> {
        static PACED: OnceLock<Option<Paced>> = OnceLock::new();
        PACED.get_or_init(start).as_ref()
    }

    /// Runs `future` on the network thread.
    pub fn spawn<F>(&self, future: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Whether the caller runs on the network thread (a call made there needs no hand-over).
    pub fn is_current() -> bool {
        ON_NETWORK.with(std::cell::Cell::get)
    }

    /// Called by a call for each piece of a stream it read: the thread stays (or goes) paced.
    pub fn streamed(&self) {
        STREAMED.store(true, Ordering::Relaxed);
    }
}

/// Runs `future` on the network thread, or on the caller's runtime when there is none. A run
/// started here makes its calls where their HTTP runs: a streamed piece reaches the engine
/// without a hand-over to another thread.
pub fn spawn<F>(future: F) -> tokio::task::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    match Paced::get() {
        Some(paced) => paced.spawn(future),
        None => tokio::spawn(future),
    }
}

fn start() -> Option<Paced> {
    let epoch = Instant::now();
    let built = Builder::new_current_thread()
        .enable_all()
        // Called when the runtime has run everything that was ready and is about to wait on the
        // network and its timers: after a tick that streamed, first let the rest of the tick pass.
        .on_thread_park(move || {
            if STREAMED.swap(false, Ordering::Relaxed) {
                std::thread::sleep(until_next_tick(epoch.elapsed()));
            }
        })
        .build();
    let runtime = match built {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::warn!(%err, "cannot build the network runtime; calls run on the main one");
            return None;
        }
    };
    let handle = runtime.handle().clone();
    let started = std::thread::Builder::new().name("ailab-network".into()).spawn(move || {
        ON_NETWORK.with(|on| on.set(true));
        runtime.block_on(std::future::pending::<()>())
    });
    match started {
        Ok(_) => Some(Paced { handle }),
        Err(err) => {
            tracing::warn!(%err, "cannot start the network thread; calls run on the main one");
            None
        }
    }
}

/// What is left of the tick `elapsed` falls in (ticks counted from the thread's start, so calls
/// flowing at once are read together).
fn until_next_tick(elapsed: Duration) -> Duration {
    let tick = TICK.as_nanos();
    let into = elapsed.as_nanos() % tick;
    Duration::from_nanos(u64::try_from(tick - into).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeps_to_the_end_of_the_tick_it_is_in() {
        assert_eq!(until_next_tick(Duration::ZERO), TICK);
        assert_eq!(until_next_tick(Duration::from_millis(5)), Duration::from_millis(15));
        assert_eq!(until_next_tick(TICK * 7 + Duration::from_millis(19)), Duration::from_millis(1));
    }
}
