//! A run written out: Markdown that reads as the conversation, and JSON with everything recorded.

use std::fmt::Write;

mod conversation;

use super::messages::{Message, MessageKind, messages};
use super::model::{CallStatus, RunRecord};

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
}

impl Format {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
        }
    }

    /// The run in this format.
    pub fn render(self, record: &RunRecord) -> String {
        match self {
            Format::Markdown => to_markdown(record),
            // The exact text; C1 controls spelled as escapes like C0 (see `json_escape_c1`).
            Format::Json => {
                let json = serde_json::to_string_pretty(&to_json(record)).unwrap_or_default();
                crate::text::sanitize::json_escape_c1(json) + "\n"
            }
        }
    }

    /// The default file name of an export: `ailab-<run id>.<ext>`.
    pub fn file_name(self, run_id: &str) -> String {
        format!("ailab-{run_id}.{}", self.extension())
    }
}

/// Writes the run to `path` in `format` (creating nothing but the file).
pub fn write(record: &RunRecord, format: Format, path: &std::path::Path) -> std::io::Result<()> {
    std::fs::write(path, format.render(record))
}

/// Version of the JSON layout below (bumped if a field changes meaning).
pub const JSON_FORMAT_VERSION: u32 = 1;

/// The run as JSON: the run, its tasks, every call with its parent link, request, text and metrics,
/// its node events, and the conversation view (`messages`).
pub fn to_json(record: &RunRecord) -> serde_json::Value {
    let mut value = serde_json::to_value(record).unwrap_or(serde_json::Value::Null);
    if let Some(object) = value.as_object_mut() {
        object.insert("format_version".into(), JSON_FORMAT_VERSION.into());
        object.insert(
            "messages".into(),
            serde_json::to_value(messages(record)).unwrap_or(serde_json::Value::Array(Vec::new())),
        );
    }
    value
}

/// A prompts version (hierarchy hash) as shown everywhere: its first 8 hex digits.
pub fn short_version(hash: &str) -> String {
    hash.chars().take(8).collect()
}

/// The run as Markdown: a summary, the conversation (query, delegations, responses, syntheses, …),
/// the final answer and a table of every call's measurements. A document for people, so it is
/// sanitized: an escape sequence a model wrote would act on the terminal of whoever `cat`s the file
/// (the JSON export keeps the exact text). Tabs are kept: code blocks need them.
pub fn to_markdown(record: &RunRecord) -> String {
    crate::text::sanitize::plain(&markdown(record))
}

