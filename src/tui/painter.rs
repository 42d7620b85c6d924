//! Putting frames on the terminal: the view renders into the terminal's buffer, then only the
//! cells that differ from the frame on screen are written, in one flush.
//!
//! This replaces `Terminal::draw`'s last steps for two costs it pays on every frame. Its diff
//! measures the display width of every cell before comparing it, which for the box-drawing
//! borders (three bytes each) means a Unicode table lookup per cell per frame; here cells are
//! compared first and only changed or multi-byte ones are measured, the width of a run of one
//! border symbol once. And it hides the cursor with a flush of its own each frame (a second
//! write to the terminal); here that is part of the frame's one write. Which cells are written,
//! and in what order, is what ratatui's diff yields, less the cells that look the same (a blank
//! and a written space): a test holds the two equal.

use std::mem;

use ratatui::backend::Backend;
use ratatui::buffer::{Buffer, Cell, CellDiffOption, CellWidth};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::{Frame, Terminal};

/// The frame on screen, kept to compare the next one with.
#[derive(Debug, Default)]
pub struct Painter {
    shown: Buffer,
}

impl Painter {
    /// Renders a frame with `render` and writes what changed. The terminal's size is checked first
    /// (ratatui clears the screen and its buffers when it changed; the frame on screen is then
    /// blank here too).
    pub fn draw<B: Backend>(
        &mut self,
        terminal: &mut Terminal<B>,
        render: impl FnOnce(&mut Frame),
    ) -> Result<(), B::Error> {
        terminal.autoresize()?;
        let mut frame = terminal.get_frame();
        let area = frame.area();
        if self.shown.area != area {
            self.shown = Buffer::empty(area);
        }
        render(&mut frame);
        // The frame leaves the terminal's buffer for a moment, so the backend can be borrowed
        // while the two are compared; the buffer it leaves behind is reset before its next use.
        let next = mem::take(terminal.current_buffer_mut());
        let backend = terminal.backend_mut();
        backend.draw(Changes::new(&self.shown, &next))?;
        backend.hide_cursor()?;
        *terminal.current_buffer_mut() = mem::replace(&mut self.shown, next);
        terminal.swap_buffers();
        terminal.backend_mut().flush()
    }

    /// Forgets the frame on screen, for when the screen was cleared (the next frame writes every
    /// cell that is not blank).
    pub fn forget(&mut self, area: Rect) {
        self.shown = Buffer::empty(area);
    }
}

/// The cells of `next` that differ from `prev`, as `(x, y, cell)`: ratatui's `BufferDiff`, with
/// cells compared (by how they look) before they are measured.
pub struct Changes<'a> {
    prev: &'a [Cell],
    next: &'a [Cell],
    area: Rect,
    pos: usize,
    trailing: Option<Trailing>,
    /// The last multi-byte symbol measured and its width: borders repeat one symbol along a row.
    measured: Option<(&'a str, u16)>,
}

/// Cells after a wide character that must be written too (see ratatui's `BufferDiff`).
struct Trailing {
    next_index: usize,
    end: usize,
    /// Every cell in the range (a wide character's visible style went), or only changed symbols.
    force: bool,
}

/// Modifiers that show on a blank cell.
const VISIBLE_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::SLOW_BLINK)
    .union(Modifier::RAPID_BLINK)
    .union(Modifier::CROSSED_OUT);

impl<'a> Changes<'a> {
    pub fn new(prev: &'a Buffer, next: &'a Buffer) -> Changes<'a> {
        let mut area = prev.area;
        area.height = area.height.min(next.area.height);
        Changes { prev: &prev.content, next: &next.content, area, pos: 0, trailing: None, measured: None }
    }

    fn at(&self, index: usize) -> (u16, u16) {
        let width = usize::from(self.area.width).max(1);
        ((index % width) as u16 + self.area.x, (index / width) as u16 + self.area.y)
    }

    /// The cell's display width; one for a one-byte symbol, else measured (once per run).
    fn width(&mut self, cell: &'a Cell) -> usize {
        if let CellDiffOption::ForcedWidth(width) = cell.diff_option {
            return usize::from(width.get());
        }
        let symbol = cell.symbol();
        if symbol.len() == 1 {
            return 1;
        }
        if let Some((last, width)) = self.measured
            && last == symbol
        {
            return usize::from(width);
        }
        let width = symbol.cell_width();
        self.measured = Some((symbol, width));
        usize::from(width)
    }
}

