//! The cascade: split down, answer at the leaves, synthesize up. Any tree shape works: the
//! recursion follows `children` lists, and siblings run concurrently (bounded per endpoint).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use futures::future::{BoxFuture, join_all};
use tokio_util::sync::CancellationToken;

use super::call::{CallOutput, CallSpec, RunContext};
use super::checks::answer::{ECHOED_INSTRUCTIONS, echoes_instructions};
use super::ending::CallFailure;
use super::events::{CallId, EventKind, NodeStatus, ReflectionRound, RunStatus, RunSummary};
use super::ids::hierarchy_hash;
use super::prompts::{self, ChildReply};
use super::split::Task;
use super::split_step::{Delegation, split_and_delegate};
use crate::config::{NodeConfig, Phase};

/// Runs the whole tree on the context's query, from `RunStarted` to `RunFinished`.
pub(super) async fn run_tree(ctx: Arc<RunContext>, cancel: CancellationToken) -> RunSummary {
    let hierarchy = ctx.hierarchy.clone();
    let emitter = &ctx.emitter;
    let prompt = ctx.query.clone();
    let started = Instant::now();
    let root = hierarchy.root().clone();
    emitter.emit(EventKind::RunStarted {
        prompt: prompt.clone(),
        root: root.id.clone(),
        hierarchy_hash: hierarchy_hash(&hierarchy),
        hierarchy: hierarchy.clone(),
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        kind: "tree".to_string(),
        conversation: ctx.turn.clone(),
    });
    for node in hierarchy.preorder() {
        ctx.set_state(&node.id, NodeStatus::Waiting);
    }
    emitter.emit(EventKind::TaskAssigned {
        node: root.id.clone(),
        task: prompt.clone(),
        from_call: None,
        split: None,
        fallback_reason: None,
    });

    let result =
        run_node(ctx.clone(), root.id.clone(), Task::plain(prompt), None, cancel.child_token()).await;

    // Nodes that never ran (their parent failed, or the run was cancelled) end as cancelled.
    for id in ctx.unfinished_nodes() {
        ctx.set_state(&id, NodeStatus::Cancelled);
    }
    let outcome = ctx.outcome(result, &cancel);
    let complete = matches!(outcome.status, RunStatus::Done | RunStatus::Degraded);
    let turn = ctx.as_turn(outcome.answer.as_deref(), complete);
    ctx.finish(started, outcome, Some(turn))
}

/// Runs one node (and its subtree) on its task; the output's call is the one that produced the text.
fn run_node(
    ctx: Arc<RunContext>,
    node_id: String,
    task: Task,
    from_call: Option<CallId>,
    cancel: CancellationToken,
) -> BoxFuture<'static, Result<CallOutput, CallFailure>> {
    Box::pin(async move {
        let Some(node) = ctx.hierarchy.node(&node_id).cloned() else {
            return Err(CallFailure::Failed(format!("no node named {node_id}")));
        };
        let result = if node.is_parent() {
            run_parent(&ctx, &node, &task, from_call, &cancel).await
        } else {
            ctx.set_state(&node.id, NodeStatus::Answering);
            let built = prompts::answer(&node, ctx.asked(&node.id), &task.text);
            let answering = spec(&node, Phase::Answer, from_call, built.request, built.truncated, &cancel);
            match ctx.call(answering).await {
                Ok(draft) => reflect(&ctx, &node, &task.text, draft, &cancel).await,
                Err(failure) => Err(failure),
            }
        };
        if let Ok(out) = &result
            && echoes_its_instructions(&node, &out.text)
        {
            ctx.degraded.store(true, Ordering::Relaxed);
            ctx.flagged_answers.fetch_add(1, Ordering::Relaxed);
            let reason = ECHOED_INSTRUCTIONS.to_string();
            ctx.emitter.emit(EventKind::AnswerFlagged { call: out.call, node: node.id.clone(), reason });
        }
        let answered = result.as_ref().ok().map(|out| out.text.as_str());
        if !matches!(result, Err(CallFailure::Cancelled)) || ctx.restarts.reason(&node.id).is_none() {
            ctx.note_exchange(&node.id, &task.text, answered);
        }
        match &result {
            Ok(_) => ctx.set_state(&node.id, NodeStatus::Done),
            // Stopped to start again with another task: it waits for its restart.
            Err(CallFailure::Cancelled) if ctx.restarts.reason(&node.id).is_some() => {
                ctx.set_state(&node.id, NodeStatus::Waiting)
            }
            Err(CallFailure::Cancelled) => ctx.set_state(&node.id, NodeStatus::Cancelled),
            Err(failure) => ctx.fail_node(&node.id, &failure.reason()),
        }
        result
    })
}

