//! What `ailab ask` shows while a run goes: progress lines on stderr (one per state change, never
//! per token) or every event as a JSON line on stdout.

use std::collections::HashMap;
use std::io::Write;

use tokio::sync::mpsc::UnboundedReceiver;

use crate::config::{Hierarchy, Phase};
use crate::engine::{EventKind, NodeStatus, RunEvent, is_not_a_failure};
use crate::text::one_line;
use crate::text::sanitize::plain;

/// Prints progress lines for humans until the stream ends.
pub async fn progress(mut events: UnboundedReceiver<RunEvent>, hierarchy: &Hierarchy) {
    let names = Names::new(hierarchy);
    let mut stderr = std::io::stderr();
    while let Some(event) = events.recv().await {
        if let Some(line) = progress_line(&event, hierarchy, &names) {
            let _ = writeln!(stderr, "{line}");
        }
    }
}

/// Node names by id, and the width to align them to.
pub struct Names<'a> {
    by_id: HashMap<&'a str, &'a str>,
    width: usize,
}

impl<'a> Names<'a> {
    pub fn new(hierarchy: &'a Hierarchy) -> Self {
        let by_id: HashMap<&str, &str> =
            hierarchy.nodes.iter().map(|n| (n.id.as_str(), n.name.as_str())).collect();
        let width = by_id.values().map(|n| n.chars().count()).max().unwrap_or(6);
        Self { by_id, width }
    }

    fn get(&self, id: &str) -> String {
        self.by_id.get(id).copied().unwrap_or("?").to_string()
    }
}

/// The progress line for one event, if it deserves one (state changes, never tokens); sanitized,
/// since it quotes node names, tasks a model wrote and errors a server sent.
pub fn progress_line(event: &RunEvent, hierarchy: &Hierarchy, names: &Names) -> Option<String> {
    // Tabs are kept: stderr is a stream of lines, with no columns for a tab to break.
    raw_progress_line(event, hierarchy, names).map(|line| plain(&line))
}

fn raw_progress_line(event: &RunEvent, hierarchy: &Hierarchy, names: &Names) -> Option<String> {
    let width = names.width;
    let name = |id: &str| names.get(id);
    Some(match &event.kind {
        EventKind::RunStarted { root, .. } => {
            format!("run {} started: {} nodes, root {}", event.run_id, hierarchy.nodes.len(), name(root))
        }
        // A reflection says which round (and level) it is as its call starts, below.
        EventKind::NodeState { node, state } => match state {
            NodeStatus::Waiting | NodeStatus::Done | NodeStatus::Failed { .. } | NodeStatus::Reflecting => {
                return None;
            }
            other => format!("{:>width$}  {}…", name(node), other.label()),
        },
        EventKind::CallStarted { node, phase: Phase::Reflect, reflection, .. } => match reflection {
            Some(step) => format!("{:>width$}  {}…", name(node), step.title()),
            None => format!("{:>width$}  {}…", name(node), NodeStatus::Reflecting.label()),
        },
        EventKind::TaskAssigned { node, task, fallback_reason: Some(why), .. } => {
            format!("{:>width$}  ← (fallback: {}) {}", name(node), one_line(why, 120), one_line(task, 90))
        }
        EventKind::TaskAssigned { node, task, from_call: Some(_), .. } => {
            format!("{:>width$}  ← {}", name(node), one_line(task, 90))
        }
        EventKind::AnswerFlagged { node, reason, .. } => format!("{:>width$}  flagged: {reason}", name(node)),
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
        // A restart or a schema asked again is not a failure: say what happened, plainly.
        EventKind::CallFinished { node, error: Some(error), .. } if is_not_a_failure(error) => {
            format!("{:>width$}  {error}", name(node))
        }
        // Asked again: say so, and keep "failed" for a call that is given up.
        EventKind::CallFinished { node, phase, error: Some(error), next: Some(next), .. } => {
            let (happened, follows) = (next.what_happened(), next.what_follows());
            if next.asks_again() {
                format!("{:>width$}  {phase} {happened} ({error}); {follows}…", name(node))
            } else {
                format!("{:>width$}  {phase} {happened}: {error}; {follows}", name(node))
            }
        }
        EventKind::CallFinished { node, phase, error: Some(error), .. } => {
            format!("{:>width$}  {phase} failed: {error}", name(node))
        }
        EventKind::NodeFailed { node, reason } => format!("{:>width$}  FAILED: {reason}", name(node)),
        EventKind::CallSilent { node, secs, .. } => format!("{:>width$}: no tokens for {secs} s", name(node)),
        EventKind::CallLooped { node, unit, tokens_after, .. } => format!(
            "{:>width$}  stopped: repeating itself (\"{}\"), kept its text up to the first repeat; {tokens_after} tokens cut",
            name(node),
            one_line(unit, 60)
        ),
        EventKind::CallQueued { node, ahead, .. } => {
            format!("{:>width$}  queued (waiting for a free slot, {ahead} ahead)", name(node))
        }
        EventKind::RunFinished { status, totals, .. } => {
            let looped = match totals.looped_calls {
                0 => String::new(),
                1 => " (1 stopped repeating itself)".into(),
                n => format!(" ({n} stopped repeating themselves)"),
            };
            format!(
                "run {}: {} calls{looped}, {} tokens, {:.1} s",
                status.as_str(),
                totals.calls,
                totals.prompt_tokens + totals.completion_tokens,
                totals.wall_ms as f64 / 1000.0
            )
        }
        _ => return None,
    })
}

