//! The mock with one fault armed per run, and what it sent for each run's requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::plan::PlannedRun;
use crate::support::mock_server::{Fault, SentText};
use crate::support::{MockConfig, MockServer};

/// The request (by its index) that gets the fault, and the fault.
type Armed = Arc<Mutex<Option<(usize, Fault)>>>;

/// A mock that answers by default, except one request per run.
pub struct FaultyMock {
    pub mock: MockServer,
    armed: Armed,
}

/// The requests of one run and what the mock streamed for each.
pub struct Exchanges {
    /// Request index -> what it streamed (requests that streamed nothing are left out).
    pub sent: HashMap<usize, SentText>,
    /// Chat requests the run made.
    pub requests: usize,
    /// The request that met the fault, if the run got that far.
    pub faulted: Option<usize>,
}

impl FaultyMock {
    /// A mock on its own thread, paced like a fast local server.
    pub fn start() -> FaultyMock {
        let config = MockConfig::default();
        let mock = MockServer::start_in_thread(config.clone());
        let armed: Armed = Arc::new(Mutex::new(None));
        let armed_in_responder = armed.clone();
        mock.respond_with(move |request| {
            let armed = *armed_in_responder.lock().unwrap_or_else(|p| p.into_inner());
            match armed {
                Some((index, fault)) if index == request.index => Some(fault.reply(request, &config)),
                _ => None,
            }
        });
        FaultyMock { mock, armed }
    }

    /// Arms `run`'s fault for its `target`-th request from now; returns the first index of the run.
    pub fn arm(&self, run: &PlannedRun) -> usize {
        let first = self.mock.chat_count() + 1;
        *self.armed.lock().unwrap_or_else(|p| p.into_inner()) = Some((first + run.target - 1, run.fault));
        first
    }

    /// What the run that began at request `first` sent, taken out of the mock's logs (so they do
    /// not grow over a long soak).
    pub fn collect(&self, first: usize) -> Exchanges {
        let last = self.mock.chat_count();
        let armed = self.armed.lock().unwrap_or_else(|p| p.into_inner()).take();
        let mut sent = self.mock.take_sent();
        sent.retain(|index, s| *index >= first && (!s.content.is_empty() || !s.reasoning.is_empty()));
        self.mock.take_requests();
        Exchanges {
            sent,
            requests: last + 1 - first,
            faulted: armed.map(|(index, _)| index).filter(|index| *index <= last),
        }
    }
}

/// What `sent` owes the record: each request's readable text before `cutoff` (all for `None`).
pub fn owed(sent: &HashMap<usize, SentText>, cutoff: Option<Instant>) -> Vec<(usize, String, String)> {
    let mut owed: Vec<_> = sent
        .iter()
        .map(|(index, s)| (*index, s.content_before(cutoff), s.reasoning_before(cutoff)))
        .filter(|(_, content, reasoning)| !content.is_empty() || !reasoning.is_empty())
        .collect();
    owed.sort_by_key(|(index, ..)| *index);
    owed
}
