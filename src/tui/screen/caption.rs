//! What each member is doing, in one plain sentence for someone who does not program ("Nova is
//! waiting for Echo and Pixel"): shown on its pane and, for the focused pane, in the status bar.
//! Read from the run's own picture only (states, calls, waits), so it is a pure function of it.

use crate::config::Phase;
use crate::engine::{AfterFailure, NodeStatus};
use crate::tui::state::run_view::{CallView, CallWait, NodeView, RunView};
use crate::tui::theme::Role;

/// A member's caption and the role it is drawn in (a wait or a loop warns, a failure is an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    pub text: String,
    pub role: Role,
}

impl Caption {
    fn new(text: String) -> Caption {
        Caption { text, role: Role::Dim }
    }

    fn warn(text: String) -> Caption {
        Caption { text, role: Role::StatusWarn }
    }
}

/// What node `index` is doing, or `None` before any run.
pub fn caption(run: &RunView, index: usize) -> Option<Caption> {
    let node = run.nodes.get(index)?;
    let status = node.status.as_ref()?;
    let name = &node.name;
    let call = run.current_call(index);
    // A wait says more than the state: the call was sent, and nothing comes back yet.
    if let Some(wait) = call.filter(|c| !c.is_finished()).and_then(|c| c.wait) {
        return Some(Caption::warn(match wait {
            CallWait::Queued { ahead: 0 } => {
                format!("{name} is waiting for a free slot on the server (next in line)")
            }
            CallWait::Queued { ahead } => {
                format!("{name} is waiting for a free slot on the server ({ahead} ahead)")
            }
            CallWait::Silent { secs } => format!("{name} has said nothing for {secs} s"),
        }));
    }
    let children = || names(run, node.children.iter().copied());
    let root = node.parent.is_none();
    Some(match status {
        NodeStatus::Waiting => Caption::new(match (&node.task, node.calls.is_empty(), parent(run, node)) {
            (None, _, Some(parent)) => format!("{name} is waiting for its part from {parent}"),
            (None, _, None) => format!("{name} is waiting to start"),
            (Some(_), true, _) => format!("{name} has its task and is waiting to start"),
            (Some(_), false, _) => format!("{name} is waiting to start again with its new task"),
        }),
        NodeStatus::Splitting => {
            let whose = if root { "your question" } else { "its task" };
            let doing = match children().as_slice() {
                [] => format!("{name} is dividing {whose}"),
                [one] => format!("{name} is passing {whose} to {one}"),
                many => format!("{name} is dividing {whose} between {}", list(many)),
            };
            // A split asked again says why, so the broken first try does not read as a failure.
            let again =
                own_calls(run, node).filter(|c| c.phase == Phase::Split).filter_map(|c| c.next).last();
            match again {
                Some(AfterFailure::AskAgain) => {
                    Caption::warn(format!("{doing} again: the first try broke off"))
                }
                Some(AfterFailure::Shorten) => {
                    Caption::warn(format!("{doing} again with a shorter prompt: it did not fit the model"))
                }
                _ => Caption::new(doing),
            }
        }
        NodeStatus::Delegated => {
            let pending = names(run, node.children.iter().copied().filter(|&c| !finished(&run.nodes[c])));
            let waited = if pending.is_empty() { children() } else { pending };
            Caption::new(format!("{name} is waiting for {}", list(&waited)))
        }
        NodeStatus::Answering => Caption::new(match call.map(|c| c.phase) {
            Some(Phase::Expand) => format!("{name} is answering your question about its part"),
            _ if !node.children.is_empty() => format!("{name} is answering alone: its helpers failed"),
            _ if root => format!("{name} is answering your question"),
            _ => format!("{name} is answering its part"),
        }),
        NodeStatus::Reflecting => {
            let started = count(run, node, Phase::Reflect);
            // The state is set just before the round's call starts.
            let round = if call.is_some_and(|c| c.phase == Phase::Reflect) { started } else { started + 1 };
            let rounds = run.hierarchy.node(&node.id).map_or(0, |n| n.reflect) as usize;
            let which = if round <= rounds {
                format!("reflection {round} of {rounds}")
            } else {
                format!("reflection {round}")
            };
            Caption::new(format!("{name} is reviewing its own draft ({which})"))
        }
        NodeStatus::Critiquing => {
            let reviewed = names(
                run,
                own_calls(run, node)
                    .filter(|c| c.phase == Phase::Critique && !c.is_finished())
                    .filter_map(|c| c.parent_call.and_then(|p| run.call(p)).map(|p| p.node)),
            );
            Caption::new(match reviewed.as_slice() {
                [] => format!("{name} is reviewing its helpers' replies"),
                [one] => format!("{name} is reviewing {one}'s reply"),
                many => format!("{name} is reviewing the replies of {}", list(many)),
            })
        }
        NodeStatus::Revising => Caption::new(match reviewer(run, node, call) {
            Some(other) if other != index => {
                format!("{name} is rewriting its answer after {}'s review", run.nodes[other].name)
            }
            _ => format!("{name} is rewriting its answer after its own review"),
        }),
        NodeStatus::Synthesizing => {
            let done = names(
                run,
                node.children.iter().copied().filter(|&c| run.nodes[c].status == Some(NodeStatus::Done)),
            );
            let into = if root { " into your answer" } else { "" };
            Caption::new(match done.as_slice() {
                [] => format!("{name} is writing its answer from what its helpers said"),
                [one] => format!("{name} is combining {one}'s reply with its own view{into}"),
                many => format!("{name} is combining the replies of {}{into}", list(many)),
            })
        }
        NodeStatus::Done => {
            if call.is_some_and(CallView::looped) {
                Caption::warn(format!("{name} was stopped: it kept repeating itself"))
            } else if let Some(flag) = &node.flag {
                Caption::warn(format!("{name}'s answer was set aside: {flag}"))
            } else if !node.children.is_empty() && own_calls(run, node).any(|c| c.phase == Phase::Answer) {
                Caption::new(format!("{name} answered alone: its helpers failed"))
            } else {
                Caption::new(format!("{name} is done"))
            }
        }
        NodeStatus::Failed { reason } => Caption {
            text: format!("{name} failed: {}", node.failure.as_deref().unwrap_or(reason)),
            role: Role::NodeFailed,
        },
        NodeStatus::Cancelled if node.calls.is_empty() => {
            Caption::new(format!("{name} was stopped before it started"))
        }
        NodeStatus::Cancelled => Caption::new(format!("{name} was stopped before it finished")),
    })
}

