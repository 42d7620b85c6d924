//! The backend the live view draws through: crossterm's, with the two paths taken on every frame
//! made cheap. A frame's changed cells are written straight as bytes (crossterm's `Print` and
//! `MoveTo` go through the formatting machinery once per cell, which was a sixth of a frame), and
//! the terminal's size is one `ioctl` on the descriptor already open (crossterm opens `/dev/tty`
//! anew for each question, and ratatui asks twice a frame). The bytes written are the same as
//! crossterm's backend writes; a test holds them equal.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::queue;
use ratatui::crossterm::style::{
    Attribute, Color as CrosstermColor, Colors, SetAttribute, SetBackgroundColor, SetColors,
    SetForegroundColor, SetUnderlineColor,
};
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

/// crossterm's backend with a fast `draw` and `size`.
pub struct TtyBackend<W: Write> {
    inner: CrosstermBackend<W>,
}

impl<W: Write> TtyBackend<W> {
    pub fn new(writer: W) -> Self {
        TtyBackend { inner: CrosstermBackend::new(writer) }
    }
}

impl<W: Write> Backend for TtyBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        draw_cells(&mut self.inner, content)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    /// Queued, not flushed: it goes out with the frame it belongs to.
    fn hide_cursor(&mut self) -> io::Result<()> {
        queue!(self.inner, ratatui::crossterm::cursor::Hide)
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        match stdout_size() {
            Some(size) => Ok(size),
            None => self.inner.size(),
        }
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

/// Writes changed cells as crossterm's backend does, byte for byte: move the cursor only where a
/// cell does not follow the last one, change the style only where it differs, then the symbol;
/// colours and attributes reset at the end.
fn draw_cells<'a, W: Write>(
    out: &mut W,
    content: impl Iterator<Item = (u16, u16, &'a Cell)>,
) -> io::Result<()> {
    let mut fg = Color::Reset;
    let mut bg = Color::Reset;
    let mut underline = Color::Reset;
    let mut modifier = Modifier::empty();
    let mut last: Option<(u16, u16)> = None;
    for (x, y, cell) in content {
        if !matches!(last, Some((lx, ly)) if x == lx.wrapping_add(1) && y == ly) {
            move_to(out, x, y)?;
        }
        last = Some((x, y));
        if cell.modifier != modifier {
            set_modifier(out, modifier, cell.modifier)?;
            modifier = cell.modifier;
        }
        if cell.fg != fg || cell.bg != bg {
            queue!(out, SetColors(Colors::new(cell.fg.into_crossterm(), cell.bg.into_crossterm())))?;
            fg = cell.fg;
            bg = cell.bg;
        }
        if cell.underline_color != underline {
            queue!(out, SetUnderlineColor(cell.underline_color.into_crossterm()))?;
            underline = cell.underline_color;
        }
        out.write_all(cell.symbol().as_bytes())?;
    }
    queue!(
        out,
        SetForegroundColor(CrosstermColor::Reset),
        SetBackgroundColor(CrosstermColor::Reset),
        SetUnderlineColor(CrosstermColor::Reset),
        SetAttribute(Attribute::Reset),
    )
}

/// `CSI row;col H` (1-based), as crossterm's `MoveTo` writes it, without the formatter.
fn move_to<W: Write>(out: &mut W, x: u16, y: u16) -> io::Result<()> {
    let mut bytes = [0u8; 16];
    let mut len = 0;
    let mut push = |b: u8| {
        bytes[len] = b;
        len += 1;
    };
    push(0x1b);
    push(b'[');
    push_decimal(&mut push, u32::from(y) + 1);
    push(b';');
    push_decimal(&mut push, u32::from(x) + 1);
    push(b'H');
    out.write_all(&bytes[..len])
}

fn push_decimal(push: &mut impl FnMut(u8), n: u32) {
    let mut digits = [0u8; 5];
    let mut count = 0;
    let mut rest = n;
    loop {
        digits[count] = b'0' + (rest % 10) as u8;
        count += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &digit in digits[..count].iter().rev() {
        push(digit);
    }
}

/// The attribute changes from `from` to `to`, in the order crossterm's backend sends them (bold and
/// dim share one "normal intensity" reset, so a removed one re-sends the other).
fn set_modifier<W: Write>(out: &mut W, from: Modifier, to: Modifier) -> io::Result<()> {
    let removed = from - to;
    if removed.contains(Modifier::REVERSED) {
        queue!(out, SetAttribute(Attribute::NoReverse))?;
    }
    let reset_intensity = removed.contains(Modifier::BOLD) || removed.contains(Modifier::DIM);
    if reset_intensity {
        queue!(out, SetAttribute(Attribute::NormalIntensity))?;
        if to.contains(Modifier::DIM) {
            queue!(out, SetAttribute(Attribute::Dim))?;
        }
        if to.contains(Modifier::BOLD) {
            queue!(out, SetAttribute(Attribute::Bold))?;
        }
    }
    let removals = [
        (Modifier::ITALIC, Attribute::NoItalic),
        (Modifier::UNDERLINED, Attribute::NoUnderline),
        (Modifier::CROSSED_OUT, Attribute::NotCrossedOut),
        (Modifier::HIDDEN, Attribute::NoHidden),
    ];
    for (modifier, attribute) in removals {
        if removed.contains(modifier) {
            queue!(out, SetAttribute(attribute))?;
        }
    }
    if removed.contains(Modifier::SLOW_BLINK) || removed.contains(Modifier::RAPID_BLINK) {
        queue!(out, SetAttribute(Attribute::NoBlink))?;
    }
    let added = to - from;
    let additions = [
        (Modifier::REVERSED, Attribute::Reverse, true),
        (Modifier::BOLD, Attribute::Bold, !reset_intensity),
        (Modifier::ITALIC, Attribute::Italic, true),
        (Modifier::UNDERLINED, Attribute::Underlined, true),
        (Modifier::DIM, Attribute::Dim, !reset_intensity),
        (Modifier::CROSSED_OUT, Attribute::CrossedOut, true),
        (Modifier::HIDDEN, Attribute::Hidden, true),
        (Modifier::SLOW_BLINK, Attribute::SlowBlink, true),
        (Modifier::RAPID_BLINK, Attribute::RapidBlink, true),
    ];
    for (modifier, attribute, send) in additions {
        if send && added.contains(modifier) {
            queue!(out, SetAttribute(attribute))?;
        }
    }
    Ok(())
}

/// The size of the terminal stdout is, from one `ioctl` (`None` when stdout is not a terminal or
/// reports no size: crossterm then asks `/dev/tty` or `tput`).
#[cfg(unix)]
fn stdout_size() -> Option<Size> {
    // SAFETY: TIOCGWINSZ writes one `winsize` into the struct passed; it is zeroed first and only
    // read when the call succeeded.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let done = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
    (done == 0 && size.ws_col > 0 && size.ws_row > 0)
        .then_some(Size { width: size.ws_col, height: size.ws_row })
}

#[cfg(not(unix))]
fn stdout_size() -> Option<Size> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    /// A screen's worth of cells with every kind of change the view makes: moves, runs, colours
    /// (named, indexed, RGB), each attribute added and removed, underline colours, wide and
    /// combining graphemes.
    fn changed_cells() -> Buffer {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 97, 31));
        let colors = [Color::Reset, Color::Red, Color::Indexed(141), Color::Rgb(10, 200, 30), Color::Gray];
        let modifiers = [
            Modifier::empty(),
            Modifier::BOLD,
            Modifier::DIM,
            Modifier::BOLD | Modifier::DIM,
            Modifier::ITALIC | Modifier::UNDERLINED,
            Modifier::REVERSED,
            Modifier::CROSSED_OUT | Modifier::HIDDEN,
            Modifier::SLOW_BLINK,
            Modifier::RAPID_BLINK | Modifier::BOLD,
        ];
        let texts = ["plain ascii", "wide 漢字 here", "e\u{301}mojis 👍🏽 ok", "│╭─╮ ⠋ · ↓", "9999"];
        for y in 0..31u16 {
            let n = usize::from(y);
            let style = Style::default()
                .fg(colors[n % colors.len()])
                .bg(colors[(n / 2) % colors.len()])
                .underline_color(colors[(n / 3) % colors.len()])
                .add_modifier(modifiers[n % modifiers.len()]);
            buffer.set_stringn((n % 7) as u16 * 3, y, texts[n % texts.len()], 90, style);
        }
        buffer
    }

    fn written(draw: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> Vec<u8> {
        let mut out = Vec::new();
        draw(&mut out).expect("writing to memory");
        out
    }

    #[test]
    fn writes_the_same_bytes_as_crossterms_backend() {
        let before = Buffer::empty(Rect::new(0, 0, 97, 31));
        let after = changed_cells();
        let mut frames = vec![(before.clone(), after.clone()), (after.clone(), before.clone())];
        // Only a few scattered cells changed: moves between them.
        let mut sparse = after.clone();
        for (x, y) in [(0, 0), (5, 3), (6, 3), (96, 30), (40, 12)] {
            sparse[(x, y)].set_symbol("x").set_style(Style::default().fg(Color::Blue));
        }
        frames.push((after.clone(), sparse));
        for (previous, next) in frames {
            let theirs = written(|out| CrosstermBackend::new(out).draw(previous.diff(&next).into_iter()));
            let ours = written(|out| draw_cells(out, previous.diff(&next).into_iter()));
            assert!(!theirs.is_empty());
            assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
        }
    }

    #[test]
    fn moves_the_cursor_to_any_cell() {
        for (x, y) in [(0, 0), (9, 9), (10, 99), (65534, 65534), (1234, 5)] {
            let ours = written(|out| move_to(out, x, y));
            let theirs = written(|out| {
                queue!(out, ratatui::crossterm::cursor::MoveTo(x, y)).map_err(io::Error::other)
            });
            assert_eq!(ours, theirs, "({x}, {y})");
        }
    }

    #[test]
    fn every_attribute_change_matches() {
        let all: Vec<Modifier> = Modifier::all().iter().collect();
        let sets: Vec<Modifier> = (0u32..(1 << all.len()))
            .step_by(7)
            .map(|bits| {
                all.iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .fold(Modifier::empty(), |m, (_, b)| m | *b)
            })
            .collect();
        for &from in &sets {
            for &to in sets.iter().step_by(5) {
                let mut a = Buffer::empty(Rect::new(0, 0, 2, 1));
                a[(0, 0)].set_symbol("a").set_style(Style::default().add_modifier(from));
                a[(1, 0)].set_symbol("b").set_style(Style::default().add_modifier(to));
                let blank = Buffer::empty(Rect::new(0, 0, 2, 1));
                let theirs = written(|out| CrosstermBackend::new(out).draw(blank.diff(&a).into_iter()));
                let ours = written(|out| draw_cells(out, blank.diff(&a).into_iter()));
                assert_eq!(ours, theirs, "{from:?} → {to:?}");
            }
        }
    }
}