/// Prints every event as one JSON line on stdout until the stream ends.
pub async fn json_lines(mut events: UnboundedReceiver<RunEvent>) {
    let stdout = std::io::stdout();
    while let Some(event) = events.recv().await {
        // The exact text, escaped as JSON: never sanitized (see `say::json`).
        let Ok(line) = super::say::json(&event, false) else { continue };
        let mut out = stdout.lock();
        // A closed pipe (`| head`) is not an error worth reporting.
        if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Phase;
    use crate::engine::testkit::six_node_tree;
    use crate::engine::{AfterFailure, CallMetrics, RESTARTED, SCHEMA_REFUSED};

    fn finished(node: &str, phase: Phase, error: Option<String>) -> RunEvent {
        finished_then(node, phase, error, None)
    }

    fn finished_then(
        node: &str,
        phase: Phase,
        error: Option<String>,
        next: Option<AfterFailure>,
    ) -> RunEvent {
        RunEvent {
            run_id: "r".into(),
            at_ms: 0,
            kind: EventKind::CallFinished {
                call: 3,
                node: node.into(),
                phase,
                metrics: CallMetrics::default(),
                text: String::new(),
                reasoning: String::new(),
                split: None,
                error,
                next,
            },
        }
    }

    #[test]
    fn a_restart_is_not_printed_as_a_failure() {
        let h = six_node_tree();
        let names = Names::new(&h);
        let line = progress_line(&finished("nova", Phase::Split, Some(RESTARTED.into())), &h, &names);
        assert_eq!(line.as_deref(), Some("   Nova  restarted: the final split gave it a different sub-task"));
        let refused = format!("{SCHEMA_REFUSED} (the server answered HTTP 400: no)");
        let line = progress_line(&finished("atlas", Phase::Split, Some(refused)), &h, &names).unwrap();
        assert!(!line.contains("failed"), "{line}");
        let line = progress_line(&finished("echo", Phase::Answer, Some("boom".into())), &h, &names);
        assert_eq!(line.as_deref(), Some("   Echo  answer failed: boom"));
    }

    #[test]
    fn a_call_asked_again_says_so_and_only_a_call_given_up_says_failed() {
        let h = six_node_tree();
        let names = Names::new(&h);
        let line = |error: &str, next| {
            progress_line(&finished_then("sage", Phase::Split, Some(error.into()), next), &h, &names)
        };
        assert_eq!(
            line("the stream ended", Some(AfterFailure::AskAgain)).as_deref(),
            Some("   Sage  split broke off (the stream ended); asking again…")
        );
        assert_eq!(
            line("too long", Some(AfterFailure::Shorten)).as_deref(),
            Some(
                "   Sage  split did not fit the model's context (too long); asking again with a shorter prompt…"
            )
        );
        assert_eq!(
            line("the stream ended", Some(AfterFailure::Fallback)).as_deref(),
            Some(
                "   Sage  split failed: the stream ended; giving up: each member gets the whole task, \
                 framed by its role (fallback)"
            )
        );
        assert_eq!(line("refused", None).as_deref(), Some("   Sage  split failed: refused"));
    }

    fn event(kind: EventKind) -> RunEvent {
        RunEvent { run_id: "r".into(), at_ms: 0, kind }
    }

    #[test]
    fn a_reflection_says_its_round_and_level_as_it_starts() {
        let h = six_node_tree();
        let names = Names::new(&h);
        let request = crate::llm::ChatRequest {
            model: "m".into(),
            messages: Vec::new(),
            temperature: 0.0,
            top_p: 1.0,
            max_tokens: 8,
            seed: None,
            response_format: None,
            sampling: Default::default(),
        };
        let start = |reflection| {
            event(EventKind::CallStarted {
                call: 9,
                node: "quantum".into(),
                phase: Phase::Reflect,
                parent_call: Some(8),
                endpoint: "e".into(),
                request: std::sync::Arc::new(request.clone()),
                truncated_input: false,
                reflection,
            })
        };
        let named =
            crate::engine::ReflectionRound { round: 2, of: 3, name: Some("draw out implications".into()) };
        let line = progress_line(&start(Some(named)), &h, &names);
        assert_eq!(line.as_deref(), Some("Quantum  Reflection 2 of 3 · draw out implications…"));
        assert_eq!(progress_line(&start(None), &h, &names).as_deref(), Some("Quantum  reflecting…"));
        let state = event(EventKind::NodeState { node: "quantum".into(), state: NodeStatus::Reflecting });
        assert_eq!(progress_line(&state, &h, &names), None, "said once, by the call");
    }

    #[test]
    fn silence_loops_and_queues_are_said_plainly() {
        let h = six_node_tree();
        let names = Names::new(&h);
        let silent = event(EventKind::CallSilent { call: 4, node: "quantum".into(), secs: 20 });
        assert_eq!(progress_line(&silent, &h, &names).as_deref(), Some("Quantum: no tokens for 20 s"));
        let unit = "The insight:\x1b[2J what purrs?".to_string();
        let looped = event(EventKind::CallLooped {
            call: 4,
            node: "echo".into(),
            unit,
            kept_chars: 80,
            tokens_after: 24,
        });
        let line = progress_line(&looped, &h, &names).unwrap_or_default();
        assert!(
            line.starts_with("   Echo  stopped: repeating itself (\"The insight: what purrs?\")"),
            "{line}"
        );
        assert!(line.ends_with("24 tokens cut"), "{line}");
        let queued = event(EventKind::CallQueued { call: 5, node: "sage".into(), ahead: 2 });
        let line = progress_line(&queued, &h, &names);
        assert_eq!(line.as_deref(), Some("   Sage  queued (waiting for a free slot, 2 ahead)"));
        let totals =
            crate::engine::RunTotals { calls: 8, looped_calls: 2, wall_ms: 1500, ..Default::default() };
        let done =
            event(EventKind::RunFinished { status: crate::engine::RunStatus::Done, answer: None, totals });
        let line = progress_line(&done, &h, &names);
        assert_eq!(
            line.as_deref(),
            Some("run done: 8 calls (2 stopped repeating themselves), 0 tokens, 1.5 s")
        );
    }

    #[test]
    fn a_server_s_error_cannot_drive_the_terminal() {
        let h = six_node_tree();
        let names = Names::new(&h);
        let error = "HTTP 500: \x1b]0;pwned\x07\x1b[2Jgone\u{9b}31m".to_string();
        let line = progress_line(&finished("echo", Phase::Answer, Some(error)), &h, &names);
        assert_eq!(line.as_deref(), Some("   Echo  answer failed: HTTP 500: gone"));
    }
}
