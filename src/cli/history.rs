//! `ailab history list|show|search|export|delete`: the record from the command line.

mod render;

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::args::{ExportFormat, HistoryCommand};
use crate::session::exit;
use crate::session::stderr::tell;
use crate::store::{self, Reader, Recorder, RecorderHandle, StoreError};
// What a person reads is sanitized: it quotes the record (prompts, answers, model ids, the errors
// servers sent) and the command line. `--json` and the exports write their own text.
use crate::text::sanitize::{write_line, write_plain};

/// Runs one history command; returns the exit code (0 ok, 1 failure, 2 bad input such as an unknown id).
/// Needs only the record, not the hierarchy: a broken hierarchy.toml must not hide the history.
/// With `no_record` (`--no-record`) nothing in the record is changed.
pub async fn run(db: Option<PathBuf>, no_record: bool, cmd: HistoryCommand) -> u8 {
    let path = match store::db_path(db.as_deref()) {
        Ok(path) => path,
        Err(message) => {
            tell(message);
            return exit::FAILED;
        }
    };
    // SQLite calls block; keep them off the async workers.
    let blocking = move || {
        execute_with(&path, cmd, !no_record, &mut std::io::stdout().lock(), &mut std::io::stderr().lock())
    };
    match tokio::task::spawn_blocking(blocking).await {
        Ok(code) => code,
        Err(err) => {
            tell(format_args!("the history command stopped unexpectedly: {err}"));
            exit::FAILED
        }
    }
}

/// Runs one history command on the record at `path`, writing to `out` and `err` (so tests can read
/// what a user would see). Returns the exit code.
pub fn execute(path: &Path, cmd: HistoryCommand, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    execute_with(path, cmd, true, out, err)
}

/// Like [`execute`]; with `record` false (`--no-record`) the record is not changed: runs of a
/// crashed ailab are not marked interrupted, and a delete is refused with what to do.
pub fn execute_with(
    path: &Path,
    cmd: HistoryCommand,
    record: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    match try_execute(path, cmd, record, out, err) {
        Ok(code) => code,
        Err(error) => {
            write_line(err, format_args!("ailab: {error}"));
            if error.is_bad_input() { exit::BAD_INPUT } else { exit::FAILED }
        }
    }
}

/// The record's writer for a history command.
enum Writer {
    /// `--no-record`: the record is not changed.
    Off,
    /// The record could not be opened for writing (locked by another ailab): reading goes on.
    Unavailable(StoreError),
    On(RecorderHandle),
}

