//! Starting and stopping the live view: read the user's themes and keys (failing early, before
//! the screen changes, with a clear message), take the terminal, start the input tasks, run the
//! loop, and give everything back.

pub mod event_loop;
mod health_check;
pub mod history_effects;
mod inputs;
pub mod lab;
pub mod record;
mod shell;
pub mod ui_state;

use std::io::IsTerminal;

use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

use super::keymap::Keymap;
use super::msg::{Effect, HistoryEffect, HistoryMsg, Msg};
use super::state::{Level, Overlay, ServerInfo, State};
use super::terminal;
use super::theme::{self, ThemeSet};
use crate::engine::EventSink;
use crate::session::stderr::tell;
use crate::session::{Settings, exit};
pub use event_loop::{Exit, FRAME, Performer};
pub use shell::{Shell, TerminalInput};

/// Earlier prompts offered by Up in the prompt box (from the newest runs).
const PROMPT_HISTORY: usize = 500;

/// What the live view needs that can be wrong in the user's files.
pub struct Setup {
    pub themes: ThemeSet,
    pub theme_index: usize,
    pub keymap: Keymap,
    /// Problems in theme files that were not asked for (shown, not fatal).
    pub warnings: Vec<String>,
}

/// Reads themes and keys from the config dir; errors say which file, where, and what to do.
pub fn setup(requested_theme: Option<&str>) -> Result<Setup, String> {
    let config = crate::paths::config_dir();
    let (themes, mut problems) = ThemeSet::load(config.as_ref().map(|d| d.join("themes")).as_deref());
    // `--theme` wins; otherwise the theme chosen last time, else the default.
    let remembered = if requested_theme.is_none() { remembered_theme(&themes, &mut problems) } else { None };
    let theme_index = match remembered.map_or_else(|| theme::choose(&themes, requested_theme), Ok) {
        Ok(index) => index,
        Err(message) => {
            // If the asked-for theme exists but is broken, say what is broken in it.
            let name = requested_theme.unwrap_or_default();
            return Err(problems
                .iter()
                .find(|p| p.contains(&format!("{name}.toml")))
                .cloned()
                .unwrap_or(message));
        }
    };
    let themes = if theme::no_color_requested() { themes.without_color() } else { themes };
    let keymap = Keymap::load(config.as_ref().map(|d| d.join("keymap.toml")).as_deref())?;
    Ok(Setup { themes, theme_index, keymap, warnings: problems })
}

/// The theme chosen last time (Ctrl-T), if it still exists; a problem with the file is a warning.
fn remembered_theme(themes: &ThemeSet, problems: &mut Vec<String>) -> Option<usize> {
    let path = ui_state::path()?;
    let name = match ui_state::load(&path) {
        Ok(state) => state.theme?,
        Err(problem) => {
            problems.push(problem);
            return None;
        }
    };
    let index = themes.index_of(&name);
    if index.is_none() {
        problems.push(format!(
            "the theme \"{name}\" chosen last time no longer exists; using {}",
            theme::DEFAULT_THEME
        ));
    }
    index
}

/// The exit code for leaving on a signal: 128 + its number, as shells report it.
pub fn signal_exit_code(signal: &str) -> Option<u8> {
    match signal {
        "SIGHUP" | "terminal closed" => Some(129),
        "SIGINT" | "Ctrl-C" => Some(130),
        "SIGTERM" => Some(143),
        "terminal error" => Some(exit::FAILED),
        _ => None,
    }
}

