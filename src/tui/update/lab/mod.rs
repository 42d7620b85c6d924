//! The Lab tab's reducer: keys on the scoreboard, the prompt box of a comparison, the record's
//! answers, the comparison's progress (and the events of its runs), and the blind vote screen.

mod load;
mod scroll;
mod vote;

pub use load::load;
use scroll::{is_scroll, scroll_board};

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;
use ratatui_textarea::TextArea;

use super::routed::Routed;
use crate::engine::{EventKind, RunEvent};
use crate::text::sanitize::{one_line, sanitize};
use crate::tui::action::{Action, App, Context, Lab, Move, Run};
use crate::tui::msg::lab::{ComparisonEnd, LabData, LabMsg};
use crate::tui::msg::{Effect, LabEffect};
use crate::tui::screen::Screen;
use crate::tui::screen::lab::layout;
use crate::tui::state::lab::{Choice, ComparisonRun, LastComparison, LiveArm, LoadState};
use crate::tui::state::run_view::RunView;
use crate::tui::state::{Level, Lifecycle, State, Tab};

/// Rows per wheel notch.
const WHEEL_ROWS: isize = 3;

/// A key in the Lab tab: its action here, or typing into the box that is open.
pub fn on_key(state: &mut State, screen: &Screen, key: KeyEvent) -> Routed {
    let ctx = state.key_context();
    if let Some(action) = state.keymap.lookup(ctx, &key) {
        return on_action(state, screen, ctx, action);
    }
    let editor = match ctx {
        Context::LabAsk => state.lab.ask.as_mut(),
        Context::VoteReason => state.lab.vote.as_mut().map(|v| &mut v.reason),
        _ => None,
    };
    if let Some(editor) = editor {
        editor.input(key);
        keep_one_line(editor);
    }
    Routed::Done(Vec::new())
}

