//! Shown instead of everything else when the terminal is below the minimum size.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::tui::state::State;
use crate::tui::text::wrap::wrap;
use crate::tui::theme::Role;
use crate::tui::view::paint::draw_rows;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
    let text = format!(
        "Terminal too small: {}×{}. ailab needs at least {MIN_WIDTH}×{MIN_HEIGHT}. \
         Enlarge the window or make the font smaller. Ctrl-C quits.",
        area.width, area.height
    );
    let rows = wrap(&text, area.width as usize, Role::StatusWarn);
    let top = area.y + area.height.saturating_sub(rows.len() as u16) / 2;
    let height = area.bottom().saturating_sub(top);
    draw_rows(frame.buffer_mut(), Rect::new(area.x, top, area.width, height), &rows, theme);
}
