//! Where the flow's lanes go at a width, and each message as one screen row: the time, a lane
//! per member with an arrow from sender to receiver, then the type and a quote. Lanes narrow
//! (names shortened) as the width shrinks; below that, each message is a line of words.

use unicode_width::UnicodeWidthStr;

use super::rows::{FlowRow, Kind, Lane};
use crate::tui::state::run_view::RunView;
use crate::tui::text::wrap::{Row, Seg, truncate};
use crate::tui::theme::Role;

/// Columns of the time (`+123.4 s`) and the space after it.
const TIME: usize = 9;
/// The fewest columns left for the type and the quote beside the lanes.
const LABEL_MIN: usize = 26;
/// The narrowest lane: a name's first two letters and an ellipsis.
const LANE_MIN: usize = 4;
/// Columns the type takes in the list form (`DELEGATION` and a space).
const KIND_W: usize = 11;

/// How messages are drawn at the current width.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Lanes {
    /// One column per lane, `spacing` apart from column [`TIME`]: the user's, then each member's
    /// in pre-order, under their (shortened) names.
    Diagram { spacing: usize, names: Vec<String> },
    /// Too narrow for lanes: `+1.2 s Atlas → Nova DELEGATION "…"`.
    #[default]
    List,
}

impl Lanes {
    /// The lanes for `run` at `width` columns.
    pub fn new(run: &RunView, width: usize) -> Lanes {
        let names: Vec<&str> =
            std::iter::once("you").chain(run.nodes.iter().map(|n| n.name.as_str())).collect();
        let widest = names.iter().map(|n| n.width()).max().unwrap_or(3);
        let room = width.saturating_sub(TIME + LABEL_MIN) / names.len().max(1);
        let spacing = room.min(widest + 2);
        if spacing < LANE_MIN {
            return Lanes::List;
        }
        let names = names.iter().map(|n| truncate(n, spacing - 1)).collect();
        Lanes::Diagram { spacing, names }
    }

    /// The row of names over the lanes (empty in the list form).
    pub fn header(&self) -> Row {
        let mut row = Line::default();
        if let Lanes::Diagram { spacing, names } = self {
            row.push(&format!("{:>w$} ", "time", w = TIME - 1), Role::Dim);
            for name in names {
                row.push(&format!("{name:<spacing$}"), Role::Title);
            }
        }
        row.done()
    }

    /// One message as a row of the list.
    pub fn line(&self, run: &RunView, row: &FlowRow, width: usize) -> Row {
        let mut line = Line::default();
        line.push(&format!("{:>w$} ", time(row.at_ms), w = TIME - 1), Role::Metrics);
        let role = row.kind.role();
        match self {
            Lanes::Diagram { spacing, names } => {
                line.push(&arrows(row, *spacing, names.len()), Role::Dim);
                line.recolour_arrow(row, *spacing, role);
                line.push(" ", Role::Text);
            }
            Lanes::List => {
                let from = name(run, row.from);
                if row.from == row.to {
                    line.push(&format!("{from} ↻ "), role);
                } else {
                    line.push(&format!("{from} → {} ", name(run, row.to)), role);
                }
            }
        }
        let label = row.kind.label();
        line.push(&format!("{label:<KIND_W$}"), role);
        if !row.quote.is_empty() {
            let quote_role = if row.kind == Kind::Error { Role::NodeFailed } else { Role::Text };
            let room = width.saturating_sub(line.width + 2);
            if room > 1 {
                line.push(&format!("“{}”", truncate(&row.quote, room)), quote_role);
            }
        }
        line.cut(width)
    }
}

/// `+12.3 s` from the start; whole seconds from 1000 s on.
fn time(ms: i64) -> String {
    let secs = ms as f64 / 1000.0;
    if secs < 1000.0 { format!("+{secs:.1} s") } else { format!("+{secs:.0} s") }
}

/// A lane's name in words.
fn name(run: &RunView, lane: Lane) -> &str {
    match lane {
        Lane::You => "you",
        Lane::Node(i) => run.nodes.get(i).map_or("?", |n| n.name.as_str()),
    }
}

fn column(lane: Lane, spacing: usize) -> usize {
    match lane {
        Lane::You => 0,
        Lane::Node(i) => (i + 1) * spacing,
    }
}

/// The lanes of one row as text: `│` on each lane, the arrow from sender to receiver over them.
fn arrows(row: &FlowRow, spacing: usize, lanes: usize) -> String {
    let width = lanes.saturating_sub(1) * spacing + 1;
    let mut cells: Vec<char> = (0..width).map(|x| if x % spacing == 0 { '│' } else { ' ' }).collect();
    let (from, to) = (column(row.from, spacing), column(row.to, spacing));
    if from >= width || to >= width {
        return cells.into_iter().collect();
    }
    if from == to {
        cells[from] = match row.kind {
            Kind::Error => '✖',
            Kind::Status => '▲',
            _ => '↻',
        };
    } else {
        let (lo, hi) = (from.min(to), from.max(to));
        for cell in &mut cells[lo..=hi] {
            *cell = '─';
        }
        cells[from] = '●';
        cells[to] = if to > from { '▶' } else { '◀' };
    }
    cells.into_iter().collect()
}

/// A row being built from styled pieces.
#[derive(Default)]
struct Line {
    segs: Vec<Seg>,
    width: usize,
}

impl Line {
    fn push(&mut self, text: &str, role: Role) {
        if text.is_empty() {
            return;
        }
        match self.segs.last_mut() {
            Some(last) if last.role == role => last.text.push_str(text),
            _ => self.segs.push(Seg { text: text.to_string(), role }),
        }
        self.width += text.width();
    }

    /// Gives the arrow (the cells from sender to receiver, just pushed in the lanes' role) the
    /// message's role, leaving the other lanes dim.
    fn recolour_arrow(&mut self, row: &FlowRow, spacing: usize, role: Role) {
        let Some(lanes) = self.segs.pop() else { return };
        self.width -= lanes.text.width();
        let (from, to) = (column(row.from, spacing), column(row.to, spacing));
        let (lo, hi) = (from.min(to), from.max(to));
        let cells: Vec<char> = lanes.text.chars().collect();
        let piece = |range: std::ops::Range<usize>| -> String {
            cells
                .get(range.start.min(cells.len())..range.end.min(cells.len()))
                .unwrap_or_default()
                .iter()
                .collect()
        };
        self.push(&piece(0..lo), Role::Dim);
        self.push(&piece(lo..hi + 1), role);
        self.push(&piece(hi + 1..cells.len()), Role::Dim);
    }

    /// The row, cut to `width` columns.
    fn cut(self, width: usize) -> Row {
        let mut out = Row::default();
        let mut used = 0;
        for seg in self.segs {
            let left = width.saturating_sub(used);
            if left == 0 {
                break;
            }
            let text = if seg.text.width() > left { truncate(&seg.text, left) } else { seg.text };
            used += text.width();
            out.segs.push(Seg { text, role: seg.role });
        }
        out.width = used;
        out
    }

    fn done(self) -> Row {
        Row { segs: self.segs, width: self.width }
    }
}
