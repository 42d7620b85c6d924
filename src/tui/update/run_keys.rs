//! What the Run tab's actions and the moves do there: sending, the prompt's history, cancelling,
//! moving between panes, scrolling a pane, the answer or the overlay on top, zooming, copying.

use super::app;
use super::focus::{self, Direction};
use crate::engine::Conversation;
use crate::tui::action::{Action, Context, Move, Run};
use crate::tui::msg::Effect;
use crate::tui::screen::Screen;
use crate::tui::state::health::Health;
use crate::tui::state::scroll::Scroll;
use crate::tui::state::zoom::ZoomState;
use crate::tui::state::{Focus, Level, Lifecycle, Overlay, State};

/// Performs an action of the Run tab.
pub fn perform(state: &mut State, screen: &Screen, action: Run) -> Vec<Effect> {
    match action {
        Run::Send => return send(state),
        Run::NewConversation => new_conversation(state),
        Run::AskMember => ask_member(state),
        Run::SendUp => return send_up(state),
        Run::Newline => state.run.prompt.newline(),
        Run::HistoryPrev => state.run.prompt.history_prev(),
        Run::HistoryNext => state.run.prompt.history_next(),
        Run::CancelOrBack => return cancel_or_back(state),
        Run::Zoom => {
            let node = match state.run.focus {
                Focus::Node(i) => i,
                _ => 0,
            };
            // One zoom view at a time: zooming again (a key bound to zoom inside it) shows the node.
            match state.zoom_mut() {
                Some(zoom) if zoom.node != node => zoom.show(node),
                Some(_) => {}
                None => state.overlays.push(Overlay::Zoom(Box::new(ZoomState::new(node)))),
            }
        }
        Run::Copy => return copy(state, screen),
        Run::Flow => return super::flow::toggle(state),
        Run::Fold => super::fold::fold_at_top(state, screen),
    }
    Vec::new()
}

/// Moves the focus, scrolls what has it, or moves the selection of the server panel.
pub fn moves(state: &mut State, screen: &Screen, action: Move) -> Vec<Effect> {
    if let Some(effects) = super::flow::moves(state, screen, action) {
        return effects;
    }
    match action {
        // In the help, the sideways keys turn the page (Keys ⇄ Concepts).
        Move::FocusNext | Move::FocusPrev | Move::FocusLeft | Move::FocusRight
            if state.key_context() == Context::Help =>
        {
            if let Some(Overlay::Help { scroll, page }) = state.overlays.last_mut() {
                *page = page.other();
                *scroll = 0;
            }
        }
        Move::FocusNext | Move::FocusPrev => {
            let forward = action == Move::FocusNext;
            if state.key_context() == Context::Zoom {
                zoom_step(state, forward);
            } else {
                focus::step(state, forward);
            }
        }
        Move::FocusUp => focus::toward(state, screen, Direction::Up),
        Move::FocusDown => focus::toward(state, screen, Direction::Down),
        Move::FocusLeft => focus::toward(state, screen, Direction::Left),
        Move::FocusRight => focus::toward(state, screen, Direction::Right),
        Move::FocusPrompt => state.run.focus = Focus::Prompt,
        Move::ScrollUp => scroll(state, screen, Amount::Rows(-1)),
        Move::ScrollDown => scroll(state, screen, Amount::Rows(1)),
        Move::PageUp => scroll(state, screen, Amount::Pages(-1)),
        Move::PageDown => scroll(state, screen, Amount::Pages(1)),
        Move::ScrollTop => scroll(state, screen, Amount::Top),
        Move::ScrollBottom => scroll(state, screen, Amount::Bottom),
        Move::SelectPrev | Move::SelectNext => {
            let count = match &state.health {
                Health::Checked(report) => report.served_for_missing().len(),
                Health::Checking => 0,
            };
            if let Some(Overlay::Health(panel)) = state.overlays.last_mut()
                && count > 0
            {
                panel.selected = if action == Move::SelectNext {
                    (panel.selected + 1) % count
                } else {
                    (panel.selected + count - 1) % count
                };
            }
        }
    }
    Vec::new()
}

