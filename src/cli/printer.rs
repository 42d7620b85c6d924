//! What `ailab ask` shows while a run goes: progress lines on stderr (one per state change, never
//! per token) or every event as a JSON line on stdout.

use std::collections::HashMap;
use std::io::Write;

use tokio::sync::mpsc::UnboundedReceiver;

use crate::config::Hierarchy;
use crate::engine::{EventKind, NodeStatus, RunEvent};
use crate::text::one_line;

/// Prints progress lines for humans until the stream ends.
pub async fn progress(mut events: UnboundedReceiver<RunEvent>, hierarchy: &Hierarchy) {
    let names: HashMap<&str, &str> =
        hierarchy.nodes.iter().map(|n| (n.id.as_str(), n.name.as_str())).collect();
    let name = |id: &str| names.get(id).copied().unwrap_or("?").to_string();
    let width = names.values().map(|n| n.chars().count()).max().unwrap_or(6);
    let mut stderr = std::io::stderr();
    while let Some(event) = events.recv().await {
        let line = match &event.kind {
            EventKind::RunStarted { root, .. } => {
                format!("run {} started: {} nodes, root {}", event.run_id, hierarchy.nodes.len(), name(root))
            }
            EventKind::NodeState { node, state } => match state {
                NodeStatus::Waiting | NodeStatus::Done | NodeStatus::Failed { .. } => continue,
                other => format!("{:>width$}  {}…", name(node), other.label()),
            },
            EventKind::TaskAssigned { node, task, from_call: Some(_), .. } => {
                format!("{:>width$}  ← {}", name(node), one_line(task, 90))
            }
            EventKind::CallFinished { node, phase, metrics, error: None, .. } => {
                let rate = metrics.tokens_per_sec.map(|r| format!(", {r:.1} tok/s")).unwrap_or_default();
                let ttft = metrics.ttft_ms().map(|t| format!(", first token {:.1} s", t as f64 / 1000.0));
                format!(
                    "{:>width$}  {phase} done: {} tokens{rate}{}",
                    name(node),
                    metrics.completion_tokens,
                    ttft.unwrap_or_default()
                )
            }
            EventKind::CallFinished { node, phase, error: Some(error), .. } => {
                format!("{:>width$}  {phase} failed: {error}", name(node))
            }
            EventKind::NodeFailed { node, reason } => format!("{:>width$}  FAILED: {reason}", name(node)),
            EventKind::RunFinished { status, totals, .. } => format!(
                "run {}: {} calls, {} tokens, {:.1} s",
                status.as_str(),
                totals.calls,
                totals.prompt_tokens + totals.completion_tokens,
                totals.wall_ms as f64 / 1000.0
            ),
            _ => continue,
        };
        let _ = writeln!(stderr, "{line}");
    }
}

/// Prints every event as one JSON line on stdout until the stream ends.
pub async fn json_lines(mut events: UnboundedReceiver<RunEvent>) {
    let stdout = std::io::stdout();
    while let Some(event) = events.recv().await {
        let Ok(line) = serde_json::to_string(&event) else { continue };
        let mut out = stdout.lock();
        // A closed pipe (`| head`) is not an error worth reporting.
        if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
            return;
        }
    }
}