/// Runs the live view until the user quits. Returns the exit code.
pub async fn run(settings: Settings) -> u8 {
    let setup = match setup(settings.theme.as_deref()) {
        Ok(setup) => setup,
        Err(message) => {
            tell(&message);
            return exit::BAD_INPUT;
        }
    };
    let engine = match settings.engine() {
        Ok(engine) => engine,
        Err(message) => {
            tell(&message);
            return exit::BAD_INPUT;
        }
    };
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        tell(
            "the live view needs an interactive terminal. For scripts and pipes use \
             `ailab ask \"your prompt\"` (see `ailab ask --help`).",
        );
        return exit::BAD_INPUT;
    }
    let (mut tui, guard) = match terminal::enter() {
        Ok(entered) => entered,
        Err(err) => {
            terminal::restore();
            tell(format_args!("cannot take over the terminal: {err}. Try `ailab ask` instead."));
            return exit::FAILED;
        }
    };
    tracing::info!(demo = settings.demo, "live view started");

    let (tx, mut rx) = unbounded_channel();
    let stop = CancellationToken::new();
    let sink = EventSink::new();
    // The record opens on another thread (its integrity check reads the whole file, seconds on a big
    // one) so the first frame never waits for it; events and changes queue meanwhile, and its notices
    // (a damaged file set aside, runs marked interrupted) arrive as notifications once it is open.
    let recording = crate::session::record::start_in_background(&settings, &sink);
    let writer = recording.writer;
    let recorder = {
        let opening = recording.opened;
        let tx = tx.clone();
        tokio::spawn(async move {
            let (recorder, notices) = opening.await.unwrap_or_default();
            if !notices.is_empty() {
                let _ = tx.send(Msg::History(HistoryMsg::Notices(notices)));
            }
            recorder
        })
    };
    // Straight into the loop's channel: no task in between to wake for every token.
    let events = tx.clone();
    sink.forward(move |event| events.send(Msg::Engine(event)).is_ok());
    let input = TerminalInput::start(tx.clone(), &stop);
    tokio::spawn(inputs::ticks(tx.clone(), stop.clone()));
    tokio::spawn(inputs::signals(tx.clone(), stop.clone()));

    let server =
        ServerInfo { url: crate::lab::backend_label(settings.demo, engine.hierarchy()), demo: settings.demo };
    let mut state =
        State::new(engine.hierarchy().clone(), server, setup.themes, setup.theme_index, setup.keymap);
    if let Ok(size) = tui.size() {
        state.size = (size.width, size.height);
    }
    state.now_ms = crate::clock::now_ms();
    if let Some(dir) = crate::paths::config_dir() {
        state.config_dir = dir.display().to_string();
    }
    for warning in &setup.warnings {
        tracing::warn!(%warning, "theme file skipped");
    }
    if let Some(first) = setup.warnings.first() {
        state.notify(format!("{first} (skipped)"), Level::Warn);
    }
    let welcome = ui_state::first_start(&settings);
    if welcome {
        state.overlays.push(Overlay::Welcome(Default::default()));
    }

    let mut shell = Shell::new(settings, engine, sink, writer, tx.clone()).with_terminal_input(input);
    shell.perform(Effect::CheckHealth { deep: false });
    if welcome {
        shell.perform(Effect::RememberWelcome);
    }
    shell.perform(Effect::History(HistoryEffect::LoadPromptHistory { limit: PROMPT_HISTORY }));
    drop(tx);
    let result = event_loop::run(&mut tui, &mut state, &mut rx, &mut shell, FRAME).await;
    shell.cancel_all();
    stop.cancel();
    drop(guard);
    // ratatui's terminal prints to stderr when it cannot show the cursor as it is dropped, and that
    // print panics when the terminal is gone (its window closed): show the cursor here, and if
    // that fails there is no terminal left to give it back to.
    if tui.show_cursor().is_err() {
        std::mem::forget(tui);
    }
    if let Ok(Some(recorder)) = recorder.await {
        recorder.finish().await;
    }
    match result {
        Ok(_) => {
            tracing::info!("live view closed");
            state.exit_signal.and_then(signal_exit_code).unwrap_or(exit::OK)
        }
        // The window closed under a frame being drawn: the write fails before the SIGHUP that the
        // same close sends is read. That is the same way out as SIGHUP, and nobody is left to tell.
        Err(err) if terminal_gone(&err) => {
            tracing::info!(%err, "the terminal went away (its window closed, as on SIGHUP): leaving");
            signal_exit_code("terminal closed").unwrap_or(exit::FAILED)
        }
        Err(err) => {
            tracing::error!(%err, "the live view stopped");
            tell(format_args!("the live view stopped: cannot draw on the terminal: {err}"));
            exit::FAILED
        }
    }
}

/// True for the errors a write to a terminal that no longer exists gives (EIO, ENXIO, a broken pipe).
fn terminal_gone(err: &std::io::Error) -> bool {
    err.kind() == std::io::ErrorKind::BrokenPipe || (cfg!(unix) && matches!(err.raw_os_error(), Some(5 | 6)))
}
