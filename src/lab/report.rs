//! The scoreboard: per arm pair wins/ties/losses, adjusted win rate with its Wilson interval and
//! verdict; beside it each arm's cost and answer length (judges favour length, so it is shown).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::arm::Arm;
use super::eval::ComparisonResult;
use super::stats::{Tally, Verdict};
use super::verdict::Outcome;

/// One "x vs y" line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairScore {
    pub x: Arm,
    pub y: Arm,
    pub tally: Tally,
    pub win_rate: Option<f64>,
    pub interval: Option<(f64, f64)>,
    pub verdict: Verdict,
}

/// Average cost and length of one arm's answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmCost {
    pub arm: Arm,
    pub runs: usize,
    pub failed: usize,
    pub avg_calls: f64,
    pub avg_tokens: f64,
    pub avg_wall_s: f64,
    pub avg_words: f64,
}

/// The whole scoreboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scoreboard {
    pub pairs: Vec<PairScore>,
    pub costs: Vec<ArmCost>,
    /// Per category, per pair.
    pub categories: BTreeMap<String, Vec<PairScore>>,
    pub comparisons: usize,
}

/// Adds one outcome of (x, y) to a tally kept from x's side.
pub fn count(tally: &mut Tally, outcome: Outcome) {
    match outcome {
        Outcome::First => tally.wins += 1,
        Outcome::Second => tally.losses += 1,
        Outcome::Tie | Outcome::BothBad => tally.ties += 1,
    }
}

fn score((x, y): (Arm, Arm), tally: Tally) -> PairScore {
    PairScore {
        x,
        y,
        tally,
        win_rate: tally.adjusted_win_rate(),
        interval: tally.interval(),
        verdict: tally.verdict(),
    }
}

/// Builds the scoreboard from finished comparisons.
pub fn scoreboard(results: &[ComparisonResult]) -> Scoreboard {
    let mut pairs: BTreeMap<(Arm, Arm), Tally> = BTreeMap::new();
    let mut categories: BTreeMap<String, BTreeMap<(Arm, Arm), Tally>> = BTreeMap::new();
    let mut costs: BTreeMap<Arm, Vec<&super::arm::ArmResult>> = BTreeMap::new();
    for result in results {
        for (pair, outcome) in &result.outcomes {
            count(pairs.entry(*pair).or_default(), *outcome);
            count(
                categories.entry(result.prompt.category.clone()).or_default().entry(*pair).or_default(),
                *outcome,
            );
        }
        for (arm, run) in &result.arms {
            costs.entry(*arm).or_default().push(run);
        }
    }
    let costs = costs
        .into_iter()
        .map(|(arm, runs)| {
            let n = runs.len().max(1) as f64;
            ArmCost {
                arm,
                runs: runs.len(),
                failed: runs.iter().filter(|r| !r.answered()).count(),
                avg_calls: runs.iter().map(|r| f64::from(r.calls)).sum::<f64>() / n,
                avg_tokens: runs.iter().map(|r| r.tokens as f64).sum::<f64>() / n,
                avg_wall_s: runs.iter().map(|r| r.wall_ms as f64 / 1000.0).sum::<f64>() / n,
                avg_words: runs.iter().map(|r| r.words() as f64).sum::<f64>() / n,
            }
        })
        .collect();
    Scoreboard {
        pairs: pairs.into_iter().map(|(pair, tally)| score(pair, tally)).collect(),
        costs,
        categories: categories
            .into_iter()
            .map(|(cat, pairs)| (cat, pairs.into_iter().map(|(pair, tally)| score(pair, tally)).collect()))
            .collect(),
        comparisons: results.len(),
    }
}

fn percent(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{:.0}%", v * 100.0))
}

fn interval(v: Option<(f64, f64)>) -> String {
    v.map_or("–".into(), |(lo, hi)| format!("[{:.0}%, {:.0}%]", lo * 100.0, hi * 100.0))
}

/// The scoreboard as plain-text tables for the terminal.
pub fn render_table(board: &Scoreboard, judge_model: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} comparison(s), judged by {judge_model} in both orders (disagreement = tie)\n",
        board.comparisons
    );
    let _ = writeln!(
        out,
        "{:<18} {:>4} {:>4} {:>4}  {:>8}  {:<12}  verdict",
        "pair", "W", "T", "L", "win rate", "95% CI"
    );
    for p in &board.pairs {
        let _ = writeln!(
            out,
            "{:<18} {:>4} {:>4} {:>4}  {:>8}  {:<12}  {}",
            format!("{} vs {}", p.x, p.y),
            p.tally.wins,
            p.tally.ties,
            p.tally.losses,
            percent(p.win_rate),
            interval(p.interval),
            p.verdict.label()
        );
    }
    let _ = writeln!(
        out,
        "\n{:<10} {:>5} {:>7} {:>9} {:>9} {:>8}",
        "arm", "runs", "calls", "tokens", "wall s", "words"
    );
    for c in &board.costs {
        let failed = if c.failed > 0 { format!(" ({} failed)", c.failed) } else { String::new() };
        let _ = writeln!(
            out,
            "{:<10} {:>5} {:>7.1} {:>9.0} {:>9.1} {:>8.0}{failed}",
            c.arm.as_str(),
            c.runs,
            c.avg_calls,
            c.avg_tokens,
            c.avg_wall_s,
            c.avg_words
        );
    }
    if board.categories.len() > 1 {
        let _ = writeln!(out, "\nby category (win rate of the first arm):");
        for (category, pairs) in &board.categories {
            let cells: Vec<String> = pairs
                .iter()
                .map(|p| format!("{} vs {} {} (n={})", p.x, p.y, percent(p.win_rate), p.tally.total()))
                .collect();
            let _ = writeln!(out, "  {:<14} {}", category, cells.join("   "));
        }
    }
    out
}
