//! The live view: the tree of panes streaming, the prompt box, zoom, help, themes.
//!
//! The shape (see STYLE.md): one inbound [`msg::Msg`] enum; a pure reducer
//! [`update::update`]`(&mut State, Msg) -> Vec<Effect>`; pure views ([`view::draw`]); a shell
//! ([`app`]) that owns the terminal, performs effects and draws at most once per frame. The run
//! on screen is built only from the engine's events ([`state::run_view::RunView::apply`]), so a
//! recorded run replays through the same code.

pub mod action;
pub mod app;
pub mod clipboard;
pub mod format;
pub mod keymap;
pub mod msg;
pub mod painter;
pub mod screen;
pub mod state;
pub mod terminal;
pub mod text;
pub mod theme;
pub mod tty_backend;
pub mod update;
pub mod view;

use crate::session::Settings;

/// Opens the live view (`ailab` with no command) and returns the exit code.
pub async fn run(settings: Settings) -> u8 {
    app::run(settings).await
}
