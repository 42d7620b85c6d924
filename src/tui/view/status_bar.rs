//! The status bar: server and models, the run, then a message or the keys that matter here.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::tui::action::{Action, App, Context, Move, Prompts, Run};
use crate::tui::format;
use crate::tui::state::health::{Health, users_of};
use crate::tui::state::{Level, Lifecycle, State};
use crate::tui::text::wrap::truncate;
use crate::tui::theme::Role;
use crate::tui::view::paint::span;

/// An address without its scheme and API path: `localhost:1234`.
fn short(url: &str) -> &str {
    let url = url.split_once("://").map_or(url, |(_, rest)| rest);
    url.trim_end_matches('/').trim_end_matches("/v1")
}

/// The nodes using `url`, when not all of them do: ` (Echo, Pixel)`.
fn users(state: &State, url: &str) -> String {
    let users = users_of(&state.hierarchy, url);
    if users.is_empty() || users.len() == state.hierarchy.nodes.len() {
        return String::new();
    }
    format!(" ({})", users.join(", "))
}

/// The server part: where, and whether it is ready. A failing endpoint is named, with the nodes
/// that use it when it is not everyone's, so the bar never blames a server that works.
fn server(state: &State) -> (String, Role) {
    let url = short(&state.server.url);
    if state.server.demo {
        return ("◆ demo: scripted offline answers".into(), Role::StatusWarn);
    }
    match &state.health {
        Health::Checking => (format!("◌ {url} checking…"), Role::StatusBar),
        Health::Checked(report) if report.is_healthy() => (format!("● {url} · models OK"), Role::StatusOk),
        Health::Checked(report) if report.unreachable().next().is_some() => {
            let failing: Vec<&str> = report.unreachable().map(|(u, _)| u).collect();
            let more =
                if failing.len() > 1 { format!(" +{} more", failing.len() - 1) } else { String::new() };
            let first = failing[0];
            (format!("✖ {} unreachable{}{more}", short(first), users(state, first)), Role::StatusError)
        }
        Health::Checked(report) => {
            let at = report.missing.first().map_or(url, |m| short(&m.endpoint));
            (format!("▲ {at} · {} model(s) missing", report.missing.len()), Role::StatusWarn)
        }
    }
}

/// The run part.
fn run(state: &State) -> (String, Role) {
    if let Some(comparing) = super::lab::status(state) {
        return comparing;
    }
    if let Some(label) = super::history::past_run_label(state) {
        return label;
    }
    let run = &state.run.view;
    match (&state.run.lifecycle, run.status) {
        (Lifecycle::Running { cancelling: true, .. }, _) => ("cancelling…".into(), Role::StatusWarn),
        (Lifecycle::Launching, _) => {
            (format!("{} starting…", format::spinner(state.now_ms)), Role::StatusBar)
        }
        (Lifecycle::Running { .. }, _) => {
            let elapsed = run.elapsed_ms(state.now_ms).map(format::duration).unwrap_or_default();
            let working = run.active_nodes();
            (
                format!("{} running {elapsed} · {working} working", format::spinner(state.now_ms)),
                Role::StatusBar,
            )
        }
        (Lifecycle::Idle, Some(status)) => {
            let (label, _) = format::run_status(status);
            let role = match status {
                crate::engine::RunStatus::Done => Role::StatusOk,
                crate::engine::RunStatus::Degraded | crate::engine::RunStatus::Cancelled => Role::StatusWarn,
                _ => Role::StatusError,
            };
            let took = run.totals.map(|t| format!(" in {}", format::duration(t.wall_ms))).unwrap_or_default();
            (format!("{label}{took}"), role)
        }
        (Lifecycle::Idle, None) => ("ready".into(), Role::StatusBar),
    }
}

/// The keys worth knowing in the current context, most useful first.
fn hints(state: &State) -> Vec<String> {
    if let Some(hints) = super::history::hints(state) {
        return hints;
    }
    let ctx = state.key_context();
    let actions: &[(Action, &str)] = match ctx {
        Context::Prompt => &[
            (Action::Run(Run::Send), "send"),
            (Action::Move(Move::FocusNext), "panes"),
            (Action::App(App::Help), "help"),
            (Action::App(App::Interrupt), "quit"),
        ],
        Context::Panes => &[
            (Action::Run(Run::Zoom), "zoom"),
            (Action::Run(Run::Copy), "copy"),
            (Action::Run(Run::Flow), "flow"),
            (Action::Move(Move::PageUp), "scroll"),
            (Action::Run(Run::Fold), "fold"),
            (Action::App(App::Help), "help"),
            (Action::App(App::Quit), "quit"),
        ],
        Context::Zoom => &[
            (Action::App(App::Close), "back"),
            (Action::Move(Move::FocusNext), "next node"),
            (Action::Run(Run::Copy), "copy"),
            (Action::Move(Move::PageDown), "page"),
        ],
        Context::Flow if state.flow().is_some_and(|f| f.open.is_some()) => &[
            (Action::App(App::Close), "back"),
            (Action::Move(Move::SelectNext), "scroll"),
            (Action::Move(Move::PageDown), "page"),
            (Action::Run(Run::Copy), "copy"),
        ],
        Context::Flow => &[
            (Action::Run(Run::Zoom), "open"),
            (Action::App(App::Close), "back"),
            (Action::Move(Move::SelectNext), "select"),
            (Action::Move(Move::PageDown), "page"),
            (Action::Run(Run::Copy), "copy"),
        ],
        Context::Help => &[(Action::App(App::Close), "close")],
        Context::Health => &[
            (Action::App(App::Retry), "retry"),
            (Action::App(App::UseDemo), "demo"),
            (Action::App(App::AssignModel), "assign"),
            (Action::App(App::Close), "close"),
        ],
        Context::PromptsTree => &[
            (Action::Prompts(Prompts::EditFields), "edit"),
            (Action::Prompts(Prompts::Save), "save"),
            (Action::Prompts(Prompts::AddChild), "add"),
            (Action::Prompts(Prompts::RemoveNode), "remove"),
            (Action::Prompts(Prompts::CompareVersions), "compare"),
            (Action::App(App::Help), "help"),
            (Action::App(App::RunTab), "run"),
        ],
        Context::PromptsField => &[
            (Action::Move(Move::FocusNext), "next"),
            (Action::Prompts(Prompts::ToTree), "members"),
            (Action::Prompts(Prompts::Save), "save"),
            (Action::Prompts(Prompts::Undo), "undo"),
            (Action::Prompts(Prompts::ExternalEditor), "$EDITOR"),
        ],
        Context::PromptsDialog => {
            &[(Action::Prompts(Prompts::Choose), "choose"), (Action::App(App::Close), "cancel")]
        }
        Context::Global => &[],
        Context::Lab | Context::LabAsk | Context::Vote | Context::VoteReason => super::lab::hints(state, ctx),
        _ => &[],
    };
    let running = state.is_running();
    let assignable = matches!(&state.health, Health::Checked(r) if !r.served_for_missing().is_empty());
    let mut hints: Vec<String> = actions
        .iter()
        .filter(|(action, _)| *action != Action::App(App::AssignModel) || assignable)
        .filter_map(|(action, what)| {
            let what = if *action == Action::App(App::Interrupt) && running { "cancel" } else { what };
            state.keymap.hint(ctx, *action).map(|key| format!("{key} {what}"))
        })
        .collect();
    if ctx == Context::Panes {
        // Letters other than the pane's own keys start a prompt: say so where it matters.
        hints.insert(hints.len().min(2), "type to ask".into());
    }
    hints
}

