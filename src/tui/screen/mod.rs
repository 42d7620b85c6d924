//! What the screen shows, derived from the state: where everything goes (layouts, pure functions
//! of the terminal's size and the facts) and the text wrapped for it (rows kept in step with the
//! run, so a frame never re-wraps a whole transcript). It sits below both the reducer, which pages
//! and hit-tests against what the user sees, and the views, which only paint it.
//!
//! The loop keeps one [`Screen`] beside the state and calls [`Screen::sync`] before every message
//! that reads it (keys, the mouse) and before every frame;
//! `Screen::of(&state)` builds the same thing from scratch (tests do). The caches inside it are an
//! optimisation only: a synced screen always equals a fresh one.

pub mod answer;
pub mod caption;
pub mod concepts;
pub mod flow;
pub mod help;
pub mod history;
pub mod lab;
pub mod layout;
pub mod messages;
pub mod panes;
pub mod prompts;
#[cfg(test)]
mod test_run;
pub mod welcome;
pub mod zoom;

use self::flow::FlowScreen;
use self::lab::LabScreen;
use self::layout::ScreenLayout;
use self::panes::PaneText;
use self::zoom::ZoomText;
use crate::tui::state::{State, Tab};
use crate::tui::text::cached::Memo;

/// Everything drawing needs that is derived from the state.
#[derive(Debug, Clone, Default)]
pub struct Screen {
    /// Where the Run tab's parts go at the current size.
    pub layout: ScreenLayout,
    /// Each node's pane text, in pre-order.
    pub panes: Vec<PaneText>,
    /// The final answer wrapped to the panel, once the run has ended.
    /// Keyed by the run shown, the width, the answer's length and the number of earlier turns.
    pub answer: Memo<(u64, usize, u64, usize)>,
    /// The row of `answer` where this turn starts (the rows above are the conversation's earlier turns).
    pub answer_anchor: usize,
    /// Text rows of the answer panel.
    pub answer_height: usize,
    /// The zoom view's document, while one is open.
    pub zoom: Option<ZoomText>,
    /// The message-flow view's rows and layout, while it is open.
    pub flow: Option<FlowScreen>,
    pub lab: LabScreen,
    /// The run picture (`RunTab::generation`) the rows above were built for.
    generation: u64,
}

impl Screen {
    /// The screen for `state`, built from scratch.
    pub fn of(state: &State) -> Screen {
        let mut screen = Screen::default();
        screen.sync(state);
        screen
    }

    /// Brings everything up to date with `state`. Cheap when nothing changed: streamed tokens
    /// wrap only their new text, and the rest is rebuilt only when its source changes.
    pub fn sync(&mut self, state: &State) {
        let area = state.area();
        let run = &state.run;
        if run.generation != self.generation {
            // Another run on screen: its calls' ids start again at 1, so nothing wrapped for the
            // last one may be kept (a pane would show the old run's reply under the new call).
            self.panes.clear();
            self.zoom = None;
            self.flow = None;
            self.answer.reset();
            self.generation = run.generation;
        }
        // The answer wraps to the full width, so it can be measured before the layout.
        if !run.shows_answer() {
            self.answer.reset();
            self.answer_anchor = 0;
        } else {
            let width = state.size.0.saturating_sub(2).max(1) as usize;
            let len = run.view.answer.as_ref().map_or(0, String::len) as u64;
            let earlier = state.earlier_turns();
            let mut anchor = None;
            self.answer.ensure((run.generation, width, len, earlier.len()), width, |w| {
                anchor = Some(answer::conversation_body(&run.view, earlier, w));
            });
            if let Some(anchor) = anchor {
                self.answer_anchor = anchor;
            }
        }
        // The panel is sized for this turn's answer; the earlier turns are a scroll away.
        let answer_rows = run.shows_answer().then(|| self.answer.len().saturating_sub(self.answer_anchor));
        self.layout = layout::compute_with_focus(
            area,
            &run.view,
            answer_rows,
            run.prompt.line_count(),
            run.spotlight(),
        );
        self.answer_height = self.layout.answer.map_or(0, |r| r.height.saturating_sub(2) as usize);
        panes::sync(&mut self.panes, run, &self.layout);
        self.zoom = state.zoom().map(|zoom| {
            let document = layout::zoom(area, run.view.calls.len()).document;
            let (width, height) = (document.width.max(1) as usize, document.height as usize);
            let mut text = self.zoom.take().unwrap_or_default();
            let zoomed = zoom::Zoomed { node: zoom.node, run: &run.view, levels: state.run_levels() };
            text.sync(zoomed, run.generation, width, height);
            text
        });
        self.flow = state.flow().map(|flow| {
            let mut screen = self.flow.take().unwrap_or_default();
            screen.sync(flow, &run.view, run.generation, area);
            screen
        });
        if state.tab == Tab::Lab {
            self.lab.sync(&state.lab, &state.keymap, area);
        } else {
            // Off the tab, nothing of it is kept: a fresh screen has none of it either.
            self.lab = LabScreen::default();
        }
    }
}
