//! The reducer: `update(&mut State, Msg) -> Vec<Effect>`. It never performs I/O; the shell does
//! what the returned effects ask. Tests drive it with plain messages.

mod actions;
mod focus;
mod history;
mod keys;
mod lab;
mod mouse;
mod prompts;
mod run;
pub(crate) mod tabs;

use super::msg::{CopyOutcome, Effect, Msg};
use super::state::health::Health;
use super::state::run_view::RunView;
use super::state::{Level, Overlay, ServerInfo, State};

pub use actions::perform;
pub use keys::context;

/// Folds one message into the state; returns what the shell should do.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    run::settle(state);
    // The Lab follows every run event (a comparison's progress), even behind a past run.
    if let Msg::Engine(event) = &msg {
        lab::on_engine_event(state, event);
    }
    // Counted so that a confirmation ("press q again") holds for the very next key only.
    let quit_question = state.quit_asked_at;
    let pressed = matches!(&msg, Msg::Key(key) if key.kind != crossterm::event::KeyEventKind::Release);
    if pressed {
        state.keys_pressed += 1;
    }
    let mut effects = Vec::new();
    if let Some(msg) = history::intercept(state, msg, &mut effects) {
        effects = dispatch(state, msg);
    }
    run::settle(state);
    if pressed && quit_question.is_some() && state.quit_asked_at == quit_question {
        // Another key answered the question: the run goes on, and the question leaves the bar.
        actions::forget_quit_question(state);
    }
    effects.extend(history::observe(state));
    effects.extend(prompts::follow(state));
    state.sync();
    effects
}

fn dispatch(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => keys::on_key(state, key),
        Msg::Mouse(mouse) => mouse::on_mouse(state, mouse),
        Msg::Paste(text) if state.tab == super::state::Tab::Lab => lab::on_paste(state, &text),
        Msg::Paste(text) if state.tab == super::state::Tab::Prompts => prompts::on_paste(state, &text),
        Msg::Paste(text) => {
            state.overlays.retain(|o| !matches!(o, Overlay::Help { .. }));
            state.focus = super::state::Focus::Prompt;
            state.prompt.paste(&text);
            Vec::new()
        }
        Msg::Resize { width, height } => {
            state.size = (width, height);
            Vec::new()
        }
        Msg::Engine(event) => run::on_event(state, &event),
        Msg::RunLaunched { run_id } => run::on_launched(state, run_id),
        Msg::RunTaskEnded { run_id, outcome } => run::on_task_ended(state, &run_id, outcome),
        Msg::Health(report) => {
            let demo = report.demo;
            let healthy = report.is_healthy() || demo;
            let count = state.run.nodes.len();
            state.health = Health::Checked(report);
            let panel_open = state.overlays.iter().any(|o| matches!(o, Overlay::Health(_)));
            if healthy {
                state.overlays.retain(|o| !matches!(o, Overlay::Health(_)));
                if panel_open && !demo {
                    state.notify(format!("Server OK: all {count} nodes have their model."), Level::Info);
                }
            } else if !panel_open {
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
            state.notify(
                format!(
                    "No system clipboard ({reason}): sent {chars} characters to the terminal's clipboard \
                     with OSC 52 instead. If nothing pastes, your terminal does not allow OSC 52."
                ),
                Level::Warn,
            );
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
        Msg::EngineReplaced { hierarchy, demo, server } => {
            state.hierarchy = hierarchy.clone();
            state.server = ServerInfo { url: server, demo };
            if !state.is_running() {
                state.reset_run(RunView::idle(hierarchy));
            }
            state.health = Health::Checking;
            vec![Effect::CheckHealth]
        }
        Msg::Lab(msg) => lab::on_msg(state, msg),
        Msg::History(msg) => history::on_msg(state, msg),
        Msg::Prompts(msg) => prompts::on_msg(state, msg),
    }
}

/// True when a message changes what is on screen (ticks only matter while something moves).
pub fn needs_redraw(state: &State, msg: &Msg) -> bool {
    match msg {
        Msg::Tick { .. } => state.is_running() || state.notice.is_some() || state.run.is_running(),
        _ => true,
    }
}
