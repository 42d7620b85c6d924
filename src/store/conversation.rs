//! Conversations in the record: the runs that are turns of one conversation, read back as the
//! engine's [`Conversation`], so a follow-up continues from what was recorded, not from a guess.

use rusqlite::{OptionalExtension, params};

use super::error::StoreError;
use super::model::{CallStatus, RunRecord};
use super::read::{IS_LAB_RUN, Reader};
use crate::config::Phase;
use crate::engine::{Conversation, Exchange, PastTurn, RunStatus, TurnKind};

impl Reader {
    /// The conversation that the run `id` (a whole id, a unique prefix, or `last` for the latest of
    /// the user's own runs) is a turn of, with every turn up to the latest, read in full.
    pub fn conversation(&self, id: &str) -> Result<Conversation, StoreError> {
        let run = if id.trim().eq_ignore_ascii_case("last") || id.trim().eq_ignore_ascii_case("latest") {
            self.latest_own_run()?
        } else {
            self.resolve_id(id)?
        };
        let conversation: String = self
            .conn
            .query_row("SELECT coalesce(conversation_id, id) FROM runs WHERE id = ?1", [&run], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        let mut turns: Vec<PastTurn> = Vec::new();
        for record in self.conversation_runs(&run)? {
            let mut turn = record.as_turn();
            if turn.kind == TurnKind::Resynthesis {
                turn.member = turns
                    .iter()
                    .find(|t| Some(&t.run_id) == turn.parent_run.as_ref())
                    .and_then(|t| t.member.clone());
            }
            turns.push(turn);
        }
        Ok(Conversation { id: Some(conversation), turns })
    }

    /// Every turn of the conversation the run `id` (a whole id or a unique prefix) is a turn of,
    /// in full, in order.
    pub fn conversation_runs(&self, id: &str) -> Result<Vec<RunRecord>, StoreError> {
        let run = self.resolve_id(id)?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id FROM runs WHERE coalesce(conversation_id, id) =
                   (SELECT coalesce(conversation_id, id) FROM runs WHERE id = ?1) ORDER BY turn, started_ms",
            )
            .map_err(|e| self.err(e))?;
        let ids = stmt
            .query_map(params![run], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        ids.iter().map(|id| self.load_run(id)).collect()
    }

    /// The id of the user's latest own run (not the lab's).
    fn latest_own_run(&self) -> Result<String, StoreError> {
        let sql = format!(
            "SELECT r.id FROM runs r WHERE NOT {IS_LAB_RUN} ORDER BY r.started_ms DESC, r.id DESC LIMIT 1"
        );
        let newest = self.conn.query_row(&sql, [], |r| r.get(0)).optional().map_err(|e| self.err(e))?;
        newest.ok_or(StoreError::NoRuns)
    }
}

/// The phases whose text is a member's answer on its task (the last one is the answer it gave).
const ANSWERING: [Phase; 4] = [Phase::Answer, Phase::Synthesize, Phase::Revise, Phase::Expand];

impl RunRecord {
    /// The run as a turn of its conversation: the question, the final answer, and what each member
    /// was asked and answered. A turn that did not finish gives the text it has, as incomplete.
    pub fn as_turn(&self) -> PastTurn {
        let complete = matches!(self.run.status, RunStatus::Done | RunStatus::Degraded);
        let mut members = std::collections::BTreeMap::new();
        for task in &self.tasks {
            // A node given a new task (a restart) answered the latest one.
            members.insert(task.node.clone(), Exchange { task: task.task.clone(), answer: None });
        }
        for call in &self.calls {
            let usable = call.status == CallStatus::Done || (!complete && !call.text.trim().is_empty());
            if !ANSWERING.contains(&call.phase) || !usable {
                continue;
            }
            if let Some(exchange) = members.get_mut(&call.node) {
                exchange.answer = Some(call.text.clone());
            }
        }
        let answer = self.answer.clone().or_else(|| {
            // What the root had written when the turn stopped.
            members.get(&self.run.root).and_then(|root| root.answer.clone()).filter(|_| !complete)
        });
        let kind = self.run.turn_kind;
        PastTurn {
            run_id: self.run.id.clone(),
            question: self.run.prompt.clone(),
            answer,
            complete,
            members,
            kind,
            // An expansion's run is rooted at the member asked; a resynthesis names it from the
            // expansion it sends up (see `Reader::conversation`).
            member: (kind == TurnKind::Expansion).then(|| self.run.root.clone()),
            parent_run: self.run.parent_run.clone(),
        }
    }
}
