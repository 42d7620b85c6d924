//! Which keymap table applies now: a pure question about the state, asked by the reducer to
//! route a key and by the views to show the right hints.

use super::history::HistoryFocus;
use super::{Focus, Overlay, State, Tab};
use crate::tui::action::Context;

impl State {
    /// The context whose keymap table applies now.
    pub fn key_context(&self) -> Context {
        if let Some(ctx) = self.history_context() {
            return ctx;
        }
        match self.overlays.last() {
            Some(Overlay::Help { .. }) => Context::Help,
            Some(Overlay::Messages { .. }) => Context::Messages,
            Some(Overlay::Health(_)) => Context::Health,
            Some(Overlay::Zoom(_)) => Context::Zoom,
            Some(Overlay::Welcome(_)) => Context::Welcome,
            Some(Overlay::Flow(_)) => Context::Flow,
            None if self.tab == Tab::Lab => self.lab_context(),
            None if self.tab == Tab::Prompts => self.prompts_context(),
            None => match self.run.focus {
                Focus::Prompt => Context::Prompt,
                Focus::Node(_) | Focus::Answer => Context::Panes,
            },
        }
    }

    /// The History tab's context, when it has the keys (no help or health panel on top).
    pub fn history_context(&self) -> Option<Context> {
        if self.tab != Tab::History || !self.overlays.is_empty() {
            return None;
        }
        Some(if self.history.confirm.is_some() {
            Context::Confirm
        } else if self.history.focus == HistoryFocus::Search {
            Context::HistorySearch
        } else {
            Context::History
        })
    }

    /// The Lab tab's context: the box asking for a prompt, the vote screen, or the scoreboard.
    pub fn lab_context(&self) -> Context {
        if self.lab.ask.is_some() {
            return Context::LabAsk;
        }
        match &self.lab.vote {
            Some(screen) if screen.editing_reason => Context::VoteReason,
            Some(_) => Context::Vote,
            None => Context::Lab,
        }
    }

    /// The Prompts tab's context: a dialog, a field being edited, or the tree of members.
    pub fn prompts_context(&self) -> Context {
        if self.prompts.dialog.is_some() {
            Context::PromptsDialog
        } else if self.prompts.focused_field().is_some() {
            Context::PromptsField
        } else {
            Context::PromptsTree
        }
    }
}
