//! A conversation with the team: the earlier turns, and what each member reads of them on the next.
//!
//! Every member gets one framed block in front of its prompt (not earlier chat messages): the
//! questions asked so far, what it was asked and answered itself, and the team's final answers.
//! One block because a member's history holds other voices (the team's answer is not its own
//! words, so it cannot be its "assistant" turn), because a split must still answer in JSON (earlier
//! prose replies as assistant turns pull a small model towards prose), and because it works with any
//! chat template. The block is bounded: the oldest turns are shortened first, then left out, each
//! with a marker the model (and the record) can see.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{Hierarchy, NodeConfig};

mod earlier;

/// What a turn is, beside an ordinary question to the whole team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnKind {
    /// A question (the first, or a follow-up) to the whole team.
    #[default]
    Question,
    /// A question to one member alone, about its part of an earlier turn (the seed's EXPANSION).
    Expansion,
    /// An expansion sent up: each ancestor of the member synthesizes again with the expanded
    /// reply in place of the old one, up to a new final answer.
    Resynthesis,
}

impl TurnKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TurnKind::Question => "question",
            TurnKind::Expansion => "expansion",
            TurnKind::Resynthesis => "resynthesis",
        }
    }

    pub fn parse(text: &str) -> Option<TurnKind> {
        match text {
            "question" => Some(TurnKind::Question),
            "expansion" => Some(TurnKind::Expansion),
            "resynthesis" => Some(TurnKind::Resynthesis),
            _ => None,
        }
    }
}

/// Where a run sits in its conversation (carried by `RunStarted`, so `--json` and the record know).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnInfo {
    /// The conversation's id: the id of its first run.
    pub id: String,
    /// 1 for the first turn.
    pub turn: u32,
    #[serde(default)]
    pub kind: TurnKind,
    /// The turn this one follows from: the turn an expansion expands, the expansion a
    /// resynthesis sends up (none for a question).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_run: Option<String>,
}

/// What one member was asked and answered on an earlier turn.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Exchange {
    pub task: String,
    /// `None` when the member gave no answer (it failed, or the turn stopped first).
    pub answer: Option<String>,
}

/// One earlier turn, as the record or the live view knows it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PastTurn {
    pub run_id: String,
    pub question: String,
    /// The team's final answer, if the turn produced one.
    pub answer: Option<String>,
    /// False when the turn did not finish (failed, cancelled, interrupted): its text is partial.
    pub complete: bool,
    /// By node id.
    pub members: BTreeMap<String, Exchange>,
    #[serde(default)]
    pub kind: TurnKind,
    /// The member asked (an expansion) or whose expansion was sent up (a resynthesis).
    #[serde(default)]
    pub member: Option<String>,
    /// See [`TurnInfo::parent_run`].
    #[serde(default)]
    pub parent_run: Option<String>,
}

/// The turns so far. The default is a new conversation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conversation {
    /// The id of its first run; `None` before the first turn.
    pub id: Option<String>,
    pub turns: Vec<PastTurn>,
}

/// What a member reads of the earlier turns, in front of its prompt.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Earlier {
    /// Empty on a first turn.
    pub text: String,
    /// Some of it was shortened or left out to fit the member's context window.
    pub shortened: bool,
}

impl Conversation {
    /// The number the next turn gets.
    pub fn next_turn(&self) -> u32 {
        self.turns.len() as u32 + 1
    }

    /// Where a question started as the next turn sits (its own id starts a new conversation).
    pub fn next_turn_info(&self, run_id: &str) -> TurnInfo {
        self.next_turn_as(run_id, TurnKind::Question, None)
    }

    /// Where a run of `kind`, following from `parent_run`, started as the next turn sits.
    pub fn next_turn_as(&self, run_id: &str, kind: TurnKind, parent_run: Option<String>) -> TurnInfo {
        TurnInfo {
            id: self.id.clone().unwrap_or_else(|| run_id.to_string()),
            turn: self.next_turn(),
            kind,
            parent_run,
        }
    }

    /// The turn whose part by `member` an expansion asks about: the latest of the whole team's
    /// turns where it answered. `Err` says why there is none, in words for the user.
    pub fn expandable(&self, member: &str, name: &str) -> Result<(usize, &PastTurn), String> {
        self.turns
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, turn)| turn.kind != TurnKind::Expansion)
            .find(|(_, turn)| turn.members.get(member).is_some_and(|e| e.answer.is_some()))
            .ok_or_else(|| {
                format!("{name} has not answered in this conversation yet: ask the team a question first")
            })
    }

    /// The expansion to send up (the latest turn, which must be one) and the turn it expanded,
    /// with that turn's index. `Err` says why not, in words for the user.
    pub fn sendable(&self) -> Result<(&PastTurn, usize, &PastTurn), String> {
        let last = self.turns.last().filter(|t| t.kind == TurnKind::Expansion).ok_or_else(|| {
            "there is nothing to send up: ask one member first (its reply is what the team takes up)"
                .to_string()
        })?;
        if last.answer.is_none() {
            return Err("the member gave no answer to send up: ask it again".into());
        }
        let parent = last.parent_run.as_deref();
        let (index, base) = self
            .turns
            .iter()
            .enumerate()
            .find(|(_, t)| Some(t.run_id.as_str()) == parent)
            .ok_or_else(|| "the turn this expansion was about is no longer in the record".to_string())?;
        Ok((last, index, base))
    }

    /// True when `node` was given a task on some earlier turn.
    pub fn took_part(&self, node: &str) -> bool {
        self.turns.iter().any(|turn| turn.members.contains_key(node))
    }

    /// The members of `hierarchy`, root aside, that took no part in the turns so far (new to the
    /// team since, or never reached): they read the questions and answers, not work of their own.
    pub fn newcomers<'a>(&self, hierarchy: &'a Hierarchy) -> Vec<&'a NodeConfig> {
        let root = &hierarchy.root().id;
        hierarchy.nodes.iter().filter(|node| node.id != *root && !self.took_part(&node.id)).collect()
    }

    /// The conversation as it stood before turn `index` (for a turn that revisits it).
    pub fn before(&self, index: usize) -> Conversation {
        Conversation { id: self.id.clone(), turns: self.turns[..index.min(self.turns.len())].to_vec() }
    }

    /// Adds a finished turn (the conversation takes the id of its first run).
    pub fn push(&mut self, turn: PastTurn) {
        if self.id.is_none() {
            self.id = Some(turn.run_id.clone());
        }
        self.turns.push(turn);
    }
}