/// The member whose review a revising node answers: the reviewer of its revision call, or, just
/// before that call starts, its own reflection or its parent's critique.
fn reviewer(run: &RunView, node: &NodeView, call: Option<&CallView>) -> Option<usize> {
    match call {
        Some(c) if c.phase == Phase::Revise => c.parent_call.and_then(|p| run.call(p)).map(|p| p.node),
        Some(c) if c.phase == Phase::Reflect => Some(c.node),
        _ => node.parent.filter(|&p| run.nodes[p].status == Some(NodeStatus::Critiquing)),
    }
}

fn own_calls<'a>(run: &'a RunView, node: &'a NodeView) -> impl Iterator<Item = &'a CallView> + 'a {
    node.calls.iter().filter_map(|&i| run.calls.get(i))
}

fn count(run: &RunView, node: &NodeView, phase: Phase) -> usize {
    own_calls(run, node).filter(|c| c.phase == phase).count()
}

fn parent<'a>(run: &'a RunView, node: &NodeView) -> Option<&'a str> {
    node.parent.and_then(|p| run.nodes.get(p)).map(|p| p.name.as_str())
}

fn finished(node: &NodeView) -> bool {
    matches!(node.status, Some(NodeStatus::Done | NodeStatus::Failed { .. } | NodeStatus::Cancelled))
}

fn names(run: &RunView, nodes: impl Iterator<Item = usize>) -> Vec<&str> {
    nodes.filter_map(|i| run.nodes.get(i)).map(|n| n.name.as_str()).collect()
}

/// "Echo", "Echo and Pixel", "Echo, Pixel and Quantum".
fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
#[path = "caption_tests.rs"]
mod tests;
