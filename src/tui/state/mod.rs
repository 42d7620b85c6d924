//! Everything the UI knows, owned by the loop and changed only by `update`. Views read it.
//!
//! Only facts live here: what the screen looks like for them (layouts, wrapped rows) is derived
//! in `tui::screen`, which both the reducer and the views read.

pub mod flow;
pub mod health;
pub mod history;
mod key_context;
pub mod lab;
pub mod prompt;
pub mod prompts;
pub mod run_counts;
pub mod run_tab;
pub mod run_view;
pub mod scroll;
pub mod tab;
pub mod welcome;
pub mod zoom;

use std::sync::Arc;

use ratatui::layout::Rect;

use self::flow::FlowState;
use self::health::Health;
use self::history::HistoryState;
pub use self::run_tab::{AskTarget, Focus, Lifecycle, RunTab, SectionId};
use self::run_view::RunView;
use self::scroll::Scroll;
pub use self::tab::Tab;
use self::zoom::ZoomState;
use super::keymap::Keymap;
use super::theme::{Theme, ThemeSet};
use crate::config::Hierarchy;
use crate::engine::PastTurn;
use crate::lab::levels::ParentVerdict;

/// Views drawn over the tab, top of the stack first to receive keys.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: usize,
        page: HelpPage,
    },
    /// The last notices in full, newest at the bottom.
    Messages {
        scroll: Scroll,
    },
    Health(self::health::HealthPanel),
    Zoom(Box<ZoomState>),
    /// The first start's welcome (also opened from the help).
    Welcome(self::welcome::WelcomeState),
    /// The run's messages in order, as a sequence diagram.
    Flow(Box<FlowState>),
}

impl Overlay {
    /// True for the views of the run on screen (zoom, flow): they belong to the Run tab.
    pub fn shows_run(&self) -> bool {
        matches!(self, Overlay::Zoom(_) | Overlay::Flow(_))
    }
}

/// The help's two pages: every key, and what the words on the screen mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HelpPage {
    #[default]
    Keys,
    Concepts,
}

impl HelpPage {
    pub fn other(self) -> HelpPage {
        match self {
            HelpPage::Keys => HelpPage::Concepts,
            HelpPage::Concepts => HelpPage::Keys,
        }
    }
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
    /// The Run tab: the run on screen, the prompt box, focus and scrolling.
    pub run: RunTab,
    pub overlays: Vec<Overlay>,
    pub health: Health,
    pub themes: ThemeSet,
    pub theme_index: usize,
    pub keymap: Keymap,
    /// The terminal's size.
    pub size: (u16, u16),
    pub now_ms: i64,
    pub notice: Option<Notice>,
    /// Every notice of the session (the last [`NOTICE_LOG`]), oldest first.
    pub notices: std::collections::VecDeque<Notice>,
    /// Whether quitting waits for a confirmation.
    pub quitting: Quitting,
    /// Key presses so far (release events aside), so a confirmation can hold for one key.
    pub keys_pressed: u64,
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

/// Where quitting stands: a second Ctrl-C or a repeated quit key confirms leaving mid-run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quitting {
    #[default]
    NotAsked,
    /// A Ctrl-C cancelled the run: the next one quits.
    Armed,
    /// "Quit while a run is in flight?" was asked at this key press: the very next quit confirms.
    Asked { at_key: u64 },
}

impl State {
    /// The turns of a conversation to show above the answer on screen: those before the run
    /// shown, from the conversation the next prompt continues, or from a past run's own while
    /// one is open.
    pub fn earlier_turns(&self) -> &[PastTurn] {
        let Some(past) = &self.history.past else { return self.run.earlier_turns() };
        let Some(conversation) = &past.conversation else { return &[] };
        let shown = conversation.turns.iter().position(|t| t.run_id == past.id);
        &conversation.turns[..shown.unwrap_or(conversation.turns.len())]
    }

    /// What the lab's judge said of each parent of the run shown (a past run's, once read; a live
    /// run is judged, if at all, after it ends).
    pub fn run_levels(&self) -> &[ParentVerdict] {
        self.history.past.as_ref().map_or(&[], |past| past.levels.as_slice())
    }

    /// A fresh UI for a hierarchy.
    pub fn new(
        hierarchy: Arc<Hierarchy>,
        server: ServerInfo,
        themes: ThemeSet,
        theme_index: usize,
        keymap: Keymap,
    ) -> State {
        State {
            tab: Tab::Run,
            run: RunTab::new(RunView::idle(hierarchy.clone())),
            hierarchy,
            server,
            overlays: Vec::new(),
            health: Health::Checking,
            themes,
            theme_index,
            keymap,
            size: (80, 24),
            now_ms: 0,
            notice: None,
            notices: Default::default(),
            quitting: Quitting::NotAsked,
            keys_pressed: 0,
            exit_signal: None,
            config_dir: "your config dir".into(),
            lab: lab::LabState::default(),
            history: HistoryState::default(),
            prompts: Default::default(),
        }
    }

    pub fn theme(&self) -> &Theme {
        self.themes.at(self.theme_index)
    }

    pub fn is_running(&self) -> bool {
        !matches!(self.run.lifecycle, Lifecycle::Idle) || self.lab.is_comparing()
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

    /// Replaces the run picture (a new run started, or the hierarchy changed while idle); a zoom
    /// into the old one closes, and the flow view starts again at the new run's newest message.
    pub fn reset_run(&mut self, run: RunView) {
        self.run.show(run);
        self.overlays.retain(|o| !matches!(o, Overlay::Zoom(_)));
        if let Some(flow) = self.flow_mut() {
            flow.restart();
        }
    }

    /// The whole screen.
    pub fn area(&self) -> Rect {
        Rect::new(0, 0, self.size.0, self.size.1)
    }

    /// The zoom view, if it is open.
    pub fn zoom(&self) -> Option<&ZoomState> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Zoom(z) => Some(z.as_ref()),
            _ => None,
        })
    }

    /// The flow view, if it is open.
    pub fn flow(&self) -> Option<&FlowState> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Flow(f) => Some(f.as_ref()),
            _ => None,
        })
    }

    pub fn flow_mut(&mut self) -> Option<&mut FlowState> {
        self.overlays.iter_mut().rev().find_map(|o| match o {
            Overlay::Flow(f) => Some(f.as_mut()),
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
