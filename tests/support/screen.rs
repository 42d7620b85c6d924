//! The screen without a terminal, for view tests, the headless harness and the benchmarks: a
//! state drawn on ratatui's `TestBackend` and read back as text, and a backend that records the
//! frames the event loop shows. Included with `#[path = "support/screen.rs"] mod screen;` (from
//! a bench, `#[path = "../../tests/support/screen.rs"]`).

// Each suite uses a different part of it.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

use ailab::tui::msg::Msg;
use ailab::tui::screen::Screen;
use ailab::tui::screen::layout::{MIN_HEIGHT, MIN_WIDTH};
use ailab::tui::state::{State, Tab};
use ailab::tui::update::update;
use ailab::tui::view;

/// Draws `state` as the app would on a `width` × `height` terminal (told of its size first).
pub fn render(state: &mut State, width: u16, height: u16) -> Terminal<TestBackend> {
    // Views show times; they must not depend on the zone of the machine running the test.
    ailab::clock::force_utc();
    let screen = Screen::of(state);
    update(state, &screen, Msg::Resize { width, height });
    let screen = Screen::of(state);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| view::draw(frame, state, &screen)).unwrap();
    terminal
}

/// The screen's rows as text: every cell's symbol, so the n-th character of a row (of narrow
/// characters) is the n-th column.
pub fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    (area.y..area.bottom())
        .map(|y| (area.x..area.right()).map(|x| buffer[(x, y)].symbol()).collect())
        .collect()
}

/// The screen as one text of rows.
pub fn text(terminal: &Terminal<TestBackend>) -> String {
    rows(terminal).join("\n")
}

/// `state` drawn at `width` × `height`, as rows of text.
pub fn screen_rows(state: &mut State, width: u16, height: u16) -> Vec<String> {
    rows(&render(state, width, height))
}

/// `state` drawn at `width` × `height`, as one text of rows.
pub fn screen_text(state: &mut State, width: u16, height: u16) -> String {
    text(&render(state, width, height))
}

/// What is wrong with the whole screen of `state` as drawn on `terminal` (none: nothing). At the
/// smallest size the app draws at or more, the tab bar is the top row and the status bar the
/// bottom one, whatever the tab draws between them; below it, the screen says it is too small
/// (all of it, or as much as the rows hold) and shows nothing else.
pub fn screen_problems(state: &State, terminal: &Terminal<TestBackend>) -> Vec<String> {
    let area = terminal.backend().buffer().area;
    let rows = rows(terminal);
    let screen = rows.join("\n");
    let mut problems = Vec::new();
    if area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT {
        let (top, bottom) = (&rows[0], &rows[rows.len() - 1]);
        // Every tab's name, the one shown among them (at the narrowest, the last tab's padding
        // may be cut).
        let mut tabs = Tab::AVAILABLE.iter().chain([&state.tab]);
        let tabs = tabs.all(|tab| top.contains(&format!(" {}", tab.title())));
        if !top.starts_with(" ailab ") || !tabs {
            problems.push(format!("the top row is not the tab bar: {top:?}"));
        }
        let server = state.server.url.split("://").nth(1).unwrap_or(&state.server.url);
        let server = server.trim_end_matches("/v1");
        if !bottom.contains(server) {
            problems.push(format!("the bottom row is not the status bar (naming {server}): {bottom:?}"));
        }
    } else {
        // Read without its line breaks and spaces (it is wrapped to the width), the screen is the
        // message: all of it, or as much as fits when it takes every row.
        let message = format!(
            "Terminal too small: {}×{}. ailab needs at least {MIN_WIDTH}×{MIN_HEIGHT}. Enlarge the window \
             or make the font smaller. Ctrl-C quits.",
            area.width, area.height
        );
        let squeeze = |text: &str| text.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let (shown, message) = (squeeze(&screen), squeeze(&message));
        let cut = shown != message;
        if shown.is_empty() || !message.starts_with(&shown) || cut && rows.iter().any(|r| r.trim().is_empty())
        {
            problems.push(format!("the screen does not say it is too small:\n{screen}"));
        }
    }
    problems
}

/// Every frame shown so far, as text.
pub type Frames = Arc<Mutex<Vec<String>>>;

/// A `TestBackend` that counts the frames it is asked to show, keeps each as text unless only
/// the count is wanted, and whose size a test can change like a user resizing the window.
pub struct Recording {
    inner: TestBackend,
    shown: Arc<AtomicUsize>,
    /// `None`: count only (keeping the text costs a benchmark's UI thread a copy per frame).
    frames: Option<Frames>,
    size: Arc<Mutex<Size>>,
}

/// A terminal whose every frame is kept as text, and the size to change it to.
pub fn recording(width: u16, height: u16) -> (Terminal<Recording>, Frames, Arc<Mutex<Size>>) {
    let frames = Frames::default();
    let size = Arc::new(Mutex::new(Size::new(width, height)));
    let backend = Recording {
        inner: TestBackend::new(width, height),
        shown: Arc::default(),
        frames: Some(frames.clone()),
        size: size.clone(),
    };
    (Terminal::new(backend).unwrap(), frames, size)
}

/// A terminal that only counts the frames it shows.
pub fn counting(width: u16, height: u16) -> (Terminal<Recording>, Arc<AtomicUsize>) {
    let shown = Arc::new(AtomicUsize::new(0));
    let backend = Recording {
        inner: TestBackend::new(width, height),
        shown: shown.clone(),
        frames: None,
        size: Arc::new(Mutex::new(Size::new(width, height))),
    };
    (Terminal::new(backend).unwrap(), shown)
}

impl Recording {
    fn wanted(&self) -> Size {
        self.size.lock().map(|s| *s).unwrap_or(Size::new(120, 40))
    }

    /// The screen takes the size the test gave the window (ratatui clears it on a resize, with
    /// `clear` or `clear_region` depending on the path).
    fn follow_size(&mut self) -> Result<(), <TestBackend as Backend>::Error> {
        let wanted = self.wanted();
        if self.inner.size()? != wanted {
            self.inner.resize(wanted.width, wanted.height);
        }
        Ok(())
    }
}

impl Backend for Recording {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(&mut self, content: I) -> Result<(), Self::Error> {
        self.inner.draw(content)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.follow_size()?;
        self.inner.clear()
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.follow_size()?;
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        Ok(self.wanted())
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.shown.fetch_add(1, Ordering::Relaxed);
        self.inner.flush()?;
        if let Some(frames) = &self.frames
            && let Ok(mut frames) = frames.lock()
        {
            frames.push(self.inner.to_string());
        }
        Ok(())
    }
}
