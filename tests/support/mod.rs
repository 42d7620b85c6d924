//! Shared support for integration tests and benchmarks: the in-process OpenAI-compatible mock
//! server. Included by each test crate with `mod support;` and by benches and examples with
//! `#[path = "../tests/support/mod.rs"] mod support;`.
//!
//! Beside it, and included on their own by the suites that use them (`#[path]`): `screen.rs`
//! (a state drawn on a `TestBackend` and read back, the recording backend, the screen's rules)
//! and `tmux.rs` (the one tmux driver of the end-to-end tests).

// Every crate that includes this module uses a different part of it; what one crate leaves
// unused is used by another, so it is not dead code.
#![allow(dead_code, unused_imports)]

pub mod mock_server;

pub use mock_server::{LineEnding, MockConfig, MockServer, RecordedRequest, Reply, Step, StreamScript};
