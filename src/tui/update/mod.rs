//! The reducer: `update(&mut State, &Screen, Msg) -> Vec<Effect>`. It never performs I/O; the
//! shell does what the returned effects ask. It reads the [`Screen`] the user is looking at (pane
//! heights for paging, layouts for the mouse) and never changes it: the loop brings the screen up
//! to date after each message. Tests drive it with plain messages.

mod app;
mod flow;
mod focus;
mod fold;
mod history;
mod keys;
mod lab;
mod mouse;
mod prompts;
mod routed;
mod run;
mod run_keys;
mod tabs;
mod welcome;

use crossterm::event::KeyEventKind;

use super::msg::{CopyOutcome, Effect, Msg};
use super::screen::Screen;
use super::state::health::Health;
use super::state::{Level, Overlay, Quitting, State, Tab};

pub use keys::perform;

/// Folds one message into the state; returns what the shell should do.
pub fn update(state: &mut State, screen: &Screen, msg: Msg) -> Vec<Effect> {
    let mut effects = dispatch(state, screen, msg);
    // One pass after every message, for what follows from the state whatever message changed it:
    // a run that started or ended (History reads the record again, the Prompts tab recounts its
    // runs), a search or a replay that is due, a waiting notice, and the Prompts tab's selection,
    // editors and scroll following the draft and the size. Each handler would otherwise have to
    // remember all of them.
    effects.extend(history::follow(state));
    effects.extend(prompts::follow(state));
    prompts::settle(state);
    effects
}

fn dispatch(state: &mut State, screen: &Screen, msg: Msg) -> Vec<Effect> {
    let past = state.history.shows_past();
    match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key(key) => {
            // Counted so that a confirmation ("press q again") holds for the very next key only.
            state.keys_pressed += 1;
            let asked = state.quitting;
            let effects = keys::on_key(state, screen, key);
            if matches!(asked, Quitting::Asked { .. }) && state.quitting == asked {
                // Another key answered the question: the run goes on, and the question leaves the bar.
                app::forget_quit_question(state);
            }
            effects
        }
        Msg::Mouse(mouse) if let Some(tab) = mouse::clicked_tab(state, &mouse) => tabs::show(state, tab),
        Msg::Mouse(mouse) if state.tab == Tab::History => history::on_mouse(state, mouse),
        Msg::Mouse(mouse) => mouse::on_mouse(state, screen, mouse),
        Msg::Paste(text) => match (state.tab, crate::text::unix_line_breaks(&text)) {
            (Tab::Lab, text) => lab::on_paste(state, &text),
            (Tab::Prompts, text) => prompts::on_paste(state, &text),
            (Tab::History, text) => history::on_paste(state, &text),
            (Tab::Run, _) if past => history::read_only(state),
            (Tab::Run, text) => {
                state.overlays.retain(|o| !matches!(o, Overlay::Help { .. }));
                state.run.focus = super::state::Focus::Prompt;
                state.run.prompt.paste(&text);
                Vec::new()
            }
        },
        Msg::Resize { width, height } => {
            state.size = (width, height);
            Vec::new()
        }
        Msg::Engine(event) => {
            // One event, two listeners: the Lab follows every run (a comparison's progress), the
            // Run tab the one it shows (or, behind a past run, the live one set aside).
            lab::on_engine_event(state, &event);
            if past { history::live_event(state, &event) } else { run::on_event(state, &event) }
        }
        Msg::RunLaunched { run_id } => run::on_launched(state, run_id),
        Msg::RunTaskEnded { run_id, outcome } if past => {
            history::with_live(state, |state| run::on_task_ended(state, &run_id, outcome))
        }
        Msg::RunTaskEnded { run_id, outcome } => run::on_task_ended(state, &run_id, outcome),
        Msg::Health(report) => {
            let demo = report.demo;
            let healthy = report.is_healthy() || demo;
            let report_tested = !report.answers.is_empty();
            let count = state.run.view.nodes.len();
            state.health = Health::Checked(report);
            let panel_open = state.overlays.iter().any(|o| matches!(o, Overlay::Health(_)));
            if healthy {
                state.overlays.retain(|o| !matches!(o, Overlay::Health(_)));
                if panel_open && !demo {
                    let text = if report_tested {
                        format!(
                            "Server OK: all {count} nodes have their model, and it answered a test message."
                        )
                    } else {
                        format!("Server OK: all {count} nodes have their model.")
                    };
                    state.notify(text, Level::Info);
                }
            } else if !panel_open && !state.overlays.iter().any(|o| matches!(o, Overlay::Welcome(_))) {
                // The welcome says how the server is, and offers its check: no panel over it.
                state.overlays.push(Overlay::Health(Default::default()));
            }
            Vec::new()
        }
        Msg::Notify { text, level } => {
            state.notify(text, level);
            Vec::new()
        }
        Msg::Copied(CopyOutcome::Clipboard { chars }) => {
            state.notify(format!("Copied {chars} characters to the system clipboard."), Level::Info);
            Vec::new()
        }
        Msg::Copied(CopyOutcome::NoClipboard { text, reason }) => {
            let chars = text.chars().count();
            // One short line that fits the status bar; why there is no system clipboard, and what
            // to do if nothing pastes, goes to the messages log (F5) just before it.
            state.notify(
                format!(
                    "Why the copy went through the terminal: there is no system clipboard here ({reason}). \
                     Most terminals accept it; if pasting gives nothing, yours does not allow programs \
                     to set its clipboard: select the text with the mouse instead (Shift-drag in many terminals)."
                ),
                Level::Info,
            );
            state.notify(format!("Copied {chars} characters through the terminal (more: F5)."), Level::Info);
            vec![Effect::Osc52 { text }]
        }
        Msg::Tick { now_ms } => {
            state.now_ms = now_ms;
            if state.notice.as_ref().is_some_and(|n| n.until_ms <= now_ms) {
                state.notice = None;
            }
            Vec::new()
        }
        Msg::Signal(name) => {
            state.exit_signal = Some(name);
            let mut effects = Vec::new();
            if state.is_running() {
                effects.push(Effect::CancelRun);
            }
            effects.push(Effect::Quit);
            effects
        }
        Msg::EngineReplaced(Ok(engine)) => run::engine_replaced(state, engine),
        Msg::EngineReplaced(Err(why)) => {
            state.notify(
                format!("The engine could not be rebuilt: {why}. Runs keep the previous one."),
                Level::Error,
            );
            Vec::new()
        }
        Msg::Lab(msg) => lab::on_msg(state, msg),
        Msg::History(msg) => history::on_msg(state, msg),
        Msg::Prompts(msg) => prompts::on_msg(state, msg),
    }
}

/// True when a message changes what is on screen (ticks only matter while something moves).
pub fn needs_redraw(state: &State, msg: &Msg) -> bool {
    match msg {
        Msg::Tick { .. } => state.is_running() || state.notice.is_some() || state.run.view.is_running(),
        _ => true,
    }
}
