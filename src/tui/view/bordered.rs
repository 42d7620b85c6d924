//! A pane's frame: borders and titles, the cells of ratatui's `Block::bordered()` with its
//! titles, painted without the pass `Block` makes over every cell of the area to apply its style.
//! Six panes fill most of the screen, so that pass touched nearly every cell of every frame for a
//! style that changes nothing. A test holds the cells equal to `Block`'s.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::symbols::merge::MergeStrategy;
use ratatui::text::Line;
use ratatui::widgets::Widget;

use crate::tui::view::paint::put_text;

/// The titles on a pane's borders: left-aligned and right-aligned, top and bottom.
#[derive(Debug, Default)]
pub struct Titles<'a> {
    pub top_left: Vec<Line<'a>>,
    pub top_right: Vec<Line<'a>>,
    pub bottom_left: Vec<Line<'a>>,
    pub bottom_right: Vec<Line<'a>>,
}

/// Draws borders of `set` in `style` around `area`, then the titles, as `Block` does.
pub fn bordered(buf: &mut Buffer, area: Rect, set: &border::Set, style: Style, titles: &Titles) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let (left, top) = (area.left(), area.top());
    let (right, bottom) = (area.right() - 1, area.bottom() - 1);
    let mut put = |x: u16, y: u16, symbol: &str| {
        buf[(x, y)].merge_symbol(symbol, MergeStrategy::Replace).set_style(style);
    };
    // Sides, then corners over them, in `Block`'s order (it matters where a side is one cell).
    for y in top..=bottom {
        put(left, y, set.vertical_left);
    }
    for x in left..=right {
        put(x, top, set.horizontal_top);
    }
    for y in top..=bottom {
        put(right, y, set.vertical_right);
    }
    for x in left..=right {
        put(x, bottom, set.horizontal_bottom);
    }
    put(right, bottom, set.bottom_right);
    put(right, top, set.top_right);
    put(left, bottom, set.bottom_left);
    put(left, top, set.top_left);
    // Titles sit between the corners.
    let row = |y: u16| Rect { x: left + 1, y, width: area.width.saturating_sub(2), height: 1 };
    for (y, lefts, rights) in
        [(top, &titles.top_left, &titles.top_right), (bottom, &titles.bottom_left, &titles.bottom_right)]
    {
        left_titles(buf, row(y), lefts);
        right_titles(buf, row(y), rights);
    }
}

/// Left titles from the left, one column apart, each cut at the area's end.
fn left_titles(buf: &mut Buffer, mut area: Rect, titles: &[Line]) {
    for title in titles {
        if area.is_empty() {
            break;
        }
        let width = line_width(title);
        render(buf, Rect { width: width.min(area.width), ..area }, title);
        let advance = width.saturating_add(1);
        area.x = area.x.saturating_add(advance);
        area.width = area.width.saturating_sub(advance);
    }
}

/// Right titles from the right, the last one rightmost, one column apart.
fn right_titles(buf: &mut Buffer, mut area: Rect, titles: &[Line]) {
    for title in titles.iter().rev() {
        if area.is_empty() {
            break;
        }
        let width = line_width(title);
        let x = area.right().saturating_sub(width).max(area.left());
        render(buf, Rect { x, width: width.min(area.width), ..area }, title);
        area.width = area.width.saturating_sub(width).saturating_sub(1);
    }
}

/// A title as `Line::render` draws it. One that fits (all of them, unless the pane is narrow) is
/// drawn span by span, printable ASCII straight into the cells; a cut one takes `Line::render`,
/// which decides what to cut by its alignment.
fn render(buf: &mut Buffer, area: Rect, title: &Line) {
    let fits = usize::from(area.width) >= title.width();
    if !fits || title.style != Style::default() || area.is_empty() {
        title.render(area, buf);
        return;
    }
    let mut x = area.x;
    for span in &title.spans {
        if span.content.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
            x = put_text(buf, x, area.y, area.right(), &span.content, span.style);
        } else {
            let width = span.width().min(usize::from(u16::MAX)) as u16;
            span.render(Rect { x, width: area.right().saturating_sub(x), ..area }, buf);
            x = x.saturating_add(width);
        }
    }
}

fn line_width(line: &Line) -> u16 {
    line.width().min(usize::from(u16::MAX)) as u16
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;
    use ratatui::widgets::{Block, BorderType};

    #[test]
    fn paints_the_cells_blocks_paint() {
        let style = Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD);
        let badge = Style::default().fg(Color::Yellow);
        let name = Style::default().fg(Color::Green).add_modifier(Modifier::ITALIC);
        let title =
            || Line::from(vec![" ".into(), Span::styled("Nova", name), " · technical".into(), " ".into()]);
        let badge_line = || Line::styled(" ⠋ answering ", badge).right_aligned();
        let footer = || Line::from(" 512 tok · 41.2 tok/s · 12.5 s ");
        let more = || Line::from(" ↓ 17 more ").right_aligned();
        for (kind, set) in [(BorderType::Rounded, border::ROUNDED), (BorderType::Thick, border::THICK)] {
            for width in 0..=48u16 {
                for height in 0..=5u16 {
                    for bottoms in 0..3 {
                        let area = Rect::new(1, 1, width, height);
                        let canvas = Rect::new(0, 0, 52, 8);
                        let mut theirs = Buffer::empty(canvas);
                        let mut ours = Buffer::empty(canvas);
                        // Something under the frame already, as in a frame being drawn.
                        for buf in [&mut theirs, &mut ours] {
                            buf.set_string(0, 2, "text under the pane's border and title row", badge);
                        }
                        let mut block = Block::bordered()
                            .border_type(kind)
                            .border_style(style)
                            .title_top(title())
                            .title_top(badge_line());
                        let mut titles = Titles {
                            top_left: vec![title()],
                            top_right: vec![badge_line()],
                            ..Titles::default()
                        };
                        if bottoms > 0 {
                            block = block.title_bottom(footer());
                            titles.bottom_left.push(footer());
                        }
                        if bottoms > 1 {
                            let ascii = || Line::styled(" 17 more ", name).right_aligned();
                            block = block.title_bottom(more()).title_top(ascii());
                            titles.bottom_right.push(more());
                            titles.top_right.push(ascii());
                        }
                        block.render(area, &mut theirs);
                        bordered(&mut ours, area, &set, style, &titles);
                        assert_eq!(ours, theirs, "{kind:?} {width}×{height}, {bottoms} bottom titles");
                    }
                }
            }
        }
    }
}
