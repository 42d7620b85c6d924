//! The children of one parent: started early while the split streams (streaming delegation), or
//! once it is complete, each as its own task with its own cancel token.

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::call::{CallOutput, RunContext};
use super::checks::subtask::SubtaskCheck;
use super::ending::CallFailure;
use super::events::{CallId, EventKind, SplitMethod};
use super::split::Task;
use super::split_stream::SplitWatcher;
use crate::config::NodeConfig;

/// Runs one child and its subtree on its task: the cascade's `run_node`. The cascade hands it in
/// when it starts a parent's children, so this file never names the cascade that uses it.
pub(super) type RunChild = fn(
    Arc<RunContext>,
    String,
    Task,
    Option<CallId>,
    CancellationToken,
) -> BoxFuture<'static, Result<CallOutput, CallFailure>>;

/// A branch running in its own task.
pub(super) type Branch = JoinHandle<Result<CallOutput, CallFailure>>;

/// A child's task from its parent's finished split, how it was obtained, and why it is the
/// fallback when it is (a rejected sub-task, a failed split).
pub(super) struct Assignment {
    pub task: Task,
    pub method: SplitMethod,
    pub fallback_reason: Option<String>,
}

struct Started {
    task: Task,
    cancel: CancellationToken,
    branch: Branch,
}

/// Starts children as their sub-tasks become known, and reconciles with the final split.
pub(super) struct EarlyChildren<'a> {
    ctx: &'a Arc<RunContext>,
    children: &'a [NodeConfig],
    cancel: &'a CancellationToken,
    run_child: RunChild,
    check: &'a SubtaskCheck,
    watcher: SplitWatcher,
    /// The elements of the split closed so far, in order (checked together: a sub-task is
    /// compared with its earlier siblings).
    seen: Vec<String>,
    started: Vec<Option<Started>>,
}

impl<'a> EarlyChildren<'a> {
    pub fn new(
        ctx: &'a Arc<RunContext>,
        children: &'a [NodeConfig],
        cancel: &'a CancellationToken,
        run_child: RunChild,
        check: &'a SubtaskCheck,
    ) -> Self {
        Self {
            ctx,
            children,
            cancel,
            run_child,
            check,
            watcher: SplitWatcher::new(),
            seen: Vec::new(),
            started: children.iter().map(|_| None).collect(),
        }
    }

    /// Streamed split text: starts each child whose array element just closed. The last child
    /// always waits for the whole split, since surplus elements are folded into its task.
    pub fn on_split_text(&mut self, split_call: CallId, text: &str) {
        for (index, task) in self.watcher.push(text) {
            self.seen.push(task.clone());
            let names: Vec<&str> = self.children.iter().map(|c| c.name.as_str()).collect();
            // A sub-task the checks reject will fall back; do not start on it.
            let rejected = self.check.check_all(&self.seen, &names).get(index).is_none_or(Option::is_some);
            if index + 1 < self.children.len() && self.started[index].is_none() && !rejected {
                let assigned =
                    Assignment { task: Task::plain(task), method: SplitMethod::Json, fallback_reason: None };
                self.started[index] = Some(self.start(index, &assigned, Some(split_call)));
            }
        }
    }

    /// The split is asked again: its text starts over. Children started on the failed attempt
    /// keep running; `finish` keeps those the final split confirms and restarts the others.
    pub fn next_attempt(&mut self) {
        self.watcher = SplitWatcher::new();
        self.seen.clear();
    }

    /// The split is complete: keeps early children whose task the final split confirms (a
    /// closed element of a cut-off split counts), restarts the others with their final task,
    /// starts the rest. Returns one branch per child, in order.
    pub async fn finish(mut self, split_call: Option<CallId>, assignments: &[Assignment]) -> Vec<Branch> {
        let mut branches = Vec::with_capacity(self.children.len());
        for (index, assigned) in assignments.iter().enumerate() {
            match self.started[index].take() {
                Some(early) if assigned.method == SplitMethod::Json && early.task == assigned.task => {
                    branches.push(early.branch)
                }
                Some(early) => {
                    // Stopped calls of the old subtree end as restarted, not failed.
                    let child = &self.children[index];
                    self.ctx.restarts.begin(&self.ctx.hierarchy, child);
                    early.cancel.cancel();
                    let _ = early.branch.await;
                    self.ctx.restarts.end(&self.ctx.hierarchy, child);
                    branches.push(self.start(index, assigned, split_call).branch);
                }
                None => branches.push(self.start(index, assigned, split_call).branch),
            }
        }
        branches
    }

    /// The split failed: stops any child started early.
    pub async fn cancel_all(self) {
        for early in self.started.into_iter().flatten() {
            early.cancel.cancel();
            let _ = early.branch.await;
        }
    }

    fn start(&self, index: usize, assigned: &Assignment, split_call: Option<CallId>) -> Started {
        let child = &self.children[index];
        let task = assigned.task.clone();
        self.ctx.emitter.emit(EventKind::TaskAssigned {
            node: child.id.clone(),
            task: task.text.clone(),
            from_call: split_call,
            split: Some(assigned.method),
            fallback_reason: assigned.fallback_reason.clone(),
        });
        let cancel = self.cancel.child_token();
        let branch = tokio::spawn((self.run_child)(
            self.ctx.clone(),
            child.id.clone(),
            task.clone(),
            split_call,
            cancel.clone(),
        ));
        Started { task, cancel, branch }
    }
}
