//! The bar chart of adjusted win rates: per pair, a bar from the 50% line to the first arm's
//! win rate (●), and its Wilson 95% interval drawn as whiskers (├──┤). Hand-drawn in cells so it
//! reads at any size and in any theme (shapes carry the meaning, colour only helps).

use crate::lab::report::{PairScore, pair_name};
use crate::tui::text::cells::RowBuilder;
use crate::tui::text::wrap::Row;
use crate::tui::theme::Role;

/// Columns for the pair's name before the chart, at the least (a longer name widens it).
pub const LABEL: usize = 17;
/// The narrowest chart still worth drawing, and the widest one needed.
const MIN_CHART: usize = 11;
const MAX_CHART: usize = 61;

/// Columns for the names of `pairs` before the chart, as wide as the table's.
pub fn label(pairs: &[PairScore], width: usize) -> usize {
    (super::tables::pair_width(pairs, width) + 1).max(LABEL)
}

/// Chart columns for a text width, after a name `label` columns wide: odd, so that 50% falls on
/// a column.
pub fn chart_width(width: usize, label: usize) -> Option<usize> {
    let columns = width.saturating_sub(label).min(MAX_CHART);
    let columns = if columns % 2 == 0 { columns.saturating_sub(1) } else { columns };
    (columns >= MIN_CHART).then_some(columns)
}

fn column(value: f64, columns: usize) -> usize {
    ((value.clamp(0.0, 1.0) * (columns - 1) as f64).round() as usize).min(columns - 1)
}

/// The scale above the bars: 0%, 50% and 100%.
fn scale(columns: usize, width: usize, label: usize) -> Row {
    let mut cells = vec![' '; columns];
    let mid = columns / 2;
    for (at, text) in [(0, "0%"), (mid - 1, "50%"), (columns - 4, "100%")] {
        for (i, c) in text.chars().enumerate() {
            if let Some(cell) = cells.get_mut(at + i) {
                *cell = c;
            }
        }
    }
    let mut row = RowBuilder::new(width);
    row.left("", label, Role::Dim).push(&cells.into_iter().collect::<String>(), Role::Dim);
    row.build()
}

/// One pair's bar and whiskers as cells (glyph, role).
pub fn bar_cells(score: &PairScore, columns: usize) -> Vec<(char, Role)> {
    let mid = columns / 2;
    let mut cells = vec![(' ', Role::Text); columns];
    cells[mid] = ('│', Role::Rule);
    let Some(rate) = score.win_rate else { return cells };
    let point = column(rate, columns);
    // An empty range when the rate is exactly 50%.
    let bar = if point > mid { mid + 1..point } else { (point + 1).min(mid)..mid };
    if let Some((low, high)) = score.interval {
        let (lo, hi) = (column(low, columns), column(high, columns));
        for (c, cell) in cells.iter_mut().enumerate().take(hi + 1).skip(lo) {
            *cell = (if c == mid { '┼' } else { '─' }, Role::Text);
        }
        for cell in &mut cells[bar.clone()] {
            *cell = ('█', Role::Accent);
        }
        cells[lo] = ('├', Role::Text);
        cells[hi] = ('┤', Role::Text);
    } else {
        for cell in &mut cells[bar] {
            *cell = ('█', Role::Accent);
        }
    }
    cells[point] = ('●', Role::Title);
    cells
}

/// The chart for `pairs` at `width`, or nothing when there is no room (the table has the numbers).
pub fn rows(pairs: &[PairScore], width: usize) -> Vec<Row> {
    let label = label(pairs, width);
    let Some(columns) = chart_width(width, label) else { return Vec::new() };
    let mut out = vec![scale(columns, width, label)];
    for score in pairs {
        let mut row = RowBuilder::new(width);
        row.left(&pair_name(score), label, Role::Text);
        for (glyph, role) in bar_cells(score, columns) {
            row.push(glyph.encode_utf8(&mut [0; 4]), role);
        }
        out.push(row.build());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Arm;
    use crate::lab::stats::Tally;

    fn score(wins: u32, ties: u32, losses: u32) -> PairScore {
        PairScore::from_tally((Arm::Tree, Arm::Solo), Tally { wins, ties, losses })
    }

    fn text(cells: &[(char, Role)]) -> String {
        cells.iter().map(|(c, _)| *c).collect()
    }

    #[test]
    fn an_interval_across_50_percent_crosses_the_line() {
        let cells = bar_cells(&score(3, 2, 1), 21);
        let drawn = text(&cells);
        assert_eq!(drawn.chars().filter(|c| *c == '●').count(), 1);
        let (lo, hi) =
            (drawn.chars().position(|c| c == '├').unwrap(), drawn.chars().position(|c| c == '┤').unwrap());
        assert!(lo < 10 && hi > 10, "the whiskers straddle 50%: {drawn}");
    }

    #[test]
    fn a_clear_win_sits_right_of_the_line_whiskers_and_all() {
        let drawn = text(&bar_cells(&score(30, 0, 2), 21));
        let lo = drawn.chars().position(|c| c == '├').unwrap();
        assert!(lo > 10, "{drawn}");
        assert!(drawn.chars().nth(10) == Some('│'), "the 50% line stays visible: {drawn}");
        assert!(drawn.contains('█'));
    }

    #[test]
    fn exactly_even_puts_the_point_on_the_line() {
        let drawn = text(&bar_cells(&score(0, 3, 0), 31));
        assert_eq!(drawn.chars().nth(15), Some('●'), "{drawn}");
        assert!(!drawn.contains('█'), "{drawn}");
    }

    #[test]
    fn no_data_draws_only_the_line() {
        assert_eq!(text(&bar_cells(&score(0, 0, 0), 11)).trim(), "│");
    }

    #[test]
    fn charts_fit_their_width_or_are_left_out() {
        assert_eq!(chart_width(20, LABEL), None);
        assert_eq!(chart_width(36, LABEL), Some(19));
        assert_eq!(chart_width(200, LABEL), Some(61));
        for row in rows(&[score(3, 2, 1)], 40) {
            assert!(row.width <= 40);
        }
        // Another organization's arm names itself with its version: the names widen, the chart
        // gives way.
        let org = Arm::Org(crate::lab::OrgKey::preset("seed", "1a2b3c4d5e6f"));
        let long = PairScore::from_tally((Arm::Tree, org), Tally { wins: 3, ties: 0, losses: 1 });
        assert_eq!(label(std::slice::from_ref(&long), 80), 28);
        let drawn = rows(&[score(3, 2, 1), long], 80);
        assert!(drawn[2].text().starts_with("tree vs tree@seed#1a2b3c4d  "), "{:?}", drawn[2].text());
        assert!(drawn.iter().all(|row| row.width <= 80));
    }

    proptest::proptest! {
        /// Any tally at any width: exactly one point, the right width, and no panic.
        #[test]
        fn any_tally_draws_one_point(wins in 0u32..60, ties in 0u32..60, losses in 0u32..60, width in 0usize..120) {
            let score = score(wins, ties, losses);
            for row in rows(std::slice::from_ref(&score), width) {
                proptest::prop_assert!(row.width <= width);
            }
            if let Some(columns) = chart_width(width, LABEL) {
                let drawn = text(&bar_cells(&score, columns));
                proptest::prop_assert_eq!(drawn.chars().count(), columns);
                let points = drawn.chars().filter(|c| *c == '●').count();
                proptest::prop_assert_eq!(points, usize::from(wins + ties + losses > 0));
            }
        }
    }
}
