//! The live view's reducer and views as the loop runs them, for tests that drive a `State`
//! directly: each message is folded against the screen derived from the state as it stands
//! (what the user sees), and each frame is drawn from the state and its screen.

use ailab::tui::msg::{Effect, Msg};
use ailab::tui::screen::Screen;
use ailab::tui::state::State;
use ratatui::Frame;

/// Folds `msg` into `state` as the loop does, against the screen the state shows now.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let screen = Screen::of(state);
    ailab::tui::update::update(state, &screen, msg)
}

/// Draws `state` as the loop would.
#[allow(dead_code)]
pub fn draw(frame: &mut Frame, state: &State) {
    ailab::tui::view::draw(frame, state, &Screen::of(state));
}