/// Whether two cells show the same: the same symbol in the same style. Cheaper than `Cell`'s `==`
/// (styles first, a one-byte symbol without a call to `memcmp`), and it also finds a blank cell
/// and a written space alike, which `==` tells apart though the terminal shows the same.
#[allow(deprecated)] // `Cell::skip`, compared as `==` does.
fn looks_same(a: &Cell, b: &Cell) -> bool {
    if a.fg != b.fg
        || a.bg != b.bg
        || a.modifier != b.modifier
        || a.underline_color != b.underline_color
        || a.diff_option != b.diff_option
        || a.skip != b.skip
    {
        return false;
    }
    let (x, y) = (a.symbol().as_bytes(), b.symbol().as_bytes());
    match (x, y) {
        ([x], [y]) => x == y,
        _ => x == y,
    }
}

#[allow(deprecated)] // `Cell::skip`: ratatui's diff still honours it, so this one does too.
fn is_skip(cell: &Cell) -> bool {
    matches!(cell.diff_option, CellDiffOption::Skip)
        || (cell.skip && matches!(cell.diff_option, CellDiffOption::None))
}

impl<'a> Iterator for Changes<'a> {
    type Item = (u16, u16, &'a Cell);

    fn next(&mut self) -> Option<Self::Item> {
        let (prev, next) = (self.prev, self.next);
        let len = next.len().min(prev.len());
        if let Some(trailing) = self.trailing.as_mut() {
            while trailing.next_index < trailing.end {
                let j = trailing.next_index;
                let width = next[j].cell_width().max(1) as usize;
                trailing.next_index += width;
                trailing.end = trailing.end.max(trailing.next_index).min(len);
                if !is_skip(&next[j]) && (trailing.force || prev[j].symbol() != next[j].symbol()) {
                    let (x, y) = self.at(j);
                    return Some((x, y, &next[j]));
                }
            }
            self.pos = trailing.end;
            self.trailing = None;
        }
        while self.pos < len {
            let i = self.pos;
            self.pos += 1;
            let (current, previous) = (&next[i], &prev[i]);
            match current.diff_option {
                CellDiffOption::Skip => {}
                _ if is_skip(current) => {}
                CellDiffOption::ForcedWidth(width) => {
                    self.pos = self.pos.saturating_add(usize::from(width.get()).saturating_sub(1));
                    if current != previous {
                        let (x, y) = self.at(i);
                        return Some((x, y, current));
                    }
                }
                CellDiffOption::None | CellDiffOption::AlwaysUpdate => {
                    if matches!(current.diff_option, CellDiffOption::None) && looks_same(current, previous) {
                        // An unchanged wide character still covers the cells after it.
                        if current.symbol().len() > 1 {
                            self.pos += self.width(current).saturating_sub(1);
                        }
                        continue;
                    }
                    let width = self.width(current);
                    let previous_width = self.width(previous);
                    let vs16 = width > 1 && current.symbol().contains('\u{FE0F}');
                    if vs16 {
                        self.trailing =
                            Some(Trailing { next_index: i + 1, end: (i + width).min(len), force: false });
                    } else if width > 1 {
                        self.pos += width - 1;
                    } else if previous_width > width
                        && (previous.bg != Color::Reset || previous.modifier.intersects(VISIBLE_ON_BLANK))
                    {
                        self.trailing =
                            Some(Trailing { next_index: i + 1, end: i + previous_width, force: true });
                    }
                    let (x, y) = self.at(i);
                    return Some((x, y, current));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::style::Style;
    use std::num::NonZeroU16;

    const SYMBOLS: &[&str] =
        &["a", "b", " ", "─", "│", "╭", "漢", "字", "👍", "❤\u{FE0F}", "e\u{301}", "⠋", "·", "ﾞ", "x"];

    /// A pseudo-random buffer: symbols of every width, styles that show on blanks, and each diff
    /// option, written the way widgets write them (`set_stringn` leaves wide characters' trailing
    /// cells as ratatui expects).
    fn buffer(seed: u64, area: Rect) -> Buffer {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut draw = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let mut buffer = Buffer::empty(area);
        for y in area.top()..area.bottom() {
            let mut x = area.left();
            while x < area.right() {
                let symbol = SYMBOLS[draw(SYMBOLS.len() as u64) as usize];
                let mut style = Style::default();
                if draw(4) == 0 {
                    style = style.bg(Color::Blue);
                }
                if draw(5) == 0 {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                if draw(6) == 0 {
                    style = style.fg(Color::Indexed(draw(255) as u8));
                }
                let (end, _) = buffer.set_stringn(x, y, symbol, usize::from(area.right() - x), style);
                match draw(40) {
                    0 => {
                        buffer[(x, y)].set_diff_option(CellDiffOption::Skip);
                    }
                    1 => {
                        buffer[(x, y)].set_diff_option(CellDiffOption::AlwaysUpdate);
                    }
                    2 => {
                        buffer[(x, y)].set_diff_option(CellDiffOption::ForcedWidth(NonZeroU16::MIN));
                    }
                    _ => {}
                }
                x = end.max(x + 1);
            }
        }
        buffer
    }

    fn cells<'a>(changes: impl Iterator<Item = (u16, u16, &'a Cell)>) -> Vec<(u16, u16, Cell)> {
        changes.map(|(x, y, cell)| (x, y, cell.clone())).collect()
    }

    #[test]
    fn yields_what_ratatuis_diff_yields_less_blanks_written_as_spaces() {
        let area = Rect::new(2, 1, 37, 9);
        for seed in 0..400u64 {
            let prev = buffer(seed, area);
            // Next frames near the last one (a few cells changed) and unrelated ones.
            let mut near = prev.clone();
            let other = buffer(seed + 10_000, area);
            for k in 0..(seed % 9) {
                let x = area.x + ((seed * 7 + k * 13) % u64::from(area.width)) as u16;
                let y = area.y + ((seed + k * 5) % u64::from(area.height)) as u16;
                near[(x, y)] = other[(x, y)].clone();
            }
            for next in [&near, &other, &prev] {
                let ours = cells(Changes::new(&prev, next));
                let theirs = cells(prev.diff_iter(next));
                // Ours are theirs, in order, less cells where a blank becomes a space in the same
                // style (ratatui writes those; the terminal shows no change).
                let width = usize::from(area.width);
                let before =
                    |x: u16, y: u16| &prev.content[usize::from(y - area.y) * width + usize::from(x - area.x)];
                let mut left = ours.iter().peekable();
                for (x, y, cell) in &theirs {
                    if left.peek().is_some_and(|(ox, oy, _)| (ox, oy) == (x, y)) {
                        let (_, _, mine) = left.next().expect("peeked");
                        assert_eq!(mine, cell, "seed {seed} at ({x}, {y})");
                        continue;
                    }
                    let was = before(*x, *y);
                    assert!(
                        cell.symbol() == " " && was.symbol() == " " && cell.style() == was.style(),
                        "seed {seed}: ({x}, {y}) left out though it changed: {was:?} -> {cell:?}"
                    );
                }
                assert!(left.next().is_none(), "seed {seed}: a cell ratatui does not write");
            }
        }
    }

    /// What a terminal was sent, readable while the terminal holds the writer.
    #[derive(Clone, Default)]
    struct Sent(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl std::io::Write for Sent {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Sent {
        fn take(&self) -> String {
            String::from_utf8_lossy(&std::mem::take(&mut *self.0.borrow_mut())).into_owned()
        }
    }

    #[test]
    fn only_what_changed_is_written_in_one_go_with_the_cursor_hidden() {
        let area = Rect::new(0, 0, 20, 4);
        let sent = Sent::default();
        let backend = crate::tui::tty_backend::TtyBackend::new(sent.clone());
        let options = ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(area) };
        let mut terminal = Terminal::with_options(backend, options).expect("terminal");
        sent.take();
        let mut painter = Painter::default();
        let text =
            |text: &'static str| move |frame: &mut Frame| frame.render_widget(text, Rect::new(0, 1, 20, 1));
        painter.draw(&mut terminal, text("hello ╭─╮ 漢字")).expect("draw");
        let first = sent.take();
        for part in ["hello", "╭─╮", "漢", "字"] {
            assert!(first.contains(part), "{first:?}");
        }
        assert!(first.contains("\u{1b}[?25l"), "the cursor is hidden with the frame: {first:?}");
        // The same frame again: no cell is written.
        painter.draw(&mut terminal, text("hello ╭─╮ 漢字")).expect("draw");
        let again = sent.take();
        assert!(!again.contains("hello") && !again.contains('─'), "{again:?}");
        // One word changed: only its changed cells go out.
        painter.draw(&mut terminal, text("help! ╭─╮ 漢字")).expect("draw");
        let change = sent.take();
        assert!(change.contains("p!") && !change.contains("hel") && !change.contains('╭'), "{change:?}");
        // After the screen was cleared, every cell that is not blank is written again.
        painter.forget(area);
        painter.draw(&mut terminal, text("help! ╭─╮ 漢字")).expect("draw");
        let redrawn = sent.take();
        assert!(redrawn.contains("help!") && redrawn.contains("╭─╮"), "{redrawn:?}");
    }

    #[test]
    fn a_new_size_starts_from_a_blank_screen() {
        let mut terminal = Terminal::new(TestBackend::new(10, 2)).expect("test terminal");
        let mut painter = Painter::default();
        painter.draw(&mut terminal, |frame| frame.render_widget("abc", frame.area())).expect("draw");
        terminal.backend_mut().resize(12, 3);
        painter.draw(&mut terminal, |frame| frame.render_widget("abcd", frame.area())).expect("draw");
        assert_eq!(painter.shown.area, Rect::new(0, 0, 12, 3));
        terminal.backend().assert_buffer_lines(["abcd        ", "            ", "            "]);
    }
}
