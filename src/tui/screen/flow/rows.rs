//! The run as a list of messages, derived from its calls and nothing else, so a live run, a past
//! run and a replay read the same: the user's query, each delegation down the tree, each reply,
//! reflection, critique and revision, and how the run ended. A message is dated by the event
//! that shows it was sent: a delegation when the child's first call starts, a reply when the
//! call that wrote it finishes.

use std::collections::HashSet;

use crate::config::Phase;
use crate::engine::{CallId, NodeStatus, RunStatus, TurnKind, is_not_a_failure};
use crate::tui::state::run_counts::CallOutcome;
use crate::tui::state::run_view::{CallView, RunView};
use crate::tui::theme::Role;

/// The longest quote a row keeps (the view cuts it again to the width it has).
const QUOTE_CHARS: usize = 160;

/// Who sends or receives a message: the user, or a member by its pre-order index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    You,
    Node(usize),
}

/// What a message is, in the words of the seed's design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The user's question to the root.
    Query,
    /// A follow-up question of a conversation, or an expansion sent up again.
    Iteration,
    /// The user asking one member alone about its part of an earlier turn.
    Expansion,
    /// A parent giving a child its sub-task.
    Delegation,
    /// A first answer a member keeps to reflect on before sending it.
    Draft,
    /// A member critiquing its own draft.
    Reflection,
    /// A member rewriting its answer after a critique.
    Revision,
    /// A parent critiquing a child's reply.
    Critique,
    /// An answer sent up (a leaf's, or any answer to the user).
    Response,
    /// A parent's combined answer sent up (the root's is the final answer).
    Synthesis,
    Error,
    /// Something worth knowing that is not a message: a loop stopped, an answer flagged.
    Status,
    /// The user stopping the run.
    Control,
}

impl Kind {
    /// The type as the diagram writes it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Query => "QUERY",
            Kind::Iteration => "ITERATION",
            Kind::Expansion => "EXPANSION",
            Kind::Delegation => "DELEGATION",
            Kind::Draft => "DRAFT",
            Kind::Reflection => "REFLECTION",
            Kind::Revision => "REVISION",
            Kind::Critique => "CRITIQUE",
            Kind::Response => "RESPONSE",
            Kind::Synthesis => "SYNTHESIS",
            Kind::Error => "ERROR",
            Kind::Status => "STATUS",
            Kind::Control => "CONTROL",
        }
    }

    /// The style role of its arrow and label: down the tree, up it, within a member, or trouble.
    pub fn role(self) -> Role {
        match self {
            Kind::Query | Kind::Iteration | Kind::Expansion | Kind::Delegation | Kind::Critique => {
                Role::FlowDown
            }
            Kind::Response | Kind::Synthesis => Role::FlowUp,
            Kind::Draft | Kind::Reflection | Kind::Revision => Role::NodeReflecting,
            Kind::Error => Role::NodeFailed,
            Kind::Status => Role::StatusWarn,
            Kind::Control => Role::NodeCancelled,
        }
    }
}

/// One message of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowRow {
    /// Milliseconds from the run's start.
    pub at_ms: i64,
    pub from: Lane,
    pub to: Lane,
    pub kind: Kind,
    /// The message's first words, on one line (may be empty).
    pub quote: String,
    /// The call whose exact messages Enter opens (the request it sent and the reply it wrote).
    pub call: Option<CallId>,
}

/// Every message of `run` in time order (ties keep the order they were sent in).
pub fn rows(run: &RunView) -> Vec<FlowRow> {
    let Some(start) = run.started_ms else { return Vec::new() };
    let mut out = Derivation { run, start, rows: Vec::new(), reported: HashSet::new() };
    out.opening();
    out.calls();
    out.failures_and_flags();
    out.ending();
    let mut rows = out.rows;
    rows.sort_by_key(|r| r.at_ms);
    rows
}

struct Derivation<'a> {
    run: &'a RunView,
    start: i64,
    rows: Vec<FlowRow>,
    /// Nodes whose failure a row already carries up.
    reported: HashSet<usize>,
}