fn markdown(record: &RunRecord) -> String {
    let run = &record.run;
    let mut md = String::new();
    let _ = writeln!(md, "# ailab run {}\n", run.id);
    md.push_str("| | |\n|---|---|\n");
    let _ = writeln!(md, "| Status | {} |", run.status.as_str());
    let _ = writeln!(md, "| Started | {} |", local_datetime(run.started_ms));
    if let Some(ms) = run.duration_ms() {
        let _ = writeln!(md, "| Duration | {} |", duration(ms));
    }
    if run.is_lab() {
        let _ = writeln!(md, "| Kind | {} (made by the lab, not asked by you) |", run.kind_label());
    }
    let _ = writeln!(md, "| Calls | {} |", record.calls_summary());
    let _ = writeln!(md, "| Tokens | {} prompt · {} completion |", run.prompt_tokens, run.completion_tokens);
    let short_hash = short_version(&run.hierarchy_hash);
    let _ = writeln!(md, "| Hierarchy | `{short_hash}` ({}) |", cell(&record.hierarchy_source));
    let _ = writeln!(md, "| ailab | {} |", cell(&record.app_version));
    if let Some(note) = &run.note {
        let _ = writeln!(md, "\n> **Note:** {note}.");
    }

    md.push_str("\n## Conversation\n");
    let conversation = messages(record);
    for message in &conversation {
        write_message(&mut md, record, message, &conversation);
    }

    md.push_str("\n## Final answer\n\n");
    match &record.answer {
        Some(answer) => {
            md.push_str(answer.trim_end());
            md.push('\n');
        }
        None => md.push_str("_No final answer (the run ended without one)._\n"),
    }

    md.push_str("\n## Calls\n\n");
    md.push_str(
        "| # | Node | Phase | From call | Model | Status | First token | Time | Tokens in → out | tok/s | Finish |\n",
    );
    md.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for call in &record.calls {
        let m = &call.metrics;
        let model = match &m.answering_model {
            Some(answering) if *answering != m.requested_model => {
                format!("{} (asked {})", answering, m.requested_model)
            }
            _ => m.requested_model.clone(),
        };
        let status = match (&call.error, call.status) {
            (Some(err), CallStatus::Failed | CallStatus::Interrupted | CallStatus::Stopped) => {
                format!("{}: {err}", call.status.as_str())
            }
            _ => call.status.as_str().to_string(),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} → {} | {} | {} |",
            call.call,
            cell(record.node_name(&call.node)),
            call.phase,
            call.parent_call.map(|p| format!("#{p}")).unwrap_or_default(),
            cell(&model),
            cell(&status),
            m.ttft_ms().map(duration).unwrap_or_else(|| "–".into()),
            duration(m.ended_ms - m.started_ms),
            m.prompt_tokens.map(|t| t.to_string()).unwrap_or_else(|| "?".into()),
            m.completion_tokens,
            m.tokens_per_sec.map(|t| format!("{t:.1}")).unwrap_or_else(|| "–".into()),
            cell(m.finish_reason.as_deref().unwrap_or("–")),
        );
    }
    md
}

fn write_message(md: &mut String, record: &RunRecord, message: &Message, all: &[Message]) {
    let name = |who: &str| if who == "user" { "You".to_string() } else { record.node_name(who).to_string() };
    let kind = message.kind.as_str();
    let mut title =
        format!("{}. {}{} · {}", message.id, kind[..1].to_uppercase(), &kind[1..], name(&message.from));
    if let Some(to) = message.to.as_deref().filter(|to| *to != message.from) {
        let _ = write!(title, " → {}", name(to));
    }
    if let Some(call) = message.call.filter(|_| message.kind != MessageKind::Delegation) {
        let _ = write!(title, " (call #{call})");
    }
    let _ = writeln!(md, "\n### {title}\n");
    if let Some(parent) = message.parent.and_then(|p| all.get(p.wrapping_sub(1))) {
        let _ = writeln!(md, "_Re #{} ({} {})_\n", parent.id, parent.kind.as_str(), relation(record, parent));
    }
    let content = message.content.trim_end();
    if content.is_empty() {
        md.push_str("_(no text)_\n");
    } else {
        md.push_str(content);
        md.push('\n');
    }
    if let Some(error) = message.error.as_deref().filter(|_| message.kind != MessageKind::Error) {
        let _ = writeln!(md, "\n> **Cut short:** {error}");
    }
}

/// "to Nova" / "from Nova": how a parent message is named in a reply's header.
fn relation(record: &RunRecord, message: &Message) -> String {
    match message.to.as_deref() {
        Some("user") => "to you".to_string(),
        Some(to) if to != message.from => format!("to {}", record.node_name(to)),
        _ => format!("by {}", record.node_name(&message.from)),
    }
}

/// A table cell on one line, with pipes escaped.
fn cell(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

/// `2026-11-24 04:26:17 UTC` or `2026-11-24 05:26:17 +01:00`: local time with its zone.
pub fn local_datetime(ms: i64) -> String {
    crate::clock::local(ms).full()
}

/// A duration for people: `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`.
pub fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        60_000..3_600_000 => format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1000),
        _ => format!("{} h {:02} min", ms / 3_600_000, (ms % 3_600_000) / 60_000),
    }
}
