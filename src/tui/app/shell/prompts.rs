//! The Prompts tab's effects: open the hierarchy for editing, save it atomically (never over a
//! change made outside ailab meanwhile), build the next run's engine from what was saved, lend
//! the terminal to `$EDITOR`, and ask the record (on the shared reader thread, so the loop never
//! waits on SQLite). Every answer comes back as a message.

use std::sync::Arc;

use super::Shell;
use super::suspend::with_terminal_lent;
use crate::config::edit::{SaveRefused, edit_in_external_editor, open_for_editing, save_unless_changed};
use crate::config::{Hierarchy, HierarchySource, parse_hierarchy};
use crate::session::normalize_base_url;
use crate::tui::msg::{Msg, OpenedFile, PromptsEffect, PromptsMsg};

/// Runs asked of the record to offer for comparison.
const RECENT_RUNS: usize = 200;

impl Shell {
    pub(super) fn perform_prompts(&mut self, effect: PromptsEffect) {
        let tx = self.tx.clone();
        let send = move |msg: PromptsMsg| {
            let _ = tx.send(Msg::Prompts(msg));
        };
        match effect {
            PromptsEffect::Open => {
                let base_url_override =
                    self.settings.base_url_override.as_deref().and_then(|u| normalize_base_url(u).ok());
                let result = open_for_editing(&self.settings.hierarchy_source)
                    .map(|session| Box::new(OpenedFile { session, base_url_override }))
                    .map_err(|e| e.to_string());
                send(PromptsMsg::Opened(result));
            }
            PromptsEffect::Save { path, text, expected } => {
                tokio::spawn(async move {
                    let written = tokio::task::spawn_blocking({
                        let (path, text) = (path.clone(), text.clone());
                        move || save_unless_changed(&path, &text, expected.as_deref())
                    })
                    .await
                    .unwrap_or_else(|e| {
                        Err(SaveRefused::Failed(format!(
                            "the save stopped unexpectedly ({e}); the file was not changed"
                        )))
                    });
                    send(match written {
                        Ok(()) => PromptsMsg::Saved { path, text, result: Ok(()) },
                        Err(SaveRefused::Failed(message)) => {
                            PromptsMsg::Saved { path, text, result: Err(message) }
                        }
                        Err(SaveRefused::ChangedOnDisk { now }) => PromptsMsg::ChangedOnDisk { path, now },
                    });
                });
            }
            PromptsEffect::UseSaved { text, source } => match self.hierarchy_from_saved(&text, &source) {
                Ok(hierarchy) => {
                    let hierarchy = Arc::new(hierarchy);
                    match self.settings.engine_for(hierarchy.clone()) {
                        Ok(engine) => {
                            // A run in flight holds its own copy of the old engine and hierarchy.
                            self.engine = engine;
                            self.settings.hierarchy = hierarchy.clone();
                            if self.settings.hierarchy_source == HierarchySource::Embedded {
                                self.settings.hierarchy_source = HierarchySource::UserConfig(source.into());
                            }
                            tracing::info!("the next run uses the saved hierarchy");
                            send(PromptsMsg::EngineRebuilt { hierarchy });
                        }
                        Err(message) => send(PromptsMsg::EngineNotRebuilt(message)),
                    }
                }
                Err(message) => send(PromptsMsg::EngineNotRebuilt(message)),
            },
            PromptsEffect::ExternalEditor { node, field, text } => {
                let result = with_terminal_lent(self.input.as_mut(), || edit_in_external_editor(&text))
                    .and_then(|edited| edited);
                self.full_redraw = true;
                send(PromptsMsg::EditorClosed { node, field, result });
            }
            PromptsEffect::CountVersion { hash } => self.reader.submit(move |reader| {
                let result = reader
                    .map_err(str::to_string)
                    .and_then(|r| r.version_usage(&hash).map_err(|e| e.to_string()));
                let result = result.map_err(|reason| format!("runs not counted: {reason}"));
                send(PromptsMsg::VersionUsage { hash, result });
            }),
            PromptsEffect::RecentRuns => self.reader.submit(move |reader| {
                let result = reader
                    .map_err(str::to_string)
                    .and_then(|r| r.list_runs(None, RECENT_RUNS).map_err(|e| e.to_string()));
                send(PromptsMsg::RecentRuns(
                    result.map_err(|reason| format!("Cannot read the record: {reason}")),
                ));
            }),
            PromptsEffect::LoadPastPrompts { run_id, title } => self.reader.submit(move |reader| {
                let result = reader
                    .map_err(str::to_string)
                    .and_then(|r| r.load_run(&run_id).map_err(|e| e.to_string()))
                    .map_err(|reason| format!("Cannot read run {run_id}: {reason}"))
                    .and_then(|record| past_hierarchy(&run_id, record.hierarchy));
                send(PromptsMsg::PastPrompts { run_id, title, result });
            }),
        }
    }

    /// The saved text as the engine will run it (with `--base-url` applied).
    fn hierarchy_from_saved(&self, text: &str, source: &str) -> Result<Hierarchy, String> {
        let mut hierarchy = parse_hierarchy(text, source).map_err(|e| e.to_string())?;
        if let Some(url) = &self.settings.base_url_override {
            hierarchy.server.base_url = normalize_base_url(url)?;
        }
        Ok(hierarchy)
    }
}

/// The hierarchy a run recorded, or why it cannot be compared.
fn past_hierarchy(run_id: &str, json: serde_json::Value) -> Result<Box<Hierarchy>, String> {
    if json.is_null() {
        return Err(format!("Run {run_id} has no recorded prompts to compare with."));
    }
    serde_json::from_value::<Hierarchy>(json).map(Box::new).map_err(|e| {
        format!(
            "Run {run_id} was recorded by another version of ailab, in a form this one cannot compare ({e})."
        )
    })
}
