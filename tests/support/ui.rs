//! The live view's reducer as the loop runs it, for tests that drive a `State`
//! directly: each message is folded against the screen derived from the state as it stands
//! (what the user sees). Drawing is in `screen.rs`.

use ailab::tui::msg::{Effect, Msg};
use ailab::tui::screen::Screen;
use ailab::tui::state::State;

/// Folds `msg` into `state` as the loop does, against the screen the state shows now.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let screen = Screen::of(state);
    ailab::tui::update::update(state, &screen, msg)
}