fn send(state: &mut State) -> Vec<Effect> {
    if state.is_running() {
        let cancel = state
            .keymap
            .hint(Context::Prompt, Action::Run(Run::CancelOrBack))
            .unwrap_or_else(|| "Esc".into());
        state.notify(format!("A run is in progress: {cancel} cancels it."), Level::Warn);
        return Vec::new();
    }
    let Some(prompt) = state.run.prompt.take() else {
        state.notify("Write a question or task first.", Level::Info);
        return Vec::new();
    };
    state.run.lifecycle = Lifecycle::Launching;
    let conversation = state.run.conversation.clone();
    match state.run.ask.take() {
        Some(member) => vec![Effect::Expand { member: member.id, question: prompt, conversation }],
        None => vec![Effect::StartRun { prompt, conversation }],
    }
}

/// Ctrl-E on a pane: the next prompt goes to that member alone, about its part of the latest
/// turn it answered.
fn ask_member(state: &mut State) {
    let Some(node) = state.run.focused_node().and_then(|i| state.run.view.nodes.get(i)) else {
        state.notify("Focus a member's pane first (Tab), then ask it.", Level::Info);
        return;
    };
    let (id, name) = (node.id.clone(), node.name.clone());
    if state.is_running() {
        state.notify(format!("A run is in progress: ask {name} once it ends."), Level::Warn);
        return;
    }
    if let Err(why) = state.run.conversation.expandable(&id, &name) {
        state.notify(format!("Cannot ask {name} alone: {why}."), Level::Info);
        return;
    }
    state.run.ask = Some(crate::tui::state::AskTarget { id, name: name.clone() });
    state.run.focus = Focus::Prompt;
    state.notify(
        format!("Ask {name}: type your question for {name} alone (Esc: back to the whole team)."),
        Level::Info,
    );
}

/// Alt-U: the latest turn, an expansion, goes up the tree to a new final answer.
fn send_up(state: &mut State) -> Vec<Effect> {
    if state.is_running() {
        state.notify("A run is in progress: send up once it ends.", Level::Warn);
        return Vec::new();
    }
    if let Err(why) = state.run.conversation.sendable() {
        state.notify(format!("Nothing to send up: {why}."), Level::Info);
        return Vec::new();
    }
    state.run.lifecycle = Lifecycle::Launching;
    vec![Effect::SendUp { conversation: state.run.conversation.clone() }]
}

/// Ctrl-N: the next prompt starts a new conversation (the one on screen stays until then).
fn new_conversation(state: &mut State) {
    if state.is_running() {
        state.notify("A run is in progress: a new conversation can start once it ends.", Level::Warn);
        return;
    }
    if state.run.conversation.turns.is_empty() {
        state.notify("This is already a new conversation: the next prompt starts it.", Level::Info);
        return;
    }
    state.run.conversation = Conversation::default();
    state.run.ask = None;
    state.notify("New conversation: the next prompt starts afresh, without the earlier turns.", Level::Info);
}

/// Esc: cancel the run in flight; otherwise step back to the prompt.
fn cancel_or_back(state: &mut State) -> Vec<Effect> {
    match &state.run.lifecycle {
        Lifecycle::Running { cancelling: false, .. } | Lifecycle::Launching => {
            state.notify("Cancelling the run…", Level::Warn);
            app::cancel(state)
        }
        Lifecycle::Running { cancelling: true, .. } => Vec::new(),
        Lifecycle::Idle if state.lab.is_comparing() => app::cancel(state),
        Lifecycle::Idle if state.run.ask.is_some() => {
            state.run.ask = None;
            state.notify("Back to the whole team: the next prompt goes to everyone.", Level::Info);
            Vec::new()
        }
        Lifecycle::Idle => {
            state.run.focus = Focus::Prompt;
            Vec::new()
        }
    }
}

