//! The Prompts tab's effects: open the hierarchy for editing, save it atomically (never over a
//! change made outside ailab meanwhile), build the next run's engine from what was saved, lend
//! the terminal to `$EDITOR`, and ask the record (on the shared reader thread, so the loop never
//! waits on SQLite). Every answer comes back as a message.

use super::Shell;
use super::presets::PresetWrite;
use super::suspend::with_terminal_lent;
use crate::config::edit::{SaveRefused, edit_in_external_editor, open_for_editing, save_unless_changed};
use crate::config::{Hierarchy, HierarchySource};
use crate::llm::client::HttpBackend;
use crate::tui::msg::{Msg, OpenedFile, PromptsEffect, PromptsMsg, SaveOutcome};

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
                let base_url_override = self.settings.base_url_override.clone();
                let result = open_for_editing(&self.settings.hierarchy_source)
                    .map(|session| Box::new(OpenedFile { session, base_url_override }))
                    .map_err(|e| e.to_string());
                send(PromptsMsg::Opened(result));
            }
            // Written here, on the loop, like `Open` reads: a hierarchy.toml is a few kilobytes, and
            // writing first lets the one reply say both that the file is saved and that the next
            // run uses it (the engine is rebuilt before the reply, never after the notice).
            PromptsEffect::Save { path, text, expected, hierarchy } => {
                let result = match save_unless_changed(&path, &text, expected.as_deref()) {
                    Ok(()) => {
                        if matches!(
                            self.settings.hierarchy_source,
                            HierarchySource::Embedded | HierarchySource::Preset(_)
                        ) {
                            self.settings.hierarchy_source = HierarchySource::UserConfig(path.clone());
                        }
                        let mut saved = (*hierarchy).clone();
                        saved.source = path.display().to_string();
                        Ok(match self.adopt(saved) {
                            Ok(info) => SaveOutcome::InUse(info),
                            Err(why) => SaveOutcome::NotInUse(why),
                        })
                    }
                    Err(SaveRefused::Failed(message)) => Err(message),
                    Err(SaveRefused::ChangedOnDisk { now }) => {
                        return send(PromptsMsg::ChangedOnDisk { path, now });
                    }
                };
                send(PromptsMsg::Saved { path, text, result });
            }
            PromptsEffect::Adopt { hierarchy } => self.replace_engine((*hierarchy).clone()),
            PromptsEffect::ApplyPreset { name, path, text, expected, backup, hierarchy } => {
                let write =
                    PresetWrite { path: path.clone(), text: text.clone(), expected, backup, hierarchy };
                let result = self.apply_preset(write);
                send(PromptsMsg::PresetApplied { name, path, text, result });
            }
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
            // Off the loop: a server that does not answer takes up to the client's quick timeout.
            PromptsEffect::ListModels => {
                let server = self.settings.hierarchy.server.clone();
                tokio::spawn(async move {
                    let url = server.base_url.clone();
                    let result = match HttpBackend::new(&url, &server) {
                        Ok(client) => client.served_models().await.map_err(|e| e.to_string()),
                        Err(e) => Err(e.to_string()),
                    };
                    send(PromptsMsg::Models { url, result });
                });
            }
        }
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
