//! The shell performs effects: it owns the engine, the run's cancel token, the clipboard, and
//! the sender that brings results back as messages. Tasks it spawns never touch the state.

mod presets;
mod prompts;
mod suspend;

use std::collections::HashSet;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::event_loop::Performer;
use super::health_check;
use super::history_effects::HistoryEffects;
use super::lab::{LabContext, LabShell};
use super::record::SharedReader;
use crate::config::Hierarchy;
use futures::future::BoxFuture;

use crate::engine::{Engine, EventSink, RunId, RunSummary, new_run_id};
use crate::session::Settings;
use crate::store::RecordWriter;
use crate::tui::clipboard::{SystemClipboard, osc52};
use crate::tui::msg::{CopyOutcome, Effect, EngineInfo, Msg};
use crate::tui::terminal;
pub use suspend::TerminalInput;

/// The real performer of effects.
pub struct Shell {
    settings: Settings,
    engine: Engine,
    sink: EventSink,
    tx: UnboundedSender<Msg>,
    running: Option<(RunId, CancellationToken)>,
    clipboard: SystemClipboard,
    lab: LabShell,
    history: HistoryEffects,
    /// The key reader, paused while `$EDITOR` has the terminal (none in tests).
    input: Option<TerminalInput>,
    /// The record's one reader thread, shared by the History, Prompts and Lab tabs.
    reader: SharedReader,
    /// Set when another program used the screen: the loop redraws it all.
    full_redraw: bool,
    /// Saves of the UI state file go one at a time.
    ui_state_lock: Arc<std::sync::Mutex<()>>,
}

impl Shell {
    /// Also starts opening the record's reader (in the background; see [`SharedReader::start`]).
    /// `writer` is the recorder's (see `session::record`), or why the record cannot be changed.
    pub fn new(
        settings: Settings,
        engine: Engine,
        sink: EventSink,
        writer: Result<RecordWriter, String>,
        tx: UnboundedSender<Msg>,
    ) -> Self {
        let reader = SharedReader::start(&settings, &tx);
        let lab = LabShell::new(&settings, reader.clone(), writer.clone());
        let history = HistoryEffects::new(reader.clone(), writer, tx.clone());
        Self {
            settings,
            engine,
            sink,
            tx,
            running: None,
            clipboard: SystemClipboard::default(),
            lab,
            history,
            input: None,
            reader,
            full_redraw: false,
            ui_state_lock: Arc::default(),
        }
    }

    /// Gives the shell the key reader, so it can lend the terminal to `$EDITOR`.
    pub fn with_terminal_input(mut self, input: TerminalInput) -> Self {
        self.input = Some(input);
        self
    }

    /// Cancels the run in flight, if any (on the way out).
    pub fn cancel_all(&mut self) {
        if let Some((_, token)) = self.running.take() {
            token.cancel();
        }
        self.lab.cancel();
    }

    /// Starts a turn (`launch` gives the engine's future for it) and reports its end.
    fn start_run(
        &mut self,
        launch: impl FnOnce(Engine, RunId, EventSink, CancellationToken) -> BoxFuture<'static, RunSummary>,
    ) {
        self.cancel_all();
        let run_id = new_run_id();
        let cancel = CancellationToken::new();
        self.running = Some((run_id.clone(), cancel.clone()));
        // Sent before the run exists, so the reducer knows which events are this run's.
        let _ = self.tx.send(Msg::RunLaunched { run_id: run_id.clone() });
        tracing::info!(%run_id, "run started from the live view");
        let engine = self.engine.clone();
        let sink = self.sink.clone();
        let tx = self.tx.clone();
        let id = run_id.clone();
        // On the network thread, where the run's calls stream (see `llm::paced`).
        let task = crate::llm::paced::spawn(launch(engine, id, sink, cancel));
        tokio::spawn(async move {
            let outcome = task.await.map_err(|err| match err.try_into_panic() {
                Ok(payload) => crate::panic::message(payload.as_ref()),
                Err(err) => err.to_string(),
            });
            let _ = tx.send(Msg::RunTaskEnded { run_id, outcome });
        });
    }

    fn copy(&mut self, text: String) {
        let clipboard = self.clipboard.clone();
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let chars = text.chars().count();
            let attempt = tokio::task::spawn_blocking({
                let text = text.clone();
                move || clipboard.set(&text)
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
            let outcome = match attempt {
                Ok(()) => CopyOutcome::Clipboard { chars },
                Err(reason) => {
                    let mut reason = first_line(&reason);
                    if std::env::var_os("TMUX").is_some() {
                        reason.push_str("; in tmux, OSC 52 needs `set -g set-clipboard on`");
                    }
                    CopyOutcome::NoClipboard { text, reason }
                }
            };
            let _ = tx.send(Msg::Copied(outcome));
        });
    }