impl Derivation<'_> {
    fn push(&mut self, at_ms: i64, from: Lane, to: Lane, kind: Kind, quote: &str, call: Option<CallId>) {
        let at_ms = (at_ms - self.start).max(0);
        self.rows.push(FlowRow { at_ms, from, to, kind, quote: quote_of(quote), call });
    }

    /// Where a member's answer goes: its parent, or the user for the root.
    fn up(&self, node: usize) -> Lane {
        self.run.nodes.get(node).and_then(|n| n.parent).map_or(Lane::You, Lane::Node)
    }

    /// The question that started the run, to the member that took it first.
    fn opening(&mut self) {
        let run = self.run;
        let first = run.calls.first();
        let (kind, to) = match &run.turn {
            Some(turn) if turn.kind == TurnKind::Expansion => (Kind::Expansion, first.map_or(0, |c| c.node)),
            Some(turn) if turn.kind == TurnKind::Resynthesis => {
                (Kind::Iteration, first.map_or(0, |c| c.node))
            }
            Some(turn) if turn.turn > 1 => (Kind::Iteration, 0),
            _ => (Kind::Query, 0),
        };
        let call = run.nodes.get(to).and_then(|n| n.calls.first()).map(|&i| run.calls[i].id);
        self.push(self.start, Lane::You, Lane::Node(to), kind, &run.prompt.clone(), call);
    }

    fn calls(&mut self) {
        let run = self.run;
        // The drafts a member reflected on, and the delegations already shown (a split asked
        // again starts the child's calls from the same split: one delegation).
        let reflected: HashSet<CallId> = run
            .calls
            .iter()
            .filter(|c| c.phase == Phase::Reflect)
            .filter_map(|c| c.parent_call.filter(|p| run.call(*p).is_some_and(|d| d.node == c.node)))
            .collect();
        let mut delegated: HashSet<(usize, CallId)> = HashSet::new();
        for call in &run.calls {
            let parent = call.parent_call.and_then(|id| run.call(id));
            if let Some(split) = parent.filter(|p| p.phase == Phase::Split && p.node != call.node)
                && delegated.insert((call.node, split.id))
            {
                let task = run.nodes[call.node].task.clone().unwrap_or_default();
                self.push(
                    call.started_ms,
                    Lane::Node(split.node),
                    Lane::Node(call.node),
                    Kind::Delegation,
                    &task,
                    Some(call.id),
                );
            }
            if let Some(ended) = call.ended_ms {
                self.finished(call, parent, ended, &reflected);
            }
        }
    }

    /// The message a finished call sent.
    fn finished(
        &mut self,
        call: &CallView,
        parent: Option<&CallView>,
        ended: i64,
        reflected: &HashSet<CallId>,
    ) {
        let node = call.node;
        let me = Lane::Node(node);
        match call.outcome() {
            CallOutcome::Running | CallOutcome::Cancelled => return,
            CallOutcome::Failed => {
                let error = call.error.clone().unwrap_or_default();
                let last =
                    self.run.nodes[node].calls.last().is_some_and(|&i| self.run.calls[i].id == call.id);
                let failure = self.run.nodes[node].failure.clone();
                // Not the last word: the engine asked again, or gave the members the fallback.
                if let Some(next) = call.next.filter(|_| !is_not_a_failure(&error)) {
                    let (kind, line) = if next.asks_again() {
                        let what = (next.what_happened(), next.what_followed());
                        (Kind::Status, format!("{} ({error}); {}", what.0, what.1))
                    } else {
                        (Kind::Error, format!("{error}; {}", next.what_followed()))
                    };
                    self.push(ended, me, me, kind, &line, Some(call.id));
                    return;
                }
                match failure {
                    _ if is_not_a_failure(&error) => {
                        self.push(ended, me, me, Kind::Status, &error, Some(call.id))
                    }

                    Some(failure) if last => {
                        self.reported.insert(node);
                        self.push(ended, me, self.up(node), Kind::Error, &failure, Some(call.id));
                    }
                    _ => self.push(ended, me, me, Kind::Error, &error, Some(call.id)),
                }
                return;
            }
            CallOutcome::Done => {}
        }
        let text = call.text.clone();
        let id = Some(call.id);
        match call.phase {
            // The split's sub-tasks show as the delegations they became.
            Phase::Split => {}
            Phase::Reflect => self.push(ended, me, me, Kind::Reflection, &text, id),
            Phase::Critique => {
                let child = parent.map_or(me, |p| Lane::Node(p.node));
                self.push(ended, me, child, Kind::Critique, &text, id);
            }
            Phase::Revise
                if let Some(critic) = parent.filter(|p| p.phase == Phase::Critique && p.node != node) =>
            {
                self.push(ended, me, Lane::Node(critic.node), Kind::Revision, &text, id);
            }
            Phase::Revise => {
                self.push(ended, me, me, Kind::Revision, &text, id);
                if !self.pending(call) {
                    self.answer_up(call, ended);
                }
            }
            _ if reflected.contains(&call.id) || self.pending(call) => {
                self.push(ended, me, me, Kind::Draft, &text, id)
            }
            _ => self.answer_up(call, ended),
        }
        if call.looped() {
            let why =
                "the loop guard stopped it: the text kept repeating, so it was cut where the loop began";
            self.push(ended, me, me, Kind::Status, why, id);
        }
    }

    /// A member's answer, sent to whoever asked for it.
    fn answer_up(&mut self, call: &CallView, ended: i64) {
        let origin = self.origin(call);
        let (kind, to) = match origin {
            Phase::Expand => (Kind::Response, Lane::You),
            Phase::Synthesize => (Kind::Synthesis, self.up(call.node)),
            _ => (Kind::Response, self.up(call.node)),
        };
        self.push(ended, Lane::Node(call.node), to, kind, &call.text.clone(), Some(call.id));
    }

    /// The phase of the draft a revision revises (through any rounds of reflection).
    fn origin(&self, call: &CallView) -> Phase {
        let mut at = call;
        for _ in 0..self.run.calls.len() {
            if !matches!(at.phase, Phase::Revise | Phase::Reflect) {
                break;
            }
            match at.parent_call.and_then(|id| self.run.call(id)) {
                Some(before) if before.node == at.node => at = before,
                _ => break,
            }
        }
        at.phase
    }

    /// True while a member's latest answer may still be reflected on before it is sent: the run
    /// goes on, the member is still at work, and it has reflection rounds left.
    fn pending(&self, call: &CallView) -> bool {
        let run = self.run;
        let node = &run.nodes[call.node];
        let working = !matches!(
            node.status,
            Some(NodeStatus::Done | NodeStatus::Failed { .. } | NodeStatus::Cancelled) | None
        );
        let latest = node.calls.last().is_some_and(|&i| run.calls[i].id == call.id);
        if !run.is_running() || !working || !latest {
            return false;
        }
        let rounds = run.hierarchy.node(&node.id).map_or(0, |n| n.reflect) as usize;
        let done = node.calls.iter().filter(|&&i| run.calls[i].phase == Phase::Reflect).count();
        done < rounds
    }

    /// A failure no failed call carried up, and answers flagged as not being answers.
    fn failures_and_flags(&mut self) {
        let run = self.run;
        for (index, node) in run.nodes.iter().enumerate() {
            let last_end = node.calls.iter().filter_map(|&i| run.calls[i].ended_ms).max();
            let at = last_end.or(run.finished_ms).unwrap_or(self.start);
            if let Some(flag) = &node.flag {
                let me = Lane::Node(index);
                let call = node.calls.last().map(|&i| run.calls[i].id);
                self.push(at, me, me, Kind::Status, &format!("flagged: {flag}"), call);
            }
            if let Some(failure) = &node.failure
                && !self.reported.contains(&index)
            {
                let call = node.calls.last().map(|&i| run.calls[i].id);
                self.push(at, Lane::Node(index), self.up(index), Kind::Error, failure, call);
            }
        }
    }

    /// How the run ended, where that is more than its last message says.
    fn ending(&mut self) {
        let run = self.run;
        let (Some(status), Some(at)) = (run.status, run.finished_ms) else { return };
        let root = Lane::Node(0);
        match status {
            RunStatus::Cancelled => self.push(at, Lane::You, root, Kind::Control, "cancel the run", None),
            RunStatus::Interrupted => {
                self.push(at, root, Lane::You, Kind::Status, "interrupted: ailab stopped mid-run", None)
            }
            RunStatus::Degraded => {
                let failed: Vec<&str> = run.failed_nodes().iter().map(|(name, _)| *name).collect();
                let why = if failed.is_empty() {
                    "degraded: some steps failed or were mended, so the answer may be missing parts"
                        .to_string()
                } else {
                    format!("degraded: the answer was made without {}", failed.join(", "))
                };
                self.push(at, root, Lane::You, Kind::Status, &why, None);
            }
            RunStatus::Failed if !self.rows.iter().any(|r| r.kind == Kind::Error && r.to == Lane::You) => {
                let why = run.error.clone().unwrap_or_else(|| "the run failed: no answer".into());
                self.push(at, root, Lane::You, Kind::Error, &why, None);
            }
            RunStatus::Failed | RunStatus::Done | RunStatus::Running => {}
        }
    }
}

