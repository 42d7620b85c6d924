//! Restarting a child started early (streaming delegation) whose final sub-task differs: its
//! subtree is stopped, and the calls stopped that way end as restarted, not failed.

use std::collections::HashMap;
use std::sync::Mutex;

use super::ending::{RESTARTED, STOPPED_FOR_RESTART};
use crate::config::{Hierarchy, NodeConfig};

/// The subtrees being stopped for a restart, with the error their cancelled calls end with.
#[derive(Default)]
pub struct Restarts {
    stopping: Mutex<HashMap<String, String>>,
}

impl Restarts {
    /// `node`'s subtree is about to be stopped for a restart.
    pub fn begin(&self, hierarchy: &Hierarchy, node: &NodeConfig) {
        let Ok(mut stopping) = self.stopping.lock() else { return };
        stopping.insert(node.id.clone(), RESTARTED.to_string());
        for below in descendants(hierarchy, node) {
            stopping.insert(below, format!("{STOPPED_FOR_RESTART} {} was restarted", node.name));
        }
    }

    /// `node`'s old subtree has stopped; what runs from now on is the restart.
    pub fn end(&self, hierarchy: &Hierarchy, node: &NodeConfig) {
        let Ok(mut stopping) = self.stopping.lock() else { return };
        stopping.remove(&node.id);
        for below in descendants(hierarchy, node) {
            stopping.remove(&below);
        }
    }

    /// Why a call of `node` was cancelled, if it was for a restart.
    pub fn reason(&self, node: &str) -> Option<String> {
        self.stopping.lock().ok()?.get(node).cloned()
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