/// Pasted text goes into the box that is open (on one line); elsewhere it is ignored.
pub fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    let flat = one_line(&sanitize(text));
    match state.key_context() {
        Context::LabAsk => {
            if let Some(ask) = &mut state.lab.ask {
                ask.insert_str(flat);
            }
        }
        Context::VoteReason => {
            if let Some(vote) = &mut state.lab.vote {
                vote.reason.insert_str(flat);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// A text box that must stay on one line (some terminals send Ctrl-M or Ctrl-J for Enter).
fn keep_one_line(editor: &mut TextArea<'static>) {
    if editor.lines().len() > 1 {
        let text = editor.lines().join(" ");
        *editor = one_line_box(&text, "");
    }
}

fn one_line_box(text: &str, placeholder: &str) -> TextArea<'static> {
    let mut editor = TextArea::new(vec![text.to_string()]);
    editor.set_placeholder_text(placeholder);
    editor.move_cursor(ratatui_textarea::CursorMove::End);
    editor
}

/// A Lab action, wherever it was pressed.
pub fn perform(state: &mut State, action: Lab) -> Vec<Effect> {
    match action {
        Lab::Compare => compare(state),
        Lab::Refresh => load(state),
        Lab::OtherVersion => other_version(state),
        Lab::Vote => vote::open_or_next(state),
        Lab::VoteA => vote::choose(state, Choice::A),
        Lab::VoteB => vote::choose(state, Choice::B),
        Lab::VoteTie => vote::choose(state, Choice::Tie),
        Lab::VoteBothBad => vote::choose(state, Choice::BothBad),
        Lab::VoteReason => vote::edit_reason(state),
        Lab::VoteSkip => vote::skip(state),
    }
}

/// Shows the next organization version with comparisons (the current one first, then the others
/// most recently used first, then round again), and reads its scores.
fn other_version(state: &mut State) -> Vec<Effect> {
    let Some(data) = &state.lab.data else { return Vec::new() };
    let mut order: Vec<&str> = vec![data.current_version.as_str()];
    order.extend(data.versions.iter().map(|v| v.hash.as_str()).filter(|h| *h != data.current_version));
    if order.len() < 2 {
        state.notify("Every comparison in the record is of the organization as it is now.", Level::Info);
        return Vec::new();
    }
    let at = order.iter().position(|h| *h == data.shown_version).unwrap_or(0);
    let next = order[(at + 1) % order.len()].to_string();
    state.lab.version = (next != data.current_version).then_some(next);
    state.lab.board_scroll = 0;
    load(state)
}

/// An action pressed in one of the Lab's contexts: what it means there, or passed back.
fn on_action(state: &mut State, screen: &Screen, ctx: Context, action: Action) -> Routed {
    Routed::Done(match (ctx, action) {
        (_, Action::Lab(action)) => perform(state, action),
        (Context::LabAsk, Action::Run(Run::Send)) => {
            let text = state.lab.ask.as_ref().map(|a| a.lines().join(" ")).unwrap_or_default();
            let text = text.trim().to_string();
            if text.is_empty() {
                state.notify("Write the prompt to compare first (Esc closes the box).", Level::Info);
                return Routed::Done(Vec::new());
            }
            state.lab.ask = None;
            start(state, text)
        }
        (Context::LabAsk, Action::App(App::Close)) => {
            state.lab.ask = None;
            Vec::new()
        }
        (Context::VoteReason, Action::App(App::Close)) => {
            if let Some(screen) = &mut state.lab.vote {
                screen.editing_reason = false;
            }
            Vec::new()
        }
        (Context::Vote, Action::App(App::Close)) => {
            state.lab.vote = None;
            Vec::new()
        }
        (Context::Vote, scroll) if is_scroll(scroll) => {
            vote::scroll(state, screen, scroll);
            Vec::new()
        }
        (Context::Lab, Action::Move(Move::SelectPrev | Move::SelectNext)) => {
            let count = state.lab.queue().len();
            if count > 0 {
                let step = if action == Action::Move(Move::SelectNext) { 1 } else { count - 1 };
                state.lab.selected = (state.lab.selected + step) % count;
            }
            Vec::new()
        }
        (Context::Lab, scroll) if is_scroll(scroll) => {
            scroll_board(state, screen, scroll);
            Vec::new()
        }
        (Context::Lab, Action::Run(Run::CancelOrBack)) if !state.is_running() => {
            super::tabs::show(state, Tab::Run)
        }
        (_, other) => return Routed::Pass(other),
    })
}

/// `compare`: the prompt in the box, or a box asking for one.
fn compare(state: &mut State) -> Vec<Effect> {
    if state.lab.is_comparing() {
        let cancel =
            state.keymap.hint(Context::Lab, Action::Run(Run::CancelOrBack)).unwrap_or_else(|| "Esc".into());
        state.notify(
            format!("A comparison is already running: {cancel} in the Lab tab cancels it."),
            Level::Warn,
        );
        return Vec::new();
    }
    if !matches!(state.run.lifecycle, Lifecycle::Idle) {
        state.notify(
            "Wait for the run in the Run tab to end (or cancel it): two at once would share the server and \
             skew the comparison's timings.",
            Level::Warn,
        );
        return Vec::new();
    }
    match state.run.prompt.take() {
        Some(prompt) => start(state, prompt),
        None => {
            state.tab = Tab::Lab;
            state.lab.vote = None;
            state.lab.ask = Some(one_line_box("", "the prompt to answer three ways, then judge"));
            Vec::new()
        }
    }
}

fn start(state: &mut State, prompt: String) -> Vec<Effect> {
    state.lab.comparison = Some(ComparisonRun {
        prompt: one_line(&sanitize(&prompt)),
        comparison: None,
        resumed: false,
        done: 0,
        total: 0,
        last_step: None,
        started_ms: state.now_ms,
        cancelling: false,
        live: None,
    });
    state.notify("Comparing: tree, solo and compute answer, then the judge compares each pair.", Level::Info);
    vec![Effect::Lab(LabEffect::StartComparison { prompt })]
}

/// Cancels the running comparison, if any (part of every cancel).
pub fn cancel_comparison(state: &mut State) -> Vec<Effect> {
    match &mut state.lab.comparison {
        Some(run) if !run.cancelling => {
            run.cancelling = true;
            vec![Effect::Lab(LabEffect::Cancel)]
        }
        _ => Vec::new(),
    }
}

/// Follows the comparison's runs on the one event stream; the tree arm is shown live in the Run
/// tab (when nothing else runs there).
pub fn on_engine_event(state: &mut State, event: &RunEvent) {
    let Some(run) = &mut state.lab.comparison else { return };
    match &event.kind {
        EventKind::RunStarted { kind, .. } => {
            run.live = Some(LiveArm {
                run_id: event.run_id.clone(),
                kind: one_line(kind),
                started_ms: event.at_ms,
                calls: 0,
                tokens: 0,
            });
            if kind == "tree" && matches!(state.run.lifecycle, Lifecycle::Idle) {
                let mut view = RunView::idle(state.hierarchy.clone());
                view.apply(event);
                match state.history.past.as_mut() {
                    // A past run is on screen: the tree arm goes where the live picture waits
                    // (shown by going back to the live view), and the past run stays as it is.
                    Some(past) => past.live = view,
                    None => state.reset_run(view),
                }
            }
        }
        kind => {
            let Some(live) = run.live.as_mut().filter(|l| l.run_id == event.run_id) else { return };
            match kind {
                EventKind::CallStarted { .. } => live.calls += 1,
                EventKind::Token { pieces, .. } => live.tokens += *pieces,
                _ => {}
            }
        }
    }
}

/// The record answered, or the comparison moved on.
pub fn on_msg(state: &mut State, msg: LabMsg) -> Vec<Effect> {
    match msg {
        LabMsg::Loaded(Ok(data)) => {
            state.lab.set_data(sanitized(*data));
            vote::queue_changed(state);
            Vec::new()
        }
        LabMsg::Loaded(Err(message)) => {
            state.lab.load = LoadState::Failed(sanitize(&message));
            Vec::new()
        }
        LabMsg::Started { comparison, repeat, resumed } => {
            if let Some(run) = &mut state.lab.comparison {
                run.comparison = Some((comparison, repeat));
                run.resumed = resumed;
            }
            Vec::new()
        }
        LabMsg::Progress(progress) => {
            if let Some(run) = &mut state.lab.comparison {
                run.done = progress.done;
                run.total = progress.total;
                // The lab's label is already on one line and clean.
                run.last_step = Some(progress.label);
            }
            Vec::new()
        }
        LabMsg::Ended(end) => ended(state, end),
        LabMsg::VoteSaved { comparison, pair, result } => vote::saved(state, comparison, pair, result),
    }
}

fn ended(state: &mut State, end: ComparisonEnd) -> Vec<Effect> {
    let Some(run) = state.lab.comparison.take() else { return Vec::new() };
    // The engine ends every run it starts; if the task died first, the Run tab must not spin on.
    let shown = run.live.as_ref().is_some_and(|l| state.run.view.run_id.as_ref() == Some(&l.run_id));
    if shown && state.run.view.is_running() && matches!(state.run.lifecycle, Lifecycle::Idle) {
        state.run.view.status = Some(crate::engine::RunStatus::Cancelled);
        state.run.view.finished_ms = Some(state.now_ms);
    }
    let (text, level) = match &end {
        ComparisonEnd::Finished { comparison, .. } => {
            state.lab.select_after_load = Some(*comparison);
            (
                "Comparison done: the judge's verdicts are in the Lab tab; vote blind on its pairs.",
                Level::Info,
            )
        }
        ComparisonEnd::Cancelled => ("Comparison cancelled; the steps that finished are saved.", Level::Warn),
        ComparisonEnd::Failed(_) => ("The comparison stopped on an error (see the Lab tab).", Level::Error),
    };
    state.notify(text, level);
    let end = match end {
        ComparisonEnd::Failed(message) => ComparisonEnd::Failed(sanitize(&message)),
        other => other,
    };
    state.lab.last = Some(LastComparison { prompt: run.prompt, end, took_ms: state.now_ms - run.started_ms });
    load(state)
}

/// Model and file text from the record, made safe to draw.
fn sanitized(mut data: LabData) -> LabData {
    for value in &mut data.levels {
        value.name = one_line(&value.name);
    }
    for item in &mut data.queue {
        let pending = &mut item.pending;
        pending.prompt.text = sanitize(&pending.prompt.text);
        pending.prompt.category = one_line(&pending.prompt.category);
        pending.answers = (sanitize(&pending.answers.0), sanitize(&pending.answers.1));
    }
    for board in [&mut data.judged, &mut data.voted] {
        board.categories = std::mem::take(&mut board.categories)
            .into_iter()
            .map(|(category, pairs)| (one_line(&category), pairs))
            .collect();
    }
    data.judge_model = one_line(&data.judge_model);
    // The verdict names the root's model; the versions are hashes ailab wrote, but the record is a file.
    data.verdict = data.verdict.iter().map(|s| one_line(s)).collect();
    for version in &mut data.versions {
        version.hash = one_line(&version.hash);
    }
    data.shown_version = one_line(&data.shown_version);
    data
}

/// The wheel scrolls the board or the answers; a click selects a pair in the queue.
pub fn on_mouse(state: &mut State, screen: &Screen, mouse: MouseEvent) -> Vec<Effect> {
    let at = Position { x: mouse.column, y: mouse.row };
    match mouse.kind {
        MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
            let action = if mouse.kind == MouseEventKind::ScrollUp {
                Action::Move(Move::ScrollUp)
            } else {
                Action::Move(Move::ScrollDown)
            };
            for _ in 0..WHEEL_ROWS {
                if state.lab.vote.is_some() {
                    vote::scroll(state, screen, action);
                } else {
                    scroll_board(state, screen, action);
                }
            }
        }
        MouseEventKind::Down(MouseButton::Left) if state.lab.vote.is_none() => {
            let regions = layout::board(layout::body(state.area()), &state.lab);
            let list = layout::inner_text(regions.queue);
            if list.contains(at) {
                let height = list.height as usize;
                let count = state.lab.queue().len();
                let first = layout::queue_first(state.lab.selected, count, height);
                let row = first + usize::from(at.y - list.y);
                if row < count {
                    state.lab.selected = row;
                }
            }
        }
        _ => {}
    }
    Vec::new()
}
