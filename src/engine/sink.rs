//! Fan-out of the one event stream to its listeners. Sending never waits: a slow listener
//! (the database, a busy terminal) can never slow the engine down.

use std::sync::Arc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::events::{EventKind, RunEvent, RunId};
use crate::clock::now_ms;

/// Where the engine sends its events. Cloning shares the same listeners.
#[derive(Clone, Default)]
pub struct EventSink {
    listeners: Arc<std::sync::Mutex<Vec<UnboundedSender<RunEvent>>>>,
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
            listeners.push(tx);
        }
    }

    /// Sends an event to every listener still listening.
    pub fn send(&self, event: RunEvent) {
        if let Ok(mut listeners) = self.listeners.lock() {
            // The last listener gets the original; a closed listener is dropped for good.
            listeners.retain(|tx| !tx.is_closed());
            if let Some((last, rest)) = listeners.split_last() {
                for tx in rest {
                    let _ = tx.send(event.clone());
                }
                let _ = last.send(event);
            }
        }
    }

    /// A sender bound to one run, stamping every event with its id and the time.
    pub fn for_run(&self, run_id: RunId) -> RunEmitter {
        RunEmitter { sink: self.clone(), run_id }
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
        self.sink.send(RunEvent { run_id: self.run_id.clone(), at_ms: now_ms(), kind });
    }
}