fn try_execute(
    path: &Path,
    cmd: HistoryCommand,
    record: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, StoreError> {
    // A read command does not create a record that is not there yet.
    if !path.exists() {
        return Ok(no_record_yet(path, &cmd, out, err));
    }
    // The writer opens first: it marks the runs of an ailab that crashed as interrupted (so they do
    // not show as running forever) and makes the deletes. Opening it checks the file, so the reader
    // after it skips that. Neither swaps a damaged record for an empty one: they say so instead.
    let writer = match record.then(|| Recorder::start_keeping_damage(path)) {
        None => Writer::Off,
        Some(Ok(recorder)) => Writer::On(recorder),
        // Only a delete needs the writer: a record that cannot be written now (locked by another
        // ailab, a read-only file) is still read, and a damaged one is reported by the reader.
        Some(Err(error)) if !matches!(cmd, HistoryCommand::Delete { .. }) => {
            tracing::warn!(%error, "recovery skipped");
            Writer::Unavailable(error)
        }
        // A locked record can wait: the delete says so below.
        Some(Err(error @ StoreError::Locked { .. })) => Writer::Unavailable(error),
        Some(Err(error)) => return Err(error),
    };
    if let Writer::On(recorder) = &writer {
        for notice in recorder.notices() {
            write_line(err, format_args!("ailab: {notice}"));
        }
    }
    let reader = Reader::open_keeping_damage(path)?;
    for notice in reader.notices() {
        write_line(err, format_args!("ailab: {notice}"));
    }
    match cmd {
        HistoryCommand::List { limit, conversations: true, json } => {
            let conversations = reader.list_conversations(limit)?;
            if json {
                print_json(out, &conversations);
            } else if conversations.is_empty() {
                let _ = writeln!(
                    out,
                    "No conversations yet. Run `ailab ask \"…\"` or open the live view to start one."
                );
            } else {
                write_plain(out, &render::conversation_table(&conversations, render::width()));
            }
        }
        HistoryCommand::List { limit, json, .. } => {
            let runs = reader.list_runs(None, limit)?;
            if json {
                print_json(out, &runs);
            } else if reader.count_runs()? == 0 {
                let _ = writeln!(
                    out,
                    "No runs recorded yet. Run `ailab ask \"…\"` or open the live view to make one."
                );
            } else {
                let total = reader.count_runs()?;
                if !runs.is_empty() {
                    write_plain(out, &render::run_table(&runs, render::width()));
                }
                if total > runs.len() as u64 {
                    let _ = writeln!(
                        out,
                        "… {} older run(s) not shown; use --limit {} to see them",
                        total - runs.len() as u64,
                        total
                    );
                }
            }
        }
        HistoryCommand::Search { text, limit, json } => {
            let hits = reader.search(&text, limit)?;
            if json {
                print_json(out, &hits);
            } else if hits.is_empty() {
                write_line(out, format_args!("No run mentions \"{}\".", text.trim()));
            } else {
                write_plain(out, &render::search_table(&hits, render::width()));
            }
        }
        HistoryCommand::Show { id, json } => {
            let record = reader.load_run(&id)?;
            let lab = if record.run.is_lab() { reader.lab_link(&record.run.id)? } else { None };
            if json {
                let mut value = store::export::to_json(&record);
                if let (Some(object), Some(link)) = (value.as_object_mut(), &lab) {
                    object.insert("lab".into(), serde_json::to_value(link).unwrap_or_default());
                }
                print_json(out, &value);
            } else {
                write_plain(out, &render::run_details(&record, lab.as_ref(), render::width()));
            }
        }
        HistoryCommand::Export { id, format, conversation, output } => {
            let record = reader.load_run(&id)?;
            let format = match format {
                ExportFormat::Md => store::export::Format::Markdown,
                ExportFormat::Json => store::export::Format::Json,
            };
            let (text, file_name) = if conversation {
                let turns = reader.conversation_runs(&record.run.id)?;
                (format.render_conversation(&turns), format.conversation_file_name(&record.run.conversation))
            } else {
                (format.render(&record), format.file_name(&record.run.id))
            };
            let file_name = PathBuf::from(file_name);
            let target = match output {
                // A folder (existing, or written with a trailing slash) gets the usual file name in it.
                Some(dir) if dir.is_dir() || dir.as_os_str().to_string_lossy().ends_with(['/', '\\']) => {
                    dir.join(file_name)
                }
                Some(file) => file,
                None => file_name,
            };
            if target.as_os_str() == "-" {
                let _ = out.write_all(text.as_bytes());
            } else if let Err(error) = std::fs::write(&target, text) {
                write_line(err, format_args!("ailab: cannot write {}: {error}", target.display()));
                return Ok(exit::FAILED);
            } else {
                let shown = std::fs::canonicalize(&target).unwrap_or(target);
                let what = if conversation { "the conversation of run" } else { "run" };
                write_line(err, format_args!("Exported {what} {} to {}", record.run.id, shown.display()));
            }
        }
        HistoryCommand::Delete { id, conversation, yes } => {
            let record = reader.load_run(&id)?;
            let recorder = match writer {
                Writer::On(recorder) => recorder,
                // Said before asking: the answer could not be acted on.
                Writer::Unavailable(error) => return Err(error),
                Writer::Off => {
                    write_line(
                        err,
                        format_args!(
                            "ailab: run {} was not deleted: recording is off (--no-record), so the record is not \
                             changed. Leave out --no-record to delete it.",
                            record.run.id
                        ),
                    );
                    return Ok(exit::BAD_INPUT);
                }
            };
            let what = if conversation {
                let turns = reader.conversation(&record.run.id)?.turns;
                let first = turns.first().map_or(record.run.title(), |t| t.question.as_str());
                let (count, title) = (turns.len(), render::truncate(first, 50));
                format!("the conversation of run {} ({count} turn(s), \"{title}\")", record.run.id)
            } else {
                format!("run {} (\"{}\")", record.run.id, render::truncate(record.run.title(), 50))
            };
            if !yes {
                match confirm(&what, err) {
                    Confirmation::Yes => {}
                    Confirmation::No => {
                        let _ = writeln!(err, "Nothing deleted.");
                        return Ok(exit::FAILED);
                    }
                    Confirmation::CannotAsk => {
                        write_line(
                            err,
                            format_args!(
                                "ailab: run {} was not deleted: pass --yes to delete without a question \
                                 (stdin is not a terminal)",
                                record.run.id
                            ),
                        );
                        return Ok(exit::BAD_INPUT);
                    }
                }
            }
            if conversation {
                let deleted = recorder.writer().delete_conversation(&record.run.id)?;
                write_line(out, format_args!("Deleted {} turn(s): {}.", deleted.len(), deleted.join(", ")));
            } else {
                let deleted = recorder.writer().delete_run(&record.run.id)?;
                write_line(out, format_args!("Deleted run {deleted}."));
            }
        }
    }
    Ok(exit::OK)
}

/// What a read command says when there is no record file at all.
fn no_record_yet(path: &Path, cmd: &HistoryCommand, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match cmd {
        HistoryCommand::List { json: true, .. } | HistoryCommand::Search { json: true, .. } => {
            let _ = writeln!(out, "[]");
            exit::OK
        }
        HistoryCommand::List { .. } | HistoryCommand::Search { .. } => {
            write_line(
                out,
                format_args!(
                    "No runs recorded yet (the record will be created at {} by the first run).",
                    path.display()
                ),
            );
            exit::OK
        }
        HistoryCommand::Show { id, .. }
        | HistoryCommand::Export { id, .. }
        | HistoryCommand::Delete { id, .. } => {
            write_line(
                err,
                format_args!(
                    "ailab: no run with id \"{id}\": nothing has been recorded yet at {}",
                    path.display()
                ),
            );
            exit::BAD_INPUT
        }
    }
}

enum Confirmation {
    Yes,
    No,
    CannotAsk,
}

fn confirm(what: &str, err: &mut dyn Write) -> Confirmation {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Confirmation::CannotAsk;
    }
    write_plain(err, &format!("Delete {what}? This cannot be undone. [y/N] "));
    let _ = err.flush();
    let mut answer = String::new();
    if stdin.lock().read_line(&mut answer).is_err() {
        return Confirmation::No;
    }
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Confirmation::Yes,
        _ => Confirmation::No,
    }
}

/// `--json`: the exact text, escaped as JSON, never sanitized (see `say::json`).
fn print_json(out: &mut dyn Write, value: &impl serde::Serialize) {
    // Our types always serialize; an error here would be a bug, reported rather than hidden.
    let json = super::say::json(value, true).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    let _ = writeln!(out, "{json}");
}
