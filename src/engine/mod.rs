//! The cascade: the root splits the query, children run concurrently, parents synthesize.
//!
//! The engine knows nothing of terminals or databases. It takes a hierarchy, a set of backends
//! and an [`EventSink`], and reports everything it does as [`RunEvent`]s.
//!
//! This file only names the parts: [`Engine`] is in `runner`, the recursion in `cascade`.

pub mod arms;
pub mod backends;
mod call;
mod cascade;
pub mod checks;
pub mod conversation;
mod early;
mod ending;
pub mod events;
mod expansion;
mod finish;
mod ids;
pub mod loop_guard;
pub mod probe;
pub mod prompts;
mod restart;
mod runner;
mod schema_form;
pub mod sink;
pub mod split;
mod split_step;
pub mod split_stream;
mod stream_watch;
pub mod testkit;
#[cfg(test)]
mod tests;
pub mod timeline;

pub use backends::Backends;
pub use conversation::{Conversation, Exchange, PastTurn, TurnInfo, TurnKind};
pub use ending::describe as describe_error;
pub use ending::{
    CUT_OFF, LOOPED, RESTARTED, SCHEMA_AS_JSON_OBJECT, SCHEMA_REFUSED, STOPPED_FOR_RESTART, is_not_a_failure,
};
pub use events::{
    AfterFailure, CallId, CallMetrics, EventKind, NodeStatus, ReflectionRound, RunEvent, RunId, RunStatus,
    RunSummary, RunTotals, SplitMethod,
};
pub use ids::{hierarchy_hash, new_run_id};
pub use runner::Engine;
pub use sink::{EventSink, RunEmitter};
pub use stream_watch::SILENCE_STEP_SECS;