fn zoom_step(state: &mut State, forward: bool) {
    let count = state.run.view.nodes.len().max(1);
    if let Some(zoom) = state.zoom_mut() {
        let next = if forward { (zoom.node + 1) % count } else { (zoom.node + count - 1) % count };
        zoom.show(next);
    }
    if let Some(zoom) = state.zoom() {
        state.run.focus = Focus::Node(zoom.node);
    }
}

enum Amount {
    Rows(isize),
    Pages(isize),
    Top,
    Bottom,
}

fn scroll(state: &mut State, screen: &Screen, amount: Amount) {
    let apply = |s: &mut crate::tui::state::scroll::Scroll, total: usize, height: usize| match amount {
        Amount::Rows(n) => s.by(n, total, height),
        Amount::Pages(n) => s.by(n * height.saturating_sub(1).max(1) as isize, total, height),
        Amount::Top => s.home(),
        Amount::Bottom => s.end(),
    };
    let messages_extent = match state.overlays.last() {
        Some(Overlay::Messages { .. }) => crate::tui::screen::messages::extent(state),
        _ => (0, 0),
    };
    let help_max = match state.overlays.last() {
        Some(Overlay::Help { page, .. }) => crate::tui::screen::help::max_scroll(state, state.area(), *page),
        _ => 0,
    };
    match state.overlays.last_mut() {
        Some(Overlay::Help { scroll, .. }) => {
            let step = match amount {
                Amount::Rows(n) => n,
                Amount::Pages(n) => n * 10,
                Amount::Top => -(*scroll as isize),
                Amount::Bottom => help_max as isize,
            };
            *scroll = scroll.saturating_add_signed(step).min(help_max);
            return;
        }
        Some(Overlay::Zoom(zoom)) => {
            let (total, height) = screen.zoom.as_ref().map_or((0, 1), |text| (text.len(), text.height));
            apply(&mut zoom.scroll, total, height);
            return;
        }
        Some(Overlay::Messages { scroll }) => {
            let (total, height) = messages_extent;
            apply(scroll, total, height);
            return;
        }
        Some(Overlay::Health(_) | Overlay::Welcome(_) | Overlay::Flow(_)) => return,
        None => {}
    }
    // From the prompt, paging reads the answer (or the root's pane before there is one).
    let target = match state.run.focus {
        Focus::Prompt if state.run.shows_answer() => Focus::Answer,
        Focus::Prompt => Focus::Node(0),
        other => other,
    };
    match target {
        Focus::Node(i) => {
            if let (Some(scroll), Some(pane)) = (state.run.panes.get_mut(i), screen.panes.get(i)) {
                apply(scroll, pane.len(), pane.height);
            }
        }
        Focus::Answer => {
            let (total, height) = (screen.answer.len(), screen.answer_height);
            // From where the panel stands (this turn's answer, below the earlier turns).
            let scroll = &mut state.run.answer_scroll;
            *scroll = Scroll::At(scroll.top_from(screen.answer_anchor, total, height));
            apply(scroll, total, height);
        }
        Focus::Prompt => {}
    }
}

/// `y`: the focused thing's text, as the model wrote it (Markdown source).
fn copy(state: &mut State, screen: &Screen) -> Vec<Effect> {
    let text = if let Some(zoom) = state.zoom().and(screen.zoom.as_ref()) {
        zoom.plain_text()
    } else {
        match state.run.focus {
            Focus::Node(i) => match state.run.view.current_call(i) {
                Some(call) if !call.text.is_empty() => call.text.clone(),
                Some(call) => call.reasoning.clone(),
                None => state.run.view.nodes.get(i).and_then(|n| n.task.clone()).unwrap_or_default(),
            },
            Focus::Answer | Focus::Prompt => {
                state.run.view.answer.clone().or_else(|| state.run.view.error.clone()).unwrap_or_default()
            }
        }
    };
    if text.trim().is_empty() {
        state.notify("Nothing to copy here yet.", Level::Info);
        return Vec::new();
    }
    vec![Effect::Copy { text }]
}
