//! Everything the UI knows, owned by the loop and changed only by `update`. Views read it.
//!
//! After each message, [`State::sync`] derives what drawing needs (the layout for the current
//! size, wrapped text per pane) so that views stay pure and cheap.

mod answer;
pub mod health;
pub mod history;
pub mod lab;
pub mod prompt;
pub mod prompts;
mod run_counts;
pub mod run_view;
pub mod scroll;
pub mod zoom;

use std::sync::Arc;

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use self::health::{Health, HealthPanel};
use self::history::HistoryState;
use self::prompt::PromptBox;
use self::run_view::RunView;
use self::scroll::Scroll;
use self::zoom::ZoomState;
use super::keymap::Keymap;
use super::text::cached::{CallText, Memo};
use super::theme::{Role, Theme, ThemeSet};
use super::screen::layout::{self, ScreenLayout};
use crate::config::Hierarchy;
use crate::engine::RunId;

/// The tabs. Prompts and Lab join as their issues land; the bar shows only these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Run,
    History,
    Prompts,
    Lab,
}

impl Tab {
    /// Tabs that work in this build, in bar order.
    pub const AVAILABLE: &'static [Tab] = &[Tab::Run, Tab::History, Tab::Prompts, Tab::Lab];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Run => "Run",
            Tab::Lab => "Lab",
            Tab::History => "History",
            Tab::Prompts => "Prompts",
        }
    }
}

/// What has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Prompt,
    /// A node's pane, by pre-order index.
    Node(usize),
    /// The final answer panel.
    Answer,
}

/// Views drawn over the tab, top of the stack first to receive keys.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    /// The last notices in full, newest at the bottom.
    Messages {
        scroll: Scroll,
    },
    Health(HealthPanel),
    Zoom(Box<ZoomState>),
}

/// Where the current run stands, from the UI's side.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Lifecycle {
    #[default]
    Idle,
    /// Asked the shell to start a run; its id is not known yet.
    Launching,
    /// Events of this run are shown.
    Running { run_id: RunId, cancelling: bool },
}

/// How a transient message looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// A message in the status bar until `until_ms`; every one is also kept in the messages log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub level: Level,
    pub until_ms: i64,
    /// When it was given.
    pub at_ms: i64,
}

/// How many notices the messages log keeps.
pub const NOTICE_LOG: usize = 200;

/// One pane's scroll position and wrapped text.
#[derive(Debug, Clone, Default)]
pub struct PaneState {
    pub scroll: Scroll,
    /// The latest call's text.
    pub body: CallText,
    /// What the pane says when it has no call yet (its task, or its model when idle).
    pub note: Memo<(u64, usize, u64)>,
    /// Text rows available at the last layout.
    pub height: usize,
    pub width: usize,
}

/// What a pane says before its node makes a call.
fn note(w: &mut super::text::wrap::Wrapper, node: &run_view::NodeView, first_run: bool) {
    use crate::engine::NodeStatus;
    if let Some(task) = &node.task {
        w.push_str("Task: ", Role::Dim);
        w.push_str(task, Role::Dim);
        return;
    }
    match &node.status {
        None => {
            w.push_str(&format!("model {}", node.model), Role::Dim);
            if first_run {
                w.newline();
                w.push_str("Type a prompt below and press Enter.", Role::Dim);
            }
        }
        Some(NodeStatus::Cancelled) => w.push_str("Stopped before it got a task.", Role::Dim),
        Some(NodeStatus::Failed { .. }) => {}
        Some(_) => w.push_str("Waiting for its task…", Role::Dim),
    }
}

/// Where the server lives and how the engine was built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    pub url: String,
    pub demo: bool,
}

