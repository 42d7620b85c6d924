//! Restarting a child started early (streaming delegation) whose final sub-task differs: its
//! subtree is stopped, and the calls stopped that way end as restarted, not failed.

use std::collections::HashMap;
use std::sync::Mutex;

use super::ending::{RESTARTED, STOPPED_FOR_RESTART};
use crate::config::{Hierarchy, NodeConfig};

/// The subtrees being stopped for a restart, with the error their cancelled calls end with.
/// Restarts can nest (a child restarting inside a subtree that is itself being restarted), so
/// each node keeps a stack: a restart's end removes only what its beginning added.
#[derive(Default)]
pub struct Restarts {
    stopping: Mutex<HashMap<String, Vec<String>>>,
}

impl Restarts {
    /// `node`'s subtree is about to be stopped for a restart.
    pub fn begin(&self, hierarchy: &Hierarchy, node: &NodeConfig) {
        let Ok(mut stopping) = self.stopping.lock() else { return };
        stopping.entry(node.id.clone()).or_default().push(RESTARTED.to_string());
        for below in descendants(hierarchy, node) {
            let reason = format!("{STOPPED_FOR_RESTART} {} was restarted", node.name);
            stopping.entry(below).or_default().push(reason);
        }
    }

    /// `node`'s old subtree has stopped; what runs from now on is the restart.
    pub fn end(&self, hierarchy: &Hierarchy, node: &NodeConfig) {
        let Ok(mut stopping) = self.stopping.lock() else { return };
        for id in std::iter::once(node.id.clone()).chain(descendants(hierarchy, node)) {
            if let Some(reasons) = stopping.get_mut(&id) {
                reasons.pop();
                if reasons.is_empty() {
                    stopping.remove(&id);
                }
            }
        }
    }

    /// Why a call of `node` was cancelled, if it was for a restart.
    pub fn reason(&self, node: &str) -> Option<String> {
        self.stopping.lock().ok()?.get(node)?.last().cloned()
    }
}

fn descendants(hierarchy: &Hierarchy, node: &NodeConfig) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<&NodeConfig> = hierarchy.children(node).collect();
    while let Some(next) = stack.pop() {
        out.push(next.id.clone());
        stack.extend(hierarchy.children(next));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testkit::six_node_tree;

    #[test]
    fn nested_restarts_end_only_what_they_began() {
        let h = six_node_tree();
        let restarts = Restarts::default();
        let (nova, echo) = (h.node("nova").unwrap(), h.node("echo").unwrap());
        restarts.begin(&h, nova);
        assert_eq!(restarts.reason("nova").as_deref(), Some(RESTARTED));
        assert_eq!(restarts.reason("echo").as_deref(), Some("stopped: Nova was restarted"));
        restarts.begin(&h, echo);
        restarts.end(&h, echo);
        assert!(restarts.reason("echo").is_some(), "Nova's restart still stops Echo");
        restarts.end(&h, nova);
        assert_eq!(
            (restarts.reason("nova"), restarts.reason("echo"), restarts.reason("sage")),
            (None, None, None)
        );
    }
}
