//! A parent's split step: ask for one sub-task per child, check each before a child starts on it,
//! and start the children. A split is an internal step, so its failures are mended rather than
//! failing the node: a reply that broke off after it began is asked once more, a prompt too long
//! for the model is shortened and asked again, and when neither helps every child gets the whole
//! task framed by its role (the fallback), the run is marked degraded, and each child's task says
//! why.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio_util::sync::CancellationToken;

use super::call::{CallOutput, CallSpec, RunContext, TextHook};
use super::checks::subtask::{Member, SubtaskCheck};
use super::early::{Assignment, Branch, EarlyChildren, RunChild};
use super::ending::{CallFailure, Mending};
use super::events::{AfterFailure, CallId, SplitMethod};
use super::prompts::{self, Asked, BuiltRequest, cut_to};
use super::split::Task;
use crate::config::{NodeConfig, Phase};

/// The children at work, and the task each was given (for the synthesis to name).
pub(super) struct Delegation {
    pub tasks: Vec<String>,
    pub branches: Vec<Branch>,
}

/// Splits `own_task` among `children` and starts them. Fails only when the split failed before
/// its reply began (the server is unreachable, say: the children would meet the same server) or
/// the run was cancelled.
pub(super) async fn split_and_delegate(
    ctx: &Arc<RunContext>,
    node: &NodeConfig,
    own_task: &Task,
    from_call: Option<CallId>,
    cancel: &CancellationToken,
    children: &[NodeConfig],
    run_child: RunChild,
) -> Result<Delegation, CallFailure> {
    let check = check_for(ctx, node, own_task);
    let mut early = EarlyChildren::new(ctx, children, cancel, run_child, &check);
    let mut mending = Mending::default();
    loop {
        let built = split_request(ctx, node, children, own_task, mending.shortened);
        let result = {
            let mut on_text = |call: CallId, text: &str| early.on_split_text(call, text);
            ctx.call(CallSpec {
                node,
                phase: Phase::Split,
                parent_call: from_call,
                request: built.request,
                truncated_input: built.truncated,
                split_into: Some(children.len()),
                mending: Some(mending),
                cancel,
                on_text: ctx.streaming_delegation.then_some(&mut on_text as TextHook<'_>),
                reflection: None,
            })
            .await
        };
        let failure = match result {
            Ok(split) => {
                let assignments = assign(&check, children, own_task, &split);
                return Ok(start(early, Some(split.call), assignments).await);
            }
            Err(failure) => failure,
        };
        // The same decision the call's `CallFinished` announced.
        let next = mending.next(&failure);
        if let CallFailure::Mendable { call, .. } = failure {
            mending.failed_call = Some(call);
        }
        match next {
            None => {
                early.cancel_all().await;
                return Err(match failure {
                    CallFailure::Cancelled => CallFailure::Cancelled,
                    failure => CallFailure::Failed(format!("could not split the task: {}", failure.reason())),
                });
            }
            Some(AfterFailure::Shorten) => mending.shortened += 1,
            Some(AfterFailure::AskAgain) => mending.asked_again = true,
            Some(AfterFailure::Fallback) => {
                // Mending did not help: every child gets the whole task, and the run says why.
                ctx.degraded.store(true, Ordering::Relaxed);
                let why = format!(
                    "{} could not split the task even when asked again ({})",
                    node.name,
                    failure.reason()
                );
                let assignments = children
                    .iter()
                    .map(|child| Assignment {
                        task: Task::fallback(own_task, &child.name, &child.role),
                        method: SplitMethod::Fallback,
                        fallback_reason: Some(why.clone()),
                    })
                    .collect();
                return Ok(start(early, mending.failed_call, assignments).await);
            }
        }
        early.next_attempt();
    }
}

async fn start(
    early: EarlyChildren<'_>,
    split_call: Option<CallId>,
    assignments: Vec<Assignment>,
) -> Delegation {
    let tasks = assignments.iter().map(|a| a.task.text.clone()).collect();
    let branches = early.finish(split_call, &assignments).await;
    Delegation { tasks, branches }
}

/// The checks for `node`'s split: against the task it divides (its plain task, without any
/// fallback framing), the user's question, its split template and the whole team.
fn check_for(ctx: &RunContext, node: &NodeConfig, own_task: &Task) -> SubtaskCheck {
    let team: Vec<Member> = ctx
        .hierarchy
        .nodes
        .iter()
        .map(|n| Member { name: &n.name, role: &n.role, system: &n.prompts.system })
        .collect();
    SubtaskCheck::new(&own_task.unframed, &ctx.query, &node.prompts.split, &team)
}

/// The split request, shortened `level` times after the model's context overflowed: first without
/// the conversation's earlier turns, then with the task and the question cut to a half, a quarter.
fn split_request(
    ctx: &RunContext,
    node: &NodeConfig,
    children: &[NodeConfig],
    own_task: &Task,
    level: usize,
) -> BuiltRequest {
    let children: Vec<&NodeConfig> = children.iter().collect();
    let asked = ctx.asked(&node.id);
    let level = if asked.earlier.text.is_empty() { level + usize::from(level > 0) } else { level };
    if level == 0 {
        return prompts::split(node, &children, asked, &own_task.text);
    }
    if level == 1 {
        let mut built = prompts::split(node, &children, Asked::alone(asked.query), &own_task.text);
        built.truncated = true;
        return built;
    }
    let keep = |text: &str| cut_to(text, (text.chars().count() >> (level - 1)).max(200)).0;
    let (task, query) = (keep(&own_task.text), keep(asked.query));
    let mut built = prompts::split(node, &children, Asked::alone(&query), &task);
    built.truncated = true;
    built
}

/// Each child's task from the finished split: its sub-task when the split gave one that passes the
/// checks, else the fallback, with why.
fn assign(
    check: &SubtaskCheck,
    children: &[NodeConfig],
    own_task: &Task,
    split: &CallOutput,
) -> Vec<Assignment> {
    let names: Vec<&str> = children.iter().map(|c| c.name.as_str()).collect();
    let parsed = split.split.as_ref();
    let verdicts = parsed.map(|p| check.check_all(&p.tasks, &names)).unwrap_or_default();
    children
        .iter()
        .enumerate()
        .map(|(index, child)| {
            let fallback = |why: String| Assignment {
                task: Task::fallback(own_task, &child.name, &child.role),
                method: SplitMethod::Fallback,
                fallback_reason: Some(why),
            };
            match (parsed, verdicts.get(index)) {
                (Some(parsed), Some(None)) => Assignment {
                    task: Task::plain(parsed.tasks[index].clone()),
                    method: parsed.child_method(index),
                    fallback_reason: None,
                },
                (Some(parsed), Some(Some(rejection))) => fallback(rejection.explain(&parsed.tasks[index])),
                // Fewer sub-tasks than members: the split ended early, or gave some empty.
                (Some(parsed), None) => fallback(format!(
                    "the split had no sub-task for this member ({} for {} members)",
                    parsed.tasks.len(),
                    children.len()
                )),
                (None, _) => fallback("the split could not be read as one sub-task per member".into()),
            }
        })
        .collect()
}
