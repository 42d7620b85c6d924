//! The loop: await one message, drain what else is waiting, update, and draw at most once per
//! frame interval. Tokens arriving by the thousand cost one frame, not thousands.

use std::io;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

use crate::tui::msg::{Effect, Msg};
use crate::tui::screen::Screen;
use crate::tui::state::State;
use crate::tui::update::{needs_redraw, update};
use crate::tui::view;

/// The shortest time between two frames (40 fps).
pub const FRAME: Duration = Duration::from_millis(25);

/// Most messages folded before a frame gets a chance to be drawn.
const BATCH: usize = 4096;

/// Performs effects for the loop (the real shell, or a test double).
pub trait Performer {
    fn perform(&mut self, effect: Effect);

    /// True (once) when the screen must be drawn again in full: another program used it.
    fn take_full_redraw(&mut self) -> bool {
        false
    }
}

/// Why the loop ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    /// The user (or a signal) asked to quit.
    Quit,
    /// Every sender is gone.
    Closed,
}

/// Runs until a `Quit` effect or the channel closes. The screen derived from the state is kept
/// in step after every message, so the reducer pages and hit-tests against what is on screen.
pub async fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    rx: &mut UnboundedReceiver<Msg>,
    performer: &mut impl Performer,
    frame: Duration,
) -> io::Result<Exit> {
    let mut screen = Screen::of(state);
    draw(terminal, state, &screen)?;
    let mut last_draw = Instant::now();
    let mut dirty = false;
    loop {
        let first = if dirty {
            tokio::select! {
                msg = rx.recv() => msg,
                _ = tokio::time::sleep_until(last_draw + frame) => {
                    draw(terminal, state, &screen)?;
                    last_draw = Instant::now();
                    dirty = false;
                    continue;
                }
            }
        } else {
            rx.recv().await
        };
        let Some(first) = first else { return Ok(Exit::Closed) };
        let mut next = Some(first);
        let mut handled = 0;
        while let Some(msg) = next.take() {
            dirty |= needs_redraw(state, &msg);
            let effects = update(state, &screen, msg);
            screen.sync(state);
            for effect in effects {
                if effect == Effect::Quit {
                    return Ok(Exit::Quit);
                }
                performer.perform(effect);
                if performer.take_full_redraw() {
                    redraw_all(terminal)?;
                    dirty = true;
                }
            }
            handled += 1;
            if handled < BATCH {
                next = rx.try_recv().ok();
            }
        }
        if dirty && last_draw.elapsed() >= frame {
            draw(terminal, state, &screen)?;
            last_draw = Instant::now();
            dirty = false;
        }
    }
}

/// Makes the next frame repaint every cell. (`Terminal::clear` would ask the terminal where its
/// cursor is, which waits on the key reader that holds crossterm's event lock.)
fn redraw_all<B: Backend>(terminal: &mut Terminal<B>) -> io::Result<()> {
    let size = terminal.size().map_err(|e| io::Error::other(e.to_string()))?;
    let area = ratatui::layout::Rect::new(0, 0, size.width, size.height);
    terminal.resize(area).map_err(|e| io::Error::other(e.to_string()))
}

fn draw<B: Backend>(terminal: &mut Terminal<B>, state: &State, screen: &Screen) -> io::Result<()> {
    terminal
        .draw(|frame| view::draw(frame, state, screen))
        .map(|_| ())
        .map_err(|e| io::Error::other(e.to_string()))
}
