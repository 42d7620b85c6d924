//! The list of past runs: a header, one row per run in columns that drop out as the screen
//! narrows, a line about the selected run, and what to say when there is nothing to list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::clock;
use crate::engine::RunStatus;
use crate::tui::action::{Action, App, Context, History};
use crate::tui::format;
use crate::tui::msg::history::ListedRun;
use crate::tui::screen::history::HistoryLayout;
use crate::tui::state::State;
use crate::tui::text::wrap::{Wrapper, truncate};
use crate::tui::theme::{Role, Theme};
use crate::tui::view::draw_rows;
use crate::tui::view::paint::{key_hint as key, span};

/// Which columns fit, and how wide each is.
struct Columns {
    /// `2026-11-24 06:00`, or `11-24 06:00` when narrow.
    started: usize,
    prompt: usize,
    duration: bool,
    tokens: bool,
    version: bool,
    /// A column for the run's kind; narrower lists put a lab run's kind before its prompt.
    kind: bool,
}

const STATUS: usize = 13;
const DURATION: usize = 8;
const TOKENS: usize = 8;
/// The prompts version (hierarchy hash) in 8 hex digits, as the Prompts tab shows it.
const VERSION: usize = 8;
/// "lab compute", the longest kind.
const KIND: usize = 11;

impl Columns {
    fn for_width(width: usize) -> Columns {
        let started = if width >= 56 { 16 } else { 11 };
        let kind = width >= 110;
        let version = width >= 92;
        let tokens = width >= 76;
        let duration = width >= 62;
        let fixed = 1
            + started
            + 2
            + 2
            + STATUS
            + if kind { 2 + KIND } else { 0 }
            + if duration { 2 + DURATION } else { 0 }
            + if tokens { 2 + TOKENS } else { 0 }
            + if version { 2 + VERSION } else { 0 }
            + 1;
        Columns { started, prompt: width.saturating_sub(fixed).max(4), duration, tokens, version, kind }
    }

    /// Cells of one row, each with its role.
    fn cells(&self, cells: [(String, Role); 7]) -> Vec<(String, Role)> {
        let [started, prompt, kind, status, duration, tokens, version] = cells;
        let pad = |text: &str, width: usize| {
            let text = truncate(text, width);
            let room = width.saturating_sub(text.width());
            format!("{text}{}", " ".repeat(room))
        };
        let right = |text: &str, width: usize| format!("{text:>width$}");
        let mut out = vec![
            (" ".to_string(), Role::Text),
            (pad(&started.0, self.started), started.1),
            ("  ".into(), Role::Text),
            (pad(&prompt.0, self.prompt), prompt.1),
            ("  ".into(), Role::Text),
        ];
        if self.kind {
            out.push((pad(&kind.0, KIND), kind.1));
            out.push(("  ".into(), Role::Text));
        }
        out.push((pad(&status.0, STATUS), status.1));
        if self.duration {
            out.push(("  ".into(), Role::Text));
            out.push((right(&duration.0, DURATION), duration.1));
        }
        if self.tokens {
            out.push(("  ".into(), Role::Text));
            out.push((right(&tokens.0, TOKENS), tokens.1));
        }
        if self.version {
            out.push(("  ".into(), Role::Text));
            out.push((pad(&version.0, VERSION), version.1));
        }
        out
    }
}

/// `2026-11-24 06:00` in local time, or without the year.
fn started(ms: i64, width: usize) -> String {
    let when = clock::local(ms);
    if width >= 16 { when.date_minute() } else { when.month_day_minute() }
}

/// A run's status with its glyph and role.
pub fn status(status: RunStatus) -> (String, Role) {
    let (label, role) = format::run_status(status);
    let glyph = match status {
        RunStatus::Running => "●",
        RunStatus::Done => "✔",
        RunStatus::Degraded => "▲",
        RunStatus::Failed => "✖",
        RunStatus::Cancelled | RunStatus::Interrupted => "⊘",
    };
    (format!("{glyph} {label}"), role)
}

