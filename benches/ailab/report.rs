//! The results table: one row per figure, with its bar when the issue sets one.

use std::fmt::Write;

/// What a figure must be to pass.
#[derive(Debug, Clone, Copy)]
pub enum Bar {
    AtMost(f64),
    Below(f64),
}

impl Bar {
    fn holds(self, value: f64) -> bool {
        match self {
            Bar::AtMost(limit) => value <= limit,
            Bar::Below(limit) => value < limit,
        }
    }

    fn describe(self, unit: &str) -> String {
        let (sign, limit) = match self {
            Bar::AtMost(limit) => ("≤", limit),
            Bar::Below(limit) => ("<", limit),
        };
        format!("{sign} {}{}", trim(limit), unit_suffix(unit))
    }
}

/// One measured figure.
#[derive(Debug, Clone)]
pub struct Row {
    pub item: &'static str,
    pub what: String,
    pub value: f64,
    pub unit: &'static str,
    pub bar: Option<Bar>,
    /// How it was measured, when the value alone would mislead.
    pub note: String,
}

impl Row {
    pub fn passed(&self) -> Option<bool> {
        self.bar.map(|bar| bar.holds(self.value))
    }
}

/// Every row of this run, printed as each section ends and again as one table at the end.
#[derive(Debug, Default)]
pub struct Report {
    pub rows: Vec<Row>,
    /// Sections skipped, with why.
    pub skipped: Vec<(String, String)>,
}

impl Report {
    /// A figure with no bar (context for the others).
    pub fn info(&mut self, item: &'static str, what: impl Into<String>, value: f64, unit: &'static str) {
        self.push(item, what, value, unit, None, "");
    }

    /// A figure with a bar.
    pub fn bar(
        &mut self,
        item: &'static str,
        what: impl Into<String>,
        value: f64,
        unit: &'static str,
        bar: Bar,
    ) {
        self.push(item, what, value, unit, Some(bar), "");
    }

    pub fn push(
        &mut self,
        item: &'static str,
        what: impl Into<String>,
        value: f64,
        unit: &'static str,
        bar: Option<Bar>,
        note: &str,
    ) {
        let row = Row { item, what: what.into(), value, unit, bar, note: note.to_string() };
        eprintln!("  {}", line(&row));
        self.rows.push(row);
    }

    /// Adds a note to the last row.
    pub fn note(&mut self, note: impl Into<String>) {
        if let Some(row) = self.rows.last_mut() {
            row.note = note.into();
        }
    }

    pub fn skip(&mut self, section: &str, why: impl Into<String>) {
        let why = why.into();
        eprintln!("  skipped: {why}");
        self.skipped.push((section.to_string(), why));
    }

    /// Bars missed, as rows.
    pub fn misses(&self) -> Vec<&Row> {
        self.rows.iter().filter(|r| r.passed() == Some(false)).collect()
    }

    /// The whole run as a Markdown table.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        out.push_str("| # | Figure | Value | Bar | |\n|---|---|---:|---|---|\n");
        for row in &self.rows {
            let verdict = match row.passed() {
                Some(true) => "✓",
                Some(false) => "✗ missed",
                None => "",
            };
            let bar = row.bar.map(|b| b.describe(row.unit)).unwrap_or_default();
            let what =
                if row.note.is_empty() { row.what.clone() } else { format!("{} ({})", row.what, row.note) };
            let _ = writeln!(
                out,
                "| {} | {} | {}{} | {} | {} |",
                row.item,
                what,
                format_value(row.value),
                unit_suffix(row.unit),
                bar,
                verdict
            );
        }
        for (section, why) in &self.skipped {
            let _ = writeln!(out, "| {section} | skipped: {why} | | | |");
        }
        out
    }
}

fn line(row: &Row) -> String {
    let bar = row.bar.map(|b| format!("  [bar {}]", b.describe(row.unit))).unwrap_or_default();
    let verdict = match row.passed() {
        Some(true) => " ✓",
        Some(false) => " ✗ MISSED",
        None => "",
    };
    format!(
        "{:<4} {:<58} {:>10}{}{bar}{verdict}",
        row.item,
        row.what,
        format_value(row.value),
        unit_suffix(row.unit)
    )
}

fn unit_suffix(unit: &str) -> String {
    match unit {
        "" | "×" => unit.to_string(),
        _ => format!(" {unit}"),
    }
}

/// Three significant digits, without trailing zeros in a plain count.
fn format_value(value: f64) -> String {
    let abs = value.abs();
    if (value.fract() == 0.0 && abs < 1e9) || abs >= 100.0 {
        format!("{value:.0}")
    } else if abs >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.3}")
    }
}

fn trim(value: f64) -> String {
    let text = format!("{value}");
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
}
