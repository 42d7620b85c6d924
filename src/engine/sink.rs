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

/// One listener: a channel of run events, or a function that forwards them into a channel of
/// its own (the TUI's messages) with no task in between to wake per event.
enum Listener {
    Channel(UnboundedSender<RunEvent>),
    Forward(Box<dyn Fn(RunEvent) -> bool + Send>),
}

impl Listener {
    /// Hands the event on; false once the listener has gone.
    fn send(&self, event: RunEvent) -> bool {
        match self {
            Listener::Channel(tx) => tx.send(event).is_ok(),
            Listener::Forward(forward) => forward(event),
        }
    }

    fn is_closed(&self) -> bool {
        match self {
            Listener::Channel(tx) => tx.is_closed(),
            Listener::Forward(_) => false,
        }
    }
}

#[derive(Default)]
struct Listeners {
    senders: Vec<Listener>,
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
        self.push(Listener::Channel(tx));
    }

    /// Adds a listener that forwards each event itself (wrapped into another channel's message)
    /// and says whether it is still listening; it is dropped once it says no.
    pub fn forward(&self, forward: impl Fn(RunEvent) -> bool + Send + 'static) {
        self.push(Listener::Forward(Box::new(forward)));
    }

    fn push(&self, listener: Listener) {
        if let Ok(mut listeners) = self.listeners.lock() {
            listeners.senders.push(listener);
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
        // The last listener gets the original; a listener that has gone is dropped for good.
        let count = self.senders.len();
        let mut event = Some(event);
        let mut seen = 0;
        self.senders.retain(|listener| {
            seen += 1;
            let copy = if seen == count { event.take() } else { event.clone() };
            !listener.is_closed() && copy.is_some_and(|e| listener.send(e))
        });
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    fn finished(sink: &EventSink, run: &str) {
        sink.for_run(run.into()).emit(EventKind::NodeFailed { node: "nova".into(), reason: "test".into() });
    }

    #[test]
    fn a_forwarding_listener_gets_every_event_in_order_beside_a_channel() {
        let sink = EventSink::new();
        let mut channel = sink.subscribe();
        let forwarded = Arc::new(Mutex::new(Vec::new()));
        let seen = forwarded.clone();
        sink.forward(move |event| seen.lock().map(|mut seen| seen.push(event.run_id.to_string())).is_ok());
        finished(&sink, "a");
        finished(&sink, "b");
        let runs: Vec<String> =
            std::iter::from_fn(|| channel.try_recv().ok()).map(|e| e.run_id.to_string()).collect();
        assert_eq!(runs, ["a", "b"]);
        assert_eq!(*forwarded.lock().unwrap(), ["a", "b"]);
    }

    #[test]
    fn a_forwarding_listener_that_has_gone_is_dropped_and_the_others_still_hear() {
        let sink = EventSink::new();
        let calls = Arc::new(Mutex::new(0));
        let counted = calls.clone();
        // Gone after its first event (its channel closed, say).
        sink.forward(move |_| {
            *counted.lock().unwrap() += 1;
            false
        });
        let mut channel = sink.subscribe();
        finished(&sink, "a");
        finished(&sink, "b");
        assert_eq!(*calls.lock().unwrap(), 1, "a listener that said it has gone is not called again");
        assert_eq!(std::iter::from_fn(|| channel.try_recv().ok()).count(), 2);
    }
}
