//! The Run tab's facts: the run on screen, where the keyboard is, the prompt box, and how far the
//! user scrolled each pane and the answer. What these look like on screen is derived from them
//! (`tui::screen`).

use std::collections::BTreeSet;

use super::prompt::PromptBox;
use super::run_view::RunView;
use super::scroll::Scroll;
use crate::engine::{CallId, Conversation, PastTurn, RunId};

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

/// What has the keyboard in the Run tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Prompt,
    /// A node's pane, by pre-order index.
    Node(usize),
    /// The final answer panel.
    Answer,
}

/// A part of a pane: what its node was asked, or one of its calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SectionId {
    Asked,
    Call(CallId),
}

/// The Run tab.
#[derive(Debug, Clone)]
pub struct RunTab {
    /// The run shown, built from its events (the idle tree before the first run).
    pub view: RunView,
    /// Bumped for each run shown, so what is derived from it rebuilds.
    pub generation: u64,
    pub lifecycle: Lifecycle,
    pub focus: Focus,
    pub prompt: PromptBox,
    /// Each node's pane scroll, in pre-order.
    pub panes: Vec<Scroll>,
    /// Each pane's folded sections (shown as their header row only), in pre-order.
    pub folded: Vec<BTreeSet<SectionId>>,
    pub answer_scroll: Scroll,
    /// The conversation the next prompt continues: the turns finished so far (none for a new one).
    pub conversation: Conversation,
    /// The member the next prompt goes to alone (an expansion), when the user chose one.
    pub ask: Option<AskTarget>,
}

/// A member asked alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskTarget {
    pub id: String,
    pub name: String,
}

impl RunTab {
    /// The tab showing `view` (the idle tree at start).
    pub fn new(view: RunView) -> RunTab {
        RunTab {
            panes: vec![Scroll::default(); view.nodes.len()],
            folded: vec![BTreeSet::new(); view.nodes.len()],
            view,
            generation: 0,
            lifecycle: Lifecycle::Idle,
            focus: Focus::Prompt,
            prompt: PromptBox::default(),
            answer_scroll: Scroll::Follow,
            conversation: Conversation::default(),
            ask: None,
        }
    }

    /// The turns of the conversation before the one on screen, to show above its answer (none
    /// when the run on screen is not part of the conversation the next prompt continues).
    pub fn earlier_turns(&self) -> &[PastTurn] {
        let turns = &self.conversation.turns;
        let same =
            matches!((&self.view.turn, &self.conversation.id), (Some(turn), Some(id)) if turn.id == *id);
        if !same {
            return &[];
        }
        let shown = self.view.run_id.as_deref();
        match turns.iter().position(|t| Some(t.run_id.as_str()) == shown) {
            Some(index) => &turns[..index],
            None => turns,
        }
    }

    /// The turn the next prompt will be: 1 for a new conversation.
    pub fn next_turn(&self) -> u32 {
        self.conversation.next_turn()
    }

    /// The answer panel shows once a run has ended.
    pub fn shows_answer(&self) -> bool {
        self.view.status.is_some() && !self.view.is_running()
    }

    /// Replaces the run shown (a new run started, or the hierarchy changed while idle); the
    /// focus moves to the prompt when what it pointed at is gone.
    pub fn show(&mut self, view: RunView) {
        self.panes = vec![Scroll::default(); view.nodes.len()];
        self.folded = vec![BTreeSet::new(); view.nodes.len()];
        self.view = view;
        self.generation += 1;
        self.answer_scroll = Scroll::Follow;
        self.keep_focus_valid();
    }

    /// Points the focus at something that exists: a pane of the tree, or the answer while it shows.
    pub fn keep_focus_valid(&mut self) {
        let gone = match self.focus {
            Focus::Node(i) => i >= self.view.nodes.len(),
            Focus::Answer => !self.shows_answer(),
            Focus::Prompt => false,
        };
        if gone {
            self.focus = Focus::Prompt;
        }
    }

    /// Whether the user folded `section` of `node`'s pane.
    pub fn is_folded(&self, node: usize, section: SectionId) -> bool {
        self.folded.get(node).is_some_and(|set| set.contains(&section))
    }

    /// Folds `section` of `node`'s pane, or unfolds it if it was folded.
    pub fn toggle_fold(&mut self, node: usize, section: SectionId) {
        if let Some(set) = self.folded.get_mut(node)
            && !set.remove(&section)
        {
            set.insert(section);
        }
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
        let calls = &self.view.calls;
        calls.iter().rev().find(|c| !c.is_finished()).or_else(|| calls.last()).map_or(0, |c| c.node)
    }
}
