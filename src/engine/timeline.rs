//! Call timings of a run read back from its events: the spans a waterfall draws, and the critical
//! path that tells how close a run's wall time came to the physical limit.

use std::collections::HashMap;

use super::events::{CallId, EventKind, RunEvent};
use crate::config::{Hierarchy, NodeConfig, Phase};

/// One finished call on the run's clock.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSpan {
    pub call: CallId,
    pub node: String,
    pub phase: Phase,
    pub parent_call: Option<CallId>,
    pub started_ms: i64,
    pub first_token_ms: Option<i64>,
    pub ended_ms: i64,
    pub ok: bool,
}

impl CallSpan {
    pub fn duration_ms(&self) -> i64 {
        self.ended_ms - self.started_ms
    }
}

/// Every finished call of the events, in call order.
pub fn spans(events: &[RunEvent]) -> Vec<CallSpan> {
    let mut parents: HashMap<CallId, Option<CallId>> = HashMap::new();
    let mut spans = Vec::new();
    for event in events {
        match &event.kind {
            EventKind::CallStarted { call, parent_call, .. } => {
                parents.insert(*call, *parent_call);
            }
            EventKind::CallFinished { call, node, phase, metrics, error, .. } => spans.push(CallSpan {
                call: *call,
                node: node.clone(),
                phase: *phase,
                parent_call: parents.get(call).copied().flatten(),
                started_ms: metrics.started_ms,
                first_token_ms: metrics.first_token_ms,
                ended_ms: metrics.ended_ms,
                ok: error.is_none(),
            }),
            _ => {}
        }
    }
    spans.sort_by_key(|s| s.call);
    spans
}

/// The strict critical path in ms: the longest chain of dependent successful calls when every
/// child waits for its parent's whole split, and every parent for all its children. Sibling calls
/// of one node (critiques) are summed, so it errs long only for trees that critique.
pub fn strict_critical_path_ms(hierarchy: &Hierarchy, spans: &[CallSpan]) -> i64 {
    fn node_ms(h: &Hierarchy, node: &NodeConfig, spans: &[CallSpan]) -> i64 {
        let own = spans.iter().filter(|s| s.ok && s.node == node.id);
        let (split, rest): (Vec<&CallSpan>, Vec<&CallSpan>) = own.partition(|s| s.phase == Phase::Split);
        let children = h.children(node).map(|c| node_ms(h, c, spans)).max().unwrap_or(0);
        split.iter().map(|s| s.duration_ms()).sum::<i64>()
            + children
            + rest.iter().map(|s| s.duration_ms()).sum::<i64>()
    }
    node_ms(hierarchy, hierarchy.root(), spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testkit::hierarchy;

    fn span(call: CallId, node: &str, phase: Phase, started_ms: i64, ended_ms: i64) -> CallSpan {
        CallSpan {
            call,
            node: node.into(),
            phase,
            parent_call: None,
            started_ms,
            first_token_ms: None,
            ended_ms,
            ok: true,
        }
    }

    #[test]
    fn critical_path_takes_the_slowest_branch() {
        let h = hierarchy(&[("top", &["fast", "slow"]), ("fast", &[]), ("slow", &[])]);
        let spans = vec![
            span(1, "top", Phase::Split, 0, 100),
            span(2, "fast", Phase::Answer, 100, 150),
            span(3, "slow", Phase::Answer, 100, 400),
            span(4, "top", Phase::Synthesize, 400, 500),
        ];
        assert_eq!(strict_critical_path_ms(&h, &spans), 100 + 300 + 100);
    }
}
