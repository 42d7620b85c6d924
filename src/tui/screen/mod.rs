//! What the screen shows, derived from the state: where everything goes (layouts, pure functions
//! of the terminal's size and the facts) and the text wrapped for it (rows kept in step with the
//! run, so a frame never re-wraps a whole transcript). Below both the reducer, which pages and
//! hit-tests against what the user sees, and the views, which only paint it.

pub mod help;
pub mod history;
pub mod lab;
pub mod layout;
pub mod messages;
pub mod prompts;
