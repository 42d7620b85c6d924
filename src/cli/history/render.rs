//! Human-readable history output: aligned tables that fit the terminal, and one run in detail.

use crate::text::thousands;
use std::fmt::Write;
use std::io::IsTerminal;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::clock::now_ms;
use crate::engine::SplitMethod;
use crate::store::export::{duration, local_datetime, short_version};
use crate::store::{ConversationRow, LabLink, RunRecord, RunRow, SearchHit};

/// The terminal's width when stdout is one; `None` (no truncation) when piped.
pub fn width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size().ok().map(|(w, _)| w as usize)
}

/// The header of the run list.
fn header() -> String {
    format!("{:<22}{:<12}{:<13}{:<12}{:>9}{:>9}  PROMPT\n", "ID", "WHEN", "KIND", "STATUS", "TIME", "TOKENS")
}

/// The run list: id, age, kind (the user's own tree run, or one the lab made), status, duration,
/// tokens, first line of the prompt.
pub fn run_table(runs: &[RunRow], width: Option<usize>) -> String {
    let mut out = header();
    for run in runs {
        out.push_str(&run_line(run, width));
    }
    out
}

/// Search hits: the run line, then the matching text.
pub fn search_table(hits: &[SearchHit], width: Option<usize>) -> String {
    let mut out = header();
    for hit in hits {
        out.push_str(&run_line(&hit.run, width));
        if !hit.snippet.is_empty() {
            // The snippet carries its own "…" where it was cut.
            let room = width.map(|w| w.saturating_sub(4).max(20));
            let _ = writeln!(out, "    {}", fit(&hit.snippet, room));
        }
    }
    out
}

/// The conversations: the run to continue from, latest activity, turns, how the latest ended, and
/// the question each began with.
pub fn conversation_table(rows: &[ConversationRow], width: Option<usize>) -> String {
    let mut out =
        format!("{:<22}{:<12}{:>6}  {:<12}FIRST QUESTION\n", "LATEST RUN", "WHEN", "TURNS", "LATEST");
    for row in rows {
        let prefix = format!(
            "{:<22}{:<12}{:>6}  {:<12}",
            row.last_run,
            age(now_ms() - row.last_ms, row.last_ms),
            row.turns,
            row.last_status.as_str()
        );
        let room = width.map(|w| w.saturating_sub(prefix.width()).max(16));
        let first = row.first_prompt.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
        let _ = writeln!(out, "{prefix}{}", fit(first, room));
    }
    out.push_str("`ailab ask --continue RUN \"…\"` asks the next turn of a conversation.\n");
    out
}

fn run_line(run: &RunRow, width: Option<usize>) -> String {
    let time = run.duration_ms().map(duration).unwrap_or_else(|| "–".into());
    let prefix = format!(
        "{:<22}{:<12}{:<13}{:<12}{:>9}{:>9}  ",
        run.id,
        age(now_ms() - run.started_ms, run.started_ms),
        run.kind_label(),
        run.status.as_str(),
        time,
        thousands(run.total_tokens())
    );
    let room = width.map(|w| w.saturating_sub(prefix.width()).max(16));
    let title = match run.turn_label() {
        Some(turn) => format!("{turn} · {}", run.title()),
        None => run.title().to_string(),
    };
    format!("{prefix}{}\n", fit(&title, room))
}

