//! Pure views: each takes the state (or a part of it) and draws. No I/O, no locks, no mutation.
//! Views ask the theme for roles, never for colours, and draw only the rows that are visible.

pub mod answer;
mod bordered;
mod compact;
mod connectors;
mod flow;
mod health;
pub mod help;
pub mod history;
pub mod lab;
pub mod messages;
mod paint;
mod pane;
mod prompt;
pub mod prompts;
pub mod status_bar;
mod tabs;
mod timeline;
mod too_small;
pub mod welcome;
pub mod zoom;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;

use super::screen::Screen;
use super::screen::layout::{self, TreeLayout};
use super::state::{Overlay, State, Tab};
use super::theme::Theme;
pub use paint::{centered, draw_rows, span};

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, state: &State, screen: &Screen) {
    // The screen was laid out for the state's size; the loop folds a new terminal size in before
    // drawing, so this only guards a caller that did not (drawing with another size's rectangles
    // would write outside the frame).
    if frame.area() != screen.layout.area {
        return;
    }
    draw_screen(frame, state, screen);
    messages::draw_toast(frame, state, screen);
    paint_background(frame.buffer_mut(), state.theme());
}

fn draw_screen(frame: &mut Frame, state: &State, screen: &Screen) {
    let area = frame.area();
    let layout = &screen.layout;
    if layout.too_small {
        too_small::draw(frame, area, state);
        return;
    }
    if state.tab == Tab::History {
        history::draw(frame, state);
        return;
    }
    tabs::draw(frame, layout.tabs, state);
    match state.tab {
        Tab::Lab => lab::draw(frame, area, state, &screen.lab),
        Tab::Prompts => prompts::draw(frame, area, state),
        Tab::Run | Tab::History => draw_run(frame, layout, state, screen),
    }
    status_bar::draw(frame, layout.status, state);
    draw_overlays(frame, area, state, screen);
}

/// A theme that paints its own background (a light theme on a dark terminal would otherwise put
/// dark text on a dark screen) gives its colours to every cell left at the terminal's defaults,
/// after everything is drawn, so overlays that clear their area are covered too.
fn paint_background(buf: &mut Buffer, theme: &Theme) {
    let base = theme.style(super::theme::Role::Background);
    let fg = base.fg.filter(|c| *c != Color::Reset);
    let bg = base.bg.filter(|c| *c != Color::Reset);
    if fg.is_none() && bg.is_none() {
        return;
    }
    for cell in &mut buf.content {
        if let Some(bg) = bg
            && cell.bg == Color::Reset
        {
            cell.bg = bg;
        }
        if let Some(fg) = fg
            && cell.fg == Color::Reset
        {
            cell.fg = fg;
        }
    }
}

/// The Run tab: the tree, the answer, the prompt box.
fn draw_run(frame: &mut Frame, layout: &layout::ScreenLayout, state: &State, screen: &Screen) {
    match &layout.tree_layout {
        TreeLayout::Chart { panes, gap } => {
            connectors::draw(frame.buffer_mut(), &state.run.view, panes, *gap, state.theme());
            for (i, rect) in panes.iter().enumerate() {
                pane::draw(frame, *rect, state, screen, i);
            }
        }
        TreeLayout::Compact { rows, detail } => {
            compact::draw(frame, rows, state);
            if let Some((node, rect)) = detail {
                pane::draw(frame, *rect, state, screen, *node);
            }
        }
        TreeLayout::Hidden => {}
    }
    if let Some(rect) = layout.answer {
        answer::draw(frame, rect, state, screen);
    }
    prompt::draw(frame, layout.prompt, state);
    history::past_banner(frame, layout.prompt, state);
}

fn draw_overlays(frame: &mut Frame, area: Rect, state: &State, screen: &Screen) {
    for overlay in &state.overlays {
        match overlay {
            Overlay::Zoom(zoom) => zoom::draw(frame, area, state, zoom, screen.zoom.as_ref()),
            Overlay::Flow(flow) => flow::draw(frame, state, flow, screen.flow.as_ref()),
            Overlay::Help { scroll, page } => help::draw(frame, area, state, *scroll, *page),
            Overlay::Messages { scroll } => messages::draw(frame, area, state, *scroll),
            Overlay::Health(panel) => health::draw(frame, area, state, panel),
            Overlay::Welcome(welcome) => welcome::draw(frame, area, state, welcome),
        }
    }
}
