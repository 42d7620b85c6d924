//! The children of one parent: started early while the split streams (streaming delegation), or
//! once it is complete, each as its own task with its own cancel token.

use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::call::{CallOutput, RunContext};
use super::ending::CallFailure;
use super::events::{CallId, EventKind, SplitMethod};
use super::split::{Task, only_names_the_team};
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

/// A child's task from its parent's finished split, and how it was obtained.
pub(super) struct Assignment {
    pub task: Task,
    pub method: SplitMethod,
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
    watcher: SplitWatcher,
    started: Vec<Option<Started>>,
}

impl<'a> EarlyChildren<'a> {
    pub fn new(
        ctx: &'a Arc<RunContext>,
        children: &'a [NodeConfig],
        cancel: &'a CancellationToken,
        run_child: RunChild,
    ) -> Self {
        Self {
            ctx,
            children,
            cancel,
            run_child,
            watcher: SplitWatcher::new(),
            started: children.iter().map(|_| None).collect(),
        }
    }

    /// Streamed split text: starts each child whose array element just closed. The last child
    /// always waits for the whole split, since surplus elements are folded into its task.
    pub fn on_split_text(&mut self, split_call: CallId, text: &str) {
        for (index, task) in self.watcher.push(text) {
            let team = self.ctx.hierarchy.nodes.iter().map(|c| (c.name.as_str(), c.role.as_str()));
            // A sub-task that only repeats the team list will fall back; do not start on it.
            if index + 1 < self.children.len()
                && self.started[index].is_none()
                && !only_names_the_team(&task, team)
            {
                self.started[index] =
                    Some(self.start(index, Task::plain(task), split_call, SplitMethod::Json));
            }
        }
    }

    /// The split is complete: keeps early children whose task the final split confirms (a
    /// closed element of a cut-off split counts), restarts the others with their final task,
    /// starts the rest. Returns one branch per child, in order.
    pub async fn finish(mut self, split_call: CallId, assignments: &[Assignment]) -> Vec<Branch> {
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
                    branches
                        .push(self.start(index, assigned.task.clone(), split_call, assigned.method).branch);
                }
                None => branches
                    .push(self.start(index, assigned.task.clone(), split_call, assigned.method).branch),
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

    fn start(&self, index: usize, task: Task, split_call: CallId, method: SplitMethod) -> Started {
        let child = &self.children[index];
        self.ctx.emitter.emit(EventKind::TaskAssigned {
            node: child.id.clone(),
            task: task.text.clone(),
            from_call: Some(split_call),
            split: Some(method),
        });
        let cancel = self.cancel.child_token();
        let branch = tokio::spawn((self.run_child)(
            self.ctx.clone(),
            child.id.clone(),
            task.clone(),
            Some(split_call),
            cancel.clone(),
        ));
        Started { task, cancel, branch }
    }
}
