//! The scoreboard as plain-text tables for the terminal (`ailab eval`, the report's scores), and
//! the lines that say what a pair's tally leaves out.

use std::fmt::Write as _;

use super::report::{PairScore, Scoreboard, pair_name};

fn percent(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{:.0}%", v * 100.0))
}

fn interval(v: Option<(f64, f64)>) -> String {
    v.map_or("–".into(), |(lo, hi)| format!("[{:.0}%, {:.0}%]", lo * 100.0, hi * 100.0))
}

/// The scoreboard as plain-text tables for the terminal.
pub fn render_table(board: &Scoreboard, judge_model: &str) -> String {
    let mut out = String::new();
    if board.demo {
        let _ = writeln!(out, "DEMO: scripted answers and a scripted judge; these scores mean nothing.\n");
    }
    if board.self_judged && !board.demo {
        let _ =
            writeln!(out, "SELF-JUDGED: the judge ({judge_model}) is a model under test; weak evidence.\n");
    }
    let _ = writeln!(
        out,
        "{} comparison(s), judged by {judge_model} in both orders (disagreement = tie)\n",
        board.comparisons
    );
    // Another organization's arm is named with its version (tree@seed#1a2b3c4d): the columns widen.
    let pair_width = board.pairs.iter().map(|p| pair_name(p).chars().count()).max().unwrap_or(0).max(18);
    let arm_width = board.costs.iter().map(|c| c.arm.as_str().chars().count()).max().unwrap_or(0).max(10);
    let _ = writeln!(
        out,
        "{:<pair_width$} {:>4} {:>4} {:>4}  {:>8}  {:<12}  verdict",
        "pair", "W", "T", "L", "win rate", "95% CI"
    );
    for p in &board.pairs {
        let _ = writeln!(
            out,
            "{:<pair_width$} {:>4} {:>4} {:>4}  {:>8}  {:<12}  {}",
            pair_name(p),
            p.tally.wins,
            p.tally.ties,
            p.tally.losses,
            percent(p.win_rate),
            interval(p.interval),
            p.verdict.label()
        );
        if let Some(ties) = ties_line(p) {
            let _ = writeln!(out, "  ties: {ties}");
        }
        if let Some(trust) = trust_line(p) {
            let _ = writeln!(out, "  {trust}");
        }
        if let Some(left_out) = left_out_line(p) {
            let _ = writeln!(out, "  not counted: {left_out}");
        }
    }
    let _ = writeln!(
        out,
        "\n{:<arm_width$} {:>5} {:>7} {:>9} {:>9} {:>8} {:>8}",
        "arm", "runs", "calls", "tokens", "wall s", "words", "flagged"
    );
    for c in &board.costs {
        if c.answered == 0 {
            let _ = writeln!(
                out,
                "{:<arm_width$} {:>5}   no answer yet ({} failed)",
                c.arm.as_str(),
                c.runs,
                c.failed
            );
            continue;
        }
        let failed = if c.failed > 0 {
            format!("  ({} failed; averages over the {} that answered)", c.failed, c.answered)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{:<arm_width$} {:>5} {:>7.1} {:>9.0} {:>9.1} {:>8.0} {:>8}{failed}",
            c.arm.as_str(),
            c.runs,
            c.avg_calls,
            c.avg_tokens,
            c.avg_wall_s,
            c.avg_words,
            c.flagged
        );
    }
    if !board.accuracy.is_empty() {
        let _ = writeln!(
            out,
            "\nright answers (the answer states the prompt's short reference; no judge involved):"
        );
        for a in &board.accuracy {
            let _ = writeln!(
                out,
                "  {:<arm_width$} {:>3} of {:<3} {}",
                a.arm.as_str(),
                a.correct,
                a.graded,
                crate::lab::stats::share_with_interval(a.correct, a.graded)
            );
        }
    }
    if board.categories.len() > 1 {
        let _ = writeln!(out, "\nby category (win rate of the first arm):");
        for (category, pairs) in &board.categories {
            let _ = writeln!(out, "  {:<14} {}", category, cells(pairs));
        }
    }
    if board.turns.len() > 1 {
        let _ = writeln!(out, "\nby turn (each judged on its own; win rate of the first arm):");
        for (turn, pairs) in &board.turns {
            let _ = writeln!(out, "  {:<14} {}", format!("turn {turn}"), cells(pairs));
        }
    }
    if board.max_repeat > 1 {
        let _ = writeln!(
            out,
            "\nNote: repeats of a prompt (--repeat) are not independent samples: the same prompt asked again \
             tends to be judged the same way, so the interval is narrower than the evidence."
        );
    }
    out
}

/// "tree vs solo 60% (n=5)   tree vs compute 40% (n=5)": a row of per-category or per-turn scores.
fn cells(pairs: &[PairScore]) -> String {
    let cells: Vec<String> = pairs
        .iter()
        .map(|p| format!("{} {} (n={})", pair_name(p), percent(p.win_rate), p.tally.total()))
        .collect();
    cells.join("   ")
}

/// "judge agreed with itself in 70% of pairs; similar length: 55% of 9", or `None` for votes only.
pub fn trust_line(p: &PairScore) -> Option<String> {
    let consistency = p.consistency?;
    let warning = if p.unreliable_judge() { " (unreliable: below 60%)" } else { "" };
    let matched = match p.length_matched_rate {
        Some(rate) => format!(
            "answers of similar length: {} win rate in {} pair(s)",
            percent(Some(rate)),
            p.length_matched.total()
        ),
        None => "no pair of answers of similar length".into(),
    };
    Some(format!("judge agreed with itself in {} of pairs{warning}; {matched}", percent(Some(consistency))))
}

/// "1 called a tie in both orders, 2 the judge disagreed with itself across the orders", or `None`.
pub fn ties_line(p: &PairScore) -> Option<String> {
    let t = p.judge_ties;
    let mut parts = Vec::new();
    if t.explicit > 0 {
        parts.push(format!("{} called a tie in both orders", t.explicit));
    }
    if t.disagreed > 0 {
        parts.push(format!("{} where the judge disagreed with itself across the two orders", t.disagreed));
    }
    if t.unreadable > 0 {
        parts.push(format!("{} with a reply that named no winner", t.unreadable));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// "1 comparison(s) where an arm gave no answer, 2 … without the judge's verdict", or `None`.
pub fn left_out_line(p: &PairScore) -> Option<String> {
    let mut parts = Vec::new();
    if p.arm_failed > 0 {
        parts.push(format!("{} comparison(s) where an arm gave no answer", p.arm_failed));
    }
    if p.not_judged > 0 {
        parts.push(format!("{} comparison(s) without the judge's verdict in both orders", p.not_judged));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}