    /// Remembers a choice for next time (`change` applied to the UI state file), off the loop;
    /// saves run one at a time, last one wins. `what` names it in the message if it fails.
    fn remember(
        &self,
        what: &'static str,
        change: impl FnOnce(&mut super::ui_state::UiState) + Send + 'static,
    ) {
        let Some(path) = super::ui_state::path() else { return };
        let tx = self.tx.clone();
        let lock = self.ui_state_lock.clone();
        tokio::task::spawn_blocking(move || {
            let _one_at_a_time = lock.lock();
            // A damaged file is replaced: it only ever held choices like this one.
            let mut state = super::ui_state::load(&path).unwrap_or_default();
            change(&mut state);
            let result = super::ui_state::save(&path, &state);
            if let Err(problem) = result {
                tracing::warn!(%problem, what, "could not remember a choice");
                let text = format!("Could not remember {what} for next time: {problem}");
                let _ = tx.send(Msg::Notify { text, level: crate::tui::state::Level::Warn });
            }
        });
    }

    fn check_health(&self, deep: bool) {
        let engine = self.engine.clone();
        let demo = self.settings.demo;
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let report = health_check::check(&engine, demo, deep).await;
            let _ = tx.send(Msg::Health(report));
        });
    }

    /// Makes `hierarchy` (with `--base-url` applied) the next run's: one way for every change of
    /// engine (demo mode, models reassigned, prompts saved or reloaded). A run in flight keeps
    /// its own copy of the old engine. `Err`: why not (the old engine stays).
    pub(super) fn adopt(&mut self, mut hierarchy: Hierarchy) -> Result<EngineInfo, String> {
        if let Some(url) = &self.settings.base_url_override {
            hierarchy.server.base_url = url.clone();
        }
        let hierarchy = Arc::new(hierarchy);
        let engine = self.settings.engine_for(hierarchy.clone())?;
        self.engine = engine;
        self.settings.hierarchy = hierarchy.clone();
        let demo = self.settings.demo;
        let server = crate::lab::backend_label(demo, &hierarchy);
        tracing::info!(demo, %server, "the next run uses a new engine");
        Ok(EngineInfo { hierarchy, demo, server })
    }

    /// [`Shell::adopt`], answered by `Msg::EngineReplaced`.
    pub(super) fn replace_engine(&mut self, hierarchy: Hierarchy) {
        let result = self.adopt(hierarchy);
        if let Err(message) = &result {
            tracing::error!(%message, "could not rebuild the engine");
        }
        let _ = self.tx.send(Msg::EngineReplaced(result));
    }
}

impl Performer for Shell {
    fn perform(&mut self, effect: Effect) {
        match effect {
            Effect::StartRun { prompt, conversation } => self.start_run(move |engine, id, sink, cancel| {
                Box::pin(async move { engine.run_turn(id, prompt, &conversation, &sink, cancel).await })
            }),
            Effect::Expand { member, question, conversation } => {
                self.start_run(move |engine, id, sink, cancel| {
                    Box::pin(async move {
                        engine.expand(id, &conversation, &member, question, &sink, cancel).await
                    })
                })
            }
            Effect::SendUp { conversation } => self.start_run(move |engine, id, sink, cancel| {
                Box::pin(async move { engine.send_up(id, &conversation, &sink, cancel).await })
            }),
            Effect::CancelRun => {
                if let Some((run_id, token)) = &self.running {
                    tracing::info!(%run_id, "run cancelled from the live view");
                    token.cancel();
                }
            }
            Effect::CheckHealth { deep } => self.check_health(deep),
            Effect::Copy { text } => self.copy(text),
            Effect::Osc52 { text } => {
                if let Err(err) = terminal::write_raw(osc52(&text).as_bytes()) {
                    tracing::warn!(%err, "could not write OSC 52");
                }
            }
            Effect::UseDemo => {
                self.settings.demo = true;
                self.replace_engine((*self.settings.hierarchy).clone());
            }
            Effect::AssignModel { model, nodes } => {
                let wanted: HashSet<&str> = nodes.iter().map(String::as_str).collect();
                let mut hierarchy = (**self.engine.hierarchy()).clone();
                for node in hierarchy.nodes.iter_mut().filter(|n| wanted.contains(n.id.as_str())) {
                    node.model = model.clone();
                }
                self.replace_engine(hierarchy);
            }
            Effect::Quit => self.cancel_all(),
            Effect::SaveTheme { name } => self.remember("the theme", move |s| s.theme = Some(name)),
            Effect::RememberWelcome => self.remember("that the welcome was shown", |s| s.welcomed = true),
            Effect::Lab(effect) => {
                let cx = LabContext {
                    engine: &self.engine,
                    sink: &self.sink,
                    settings: &self.settings,
                    tx: &self.tx,
                };
                self.lab.perform(effect, cx);
            }
            Effect::History(effect) => self.history.perform(effect),
            Effect::Prompts(effect) => self.perform_prompts(effect),
        }
    }

    fn take_full_redraw(&mut self) -> bool {
        std::mem::take(&mut self.full_redraw)
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or(text).trim().to_string()
}
