//! The tasks that turn the outside world into messages: terminal input, the clock and signals
//! (the engine's events go straight from its sink into the loop's channel).

use std::time::Duration;

use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::clock::now_ms;
use crate::tui::msg::Msg;

/// How often the clock ticks (spinners, tok/s, elapsed times).
pub const TICK: Duration = Duration::from_millis(100);

/// Terminal input until `stop` fires or the terminal goes away.
pub async fn terminal_events(tx: UnboundedSender<Msg>, stop: CancellationToken) {
    let mut events = EventStream::new();
    loop {
        let next = tokio::select! {
            _ = stop.cancelled() => return,
            next = events.next() => next,
        };
        let msg = match next {
            Some(Ok(Event::Key(key))) => Msg::Key(key),
            Some(Ok(Event::Mouse(mouse))) => Msg::Mouse(mouse),
            Some(Ok(Event::Paste(text))) => Msg::Paste(text),
            Some(Ok(Event::Resize(width, height))) => Msg::Resize { width, height },
            Some(Ok(_)) => continue,
            Some(Err(err)) => {
                tracing::error!(%err, "cannot read the terminal");
                let _ = tx.send(Msg::Signal("terminal error"));
                return;
            }
            None => {
                let _ = tx.send(Msg::Signal("terminal closed"));
                return;
            }
        };
        if tx.send(msg).is_err() {
            return;
        }
    }
}

/// The clock.
pub async fn ticks(tx: UnboundedSender<Msg>, stop: CancellationToken) {
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = interval.tick() => {
                if tx.send(Msg::Tick { now_ms: now_ms() }).is_err() {
                    return;
                }
            }
        }
    }
}

/// SIGTERM, SIGHUP and SIGINT end the app cleanly (the terminal is restored on the way out).
#[cfg(unix)]
pub async fn signals(tx: UnboundedSender<Msg>, stop: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup), Ok(mut int)) =
        (signal(SignalKind::terminate()), signal(SignalKind::hangup()), signal(SignalKind::interrupt()))
    else {
        tracing::warn!("cannot listen for signals");
        return;
    };
    let name = tokio::select! {
        _ = stop.cancelled() => return,
        _ = term.recv() => "SIGTERM",
        _ = hup.recv() => "SIGHUP",
        _ = int.recv() => "SIGINT",
    };
    tracing::info!(signal = name, "leaving on a signal");
    let _ = tx.send(Msg::Signal(name));
}

#[cfg(not(unix))]
pub async fn signals(tx: UnboundedSender<Msg>, stop: CancellationToken) {
    tokio::select! {
        _ = stop.cancelled() => {}
        _ = tokio::signal::ctrl_c() => { let _ = tx.send(Msg::Signal("Ctrl-C")); }
    }
}