/// A message's first words on one line: Markdown heading marks dropped, cut with an ellipsis.
fn quote_of(text: &str) -> String {
    let text = text.trim_start().trim_start_matches('#').trim_start();
    crate::text::one_line(text, QUOTE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::AfterFailure;
    use crate::tui::screen::test_run::TestRun;

    #[test]
    fn a_split_asked_again_is_a_status_and_one_given_up_an_error_that_says_what_followed() {
        let mut run = TestRun::new("Why is the sky blue?", &[]);
        let broke = run.call("atlas", Phase::Split, None);
        run.finish_then(broke, "", Some("dropped"), None, Some(AfterFailure::AskAgain));
        let gave_up = run.call("atlas", Phase::Split, None);
        run.finish_then(gave_up, "", Some("dropped again"), None, Some(AfterFailure::Fallback));
        let said: Vec<(Kind, String)> = rows(&run.view).into_iter().map(|r| (r.kind, r.quote)).collect();
        assert!(said.contains(&(Kind::Status, "broke off (dropped); asked again".into())), "{said:?}");
        let fallback =
            "dropped again; gave up: each member got the whole task, framed by its role (fallback)";
        assert!(
            said.iter().any(|(kind, quote)| *kind == Kind::Error && quote.starts_with(fallback)),
            "{said:?}"
        );
    }
}