/// The whole UI state.
#[derive(Debug, Clone)]
pub struct State {
    pub tab: Tab,
    pub hierarchy: Arc<Hierarchy>,
    pub server: ServerInfo,
    pub run: RunView,
    /// Bumped for each run shown, so caches keyed on it rebuild.
    pub generation: u64,
    pub lifecycle: Lifecycle,
    pub focus: Focus,
    pub prompt: PromptBox,
    pub overlays: Vec<Overlay>,
    pub health: Health,
    pub themes: ThemeSet,
    pub theme_index: usize,
    pub keymap: Keymap,
    pub size: (u16, u16),
    pub layout: ScreenLayout,
    pub panes: Vec<PaneState>,
    pub answer_scroll: Scroll,
    pub answer_text: Memo<(u64, usize, u64)>,
    pub answer_height: usize,
    pub now_ms: i64,
    pub notice: Option<Notice>,
    /// Every notice of the session (the last [`NOTICE_LOG`]), oldest first.
    pub notices: std::collections::VecDeque<Notice>,
    /// Set when a Ctrl-C asked to cancel: the next one quits.
    pub quit_armed: bool,
    /// Key presses so far (release events aside), so a confirmation can hold for one key.
    pub keys_pressed: u64,
    /// The key press that asked "quit while a run is in flight?": the very next quit confirms.
    pub quit_asked_at: Option<u64>,
    /// The signal the app is leaving on, for the exit code (143 for SIGTERM, 129 for SIGHUP).
    pub exit_signal: Option<&'static str>,
    /// Where the user's keymap and themes live, as shown in help.
    pub config_dir: String,
    /// The Lab tab: scoreboards, vote queue, comparison running, blind vote screen.
    pub lab: lab::LabState,
    /// The History tab, and a past run shown in the Run tab.
    pub history: HistoryState,
    /// The Prompts tab.
    pub prompts: self::prompts::PromptsState,
}

impl State {
    /// A fresh UI for a hierarchy.
    pub fn new(
        hierarchy: Arc<Hierarchy>,
        server: ServerInfo,
        themes: ThemeSet,
        theme_index: usize,
        keymap: Keymap,
    ) -> State {
        let run = RunView::idle(hierarchy.clone());
        let panes = vec![PaneState::default(); run.nodes.len()];
        let mut state = State {
            tab: Tab::Run,
            hierarchy,
            server,
            run,
            generation: 0,
            lifecycle: Lifecycle::Idle,
            focus: Focus::Prompt,
            prompt: PromptBox::default(),
            overlays: Vec::new(),
            health: Health::Checking,
            themes,
            theme_index,
            keymap,
            size: (80, 24),
            layout: ScreenLayout::default(),
            panes,
            answer_scroll: Scroll::Follow,
            answer_text: Memo::default(),
            answer_height: 0,
            now_ms: 0,
            notice: None,
            notices: Default::default(),
            quit_armed: false,
            keys_pressed: 0,
            quit_asked_at: None,
            exit_signal: None,
            config_dir: "your config dir".into(),
            lab: lab::LabState::default(),
            history: HistoryState::default(),
            prompts: Default::default(),
        };
        state.sync();
        state
    }

    pub fn theme(&self) -> &Theme {
        self.themes.at(self.theme_index)
    }

    pub fn is_running(&self) -> bool {
        !matches!(self.lifecycle, Lifecycle::Idle) || self.lab.is_comparing()
    }

    /// The answer panel shows once a run has ended.
    pub fn shows_answer(&self) -> bool {
        self.run.status.is_some() && !self.run.is_running()
    }

    /// Shows a message in the status bar (long ones in full above it) and keeps it in the log.
    pub fn notify(&mut self, text: impl Into<String>, level: Level) {
        let text = text.into();
        let base = match level {
            Level::Info => 4_000,
            Level::Warn | Level::Error => 8_000,
        };
        // Long messages stay long enough to be read (about 25 characters a second).
        let shown_for = (text.chars().count() as i64 * 40).clamp(base, 20_000);
        let notice = Notice { text, level, until_ms: self.now_ms + shown_for, at_ms: self.now_ms };
        if self.notices.len() >= NOTICE_LOG {
            self.notices.pop_front();
        }
        self.notices.push_back(notice.clone());
        self.notice = Some(notice);
    }

    /// Replaces the run picture (a new run started, or the hierarchy changed while idle).
    pub fn reset_run(&mut self, run: RunView) {
        self.panes = vec![PaneState::default(); run.nodes.len()];
        self.run = run;
        self.generation += 1;
        self.answer_scroll = Scroll::Follow;
        if let Focus::Node(i) = self.focus
            && i >= self.run.nodes.len()
        {
            self.focus = Focus::Prompt;
        }
        if !self.shows_answer() && self.focus == Focus::Answer {
            self.focus = Focus::Prompt;
        }
        self.overlays.retain(|o| !matches!(o, Overlay::Zoom(_)));
    }

