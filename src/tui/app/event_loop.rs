//! The loop: await one message, drain what else is waiting, update, and draw at most once per
//! frame interval. Tokens arriving by the thousand cost one frame and one wake-up, not thousands.

use std::io;
use std::ops::ControlFlow;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::mpsc::error::TryRecvError;
use tokio::time::Instant;

use crate::tui::msg::{Effect, Msg};
use crate::tui::painter::Painter;
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

/// Runs until a `Quit` effect or the channel closes. The screen derived from the state is brought
/// in step before every message that reads it (keys and the mouse: the reducer pages and
/// hit-tests against what is on screen) and before every frame, not after each of the messages
/// between (a frame's worth of streamed text is folded, then wrapped once).
/// Logs how many frames were drawn and the slowest (the benchmark suite reads it from the log).
pub async fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    rx: &mut UnboundedReceiver<Msg>,
    performer: &mut impl Performer,
    frame: Duration,
) -> io::Result<Exit> {
    let mut ui = Ui {
        state,
        screen: Screen::default(),
        stale: true,
        painter: Painter::default(),
        performer,
        frames: 0,
        slowest: Duration::ZERO,
    };
    let exit = drive(terminal, &mut ui, rx, frame).await;
    tracing::info!(frames = ui.frames, slowest_frame_us = ui.slowest.as_micros() as u64, "frames drawn");
    exit
}

async fn drive<B: Backend, P: Performer>(
    terminal: &mut Terminal<B>,
    ui: &mut Ui<'_, P>,
    rx: &mut UnboundedReceiver<Msg>,
    frame: Duration,
) -> io::Result<Exit> {
    if ui.draw(terminal)?.is_break() {
        return Ok(Exit::Quit);
    }
    let mut last_draw = Instant::now();
    let mut dirty = false;
    loop {
        // Something waits to be drawn: sleep out the frame rather than waking for each message
        // (tokens arrive by the thousand a second), then fold everything that came meanwhile.
        let first = if dirty {
            tokio::time::sleep_until(last_draw + frame).await;
            match rx.try_recv() {
                Ok(msg) => Some(msg),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return Ok(Exit::Closed),
            }
        } else {
            match rx.recv().await {
                Some(msg) => Some(msg),
                None => return Ok(Exit::Closed),
            }
        };
        let mut next = first;
        let mut handled = 0;
        while let Some(msg) = next.take() {
            dirty |= needs_redraw(ui.state, &msg);
            match ui.fold(terminal, msg)? {
                ControlFlow::Break(()) => return Ok(Exit::Quit),
                ControlFlow::Continue(redrawn) => dirty |= redrawn,
            }
            handled += 1;
            if handled < BATCH {
                next = rx.try_recv().ok();
            }
        }
        if dirty && last_draw.elapsed() >= frame {
            if ui.draw(terminal)?.is_break() {
                return Ok(Exit::Quit);
            }
            last_draw = Instant::now();
            dirty = false;
        }
    }
}

/// The state, the screen derived from it, and who performs the effects.
struct Ui<'a, P: Performer> {
    state: &'a mut State,
    screen: Screen,
    /// Whether a message was folded since `screen` was last brought in step with `state`.
    stale: bool,
    painter: Painter,
    performer: &'a mut P,
    /// Frames drawn, and the longest one took (fold of a resize, layout, diff and write).
    frames: u64,
    slowest: Duration,
}

impl<P: Performer> Ui<'_, P> {
    /// Folds one message, brings the screen up to date, performs the effects. `Break`: quit;
    /// `Continue(true)`: another program used the screen, so it must be drawn again in full.
    fn fold<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        msg: Msg,
    ) -> io::Result<ControlFlow<(), bool>> {
        if reads_screen(&msg) {
            self.sync_screen();
        }
        let effects = update(self.state, &self.screen, msg);
        self.stale = true;
        let mut redrawn = false;
        for effect in effects {
            if effect == Effect::Quit {
                return Ok(ControlFlow::Break(()));
            }
            self.performer.perform(effect);
            if self.performer.take_full_redraw() {
                redraw_all(terminal, &mut self.painter)?;
                redrawn = true;
            }
        }
        Ok(ControlFlow::Continue(redrawn))
    }

    fn sync_screen(&mut self) {
        if self.stale {
            self.screen.sync(self.state);
            self.stale = false;
        }
    }

    /// Draws a frame. The terminal may have changed size before its resize message arrived (a
    /// burst of tokens queued ahead of it, or a resize while `$EDITOR` had the terminal): the new
    /// size is folded first, so the frame is never drawn with a layout for another size.
    fn draw<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> io::Result<ControlFlow<()>> {
        let began = std::time::Instant::now();
        let drawn = self.draw_now(terminal);
        self.frames += 1;
        self.slowest = self.slowest.max(began.elapsed());
        drawn
    }

    fn draw_now<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> io::Result<ControlFlow<()>> {
        let size = terminal.size().map_err(|e| io::Error::other(e.to_string()))?;
        if (size.width, size.height) != self.state.size {
            let resize = Msg::Resize { width: size.width, height: size.height };
            if self.fold(terminal, resize)?.is_break() {
                return Ok(ControlFlow::Break(()));
            }
        }
        self.sync_screen();
        let (state, screen) = (&*self.state, &self.screen);
        self.painter
            .draw(terminal, |frame| view::draw(frame, state, screen))
            .map(|()| ControlFlow::Continue(()))
            .map_err(|e| io::Error::other(e.to_string()))
    }
}

/// Whether the reducer reads the screen for `msg` (what is where, how tall a page is).
fn reads_screen(msg: &Msg) -> bool {
    matches!(msg, Msg::Key(_) | Msg::Mouse(_))
}

/// Makes the next frame repaint every cell. (`Terminal::clear` would ask the terminal where its
/// cursor is, which waits on the key reader that holds crossterm's event lock.)
fn redraw_all<B: Backend>(terminal: &mut Terminal<B>, painter: &mut Painter) -> io::Result<()> {
    let size = terminal.size().map_err(|e| io::Error::other(e.to_string()))?;
    let area = ratatui::layout::Rect::new(0, 0, size.width, size.height);
    painter.forget(area);
    terminal.resize(area).map_err(|e| io::Error::other(e.to_string()))
}
