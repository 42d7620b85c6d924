//! EXPANSION (the seed's message type): the user asks one member alone about its part of an
//! earlier turn, and may then send the expanded reply up, where each ancestor synthesizes again
//! with it in place of the old reply, up to a new final answer. Both are turns of the
//! conversation, linked to the turn they follow from.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::call::{CallOutput, RunContext};
use super::cascade::spec;
use super::conversation::{Conversation, Exchange, PastTurn, TurnInfo, TurnKind};
use super::ending::CallFailure;
use super::events::{CallId, EventKind, NodeStatus, RunId, RunStatus, RunSummary};
use super::ids::hierarchy_hash;
use super::prompts::{self, Asked, ChildReply, earlier_budget};
use super::runner::Engine;
use super::sink::EventSink;
use crate::config::{Hierarchy, NodeConfig, Phase};

impl Engine {
    /// Why `member` cannot be asked alone in `conversation` (an unknown member, or one that has
    /// not answered yet), in words for the user; `Ok` with its name when it can.
    pub fn check_expand(&self, conversation: &Conversation, member: &str) -> Result<String, String> {
        let hierarchy = self.hierarchy();
        let node = find_member(hierarchy, member)?;
        conversation.expandable(&node.id, &node.name)?;
        Ok(node.name.clone())
    }

    /// Why `member`'s reply could not be sent up (it is the root: its reply is the final answer).
    pub fn check_send_up(&self, member: &str) -> Result<(), String> {
        let node = find_member(self.hierarchy(), member)?;
        ancestors_of(self.hierarchy(), &node.id).map(|_| ())
    }

    /// Asks `member` alone `question`, about its part of the latest turn it answered: it reads what
    /// it was asked, what it answered and, for a parent, its team's replies. Its reply streams as
    /// the run's one call and is the run's answer.
    pub async fn expand(
        &self,
        run_id: RunId,
        conversation: &Conversation,
        member: &str,
        question: String,
        sink: &EventSink,
        cancel: CancellationToken,
    ) -> RunSummary {
        let hierarchy = self.hierarchy().clone();
        let started = Instant::now();
        let node = find_member(&hierarchy, member).cloned();
        let base = node.as_ref().map_err(Clone::clone).and_then(|node| {
            conversation.expandable(&node.id, &node.name).map(|(index, turn)| (index, turn.clone()))
        });
        let info = conversation.next_turn_as(
            &run_id,
            TurnKind::Expansion,
            base.as_ref().ok().map(|(_, turn)| turn.run_id.clone()),
        );
        let root = node.as_ref().map_or(member.to_string(), |n| n.id.clone());
        let ctx = self.turn_context(run_id, &question, &root, info, sink);
        let (node, (index, base)) = match (node, base) {
            (Ok(node), Ok(base)) => (node, base),
            (Err(why), _) | (_, Err(why)) => {
                return ended(&ctx, started, &cancel, Err(CallFailure::Failed(why)), None);
            }
        };
        ctx.emitter.emit(EventKind::TaskAssigned {
            node: node.id.clone(),
            task: question.clone(),
            from_call: None,
            split: None,
            fallback_reason: None,
        });
        ctx.set_state(&node.id, NodeStatus::Answering);
        let own = base.members.get(&node.id).cloned().unwrap_or_default();
        let replies = replies_of(&hierarchy, &node, &base.members);
        let before = conversation.before(index);
        let earlier = before.earlier_for(&node.id, node.id == hierarchy.root().id, earlier_budget(&node));
        let asked = Asked { query: &base.question, earlier: &earlier };
        let answer = own.answer.as_deref().unwrap_or_default();
        let built = prompts::expand(&node, asked, &own.task, answer, &replies, &question);
        let result =
            ctx.call(spec(&node, Phase::Expand, None, built.request, built.truncated, &cancel)).await;
        if result.is_ok() {
            ctx.set_state(&node.id, NodeStatus::Done);
        }
        let turn = result.as_ref().ok().map(|out| PastTurn {
            run_id: ctx.emitter.run_id().to_string(),
            question: question.clone(),
            answer: Some(out.text.clone()),
            complete: true,
            members: BTreeMap::from([(
                node.id.clone(),
                Exchange { task: question.clone(), answer: Some(out.text.clone()) },
            )]),
            kind: TurnKind::Expansion,
            member: Some(node.id.clone()),
            parent_run: Some(base.run_id.clone()),
        });
        ended(&ctx, started, &cancel, result, turn)
    }

