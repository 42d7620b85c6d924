//! The board's two tables: per pair W/T/L, adjusted win rate, its 95% interval, answer lengths and
//! the verdict; per arm the average cost (calls, tokens, time) and length of its answers.

use crate::lab::Arm;
use crate::lab::report::{ArmCost, PairScore, pair_name};
use crate::lab::stats::Verdict;
use crate::tui::text::cells::{RowBuilder, paragraph};
use crate::tui::text::wrap::Row;
use crate::tui::theme::Role;

/// Columns the pair table needs after the pair's name and before its verdict; narrower, each
/// pair takes two lines.
const COLUMNS: usize = 37;
/// Columns of the cost ratios (calls, tokens, time) after the words, when there is room for them
/// and a verdict after them.
const COST: usize = 22;
const VERDICT: usize = 25;
/// The narrowest the pair's and the arm's names are given.
const PAIR: usize = 16;
const ARM: usize = 10;

pub fn percent(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{:.0}%", v * 100.0))
}

fn interval(v: Option<(f64, f64)>) -> String {
    v.map_or("–".into(), |(lo, hi)| format!("{:.0}–{:.0}%", lo * 100.0, hi * 100.0))
}

/// Columns for the pairs' names: the longest (another organization's arm carries its version,
/// `tree vs tree@seed#1a2b3c4d`), and never more than half the width.
pub fn pair_width(pairs: &[PairScore], width: usize) -> usize {
    let longest = pairs.iter().map(|p| pair_name(p).chars().count() + 1).max().unwrap_or(0);
    longest.clamp(PAIR, (width / 2).max(PAIR))
}

/// The verdict in words, naming the better arm when there is one.
pub fn verdict(p: &PairScore) -> (String, Role) {
    match p.verdict {
        Verdict::Better => (format!("{} better", p.x), Role::Accent),
        Verdict::Worse => (format!("{} better", p.y), Role::Accent),
        Verdict::NoSignificantDifference => (p.verdict.label().to_string(), Role::Text),
        Verdict::NoData => (p.verdict.label().to_string(), Role::Dim),
    }
}

fn words(costs: &[ArmCost], arm: &Arm) -> String {
    costs.iter().find(|c| c.arm == *arm).map_or("–".into(), |c| format!("{:.0}", c.avg_words))
}

/// The first arm's average cost as a multiple of the second's ("9.0×"), over the runs that
/// answered; "–" when either has none.
fn ratio(costs: &[ArmCost], (x, y): (&Arm, &Arm), of: fn(&ArmCost) -> f64) -> String {
    let cost = |arm: &Arm| costs.iter().find(|c| c.arm == *arm && c.answered > 0).map(of);
    match (cost(x), cost(y)) {
        (Some(mine), Some(theirs)) if theirs > 0.0 => format!("{:.1}×", mine / theirs),
        _ => "–".into(),
    }
}

pub fn table(out: &mut Vec<Row>, pairs: &[PairScore], costs: &[ArmCost], width: usize) {
    let name = pair_width(pairs, width);
    let wide = width >= name + COLUMNS;
    // Cost beside quality: what the first arm spent for its answers, against the second.
    let cost = width >= name + COLUMNS + COST + VERDICT;
    let mut header = RowBuilder::new(width);
    header.left("pair", name, Role::Dim).right("W", 3, Role::Dim).right("T", 3, Role::Dim).right(
        "L",
        3,
        Role::Dim,
    );
    if wide {
        header.right("win rate", 9, Role::Dim).push("  ", Role::Dim).left("95% CI", 9, Role::Dim);
        header.left("words", 8, Role::Dim);
        if cost {
            header.right("calls×", 6, Role::Dim).right("tokens×", 8, Role::Dim).right("time×", 6, Role::Dim);
            header.push("  ", Role::Dim);
        }
        header.push("verdict", Role::Dim);
    } else {
        header.right("win", 6, Role::Dim);
    }
    out.push(header.build());
    for p in pairs {
        let mut row = RowBuilder::new(width);
        row.left(&pair_name(p), name, Role::Text);
        for n in [p.tally.wins, p.tally.ties, p.tally.losses] {
            row.right(&n.to_string(), 3, Role::Metrics);
        }
        let (verdict, role) = verdict(p);
        let length = format!("{}:{}", words(costs, &p.x), words(costs, &p.y));
        if wide {
            row.right(&percent(p.win_rate), 9, Role::Strong).push("  ", Role::Text);
            row.left(&interval(p.interval), 9, Role::Metrics).left(&length, 8, Role::Metrics);
            if cost {
                let pair = (&p.x, &p.y);
                row.right(&ratio(costs, pair, |c| c.avg_calls), 6, Role::Metrics);
                row.right(&ratio(costs, pair, |c| c.avg_tokens), 8, Role::Metrics);
                row.right(&ratio(costs, pair, |c| c.avg_wall_s), 6, Role::Metrics).push("  ", Role::Text);
            }
            if row.width() + verdict.chars().count() <= width {
                row.push(&verdict, role);
                out.push(row.build());
            } else {
                out.push(row.build());
                out.extend(paragraph(&[("    → ", Role::Dim), (&verdict, role)], width, 6));
            }
        } else {
            row.right(&percent(p.win_rate), 6, Role::Strong);
            out.push(row.build());
            let detail = format!("    95% CI {} · words {length} · ", interval(p.interval));
            out.extend(paragraph(&[(&detail, Role::Metrics), (&verdict, role)], width, 6));
        }
    }
}

pub fn costs(out: &mut Vec<Row>, costs: &[ArmCost], width: usize) {
    if costs.is_empty() {
        out.push(Row::plain("No answers yet.", Role::Dim));
        return;
    }
    let longest = costs.iter().map(|c| c.arm.as_str().chars().count() + 1).max().unwrap_or(0);
    let name = longest.clamp(ARM, (width / 2).max(ARM));
    let tokens = width >= name + 42;
    let mut header = RowBuilder::new(width);
    header.left("arm", name, Role::Dim).right("runs", 5, Role::Dim).right("calls", 7, Role::Dim);
    if tokens {
        header.right("tokens", 9, Role::Dim);
    }
    header.right("wall", 9, Role::Dim).right("words", 7, Role::Dim);
    out.push(header.build());
    for c in costs {
        let mut row = RowBuilder::new(width);
        row.left(c.arm.as_str(), name, Role::Text).right(&c.runs.to_string(), 5, Role::Metrics);
        if c.answered == 0 {
            row.push(&format!("  no answer yet ({} failed)", c.failed), Role::NodeFailed);
            out.push(row.build());
            continue;
        }
        row.right(&format!("{:.1}", c.avg_calls), 7, Role::Metrics);
        if tokens {
            row.right(&crate::tui::format::thousands(c.avg_tokens.round() as u64), 9, Role::Metrics);
        }
        row.right(&format!("{:.1} s", c.avg_wall_s), 9, Role::Metrics);
        row.right(&format!("{:.0}", c.avg_words), 7, Role::Strong);
        if c.failed > 0 {
            row.push(&format!("  {} failed (not averaged)", c.failed), Role::NodeFailed);
        }
        out.push(row.build());
    }
}
