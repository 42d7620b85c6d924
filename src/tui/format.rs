//! Numbers and states as the interface writes them: `1.2 s`, `1,234 tok`, `21.3 tok/s`.

use crate::engine::{NodeStatus, RunStatus};
pub use crate::text::thousands;
use crate::tui::state::run_view::Figures;
use crate::tui::theme::Role;

/// `850 ms`, `4.2 s`, `3 m 05 s`.
pub fn duration(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} m {:02} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// The footer of a pane, longest form first; callers drop parts from the end to fit.
pub fn figures(f: &Figures) -> Vec<String> {
    let mut parts = vec![format!("{} tok", thousands(u64::from(f.tokens)))];
    if let Some(rate) = f.tokens_per_sec {
        parts.push(format!("{rate:.1} tok/s"));
    }
    if let Some(ttft) = f.ttft_ms {
        parts.push(format!("ttft {}", duration(ttft)));
    }
    if let Some(elapsed) = f.elapsed_ms {
        parts.push(duration(elapsed));
    }
    parts
}

/// Joins parts with ` · ` dropping trailing ones until it fits `width`.
pub fn fit_parts(parts: &[String], width: usize) -> String {
    for n in (1..=parts.len()).rev() {
        let joined = parts[..n].join(" · ");
        if unicode_width::UnicodeWidthStr::width(joined.as_str()) <= width {
            return joined;
        }
    }
    String::new()
}

/// The label, glyph and style role of a node state (`None` = before any run).
pub fn node_state(status: Option<&NodeStatus>) -> (&'static str, &'static str, Role) {
    match status {
        None => ("idle", "·", Role::NodeIdle),
        Some(NodeStatus::Waiting) => ("waiting", "○", Role::NodeWaiting),
        Some(NodeStatus::Splitting) => ("splitting", "◇", Role::NodeSplitting),
        Some(NodeStatus::Delegated) => ("delegated", "⇣", Role::NodeDelegated),
        Some(NodeStatus::Answering) => ("answering", "●", Role::NodeAnswering),
        Some(NodeStatus::Reflecting) => ("reflecting", "↻", Role::NodeReflecting),
        Some(NodeStatus::Critiquing) => ("critiquing", "⚖", Role::NodeCritiquing),
        Some(NodeStatus::Revising) => ("revising", "✎", Role::NodeRevising),
        Some(NodeStatus::Synthesizing) => ("synthesizing", "⇡", Role::NodeSynthesizing),
        Some(NodeStatus::Done) => ("done", "✔", Role::NodeDone),
        Some(NodeStatus::Failed { .. }) => ("failed", "✖", Role::NodeFailed),
        Some(NodeStatus::Cancelled) => ("cancelled", "⊘", Role::NodeCancelled),
    }
}

/// The label and role of a run's status.
pub fn run_status(status: RunStatus) -> (&'static str, Role) {
    match status {
        RunStatus::Running => ("running", Role::NodeAnswering),
        RunStatus::Done => ("done", Role::NodeDone),
        RunStatus::Degraded => ("degraded", Role::StatusWarn),
        RunStatus::Failed => ("failed", Role::NodeFailed),
        RunStatus::Cancelled => ("cancelled", Role::NodeCancelled),
        RunStatus::Interrupted => ("interrupted", Role::NodeCancelled),
    }
}

/// A spinner frame for the clock (changes every 100 ms).
pub fn spinner(now_ms: i64) -> &'static str {
    const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    FRAMES[(now_ms.rem_euclid(1000) / 100) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(4_230), "4.2 s");
        assert_eq!(duration(185_000), "3 m 05 s");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
    }

    #[test]
    fn parts_drop_from_the_end_to_fit() {
        let parts = vec!["132 tok".to_string(), "21.3 tok/s".to_string(), "6.2 s".to_string()];
        assert_eq!(fit_parts(&parts, 40), "132 tok · 21.3 tok/s · 6.2 s");
        assert_eq!(fit_parts(&parts, 20), "132 tok · 21.3 tok/s");
        assert_eq!(fit_parts(&parts, 3), "");
    }
}
