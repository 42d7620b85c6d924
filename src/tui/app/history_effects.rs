//! The History tab's side of the shell: every query runs on the record's shared reader thread
//! ([`SharedReader`]) and a delete on the recorder's writer; each answer comes back through the
//! loop's channel as a message, so the UI never waits on SQLite.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use super::record::SharedReader;

use crate::store::{self, Reader, RecordWriter, RunScope, StoreError};
use crate::tui::msg::history::{ListedRun, Page};
use crate::tui::msg::{HistoryEffect, HistoryMsg, Msg};

/// Performs [`HistoryEffect`]s on the record.
pub struct HistoryEffects {
    reader: SharedReader,
    /// The recorder's writer, or why the record cannot be changed (`--no-record`).
    writer: Result<RecordWriter, String>,
    tx: UnboundedSender<Msg>,
}

impl HistoryEffects {
    /// The History tab's effects on the shared reader and writer.
    pub fn new(
        reader: SharedReader,
        writer: Result<RecordWriter, String>,
        tx: UnboundedSender<Msg>,
    ) -> HistoryEffects {
        HistoryEffects { reader, writer, tx }
    }

    /// Queues the query; its answer comes back as a [`HistoryMsg`].
    pub fn perform(&self, effect: HistoryEffect) {
        let tx = self.tx.clone();
        let send = move |msg| {
            let _ = tx.send(Msg::History(msg));
        };
        // Every read is answered: with its result, or with why the record cannot be read.
        let read = |job: Box<dyn FnOnce(&mut Reader) -> HistoryMsg + Send>| {
            let send = send.clone();
            self.reader.submit(move |reader| match reader {
                Ok(reader) => send(job(reader)),
                Err(why) => send(HistoryMsg::Unavailable(why.to_string())),
            });
        };
        match effect {
            HistoryEffect::Load { request, scope, search, before, limit, count } => {
                read(Box::new(move |reader| {
                    let result = page(reader, scope, search.as_deref(), before.as_ref(), limit, count);
                    HistoryMsg::Page { request, result: result.map_err(|e| e.to_string()) }
                }))
            }
            HistoryEffect::Open { request, id, replay } => read(Box::new(move |reader| {
                let result = reader.run_events(&id).map(Arc::new).map_err(|e| e.to_string());
                HistoryMsg::Opened { request, id, replay, result }
            })),
            HistoryEffect::LoadLevels { id } => read(Box::new(move |reader| {
                let result = reader.run_levels(&id).map_err(|e| e.to_string());
                HistoryMsg::Levels { id, result }
            })),
            HistoryEffect::Export { id, format, conversation } => read(Box::new(move |reader| {
                let document = if conversation {
                    reader.conversation_runs(&id).map(|turns| {
                        let name = turns.first().map_or(id.as_str(), |t| t.run.conversation.as_str());
                        (format.conversation_file_name(name), format.render_conversation(&turns))
                    })
                } else {
                    reader
                        .load_run(&id)
                        .map(|record| (format.file_name(&record.run.id), format.render(&record)))
                };
                let result =
                    document.map_err(|e| e.to_string()).and_then(|(name, text)| write_export(&name, &text));
                HistoryMsg::Exported { id, result }
            })),
            HistoryEffect::LoadConversation { id, continue_it } => read(Box::new(move |reader| {
                let result = reader.conversation(&id).map_err(|e| e.to_string());
                HistoryMsg::Conversation { id, continue_it, result }
            })),
            HistoryEffect::LoadConversations { limit } => read(Box::new(move |reader| {
                HistoryMsg::Conversations(reader.list_conversations(limit).map_err(|e| e.to_string()))
            })),
            HistoryEffect::LoadAnswer { id } => read(Box::new(move |reader| {
                let result = reader.load_run(&id).map(|r| r.answer).map_err(|e| e.to_string());
                HistoryMsg::Answer { id, result }
            })),
            HistoryEffect::Delete { id, conversation } => match &self.writer {
                Ok(writer) => writer.submit(move |writes| {
                    let result = writes
                        .and_then(|w| match conversation {
                            true => w.delete_conversation(&id),
                            false => w.delete_run(&id).map(|deleted| vec![deleted]),
                        })
                        .map_err(|e| e.to_string());
                    send(HistoryMsg::Deleted { id, result });
                }),
                Err(why) => send(HistoryMsg::Deleted { id, result: Err(why.clone()) }),
            },
            HistoryEffect::LoadPromptHistory { limit } => self.reader.submit(move |reader| {
                match reader
                    .map_err(str::to_string)
                    .and_then(|r| r.list_runs(None, limit).map_err(|e| e.to_string()))
                {
                    Ok(rows) => send(HistoryMsg::PromptHistory(earlier_prompts(rows))),
                    Err(err) => tracing::info!(%err, "cannot read earlier prompts"),
                }
            }),
        }
    }
}

fn page(
    reader: &Reader,
    scope: RunScope,
    search: Option<&str>,
    before: Option<&store::RunCursor>,
    limit: usize,
    count: bool,
) -> Result<Page, StoreError> {
    let runs = match search {
        Some(text) => reader
            .search_page_in(scope, text, before, limit)?
            .into_iter()
            .map(|hit| ListedRun { row: hit.run, snippet: Some(hit.snippet) })
            .collect(),
        None => {
            let rows = reader.list_runs_in(scope, before, limit)?;
            rows.into_iter().map(|row| ListedRun { row, snippet: None }).collect()
        }
    };
    let counts = if count { Some(reader.count_runs_by_scope()?) } else { None };
    Ok(Page { runs, counts })
}

