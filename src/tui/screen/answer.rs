//! The text of the final answer panel: the root's answer as Markdown, or why there is none.

use crate::engine::{PastTurn, RunStatus, TurnKind};
use crate::text::flatten;
use crate::text::sanitize::sanitize;
use crate::tui::state::run_view::RunView;
use crate::tui::text::markdown;
use crate::tui::text::wrap::Wrapper;
use crate::tui::theme::Role;

/// Writes the answer panel: the conversation's earlier turns (question, then the team's answer),
/// then this turn's. Returns the row this turn starts at, where the panel opens.
pub fn conversation_body(run: &RunView, earlier: &[PastTurn], w: &mut Wrapper) -> usize {
    if earlier.is_empty() {
        answer_body(run, w);
        return 0;
    }
    for (index, turn) in earlier.iter().enumerate() {
        // A question to one member alone names it; a resynthesis revisits an earlier question.
        let to = turn.member.as_deref().and_then(|id| run.node_index(id)).map(|i| run.nodes[i].name.as_str());
        match (turn.kind, to) {
            (TurnKind::Expansion, Some(name)) => {
                question(index + 1, &format!("(to {name}) {}", turn.question), w)
            }
            (TurnKind::Resynthesis, Some(name)) => {
                question(index + 1, &format!("(the team takes up {name}'s reply) {}", turn.question), w)
            }
            _ => question(index + 1, &turn.question, w),
        }
        match &turn.answer {
            Some(answer) => markdown::render_into(&sanitize(answer), w),
            None => w.push_str("(the team gave no answer on this turn)", Role::Dim),
        }
        if !turn.complete {
            w.newline();
            w.push_str("(this turn did not finish: its text is incomplete)", Role::StatusWarn);
        }
        w.newline();
        w.newline();
    }
    let anchor = w.len();
    // An expansion's one member is the one given the question.
    let asked = run.nodes.iter().find(|n| n.task.is_some()).map(|n| n.name.as_str());
    match (run.turn.as_ref().map(|t| t.kind), asked) {
        (Some(TurnKind::Expansion), Some(name)) => {
            question(earlier.len() + 1, &format!("(to {name}) {}", run.prompt), w)
        }
        _ => question(earlier.len() + 1, &run.prompt, w),
    }
    answer_body(run, w);
    anchor
}

/// "You · turn 2 ─ the question", as a heading line.
fn question(turn: usize, text: &str, w: &mut Wrapper) {
    w.push_unbroken(&format!("You · turn {turn} ─ "), Role::Rule);
    w.push_str(&flatten(&sanitize(text)), Role::Accent);
    w.newline();
    w.newline();
}

/// Writes the answer panel's body for a finished run.
pub fn answer_body(run: &RunView, w: &mut Wrapper) {
    match run.status {
        Some(RunStatus::Degraded) => {
            let failed: Vec<String> = run.failed_nodes().iter().map(|(name, _)| name.to_string()).collect();
            let who =
                if failed.is_empty() { "a reflection or review".to_string() } else { failed.join(", ") };
            w.push_str(
                &format!("⚠ Degraded: {who} did not answer; the answer below is built from the rest."),
                Role::StatusWarn,
            );
            w.newline();
            w.newline();
        }
        Some(RunStatus::Cancelled) => {
            w.push_str(
                "⊘ Cancelled. What each node wrote before the cancel is still in its pane.",
                Role::NodeCancelled,
            );
            w.newline();
        }
        Some(RunStatus::Failed) => {
            w.push_str("✖ The run failed: ", Role::NodeFailed);
            let reason = run.error.as_deref().unwrap_or("the root node gave no answer (see the panes).");
            w.push_str(reason, Role::NodeFailed);
            w.newline();
        }
        _ => {}
    }
    if let Some(answer) = &run.answer {
        markdown::render_into(answer, w);
    }
}
