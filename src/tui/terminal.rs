//! Taking the terminal over and always giving it back: on quit, on a panic in the UI thread, and
//! on SIGTERM/SIGHUP (those arrive as messages and end the loop normally). A panic in a background
//! task must not print over the screen: it is logged and reaches the UI as an error message.

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::ThreadId;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    KeyboardEnhancementFlags, PopKeyboardEnhancementFlags, PushKeyboardEnhancementFlags,
};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::Terminal;

use crate::tui::tty_backend::TtyBackend;

/// True while the terminal is in raw mode on the alternate screen.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// True if we pushed keyboard enhancement flags (so Shift-Enter is told apart).
static ENHANCED: AtomicBool = AtomicBool::new(false);
/// The thread that draws; only its panics tear the screen down.
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// The terminal type the app draws on. Frames go through a buffer as large as a busy frame and
/// are written with one system call when ratatui flushes at the end of each frame (stdout's own
/// buffer holds 1 KiB, so a frame would take dozens).
pub type Tui = Terminal<TtyBackend<BufWriter<Stdout>>>;

/// Bytes of the frame buffer.
const FRAME_BUFFER: usize = 64 * 1024;

/// Restores the terminal when dropped.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Enters raw mode and the alternate screen, with mouse and bracketed paste.
pub fn enter() -> io::Result<(Tui, Guard)> {
    let _ = UI_THREAD.set(std::thread::current().id());
    install_panic_hook();
    let guard = Guard;
    take_over()?;
    let terminal = Terminal::new(TtyBackend::new(BufWriter::with_capacity(FRAME_BUFFER, io::stdout())))?;
    Ok((terminal, guard))
}

/// Raw mode, the alternate screen, mouse, bracketed paste and (where supported) keyboard flags.
fn take_over() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut stdout = io::stdout();
    execute!(stdout, EnterAlternateScreen, EnableMouseCapture, EnableBracketedPaste)?;
    if matches!(terminal::supports_keyboard_enhancement(), Ok(true)) {
        let flags = KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES;
        if execute!(stdout, PushKeyboardEnhancementFlags(flags)).is_ok() {
            ENHANCED.store(true, Ordering::SeqCst);
        }
    }
    Ok(())
}

/// Gives the terminal to another program (`$EDITOR`) until [`resume`]; a no-op when not taken.
pub fn suspend() {
    restore();
}

/// Takes the terminal back after [`suspend`]. The caller redraws the whole screen.
pub fn resume() -> io::Result<()> {
    if ACTIVE.load(Ordering::SeqCst) {
        return Ok(());
    }
    take_over()
}

/// Gives the terminal back. Safe to call more than once and from the panic hook.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut stdout = io::stdout();
    if ENHANCED.swap(false, Ordering::SeqCst) {
        let _ = execute!(stdout, PopKeyboardEnhancementFlags);
    }
    let _ = execute!(stdout, DisableBracketedPaste, DisableMouseCapture, LeaveAlternateScreen, cursor::Show);
    let _ = terminal::disable_raw_mode();
    let _ = stdout.flush();
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let on_ui_thread = UI_THREAD.get() == Some(&std::thread::current().id());
        if on_ui_thread || !ACTIVE.load(Ordering::SeqCst) {
            restore();
            tracing::error!("panic: {info}");
            previous(info);
        } else {
            // The task's JoinHandle reports it to the UI; printing now would garble the screen.
            tracing::error!("panic in a background task: {info}");
        }
    }));
}

/// Writes raw bytes to the terminal between frames (OSC 52).
pub fn write_raw(bytes: &[u8]) -> io::Result<()> {
    let mut stdout = io::stdout();
    stdout.write_all(bytes)?;
    stdout.flush()
}
