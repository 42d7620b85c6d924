//! The Lab tab on screen: where its parts go, the scoreboard's rows, and the two answers of the
//! blind vote wrapped for their panes.

pub mod board;
pub mod chart;
pub mod layout;

use ratatui::layout::Rect;

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
    board_key: Option<(u64, usize, LoadState, board::Hints)>,
    /// Rows the board shows.
    pub board_height: usize,
    pub vote: VoteText,
}

/// The vote screen's two answers, wrapped for their panes.
#[derive(Debug, Clone, Default)]
pub struct VoteText {
    /// (pane width, comparison, the arms as shown): a new pair or a new width rewraps.
    pub a_rows: Memo<(usize, i64, String)>,
    pub b_rows: Memo<(usize, i64, String)>,
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
            let regions = layout::vote(body, vote);
            let Some(item) = &vote.item else { return };
            let (a, b) = item.shown_answers();
            let (wa, wb) = (regions.a_text.width.max(1) as usize, regions.b_text.width.max(1) as usize);
            let pair = format!("{}-{}", item.shown_first, item.shown_second());
            let id = item.pending.comparison;
            let text = &mut self.vote;
            text.a_rows.ensure((wa, id, pair.clone()), wa, |w| markdown::render_into(a, w));
            text.b_rows.ensure((wb, id, pair), wb, |w| markdown::render_into(b, w));
            let (ha, hb) = (regions.a_text.height as usize, regions.b_text.height as usize);
            text.pane_height = ha.min(hb).max(1);
            text.max_scroll = text.a_rows.len().saturating_sub(ha).max(text.b_rows.len().saturating_sub(hb));
            return;
        }
        let regions = layout::board(body, lab);
        let inner = layout::inner_text(regions.board);
        let width = inner.width as usize;
        let hints = board::hints(keymap);
        let key = (lab.data_generation, width, lab.load.clone(), hints);
        if self.board_key.as_ref() != Some(&key) {
            self.board_rows = board::rows(lab.data.as_ref(), &lab.load, width, &key.3);
            self.board_key = Some(key);
        }
        self.board_height = inner.height as usize;
    }
}