/// What the focused pane's member is doing, in plain words, and the role to draw it in on the bar.
fn focused_caption(state: &State) -> Option<(String, Role)> {
    // A past run's own keys matter more there (leaving it, the replay's speed).
    if state.key_context() != Context::Panes || super::history::hints(state).is_some() {
        return None;
    }
    let caption = crate::tui::screen::caption::caption(&state.run.view, state.run.focused_node()?)?;
    let role = match caption.role {
        Role::StatusWarn => Role::StatusWarn,
        Role::NodeFailed => Role::StatusError,
        _ => Role::StatusBar,
    };
    Some((caption.text, role))
}

/// The server and run parts as drawn on a bar `width` wide.
fn left_parts(state: &State, width: usize) -> (String, Role, String, Role) {
    let (server, server_role) = server(state);
    let (run, run_role) = run(state);
    let server = truncate(&format!(" {server} "), width / 2);
    let run = truncate(&format!("│ {run} │"), width.saturating_sub(server.width()));
    (server, server_role, run, run_role)
}

/// Columns left for a notice on a bar `width` wide (a longer one also shows in full above it).
pub fn notice_room(state: &State, width: usize) -> usize {
    let (server, _, run, _) = left_parts(state, width);
    width.saturating_sub(server.width() + run.width() + 1)
}

pub fn draw(frame: &mut Frame, rect: Rect, state: &State) {
    let theme = state.theme();
    let bar = theme.style(Role::StatusBar);
    let (right, right_role) = match &state.notice {
        Some(notice) => (
            vec![notice.text.clone()],
            match notice.level {
                Level::Info => Role::Notice,
                Level::Warn => Role::StatusWarn,
                Level::Error => Role::StatusError,
            },
        ),
        None => (hints(state), Role::StatusBar),
    };
    let width = rect.width as usize;
    let (server, server_role, run, run_role) = left_parts(state, width);
    let room = notice_room(state, width);
    // Hints drop whole from the end; a notice is cut with an ellipsis. A warning or an error cut
    // here shows in full above the bar; a cut message says where to read the rest.
    let right = match (right.len(), &state.notice) {
        (1, Some(notice)) if notice.level == Level::Info && right[0].width() > room => {
            let key =
                state.keymap.hint(Context::Global, Action::App(App::Messages)).unwrap_or_else(|| "F5".into());
            let more = format!(" ({key} full)");
            format!("{}{more}", truncate(&right[0], room.saturating_sub(more.width())))
        }
        (1, _) => truncate(&right[0], room),
        _ => crate::tui::format::fit_parts(&right, room),
    };
    // The focused member's caption goes before the keys when it fits with at least one of them.
    let caption = match (&state.notice, focused_caption(state)) {
        (None, Some((text, role))) => {
            let keys = crate::tui::format::fit_parts(&hints(state), room.saturating_sub(text.width() + 3));
            (!keys.is_empty()).then_some((text, role, keys))
        }
        _ => None,
    };
    let mut spans: Vec<Span> = vec![span(server, theme.style(server_role)), span(run, theme.style(run_role))];
    match caption {
        Some((text, role, keys)) => {
            let pad = room.saturating_sub(text.width() + 3 + keys.width());
            spans.push(span(" ".repeat(pad + 1), bar));
            spans.push(span(text, theme.style(role)));
            spans.push(span(" │ ", bar));
            spans.push(span(keys, theme.style(right_role)));
        }
        None => {
            let pad = room.saturating_sub(right.width());
            spans.push(span(" ".repeat(pad + 1), bar));
            spans.push(span(right, theme.style(right_role)));
        }
    }
    frame.buffer_mut().set_style(rect, bar);
    frame.buffer_mut().set_line(rect.x, rect.y, &Line::from(spans), rect.width);
}
