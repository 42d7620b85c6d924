//! The text of the final answer panel: the root's answer as Markdown, or why there is none.

use crate::engine::RunStatus;
use crate::tui::state::run_view::RunView;
use crate::tui::text::markdown;
use crate::tui::text::wrap::Wrapper;
use crate::tui::theme::Role;

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
