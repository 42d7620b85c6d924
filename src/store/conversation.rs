//! Conversations in the record: the runs that are turns of one conversation, read back as the
//! engine's [`Conversation`], so a follow-up continues from what was recorded, not from a guess.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::error::StoreError;
use super::model::{CallStatus, RunRecord};
use super::read::{IS_LAB_RUN, Reader};
use crate::config::Phase;
use crate::engine::{Conversation, Exchange, PastTurn, RunStatus, TurnKind};

/// The ids of every turn of the conversation the run `?1` is a turn of, in order (for reading
/// them, and for deleting them all).
pub(crate) const TURNS_OF_CONVERSATION: &str = "SELECT id FROM runs WHERE coalesce(conversation_id, id) =
   (SELECT coalesce(conversation_id, id) FROM runs WHERE id = ?1) ORDER BY turn, started_ms";

impl Reader {
    /// The conversation that the run `id` (a whole id, a unique prefix, or `last` for the latest of
    /// the user's own runs) is a turn of, with every turn up to the latest, read in full.
    pub fn conversation(&self, id: &str) -> Result<Conversation, StoreError> {
        let run = if id.trim().eq_ignore_ascii_case("last") || id.trim().eq_ignore_ascii_case("latest") {
            self.latest_own_run()?
        } else {
            self.resolve_id(id)?
        };
        let records = self.conversation_runs(&run)?;
        let conversation = records.first().map_or(run, |record| record.run.conversation.clone());
        let mut turns: Vec<PastTurn> = Vec::new();
        for record in records {
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
        let mut stmt = self.conn.prepare_cached(TURNS_OF_CONVERSATION).map_err(|e| self.err(e))?;
        let ids = stmt
            .query_map(params![run], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e))?;
        ids.iter().map(|id| self.load_run(id)).collect()
    }

    /// The user's conversations (not the lab's runs), the latest activity first: what they began
    /// with, how many turns, when and how the last turn went.
    pub fn list_conversations(&self, limit: usize) -> Result<Vec<ConversationRow>, StoreError> {
        let sql = format!(
            "SELECT c.cid, c.turns, c.last_ms, l.id, l.status, l.turn,
                    coalesce(f.prompt, (SELECT x.prompt FROM runs x WHERE coalesce(x.conversation_id, x.id) = c.cid
                                        ORDER BY x.turn LIMIT 1)),
                    coalesce(f.started_ms, c.first_ms)
             FROM (SELECT coalesce(r.conversation_id, r.id) AS cid, count(*) AS turns,
                          max(r.started_ms) AS last_ms, min(r.started_ms) AS first_ms
                   FROM runs r WHERE NOT {IS_LAB_RUN} GROUP BY cid) c
             LEFT JOIN runs f ON f.id = c.cid
             JOIN runs l ON l.id = (SELECT y.id FROM runs y WHERE coalesce(y.conversation_id, y.id) = c.cid
                                    ORDER BY y.turn DESC, y.started_ms DESC LIMIT 1)
             ORDER BY c.last_ms DESC, c.cid DESC LIMIT ?1"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![limit.min(i64::MAX as usize) as i64], |r| {
                let status: String = r.get(4)?;
                Ok(ConversationRow {
                    id: r.get(0)?,
                    turns: r.get::<_, i64>(1)?.max(0) as u32,
                    last_ms: r.get(2)?,
                    last_run: r.get(3)?,
                    last_status: RunStatus::parse(&status).unwrap_or(RunStatus::Failed),
                    last_turn: r.get::<_, i64>(5)?.max(1) as u32,
                    first_prompt: r.get(6)?,
                    started_ms: r.get(7)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.err(e))
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

/// One conversation in a list of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationRow {
    /// The id of its first run.
    pub id: String,
    /// The question it began with.
    pub first_prompt: String,
    pub turns: u32,
    pub started_ms: i64,
    /// When its latest turn started.
    pub last_ms: i64,
    /// Its latest turn: the run to continue from, its number and how it ended.
    pub last_run: String,
    pub last_turn: u32,
    pub last_status: RunStatus,
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
            let usable = matches!(call.status, CallStatus::Done | CallStatus::Looped)
                || (!complete && !call.text.trim().is_empty());
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