fn row_cells(run: &ListedRun, cols: &Columns) -> Vec<(String, Role)> {
    let row = &run.row;
    let duration = row.duration_ms().map(format::duration).unwrap_or_else(|| "–".into());
    let tokens = format::thousands(row.total_tokens());
    let version: String = row.hierarchy_hash.chars().take(VERSION).collect();
    let title = crate::text::sanitize::one_line(row.title());
    // The lab's runs carry the user's prompt text: never let them pass for the user's own.
    let (prompt, role) = match (row.is_lab(), cols.kind) {
        // A follow-up reads as one: the turn it is of its conversation.
        (false, _) if let Some(turn) = row.turn_label() => (format!("{turn} · {title}"), Role::Text),
        (false, _) => (title, Role::Text),
        (true, true) => (title, Role::Dim),
        (true, false) => (format!("{} · {title}", row.kind_label()), Role::Dim),
    };
    let kind = if row.is_lab() { Role::Dim } else { Role::Text };
    cols.cells([
        (started(row.started_ms, cols.started), Role::Dim),
        (prompt, role),
        (row.kind_label(), kind),
        status(row.status),
        (duration, Role::Metrics),
        (tokens, Role::Metrics),
        (version, Role::Dim),
    ])
}

fn draw_cells(frame: &mut Frame, rect: Rect, cells: Vec<(String, Role)>, theme: &Theme, selected: bool) {
    let style = |role| if selected { theme.style(Role::Selection) } else { theme.style(role) };
    let spans: Vec<Span> = cells.into_iter().map(|(text, role)| Span::styled(text, style(role))).collect();
    if selected {
        frame.buffer_mut().set_style(rect, theme.style(Role::Selection));
    }
    frame.buffer_mut().set_line(rect.x, rect.y, &Line::from(spans), rect.width);
}

pub fn draw(frame: &mut Frame, parts: &HistoryLayout, state: &State) {
    let theme = state.theme();
    let history = &state.history;
    let cols = Columns::for_width(parts.header.width as usize);
    if history.runs.is_empty() {
        draw_empty(frame, parts.list, state);
        return;
    }
    let header = cols.cells([
        ("Started".into(), Role::Heading),
        ("Prompt".into(), Role::Heading),
        ("Kind".into(), Role::Heading),
        ("Status".into(), Role::Heading),
        ("Time".into(), Role::Heading),
        ("Tokens".into(), Role::Heading),
        ("Version".into(), Role::Heading),
    ]);
    draw_cells(frame, parts.header, header, theme, false);
    let height = parts.list.height as usize;
    let top = history.offset.min(history.runs.len().saturating_sub(height));
    for (i, run) in history.runs.iter().enumerate().skip(top).take(height) {
        let y = parts.list.y + (i - top) as u16;
        let rect = Rect::new(parts.list.x, y, parts.list.width, 1);
        let selected = i == history.selected;
        draw_cells(frame, rect, row_cells(run, &cols), theme, selected);
    }
    if let Some(run) = history.selected_run() {
        draw_detail(frame, parts.detail, state, run);
    }
}

/// The line under the list: the match for a search, else the selected run's facts.
fn draw_detail(frame: &mut Frame, rect: Rect, state: &State, run: &ListedRun) {
    let theme = state.theme();
    let row = &run.row;
    let mut spans = vec![span(" ", theme.style(Role::Dim))];
    match &run.snippet {
        Some(snippet) if !snippet.is_empty() => {
            // `[word]` marks a match: shown highlighted, without the brackets.
            for (i, part) in crate::text::sanitize::one_line(snippet).split(['[', ']']).enumerate() {
                let role = if i % 2 == 1 { Role::Accent } else { Role::Dim };
                spans.push(span(part.to_string(), theme.style(role)));
            }
        }
        _ => {
            let version: String = row.hierarchy_hash.chars().take(VERSION).collect();
            let mut facts = vec![format!("run {}", row.id), format!("version {version}")];
            if row.is_lab() {
                facts.insert(1, format!("{} run, made by the lab", row.kind_label()));
            }
            let failed =
                if row.failed_calls > 0 { format!(" ({} failed)", row.failed_calls) } else { String::new() };
            facts.push(format!("{} call{}{failed}", row.calls, if row.calls == 1 { "" } else { "s" }));
            facts.push(format!(
                "{} in · {} out tokens",
                format::thousands(row.prompt_tokens),
                format::thousands(row.completion_tokens)
            ));
            if let Some(note) = &row.note {
                facts.push(crate::text::sanitize::one_line(note));
            }
            let text = facts.join(" · ");
            spans.push(span(text, theme.style(Role::Dim)));
        }
    }
    frame.buffer_mut().set_line(rect.x, rect.y, &Line::from(spans), rect.width);
}