/// One run in detail: summary (and, for a lab run, the comparison it belongs to), calls with their
/// parent links, tasks, final answer.
pub fn run_details(record: &RunRecord, lab: Option<&LabLink>, width: Option<usize>) -> String {
    let run = &record.run;
    let mut out = String::new();
    let time = run.duration_ms().map(duration).unwrap_or_else(|| "still running".into());
    let _ = writeln!(out, "Run {} · {} · {} · {}", run.id, run.kind_label(), run.status.as_str(), time);
    if run.turn > 1 {
        let follows = run.parent_run.as_deref().map(|p| format!(", following run {p}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "Turn {} ({}) of conversation {}{follows}; `ailab ask --continue {} \"…\"` asks the next",
            run.turn,
            run.turn_kind.as_str(),
            run.conversation,
            run.id
        );
    }
    match lab {
        Some(link) => {
            let demo = if link.backend == crate::lab::DEMO_BACKEND { ", in demo mode" } else { "" };
            let _ = writeln!(
                out,
                "Lab: {} of comparison #{} (\"{}\", {}, repeat {}{demo}); not a question you asked",
                link.role,
                link.comparison,
                fit(&link.prompt, Some(60)),
                link.category,
                link.repeat
            );
        }
        None if run.is_lab() => {
            let _ = writeln!(out, "Lab: made by the lab (its comparison is not in the record)");
        }
        None => {}
    }
    let ago = now_ms() - run.started_ms;
    if ago < 7 * 86_400_000 {
        let _ = writeln!(out, "Started {} ({})", local_datetime(run.started_ms), age(ago, run.started_ms));
    } else {
        let _ = writeln!(out, "Started {}", local_datetime(run.started_ms));
    }
    if let Some(note) = &run.note {
        let _ = writeln!(out, "Note: {note}");
    }
    let short_hash = short_version(&run.hierarchy_hash);
    let _ = writeln!(
        out,
        "{} · {} prompt + {} completion tokens · hierarchy {short_hash} ({}) · ailab {}",
        record.calls_summary(),
        thousands(run.prompt_tokens),
        thousands(run.completion_tokens),
        record.hierarchy_source,
        record.app_version
    );
    let _ = writeln!(out, "\nPrompt\n{}", indent(&run.prompt));

    if !record.tasks.is_empty() {
        out.push_str("\nTasks\n");
        for task in &record.tasks {
            let from = match task.from_call {
                Some(call) => {
                    format!(" ← call #{call}{}", split_label(task.split, task.fallback_reason.as_deref()))
                }
                None if task.fallback_reason.is_some() => {
                    format!(" ←{}", split_label(task.split, task.fallback_reason.as_deref()))
                }
                None => " ← you".into(),
            };
            let head = format!("  {}{from}: ", record.node_name(&task.node));
            let room = width.map(|w| w.saturating_sub(head.width()).max(16));
            let _ = writeln!(out, "{head}{}", fit(&task.task, room));
        }
    }

    if !record.calls.is_empty() {
        out.push_str("\nCalls\n");
        let _ = writeln!(
            out,
            "  {:>3}  {:<12}{:<11}{:<6}{:<13}{:>8}{:>9}{:>15}{:>8}  MODEL",
            "#", "NODE", "PHASE", "FROM", "STATUS", "1ST TOK", "TIME", "TOKENS IN→OUT", "TOK/S"
        );
        for call in &record.calls {
            let m = &call.metrics;
            let tokens = format!(
                "{}→{}",
                m.prompt_tokens.map(|t| t.to_string()).unwrap_or_else(|| "?".into()),
                m.completion_tokens
            );
            let model = match &m.answering_model {
                Some(answering) if *answering != m.requested_model => {
                    format!("{answering} (asked {})", m.requested_model)
                }
                _ => m.requested_model.clone(),
            };
            let _ = writeln!(
                out,
                "  {:>3}  {:<12}{:<11}{:<6}{:<13}{:>8}{:>9}{:>15}{:>8}  {}",
                call.call,
                fit(record.node_name(&call.node), Some(11)),
                call.phase.as_str(),
                call.parent_call.map(|p| format!("#{p}")).unwrap_or_default(),
                call.status.as_str(),
                m.ttft_ms().map(duration).unwrap_or_else(|| "–".into()),
                duration(m.ended_ms - m.started_ms),
                tokens,
                m.tokens_per_sec.map(|t| format!("{t:.1}")).unwrap_or_else(|| "–".into()),
                model
            );
            if let Some(error) = &call.error {
                let _ = writeln!(out, "       ! {}", crate::text::flatten(error));
            }
            if let Some(next) = record.after_failure(call) {
                let mark = if next.asks_again() { '↻' } else { '→' };
                let _ = writeln!(out, "       {mark} {}", next.what_followed());
            }
            if call.status == crate::store::CallStatus::Looped {
                out.push_str(
                    "       ⟲ stopped: repeating itself (its text is kept up to the first repeat)\n",
                );
            }
            if let Some(flag) = &call.flag {
                let _ = writeln!(out, "       ! flagged: {}", crate::text::flatten(flag));
            }
        }
    }

    out.push_str("\nFinal answer\n");
    match &record.answer {
        Some(answer) => {
            let _ = writeln!(out, "{}", indent(answer.trim_end()));
        }
        None => out.push_str("  (none)\n"),
    }
    let _ = writeln!(
        out,
        "\nThe whole conversation: ailab history export {} (Markdown) or ailab history show {} --json",
        run.id, run.id
    );
    out
}

/// How long ago, for recent runs; the date for older ones.
fn age(ago_ms: i64, at_ms: i64) -> String {
    let secs = ago_ms.max(0) / 1000;
    match secs {
        0..60 => "just now".into(),
        60..3_600 => format!("{} min ago", secs / 60),
        3_600..86_400 => format!("{} h ago", secs / 3_600),
        86_400..604_800 => format!("{} d ago", secs / 86_400),
        _ => crate::clock::local(at_ms).date(),
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

/// Puts text on one line and cuts it to `room` display columns with an ellipsis; `None` leaves
/// it whole.
fn fit(text: &str, room: Option<usize>) -> String {
    // Controls go before anything is measured, so a sequence never counts toward a width (the
    // caller sanitizes the whole output too; this is for the columns).
    let flat = crate::text::flatten(text);
    match room {
        Some(room) => truncate(&flat, room),
        None => flat,
    }
}

/// Cuts text to at most `max` display columns, ending in `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.width() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `(json split)`, or for a fallback with its reason `(fallback split: the sub-task "task_1" was a
/// placeholder)`.
fn split_label(split: Option<SplitMethod>, fallback_reason: Option<&str>) -> String {
    match (split, fallback_reason) {
        (Some(split), Some(why)) => format!(" ({} split: {})", split.as_str(), crate::text::flatten(why)),
        (None, Some(why)) => format!(" (fallback: {})", crate::text::flatten(why)),
        (Some(split), None) => format!(" ({} split)", split.as_str()),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_text_are_shaped_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(truncate("hello world", 8), "hello w…");
        assert_eq!(truncate("日本語テキスト", 7), "日本語…");
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(age(5_000, 0), "just now");
        assert_eq!(age(5 * 60_000, 0), "5 min ago");
    }
}
