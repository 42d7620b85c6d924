//! The Lab tab on screen: where its parts go, the scoreboard's rows, and the two answers of the
//! blind vote wrapped for their panes.

pub mod board;
pub mod chart;
pub mod layout;
pub mod tables;

use ratatui::layout::Rect;

use crate::lab::Arm;
use crate::tui::keymap::Keymap;
use crate::tui::state::lab::{LabState, LoadState};
use crate::tui::text::cached::Memo;
use crate::tui::text::markdown;
use crate::tui::text::wrap::Row;

/// The Lab tab's rows for the current size.
#[derive(Debug, Clone, Default)]
pub struct LabScreen {
    /// The scoreboard as rows for the board's width.
    pub board_rows: Vec<Row>,
    /// What the board's rows were built for: the data's generation, the width, the load state.
    board_key: Option<(u64, usize, LoadState)>,
    /// Rows the board shows.
    pub board_height: usize,
    pub vote: VoteText,
}

/// What a vote pane's rows were built for: its width, the comparison, the arms shown as A and B.
pub type VoteKey = (usize, i64, Arm, Arm);

/// The vote screen's two answers, wrapped for their panes.
#[derive(Debug, Clone, Default)]
pub struct VoteText {
    /// (pane width, comparison, the arms as shown A then B): a new pair or a new width rewraps.
    pub a_rows: Memo<VoteKey>,
    pub b_rows: Memo<VoteKey>,
    /// Text rows in each pane.
    pub pane_height: usize,
    /// The furthest the panes can scroll.
    pub max_scroll: usize,
}

impl LabScreen {
    /// The first board row to show for the scroll the user asked for.
    pub fn board_top(&self, scroll: usize) -> usize {
        scroll.min(self.max_board_scroll())
    }

    /// The furthest the board can scroll.
    pub fn max_board_scroll(&self) -> usize {
        self.board_rows.len().saturating_sub(self.board_height)
    }

    /// Brings the rows up to date with the tab on a screen of `area`.
    pub fn sync(&mut self, lab: &LabState, keymap: &Keymap, area: Rect) {
        let body = layout::body(area);
        if let Some(vote) = &lab.vote {
            // The board is not on screen: nothing of it is kept (a fresh screen has none either).
            self.board_rows.clear();
            self.board_key = None;
            self.board_height = 0;
            let regions = layout::vote(body, vote);
            let Some(item) = &vote.item else {
                self.vote = VoteText::default();
                return;
            };
            let (a, b) = item.shown_answers();
            let (wa, wb) = (regions.a_text.width.max(1) as usize, regions.b_text.width.max(1) as usize);
            let (id, first, second) =
                (item.pending.comparison, item.shown_first.clone(), item.shown_second());
            let text = &mut self.vote;
            text.a_rows.ensure((wa, id, first.clone(), second.clone()), wa, |w| markdown::render_into(a, w));
            text.b_rows.ensure((wb, id, first, second), wb, |w| markdown::render_into(b, w));
            let (ha, hb) = (regions.a_text.height as usize, regions.b_text.height as usize);
            text.pane_height = ha.min(hb).max(1);
            text.max_scroll = text.a_rows.len().saturating_sub(ha).max(text.b_rows.len().saturating_sub(hb));
            return;
        }
        self.vote = VoteText::default();
        let regions = layout::board(body, lab);
        let inner = layout::inner_text(regions.board);
        let width = inner.width as usize;
        // Compared in place: this runs on every message while the tab shows (a comparison's
        // tokens among them), and the keymap, which the hints come from, never changes.
        let built = self.board_key.as_ref().is_some_and(|(generation, built_width, load)| {
            (*generation, *built_width) == (lab.data_generation, width) && *load == lab.load
        });
        if !built {
            self.board_rows = board::rows(lab.data.as_ref(), &lab.load, width, &board::hints(keymap));
            self.board_key = Some((lab.data_generation, width, lab.load.clone()));
        }
        self.board_height = inner.height as usize;
    }
}
