//! How the Run tab labels a past run: the tab bar names it, the status bar says how it ended (or
//! how far the replay is), and a banner stands where the prompt box was, since it is read-only.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType};

use crate::store::export::local_datetime;
use crate::tui::action::{Action, App, Context, History};
use crate::tui::format;
use crate::tui::screen::layout::inner;
use crate::tui::state::history::PastRun;
use crate::tui::state::{Lifecycle, State};
use crate::tui::text::wrap::Wrapper;
use crate::tui::theme::Role;
use crate::tui::view::draw_rows;
use crate::tui::view::paint::span;

/// The past run set in the Run tab (the History tab's bars speak of it too).
fn shown(state: &State) -> Option<&PastRun> {
    state.history.past.as_ref()
}

/// `done`, `failed`… of the past run on screen (`running` while it replays).
fn status_label(state: &State) -> &'static str {
    state.run.view.status.map_or("running", |s| format::run_status(s).0)
}

/// The tab bar's right side for a past run: `past run <id> · done · “prompt”`.
pub fn tab_bar_label(state: &State) -> Option<String> {
    let past = shown(state)?;
    let prompt = crate::text::sanitize::one_line(&past.prompt);
    Some(format!("past run {} · {} · “{prompt}”", past.id, status_label(state)))
}

/// The status bar's run part for a past run, with its role.
pub fn run_label(state: &State) -> Option<(String, Role)> {
    let past = shown(state)?;
    let live = match &state.run.lifecycle {
        Lifecycle::Idle => "",
        Lifecycle::Launching | Lifecycle::Running { .. } => " · live run going",
    };
    if let Some(replay) = &past.replay {
        let start = past.events.first().map_or(0, |e| e.at_ms);
        let end = past.events.last().map_or(start, |e| e.at_ms);
        let at = replay.recorded_at(state.now_ms).min(end);
        return Some((
            format!(
                "▶ replay {}× · {} of {}{live}",
                replay.speed,
                format::duration(at - start),
                format::duration(end - start)
            ),
            Role::StatusBar,
        ));
    }
    let status = state.run.view.status;
    let role = match status {
        Some(crate::engine::RunStatus::Done) => Role::StatusOk,
        Some(crate::engine::RunStatus::Running) => Role::StatusBar,
        Some(crate::engine::RunStatus::Degraded | crate::engine::RunStatus::Cancelled) => Role::StatusWarn,
        _ => Role::StatusError,
    };
    let took =
        state.run.view.totals.map(|t| format!(" in {}", format::duration(t.wall_ms))).unwrap_or_default();
    Some((format!("past run · {}{took}{live}", status_label(state)), role))
}

/// Drawn over the prompt box while a past run is shown: what it is and the keys for it.
pub fn banner(frame: &mut Frame, rect: Rect, state: &State) {
    let Some(past) = shown(state) else { return };
    let theme = state.theme();
    let started = past.events.first().map(|e| local_datetime(e.at_ms)).unwrap_or_default();
    let key = |ctx, action| state.keymap.hint(ctx, action).unwrap_or_default();
    let title = format!(" Past run {} · {} · {started} ", past.id, status_label(state));
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(theme.style(Role::Overlay))
        .title_top(Line::from(span(title, theme.style(Role::Overlay))))
        .title_top(Line::from(span(" read-only ", theme.style(Role::Dim))).right_aligned());
    frame.render_widget(ratatui::widgets::Clear, rect);
    frame.render_widget(block, rect);
    let body = inner(rect);
    let body = Rect::new(body.x + 1, body.y, body.width.saturating_sub(2), body.height);
    let past_key = |action| key(Context::PastRun, action);
    let replay = if past.replay.is_some() {
        format!(
            "{} faster · {} stop",
            past_key(Action::History(History::ReplayFaster)),
            past_key(Action::History(History::ReplayStop))
        )
    } else {
        format!("{} replay", past_key(Action::History(History::Replay)))
    };
    let keys = format!(
        "{} back to the live view · {replay} · {} run again · {}/{} export · {} history",
        past_key(Action::History(History::BackToLive)),
        past_key(Action::History(History::Rerun)),
        past_key(Action::History(History::ExportMarkdown)),
        past_key(Action::History(History::ExportJson)),
        key(Context::Global, Action::App(App::Tab2)),
    );
    let mut w = Wrapper::new(body.width.max(1) as usize);
    w.push_str(&keys, Role::KeyHint);
    draw_rows(frame.buffer_mut(), body, &w.all_rows(), theme);
}