/// What the list says when it has no rows: why, and what to do.
fn draw_empty(frame: &mut Frame, rect: Rect, state: &State) {
    let history = &state.history;
    let width = rect.width.saturating_sub(4).max(1) as usize;
    let mut w = Wrapper::new(width);
    if let Some(reason) = history.unavailable() {
        w.push_str("Past runs cannot be shown: ", Role::StatusWarn);
        w.push_str(reason, Role::Text);
    } else if let Some(problem) = &history.problem {
        w.push_str(&sentence(problem), Role::StatusWarn);
        w.newline();
        w.newline();
        let clear = key(state, Context::HistorySearch, Action::History(History::ClearSearch));
        w.push_str(&format!("Change the search, or press {clear} to clear it."), Role::Dim);
    } else if !history.is_loaded() {
        w.push_str("Reading the record…", Role::Dim);
    } else if !history.shown_query.is_empty() {
        let query = crate::text::sanitize::one_line(&history.shown_query);
        w.push_str(&format!("No run matches “{query}”."), Role::Text);
        w.newline();
        w.newline();
        let clear = key(state, Context::HistorySearch, Action::History(History::ClearSearch));
        w.push_str(&format!("Try other words, or press {clear} to see every run."), Role::Dim);
        if history.hidden_lab().is_some_and(|n| n > 0) {
            let toggle = key(state, Context::History, Action::History(History::ToggleLabRuns));
            w.push_str(
                &format!(" The lab's runs are not searched: press {toggle} to include them."),
                Role::Dim,
            );
        }
    } else if let Some(hidden) = history.hidden_lab().filter(|&n| n > 0) {
        let toggle = key(state, Context::History, Action::History(History::ToggleLabRuns));
        let runs =
            if hidden == 1 { "run".to_string() } else { format!("{} runs", format::thousands(hidden)) };
        w.push_str("No runs of your own yet.", Role::Heading);
        w.newline();
        w.newline();
        w.push_str(
            &format!(
                "The lab's {runs} (comparison arms and their judges) are hidden; press {toggle} to show them. \
                 Ask the team something in the Run tab ({}) and your run is kept here with its answer.",
                state.keymap.hint(Context::Global, Action::App(App::Tab1)).unwrap_or_else(|| "the Run tab".into())
            ),
            Role::Text,
        );
    } else {
        w.push_str("No runs yet.", Role::Heading);
        w.newline();
        w.newline();
        let run_tab = state
            .keymap
            .hint(Context::Global, Action::App(App::Tab1))
            .unwrap_or_else(|| "the Run tab".into());
        w.push_str(
            &format!(
                "Ask the team something in the Run tab ({run_tab}). Every run is kept here with its answer: \
                 open it again, replay it, run it again, export it or copy its answer."
            ),
            Role::Text,
        );
    }
    let area = Rect::new(
        rect.x + 2,
        rect.y + 1.min(rect.height),
        rect.width.saturating_sub(4),
        rect.height.saturating_sub(1),
    );
    draw_rows(frame.buffer_mut(), area, &w.all_rows(), state.theme());
}

/// A store message as a sentence: capital first letter.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
