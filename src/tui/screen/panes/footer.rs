//! The rows at the bottom of a pane, under its text: why its node failed, or one notice (a wait,
//! a flagged answer, a loop, a fallback task). Shared by the view, which draws them, and the
//! reducer, which must know how many rows of text the pane shows to find a section by its row.

use crate::engine::NodeStatus;
use crate::tui::state::run_view::{CallView, CallWait, RunView};
use crate::tui::text::wrap::{self, Row};
use crate::tui::theme::Role;

/// The footer rows of node `index`'s pane, `width` columns wide, in text `height` rows tall.
/// With a caption above (`captioned`), a loop is left to it, and so is a wait when the caption
/// is shown whole (it tells the wait first).
pub fn rows(
    run: &RunView,
    index: usize,
    width: usize,
    height: usize,
    captioned: bool,
    caption_whole: bool,
) -> Vec<Row> {
    let Some(node) = run.nodes.get(index) else { return Vec::new() };
    let call = run.current_call(index);
    let wait = call.and_then(|c| c.wait).filter(|_| !caption_whole);
    // The reason, unless the failed call already shows it at the end of its text.
    let call_error = call.and_then(|c| c.error.as_deref());
    let failure = match &node.status {
        Some(NodeStatus::Failed { reason }) => Some(node.failure.as_deref().unwrap_or(reason)),
        _ => None,
    }
    .filter(|reason| !call_error.is_some_and(|e| reason.contains(e)));
    // A failure keeps the last rows of the pane, at most three; else a flagged answer or a
    // fallback task says why on the last row.
    let looped = call.is_some_and(CallView::looped) && !captioned;
    let notice = wait
        .map(wait_notice)
        .or_else(|| node.flag.as_ref().map(|flag| format!("⚠ flagged: {flag}")))
        .or_else(|| looped.then(|| "⟲ stopped: repeating itself".to_string()))
        .or_else(|| node.fallback_reason.as_ref().map(|why| format!("↳ fallback task: {why}")));
    match (failure, notice) {
        (Some(reason), _) => {
            let mut rows = wrap::wrap(&format!("✖ {reason}"), width, Role::NodeFailed);
            rows.truncate(3.min(height / 2).max(1));
            rows
        }
        (None, Some(notice)) if height > 2 => {
            let mut rows = wrap::wrap(&notice, width, Role::StatusWarn);
            // A wait is the whole story of a pane that shows no progress: it may take two rows.
            rows.truncate(if wait.is_some() && height > 4 { 2 } else { 1 });
            rows
        }
        _ => Vec::new(),
    }
}

/// What a waiting call's pane says, in plain words.
pub fn wait_notice(wait: CallWait) -> String {
    match wait {
        CallWait::Queued { ahead: 0 } => "queued (waiting for a free slot, next in line)".into(),
        CallWait::Queued { ahead } => format!("queued (waiting for a free slot, {ahead} ahead)"),
        CallWait::Silent { secs } => format!("silent for {secs} s…"),
    }
}
