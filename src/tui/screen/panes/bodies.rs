//! What a section shows under its header when that is not a call's own text: what the node was
//! asked, and a parent's split read as the sub-tasks its children were given.

use crate::engine::SplitMethod;
use crate::text::sanitize::one_line;
use crate::tui::state::run_view::{CallView, NodeView, RunView};
use crate::tui::text::cached::ending_line;
use crate::tui::text::wrap::Wrapper;
use crate::tui::theme::Role;

/// The node's task, then how it was read from its parent's split.
pub fn asked(w: &mut Wrapper, run: &RunView, node: &NodeView) {
    let Some(task) = &node.task else { return };
    w.push_str(task, Role::Text);
    w.newline();
    let parent = node.parent.and_then(|p| run.nodes.get(p)).map_or("its parent", |p| p.name.as_str());
    let how = match (&node.fallback_reason, node.split) {
        (Some(why), _) => format!("fallback: {why}; so it got the whole task, framed by its role"),
        (None, Some(SplitMethod::Fallback)) => {
            format!(
                "fallback: {parent}'s split could not be read; so it got the whole task, framed by its role"
            )
        }
        (None, Some(method)) => format!("from {parent}'s split, read as {}", method.as_str()),
        (None, None) => return,
    };
    w.push_str(&how, Role::Dim);
    w.newline();
}

/// True when a split can be shown as its children's sub-tasks: it ended, and each child has a task.
pub fn split_settled(run: &RunView, node: &NodeView, call: &CallView) -> bool {
    call.is_finished()
        && !node.children.is_empty()
        && node.children.iter().all(|&c| run.nodes.get(c).is_some_and(|c| c.task.is_some()))
}

/// A finished split as the numbered sub-tasks with each child's name, then how the call ended.
pub fn split_list(w: &mut Wrapper, run: &RunView, node: &NodeView, call: &CallView) {
    if !call.reasoning.is_empty() {
        w.push_str(&call.reasoning, Role::Reasoning);
        w.newline();
        w.newline();
    }
    for (i, child) in node.children.iter().filter_map(|&c| run.nodes.get(c)).enumerate() {
        let bullet = format!("{}. ", i + 1);
        w.push_unbroken(&bullet, Role::ListMarker);
        w.set_hang(bullet.len(), Role::Text);
        w.push_unbroken(&child.name, Role::Strong);
        w.push_str(": ", Role::Text);
        w.push_str(&one_line(child.task.as_deref().unwrap_or("")), Role::Text);
        if child.fallback_reason.is_some() || child.split == Some(SplitMethod::Fallback) {
            w.push_str(" (fallback: the whole task)", Role::Dim);
        }
        w.newline();
    }
    if let Some((line, role)) = ending_line(call) {
        w.push_str(&line, role);
        w.newline();
    }
}