    /// The whole screen.
    pub fn area(&self) -> Rect {
        Rect::new(0, 0, self.size.0, self.size.1)
    }

    /// The node whose pane has focus, if any.
    pub fn focused_node(&self) -> Option<usize> {
        match self.focus {
            Focus::Node(i) => Some(i),
            _ => None,
        }
    }

    /// The node to keep in view when space is short: the focused one, else the latest to start
    /// a call that is still going, else the latest to start one.
    pub fn spotlight(&self) -> usize {
        if let Some(node) = self.focused_node() {
            return node;
        }
        let calls = &self.run.calls;
        calls.iter().rev().find(|c| !c.is_finished()).or_else(|| calls.last()).map_or(0, |c| c.node)
    }

    /// The layout for a screen area (the view calls this with the frame's area).
    pub fn layout_for(&self, area: Rect) -> ScreenLayout {
        let answer_rows = self.shows_answer().then(|| self.answer_text.len());
        layout::compute_with_focus(area, &self.run, answer_rows, self.prompt.line_count(), self.spotlight())
    }

    /// Derives layout and wrapped text from the rest of the state. Cheap when nothing changed.
    pub fn sync(&mut self) {
        if !self.shows_answer() && self.focus == Focus::Answer {
            self.focus = Focus::Prompt;
        }
        // The answer wraps to the full width, so it can be measured before the layout.
        self.sync_answer();
        self.layout = self.layout_for(self.area());
        self.answer_height = self.layout.answer.map_or(0, |r| r.height.saturating_sub(2) as usize);
        let cursor = if self.focus == Focus::Prompt && self.overlays.is_empty() {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        self.prompt.editor.set_cursor_style(cursor);
        self.prompt.editor.set_cursor_line_style(Style::new());
        self.prompt.editor.set_placeholder_style(self.theme().style(Role::Dim));
        self.sync_panes();
        let document = layout::zoom(self.area(), self.run.calls.len()).document;
        let generation = self.generation;
        // The live run of a demo session was answered offline (a past run shown came from the record).
        let demo = self.server.demo && self.history.past.is_none();
        for overlay in &mut self.overlays {
            if let Overlay::Zoom(zoom) = overlay {
                let (width, height) = (document.width.max(1) as usize, document.height as usize);
                zoom.sync(&self.run, generation, width, height, demo);
            }
        }
        if self.tab == Tab::Lab {
            self.lab.sync(self.area(), &super::view::lab::board_hints(&self.keymap));
        }
        self.sync_prompts();
    }

    fn sync_panes(&mut self) {
        let generation = self.generation;
        for (i, pane) in self.panes.iter_mut().enumerate() {
            let Some(rect) = self.layout.pane_text_area(i) else {
                pane.height = 1;
                continue;
            };
            pane.width = rect.width as usize;
            pane.height = rect.height as usize;
            let node = &self.run.nodes[i];
            match self.run.current_call(i) {
                Some(call) => pane.body.sync(call, pane.width),
                None => {
                    let first_run = generation == 0 && i == 0;
                    let (label, _, _) = super::format::node_state(node.status.as_ref());
                    let key = node.task.as_ref().map_or(0, String::len) as u64 ^ (label.len() as u64) << 48;
                    pane.note.ensure((generation, pane.width, key), pane.width, |w| note(w, node, first_run));
                }
            }
        }
    }

    fn sync_answer(&mut self) {
        if !self.shows_answer() {
            return;
        }
        let width = self.size.0.saturating_sub(2).max(1) as usize;
        let run = &self.run;
        let len = run.answer.as_ref().map_or(0, String::len) as u64;
        self.answer_text.ensure((self.generation, width, len), width, |w| {
            answer::answer_body(run, w);
        });
    }

    /// The zoom view, if it is open.
    pub fn zoom(&self) -> Option<&ZoomState> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Zoom(z) => Some(z.as_ref()),
            _ => None,
        })
    }

    pub fn zoom_mut(&mut self) -> Option<&mut ZoomState> {
        self.overlays.iter_mut().rev().find_map(|o| match o {
            Overlay::Zoom(z) => Some(z.as_mut()),
            _ => None,
        })
    }
}