pub(super) fn spec<'a>(
    node: &'a NodeConfig,
    phase: Phase,
    parent_call: Option<CallId>,
    request: crate::llm::ChatRequest,
    truncated_input: bool,
    cancel: &'a CancellationToken,
) -> CallSpec<'a> {
    CallSpec {
        node,
        phase,
        parent_call,
        request,
        truncated_input,
        split_into: None,
        mending: None,
        cancel,
        on_text: None,
        reflection: None,
    }
}

async fn run_parent(
    ctx: &Arc<RunContext>,
    node: &NodeConfig,
    own_task: &Task,
    from_call: Option<CallId>,
    cancel: &CancellationToken,
) -> Result<CallOutput, CallFailure> {
    let task = own_task.text.as_str();
    let children: Vec<NodeConfig> = ctx.hierarchy.children(node).cloned().collect();
    ctx.set_state(&node.id, NodeStatus::Splitting);
    let Delegation { tasks, branches } =
        split_and_delegate(ctx, node, own_task, from_call, cancel, &children, run_node).await?;
    ctx.set_state(&node.id, NodeStatus::Delegated);
    let mut outcomes = Vec::with_capacity(branches.len());
    for branch in branches {
        outcomes
            .push(branch.await.unwrap_or_else(|e| Err(CallFailure::Failed(format!("internal error: {e}")))));
    }
    if cancel.is_cancelled() {
        return Err(CallFailure::Cancelled);
    }
    if node.critique {
        outcomes = critique_children(ctx, node, task, &children, &tasks, outcomes, cancel).await?;
    }

    let latest_reply = outcomes.iter().filter_map(|o| o.as_ref().ok().map(|r| r.call)).max();
    let Some(latest_reply) = latest_reply else {
        let reasons: Vec<String> = children
            .iter()
            .zip(&outcomes)
            .filter_map(|(c, o)| o.as_ref().err().map(|e| format!("{}: {}", c.name, e.reason())))
            .collect();
        return answer_alone(ctx, node, own_task, &reasons, cancel).await;
    };
    let replies: Vec<ChildReply> = children
        .iter()
        .zip(&tasks)
        .zip(outcomes)
        .map(|((child, child_task), outcome)| ChildReply {
            name: child.name.clone(),
            role: child.role.clone(),
            task: child_task.clone(),
            // An answer that only wrote its instructions back is left out, and the synthesis
            // says that part is missing, rather than passing it up as if it were an answer.
            reply: match outcome {
                Ok(out) if echoes_its_instructions(child, &out.text) => {
                    Err(format!("{ECHOED_INSTRUCTIONS}, so it was left out"))
                }
                Ok(out) => Ok(out.text),
                Err(failure) => Err(failure.reason()),
            },
        })
        .collect();

    ctx.set_state(&node.id, NodeStatus::Synthesizing);
    let built = prompts::synthesize(node, ctx.asked(&node.id), task, &replies);
    let synthesis = ctx
        .call(spec(node, Phase::Synthesize, Some(latest_reply), built.request, built.truncated, cancel))
        .await?;
    reflect(ctx, node, task, synthesis, cancel).await
}

/// No child replied: the parent answers its own task alone rather than failing its branch (the
/// run is degraded, and the parent is told its team's replies are missing and why), so one stalled
/// leaf does not take its whole branch down with it.
async fn answer_alone(
    ctx: &Arc<RunContext>,
    node: &NodeConfig,
    own_task: &Task,
    reasons: &[String],
    cancel: &CancellationToken,
) -> Result<CallOutput, CallFailure> {
    ctx.degraded.store(true, Ordering::Relaxed);
    tracing::warn!(node = %node.id, reasons = %reasons.join("; "), "every branch failed: the parent answers alone");
    ctx.set_state(&node.id, NodeStatus::Answering);
    let task = format!(
        "{}\n\n(Your team could not answer this time: {}. Answer it yourself, from what you know.)",
        own_task.text,
        reasons.join("; ")
    );
    let built = prompts::answer(node, ctx.asked(&node.id), &task);
    let alone = spec(node, Phase::Answer, None, built.request, built.truncated, cancel);
    let draft = ctx.call(alone).await?;
    reflect(ctx, node, &own_task.text, draft, cancel).await
}