/// The prompts of tree runs (newest first in `rows`), oldest first, each once at its latest place.
fn earlier_prompts(rows: Vec<store::RunRow>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut prompts: Vec<String> = rows
        .into_iter()
        .filter(|r| r.kind == "tree")
        .map(|r| r.prompt.trim().to_string())
        .filter(|p| !p.is_empty() && seen.insert(p.clone()))
        .collect();
    prompts.reverse();
    prompts
}

/// Writes the export to the current folder, or to `exports/` in the data folder if that fails;
/// either way the whole path is said, so it can be found from a file manager.
fn write_export(name: &str, text: &str) -> Result<PathBuf, String> {
    let mut problems = Vec::new();
    if let Ok(here) = std::env::current_dir() {
        match write_in(&here, name, text) {
            Ok(path) => return Ok(path),
            Err(err) => problems.push(format!("{}: {err}", here.display())),
        }
    }
    if let Some(dir) = crate::paths::data_dir().map(|d| d.join("exports")) {
        match write_in(&dir, name, text) {
            Ok(path) => return Ok(path),
            Err(err) => problems.push(format!("{}: {err}", dir.display())),
        }
    }
    Err(format!("cannot write {name} ({})", problems.join("; ")))
}

fn write_in(dir: &Path, name: &str, text: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(name);
    std::fs::write(&path, text)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RunRecord;
    use crate::store::export::Format;

    #[test]
    fn with_recording_off_a_delete_says_so_and_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let settings = crate::session::Settings {
            demo: true,
            no_record: true,
            ..crate::session::Settings::for_tests(
                Arc::new(crate::engine::testkit::six_node_tree()),
                Some(dir.path().join("ailab.db")),
            )
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let reader = SharedReader::start(&settings, &tx);
        let effects = HistoryEffects::new(reader, Err(crate::session::RECORDING_OFF.into()), tx);
        effects.perform(HistoryEffect::Delete { id: "20260101-120000-aaaa".into(), conversation: false });
        let deleted = std::iter::from_fn(|| rx.try_recv().ok())
            .find_map(|msg| match msg {
                Msg::History(HistoryMsg::Deleted { result, .. }) => Some(result),
                _ => None,
            })
            .expect("the delete is answered");
        let why = deleted.unwrap_err();
        assert!(why.contains("recording is off (--no-record)"), "{why}");
        assert!(why.contains("start ailab without --no-record"), "{why}");
    }

    #[test]
    fn earlier_prompts_are_oldest_first_without_repeats() {
        let row = |prompt: &str, kind: &str| store::RunRow {
            id: prompt.into(),
            kind: kind.into(),
            prompt: prompt.into(),
            root: "atlas".into(),
            status: crate::engine::RunStatus::Done,
            started_ms: 0,
            ended_ms: None,
            calls: 0,
            failed_calls: 0,
            prompt_tokens: 0,
            completion_tokens: 0,
            hierarchy_hash: String::new(),
            note: None,
            conversation: prompt.into(),
            turn: 1,
            turn_kind: Default::default(),
            parent_run: None,
        };
        let newest_first =
            vec![row("c", "tree"), row("a", "tree"), row("lab", "solo"), row("b", "tree"), row("a", "tree")];
        assert_eq!(earlier_prompts(newest_first), ["b", "a", "c"]);
    }

    /// A path like `./run-….md` cannot be found from a file manager: the whole path is said.
    #[test]
    fn an_export_is_reported_by_its_whole_path() {
        let name = format!("ailab-export-test-{}.md", std::process::id());
        let path = write_export(&name, "# text").unwrap();
        let written = std::fs::read_to_string(&path);
        let _ = std::fs::remove_file(&path);
        assert!(path.is_absolute(), "{}", path.display());
        assert!(path.ends_with(&name));
        assert_eq!(written.unwrap(), "# text");
    }

    #[test]
    fn exports_fall_back_when_the_folder_is_not_writable() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-folder");
        std::fs::write(&file, "x").unwrap();
        let record = RunRecord {
            run: store::RunRow {
                id: "20261124-060000-0001".into(),
                kind: "tree".into(),
                prompt: "p".into(),
                root: "atlas".into(),
                status: crate::engine::RunStatus::Done,
                started_ms: 0,
                ended_ms: Some(10),
                calls: 0,
                failed_calls: 0,
                prompt_tokens: 0,
                completion_tokens: 0,
                hierarchy_hash: String::new(),
                note: None,
                conversation: "20261124-060000-0001".into(),
                turn: 1,
                turn_kind: Default::default(),
                parent_run: None,
            },
            answer: Some("a".into()),
            app_version: "t".into(),
            hierarchy_source: String::new(),
            hierarchy: serde_json::Value::Null,
            wall_ms: Some(10),
            tasks: Vec::new(),
            calls: Vec::new(),
            node_events: Vec::new(),
            finish_seq: None,
        };
        let text = Format::Markdown.render(&record);
        assert!(write_in(&file, "x.md", &text).is_err());
        let path = write_in(dir.path(), "x.md", &text).unwrap();
        assert!(std::fs::read_to_string(path).unwrap().contains("# ailab run 20261124-060000-0001"));
    }
}
