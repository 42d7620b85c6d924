//! ailab: a terminal lab for running a team of local language models as an organization.
//!
//! Data flows one way: `config` describes the tree, `llm` talks to OpenAI-compatible servers,
//! `engine` runs the cascade and emits one stream of [`engine::RunEvent`]s, and the consumers
//! (`cli` printer, `store` recorder, `tui`) only listen to that stream. Engine and store never
//! depend on the TUI. `session` holds what both front ends share (settings, the record's start-up,
//! exit codes), so neither names the other; the binary's `main.rs` chooses between them.

pub mod cli;
pub mod clock;
pub mod config;
pub mod engine;
pub mod lab;
pub mod llm;
pub mod panic;
pub mod paths;
pub mod session;
pub mod store;
pub mod text;
pub mod tui;