/// True when `text`, the final answer of `node`, mostly repeats the instructions it was given
/// (its answer or synthesis prompt, the revision prompt when it reflects, its system prompt).
fn echoes_its_instructions(node: &NodeConfig, text: &str) -> bool {
    let own = if node.is_parent() { &node.prompts.synthesize } else { &node.prompts.answer };
    // The last rewrite wrote the text: the last round's revise prompt (its level's, if it has one).
    let template = if node.reflect > 0 {
        format!("{own}\n{}", node.reflection_prompts(node.reflect).1)
    } else {
        own.clone()
    };
    echoes_instructions(text, &template, &node.prompts.system)
}

/// The parent reviews each child's reply and the child revises once. A failed review keeps the
/// original reply: critique is an improvement, never a reason to lose an answer.
async fn critique_children(
    ctx: &Arc<RunContext>,
    node: &NodeConfig,
    task: &str,
    children: &[NodeConfig],
    tasks: &[String],
    outcomes: Vec<Result<CallOutput, CallFailure>>,
    cancel: &CancellationToken,
) -> Result<Vec<Result<CallOutput, CallFailure>>, CallFailure> {
    ctx.set_state(&node.id, NodeStatus::Critiquing);
    let reviews = children.iter().zip(tasks).zip(outcomes).map(|((child, child_task), outcome)| async move {
        let reply = outcome?;
        let built = prompts::critique(node, ctx.asked(&node.id), task, child, child_task, &reply.text);
        let review = match ctx
            .call(spec(node, Phase::Critique, Some(reply.call), built.request, built.truncated, cancel))
            .await
        {
            Ok(review) => review,
            Err(CallFailure::Cancelled) => return Err(CallFailure::Cancelled),
            Err(CallFailure::Failed(_) | CallFailure::Mendable { .. }) => {
                ctx.degraded.store(true, Ordering::Relaxed);
                return Ok(reply);
            }
        };
        ctx.set_state(&child.id, NodeStatus::Revising);
        let built = prompts::revise(child, ctx.asked(&child.id), child_task, &reply.text, &review.text);
        let revised = ctx
            .call(spec(child, Phase::Revise, Some(review.call), built.request, built.truncated, cancel))
            .await;
        ctx.set_state(&child.id, NodeStatus::Done);
        match revised {
            Ok(revised) => {
                // The revision is what the child answered in the end.
                ctx.note_exchange(&child.id, child_task, Some(&revised.text));
                Ok(revised)
            }
            Err(CallFailure::Cancelled) => Err(CallFailure::Cancelled),
            Err(CallFailure::Failed(_) | CallFailure::Mendable { .. }) => {
                ctx.degraded.store(true, Ordering::Relaxed);
                Ok(reply)
            }
        }
    });
    let reviewed = join_all(reviews).await;
    if cancel.is_cancelled() {
        return Err(CallFailure::Cancelled);
    }
    Ok(reviewed)
}

/// `reflect` rounds: critique the draft, then revise it, round i with level i's prompts when the
/// node has named levels. A failed round keeps the last draft.
async fn reflect(
    ctx: &RunContext,
    node: &NodeConfig,
    task: &str,
    mut draft: CallOutput,
    cancel: &CancellationToken,
) -> Result<CallOutput, CallFailure> {
    for round in 1..=node.reflect {
        let level = ReflectionRound {
            round,
            of: node.reflect,
            name: node.reflection_level(round).map(|level| level.name.clone()),
        };
        ctx.set_state(&node.id, NodeStatus::Reflecting);
        let built = prompts::reflect(node, ctx.asked(&node.id), task, &draft.text, round);
        let critique = spec(node, Phase::Reflect, Some(draft.call), built.request, built.truncated, cancel);
        let review = match ctx.call(CallSpec { reflection: Some(level.clone()), ..critique }).await {
            Ok(review) => review,
            Err(CallFailure::Cancelled) => return Err(CallFailure::Cancelled),
            Err(CallFailure::Failed(_) | CallFailure::Mendable { .. }) => {
                ctx.degraded.store(true, Ordering::Relaxed);
                break;
            }
        };
        ctx.set_state(&node.id, NodeStatus::Revising);
        let built = prompts::revise_round(node, ctx.asked(&node.id), task, &draft.text, &review.text, round);
        let rewrite = spec(node, Phase::Revise, Some(review.call), built.request, built.truncated, cancel);
        match ctx.call(CallSpec { reflection: Some(level), ..rewrite }).await {
            Ok(revised) => draft = revised,
            Err(CallFailure::Cancelled) => return Err(CallFailure::Cancelled),
            Err(CallFailure::Failed(_) | CallFailure::Mendable { .. }) => {
                ctx.degraded.store(true, Ordering::Relaxed);
                break;
            }
        }
    }
    Ok(draft)
}