    /// Sends the latest turn, an expansion, up: from the member's parent to the root, each
    /// ancestor synthesizes again with the expanded reply (then the new synthesis below it) in
    /// place of the old one, on the task it had on the turn that was expanded.
    pub async fn send_up(
        &self,
        run_id: RunId,
        conversation: &Conversation,
        sink: &EventSink,
        cancel: CancellationToken,
    ) -> RunSummary {
        let hierarchy = self.hierarchy().clone();
        let started = Instant::now();
        let root = hierarchy.root().clone();
        let sendable = conversation.sendable().map(|(exp, index, base)| (exp.clone(), index, base.clone()));
        let question = sendable.as_ref().map_or(String::new(), |(_, _, base)| base.question.clone());
        let parent_run = sendable.as_ref().ok().map(|(expansion, _, _)| expansion.run_id.clone());
        let info = conversation.next_turn_as(&run_id, TurnKind::Resynthesis, parent_run);
        let ctx = self.turn_context(run_id, &question, &root.id, info, sink);
        let (expansion, index, base) = match sendable {
            Ok(found) => found,
            Err(why) => return ended(&ctx, started, &cancel, Err(CallFailure::Failed(why)), None),
        };
        let member = expansion.member.clone().unwrap_or_default();
        let ancestors = match ancestors_of(&hierarchy, &member) {
            Ok(ancestors) => ancestors,
            Err(why) => return ended(&ctx, started, &cancel, Err(CallFailure::Failed(why)), None),
        };
        ctx.emitter.emit(EventKind::TaskAssigned {
            node: root.id.clone(),
            task: base.question.clone(),
            from_call: None,
            split: None,
            fallback_reason: None,
        });
        let mut members = base.members.clone();
        if let Some(exchange) = members.get_mut(&member) {
            exchange.answer = expansion.answer.clone();
        }
        let before = conversation.before(index);
        let mut latest: Option<CallId> = None;
        let mut result = Err(CallFailure::Failed(format!("{member} has no parent to send its reply up to")));
        for ancestor in &ancestors {
            ctx.set_state(&ancestor.id, NodeStatus::Synthesizing);
            let replies = replies_of(&hierarchy, ancestor, &members);
            let task = members.get(&ancestor.id).map_or(base.question.clone(), |e| e.task.clone());
            let earlier = before.earlier_for(&ancestor.id, ancestor.id == root.id, earlier_budget(ancestor));
            let asked = Asked { query: &base.question, earlier: &earlier };
            let built = prompts::synthesize(ancestor, asked, &task, &replies);
            let call = spec(ancestor, Phase::Synthesize, latest, built.request, built.truncated, &cancel);
            result = ctx.call(call).await;
            match &result {
                Ok(out) => {
                    latest = Some(out.call);
                    ctx.set_state(&ancestor.id, NodeStatus::Done);
                    let exchange = members.entry(ancestor.id.clone()).or_default();
                    exchange.answer = Some(out.text.clone());
                    if exchange.task.is_empty() {
                        exchange.task = task;
                    }
                }
                Err(_) => break,
            }
        }
        let turn = result.as_ref().ok().map(|out| PastTurn {
            run_id: ctx.emitter.run_id().to_string(),
            question: base.question.clone(),
            answer: Some(out.text.clone()),
            complete: true,
            members,
            kind: TurnKind::Resynthesis,
            member: Some(member.clone()),
            parent_run: Some(expansion.run_id.clone()),
        });
        ended(&ctx, started, &cancel, result, turn)
    }

    /// Announces a turn that is not a whole cascade, and prepares its context.
    fn turn_context(
        &self,
        run_id: RunId,
        prompt: &str,
        root: &str,
        info: TurnInfo,
        sink: &EventSink,
    ) -> Arc<RunContext> {
        let hierarchy = self.hierarchy().clone();
        let emitter = sink.for_run(run_id);
        emitter.emit(EventKind::RunStarted {
            prompt: prompt.to_string(),
            root: root.to_string(),
            hierarchy_hash: hierarchy_hash(&hierarchy),
            hierarchy: hierarchy.clone(),
            app_version: env!("CARGO_PKG_VERSION").to_string(),
            kind: "tree".to_string(),
            conversation: Some(info.clone()),
        });
        let mut ctx = RunContext::new(hierarchy, self.backends().clone(), emitter, prompt.to_string(), false);
        ctx.turn = Some(info);
        Arc::new(ctx)
    }
}

/// The member named `member` (its id or its name, any case), or why there is none.
fn find_member<'a>(hierarchy: &'a Hierarchy, member: &str) -> Result<&'a NodeConfig, String> {
    let wanted = member.trim();
    hierarchy
        .nodes
        .iter()
        .find(|n| n.id.eq_ignore_ascii_case(wanted) || n.name.eq_ignore_ascii_case(wanted))
        .ok_or_else(|| {
            let names: Vec<&str> = hierarchy.preorder().iter().map(|n| n.id.as_str()).collect();
            format!("no member named \"{wanted}\" in the team (the members are: {})", names.join(", "))
        })
}

/// What `node`'s children said on a turn, as its synthesis reads them.
fn replies_of(
    hierarchy: &Hierarchy,
    node: &NodeConfig,
    members: &BTreeMap<String, Exchange>,
) -> Vec<ChildReply> {
    hierarchy
        .children(node)
        .map(|child| {
            let exchange = members.get(&child.id).cloned().unwrap_or_default();
            ChildReply {
                name: child.name.clone(),
                role: child.role.clone(),
                task: exchange.task,
                reply: exchange.answer.ok_or_else(|| "it gave no answer on that turn".to_string()),
            }
        })
        .collect()
}

/// The ancestors of `member`, nearest first, up to the root.
fn ancestors_of(hierarchy: &Hierarchy, member: &str) -> Result<Vec<NodeConfig>, String> {
    let mut out = Vec::new();
    let mut at = member.to_string();
    while let Some(parent) = hierarchy.parent_of(&at) {
        at = parent.id.clone();
        out.push(parent.clone());
    }
    if out.is_empty() {
        return Err(format!(
            "{member} is not below anyone in the team (the root's expanded reply is already the final answer)"
        ));
    }
    Ok(out)
}

/// Ends a turn: the final state of the node it ran on, totals, `RunFinished`.
fn ended(
    ctx: &RunContext,
    started: Instant,
    cancel: &CancellationToken,
    result: Result<CallOutput, CallFailure>,
    turn: Option<PastTurn>,
) -> RunSummary {
    let outcome = ctx.outcome(result, cancel);
    for id in ctx.unfinished_nodes() {
        if ctx.was_started(&id) {
            match (&outcome.status, &outcome.error) {
                (RunStatus::Failed, Some(reason)) => ctx.fail_node(&id, reason),
                _ => ctx.set_state(&id, NodeStatus::Cancelled),
            }
        }
    }
    let turn = turn.filter(|_| outcome.status == RunStatus::Done);
    ctx.finish(started, outcome, turn)
}
