//! One backend and one concurrency limit per endpoint: requests to the same server share its
//! "Max Concurrent Predictions" instead of queueing inside it and burning their timeouts.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};

use tokio::sync::Semaphore;

use crate::config::Hierarchy;
use crate::llm::client::HttpBackend;
use crate::llm::demo::DemoBackend;
use crate::llm::{ChatBackend, LlmError};

/// The form of `response_format` a server takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaForm {
    /// OpenAI's `{"type": "json_schema", "json_schema": {…}}` (what every request starts with).
    OpenAi = 0,
    /// llama-cpp-python's `{"type": "json_object", "schema": {…}}`.
    JsonObject = 1,
    /// None: splits go without a schema.
    None = 2,
}

/// A backend with the limit of requests it may have in flight.
#[derive(Clone)]
pub struct Endpoint {
    pub backend: Arc<dyn ChatBackend>,
    limit: Arc<Semaphore>,
    /// The one slot calls take instead of `limit` once the server is found to cut a stream off
    /// when another request arrives (llama-cpp-python's `--interrupt_requests`).
    solo: Arc<Semaphore>,
    one_at_a_time: Arc<AtomicBool>,
    /// Per model: has a request to it produced a token yet? (See [`Endpoint::warm_gate`].)
    warm: Arc<std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<bool>>>>>,
    /// The form of `response_format` the server takes, learnt from its refusals (a
    /// [`SchemaForm`] as a number; see `engine::schema_form`).
    schema_form: Arc<AtomicU8>,
    /// Calls waiting for a slot of `limit`, by ticket (the semaphore is fair: first come, first
    /// served, so the tickets before one are the calls ahead of it).
    queue: Arc<Queue>,
}

#[derive(Default)]
struct Queue {
    tickets: std::sync::Mutex<BTreeSet<u64>>,
    next: AtomicU64,
    /// Bumped whenever a call joins or leaves, for the waiting ones to recount.
    changed: tokio::sync::watch::Sender<u64>,
}

impl Queue {
    fn bump(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// A place in an endpoint's queue, left when dropped (with its slot, or cancelled).
pub struct Waiting {
    ticket: u64,
    queue: Arc<Queue>,
}

impl Waiting {
    /// Calls waiting before this one.
    pub fn ahead(&self) -> u32 {
        let tickets = self.queue.tickets.lock();
        tickets.map_or(0, |t| t.range(..self.ticket).count() as u32)
    }

    /// Wakes when a call joins or leaves the queue.
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.queue.changed.subscribe()
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Ok(mut tickets) = self.queue.tickets.lock() {
            tickets.remove(&self.ticket);
        }
        self.queue.bump();
    }
}

impl Endpoint {
    fn new(backend: Arc<dyn ChatBackend>, max_concurrent: usize) -> Self {
        Self {
            backend,
            limit: Arc::new(Semaphore::new(max_concurrent.max(1))),
            solo: Arc::new(Semaphore::new(1)),
            one_at_a_time: Arc::default(),
            warm: Arc::default(),
            schema_form: Arc::default(),
            queue: Arc::default(),
        }
    }

    /// Joins the queue for a slot.
    pub fn queue(&self) -> Waiting {
        let ticket = self.queue.next.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut tickets) = self.queue.tickets.lock() {
            tickets.insert(ticket);
        }
        self.queue.bump();
        Waiting { ticket, queue: self.queue.clone() }
    }

    /// The slots a call takes one of before it is sent: `max_concurrent` of them, or one once the
    /// server goes one request at a time.
    pub fn slots(&self) -> &Semaphore {
        if self.one_at_a_time.load(Ordering::Relaxed) { &self.solo } else { &self.limit }
    }

    /// From now on this server gets one request at a time (calls already sent finish as they are).
    pub fn go_one_at_a_time(&self) {
        self.one_at_a_time.store(true, Ordering::Relaxed);
    }

    /// The form of JSON schema this server takes, as learnt so far.
    pub fn schema_form(&self) -> SchemaForm {
        match self.schema_form.load(Ordering::Relaxed) {
            0 => SchemaForm::OpenAi,
            1 => SchemaForm::JsonObject,
            _ => SchemaForm::None,
        }
    }

    pub fn set_schema_form(&self, form: SchemaForm) {
        self.schema_form.store(form as u8, Ordering::Relaxed);
    }

    /// The gate for a model: holds `true` once a request to it produced a token (so the model is
    /// loaded). The first request to a cold model holds the lock until its first token, so
    /// concurrent first requests cannot make LM Studio load several instances of it (BT#1751).
    pub fn warm_gate(&self, model: &str) -> Arc<tokio::sync::Mutex<bool>> {
        match self.warm.lock() {
            Ok(mut gates) => gates.entry(model.to_string()).or_default().clone(),
            // A poisoned map only loses the optimisation, never the call.
            Err(_) => Arc::new(tokio::sync::Mutex::new(true)),
        }
    }
}

/// The backends a hierarchy's nodes talk to, by endpoint URL.
#[derive(Clone)]
pub struct Backends {
    by_url: HashMap<String, Endpoint>,
    /// Used for any URL not in the map (the demo, or a single scripted backend in tests).
    fallback: Option<Endpoint>,
}

impl Backends {
    /// Real HTTP clients: one per distinct endpoint in the hierarchy.
    pub fn http(hierarchy: &Hierarchy) -> Result<Self, LlmError> {
        let mut by_url = HashMap::new();
        let urls = std::iter::once(hierarchy.server.base_url.as_str())
            .chain(hierarchy.nodes.iter().filter_map(|n| n.endpoint.as_deref()));
        for url in urls {
            if by_url.contains_key(url) {
                continue;
            }
            let backend = HttpBackend::new(url, &hierarchy.server)?;
            by_url.insert(url.to_string(), Endpoint::new(Arc::new(backend), hierarchy.server.max_concurrent));
        }
        Ok(Self { by_url, fallback: None })
    }

    /// The offline demo for every node.
    pub fn demo(hierarchy: &Hierarchy) -> Self {
        Self::single(Arc::new(DemoBackend::new()), hierarchy.server.max_concurrent)
    }

    /// One backend for every endpoint (the demo, or a scripted backend in tests).
    pub fn single(backend: Arc<dyn ChatBackend>, max_concurrent: usize) -> Self {
        Self { by_url: HashMap::new(), fallback: Some(Endpoint::new(backend, max_concurrent)) }
    }

    /// The endpoint serving a URL.
    pub fn get(&self, url: &str) -> Option<&Endpoint> {
        self.by_url.get(url).or(self.fallback.as_ref())
    }

    /// Every distinct endpoint, for health checks.
    pub fn all(&self) -> Vec<(&str, &Endpoint)> {
        let mut all: Vec<_> = self.by_url.iter().map(|(u, e)| (u.as_str(), e)).collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        if let Some(fallback) = &self.fallback {
            all.push((fallback.backend.endpoint(), fallback));
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_gone_one_at_a_time_has_one_slot_for_new_calls() {
        let endpoint = Endpoint::new(Arc::new(DemoBackend::new()), 4);
        assert_eq!(endpoint.slots().available_permits(), 4);
        endpoint.go_one_at_a_time();
        assert_eq!(endpoint.slots().available_permits(), 1);
        assert_eq!(endpoint.schema_form(), SchemaForm::OpenAi);
        endpoint.set_schema_form(SchemaForm::JsonObject);
        assert_eq!(endpoint.schema_form(), SchemaForm::JsonObject);
    }
}
