//! Fan-out of the one event stream to its listeners. Sending never waits: a slow listener
//! (the database, a busy terminal) can never slow the engine down.

use std::sync::Arc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::events::{EventKind, RunEvent, RunId};
use crate::clock::now_ms;

/// Where the engine sends its events. Cloning shares the same listeners.
#[derive(Clone, Default)]
pub struct EventSink {
    listeners: Arc<std::sync::Mutex<Listeners>>,
}

#[derive(Default)]
struct Listeners {
    senders: Vec<UnboundedSender<RunEvent>>,
    /// The time stamped on the latest event: stamps never go back, whatever thread emits.
    last_ms: i64,
}

impl EventSink {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a listener; it receives every event sent from now on.
    pub fn subscribe(&self) -> UnboundedReceiver<RunEvent> {
        let (tx, rx) = unbounded_channel();
        self.add(tx);
        rx
    }

    /// Adds an existing channel as a listener (the TUI's inbound message channel, say).
    pub fn add(&self, tx: UnboundedSender<RunEvent>) {
        if let Ok(mut listeners) = self.listeners.lock() {
            listeners.senders.push(tx);
        }
    }

    /// Sends an event to every listener still listening.
    pub fn send(&self, event: RunEvent) {
        if let Ok(mut listeners) = self.listeners.lock() {
            listeners.send(event);
        }
    }

    /// Stamps `kind` with the run and the time, and sends it. The time is taken under the same
    /// lock as the sending, so every listener sees the events in one order with times that never
    /// go back (a replay from the record then matches the live stream exactly).
    fn emit(&self, run_id: &RunId, kind: EventKind) {
        if let Ok(mut listeners) = self.listeners.lock() {
            let at_ms = now_ms().max(listeners.last_ms);
            listeners.last_ms = at_ms;
            listeners.send(RunEvent { run_id: run_id.clone(), at_ms, kind });
        }
    }

    /// A sender bound to one run, stamping every event with its id and the time.
    pub fn for_run(&self, run_id: RunId) -> RunEmitter {
        RunEmitter { sink: self.clone(), run_id }
    }
}

impl Listeners {
    fn send(&mut self, event: RunEvent) {
        // The last listener gets the original; a closed listener is dropped for good.
        self.senders.retain(|tx| !tx.is_closed());
        if let Some((last, rest)) = self.senders.split_last() {
            for tx in rest {
                let _ = tx.send(event.clone());
            }
            let _ = last.send(event);
        }
    }
}

/// Emits events for one run.
#[derive(Clone)]
pub struct RunEmitter {
    sink: EventSink,
    run_id: RunId,
}

impl RunEmitter {
    pub fn run_id(&self) -> &RunId {
        &self.run_id
    }

    pub fn emit(&self, kind: EventKind) {
        self.sink.emit(&self.run_id, kind);
    }
}
