//! Wrapped text kept in step with its source. The reducer syncs these after each message; views
//! only read them. A streaming call costs time proportional to its new text; a finished call is
//! rendered as Markdown once (and again only if the width changes).

use super::markdown;
use super::wrap::{Row, Wrapper};
use crate::config::Phase;
use crate::engine::CallId;
use crate::tui::state::run_counts::CallOutcome;
use crate::tui::state::run_view::CallView;
use crate::tui::theme::Role;

/// The wrapped reasoning, answer and error of one call.
#[derive(Debug, Clone)]
pub struct CallText {
    key: Option<(CallId, usize)>,
    finished: bool,
    content_seen: usize,
    reasoning_seen: usize,
    reasoning: Wrapper,
    content: Wrapper,
}

impl Default for CallText {
    fn default() -> Self {
        Self {
            key: None,
            finished: false,
            content_seen: 0,
            reasoning_seen: 0,
            reasoning: Wrapper::new(1),
            content: Wrapper::new(1),
        }
    }
}

impl CallText {
    /// Brings the rows up to date with `call` at `width`.
    pub fn sync(&mut self, call: &CallView, width: usize) {
        let key = Some((call.id, width));
        if self.key != key {
            *self = CallText {
                key,
                reasoning: Wrapper::new(width),
                content: Wrapper::new(width),
                ..Self::default()
            };
        }
        if self.finished {
            return;
        }
        if call.is_finished() {
            self.finished = true;
            self.reasoning = Wrapper::new(width);
            self.reasoning.push_str(&call.reasoning, Role::Reasoning);
            self.content = Wrapper::new(width);
            render_final(call, &mut self.content);
            return;
        }
        if let Some(new) = call.reasoning.get(self.reasoning_seen..) {
            self.reasoning.push_str(new, Role::Reasoning);
            self.reasoning_seen = call.reasoning.len();
        }
        if let Some(new) = call.text.get(self.content_seen..) {
            self.content.push_str(new, Role::Text);
            self.content_seen = call.text.len();
        }
    }

    fn separator(&self) -> usize {
        usize::from(!self.reasoning.is_empty() && !self.content.is_empty())
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.reasoning.len() + self.separator() + self.content.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows `top..top + height`.
    pub fn rows(&self, top: usize, height: usize) -> Vec<Row> {
        let first = self.reasoning.len();
        let sep = self.separator();
        let mut out = Vec::with_capacity(height);
        if top < first {
            out.extend(self.reasoning.rows(top, height));
        }
        let mut row = top.max(first);
        if sep == 1 && row == first && out.len() < height {
            out.push(Row::default());
        }
        row = row.max(first + sep);
        if out.len() < height {
            out.extend(self.content.rows(row - first - sep, height - out.len()));
        }
        out
    }
}

/// A finished call: its answer as Markdown (a split as the list of sub-tasks), then its error.
fn render_final(call: &CallView, out: &mut Wrapper) {
    // A split reads as its list of sub-tasks, even one cut off by a cancel or a failure.
    let split = if call.phase == Phase::Split { super::split::items(&call.text) } else { None };
    match split {
        Some(items) => {
            for (i, task) in items.tasks.iter().enumerate() {
                let bullet = format!("{}. ", i + 1);
                out.push_unbroken(&bullet, Role::ListMarker);
                out.set_hang(bullet.len(), Role::Text);
                out.push_str(&crate::text::sanitize::one_line(task), Role::Text);
                out.newline();
            }
            if !items.complete {
                out.push_str("… (the split stopped here)", Role::Dim);
                out.newline();
            }
        }
        None => markdown::render_into(&call.text, out),
    }
    if let Some((line, role)) = ending_line(call) {
        if !out.is_empty() {
            out.newline();
        }
        out.push_str(&line, role);
    }
}

/// The line a call that did not answer ends with: cancelled, failed, or broke off and asked again
/// (then it says so, in a warning's colour: the run goes on).
pub fn ending_line(call: &CallView) -> Option<(String, Role)> {
    let error = call.error.as_ref()?;
    Some(match call.next {
        _ if call.outcome() == CallOutcome::Cancelled => ("⊘ cancelled".into(), Role::NodeCancelled),
        Some(next) if next.asks_again() => {
            (format!("↻ {} ({error}); {}", next.what_happened(), next.what_followed()), Role::StatusWarn)
        }
        Some(next) => (format!("✖ {error}; {}", next.what_followed()), Role::NodeFailed),
        None => (format!("✖ {error}"), Role::NodeFailed),
    })
}

/// Wrapped text rebuilt only when its key changes (a task, the final answer, a zoom section).
#[derive(Debug, Clone)]
pub struct Memo<K: PartialEq> {
    key: Option<K>,
    rows: Wrapper,
}

impl<K: PartialEq> Default for Memo<K> {
    fn default() -> Self {
        Self { key: None, rows: Wrapper::new(1) }
    }
}

impl<K: PartialEq> Memo<K> {
    /// Rebuilds with `build` at `width` unless `key` (which should include the width) is unchanged.
    pub fn ensure(&mut self, key: K, width: usize, build: impl FnOnce(&mut Wrapper)) {
        if self.key.as_ref() == Some(&key) {
            return;
        }
        let mut rows = Wrapper::new(width);
        build(&mut rows);
        self.rows = rows;
        self.key = Some(key);
    }

    /// Forgets the rows (nothing is allocated when there were none).
    pub fn reset(&mut self) {
        if self.key.is_some() {
            *self = Self::default();
        }
    }

    pub fn wrapper(&self) -> &Wrapper {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn rows(&self, top: usize, height: usize) -> Vec<Row> {
        self.rows.rows(top, height)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::config::Phase;
    use crate::engine::{CallMetrics, EventKind, RunEvent, testkit};
    use crate::llm::ChatRequest;
    use crate::tui::state::run_view::RunView;

    fn event(kind: EventKind) -> RunEvent {
        RunEvent { run_id: "r".into(), at_ms: 0, kind }
    }

    fn run_with_call() -> RunView {
        let hierarchy = Arc::new(testkit::six_node_tree());
        let mut run = RunView::idle(hierarchy.clone());
        run.apply(&event(EventKind::RunStarted {
            prompt: "q".into(),
            root: "atlas".into(),
            hierarchy,
            hierarchy_hash: String::new(),
            app_version: String::new(),
            kind: "tree".into(),
            conversation: None,
        }));
        let request = ChatRequest {
            model: "m".into(),
            messages: Vec::new(),
            temperature: 0.0,
            top_p: 1.0,
            max_tokens: 10,
            seed: None,
            response_format: None,
            sampling: Default::default(),
        };
        run.apply(&event(EventKind::CallStarted {
            call: 1,
            node: "echo".into(),
            phase: Phase::Answer,
            parent_call: None,
            endpoint: "e".into(),
            request: Arc::new(request),
            truncated_input: false,
            reflection: None,
        }));
        run
    }

    fn token(run: &mut RunView, text: &str, reasoning: bool) {
        run.apply(&event(EventKind::Token {
            call: 1,
            node: "echo".into(),
            phase: Phase::Answer,
            text: text.into(),
            reasoning,
            pieces: 1,
        }));
    }

    fn texts(t: &CallText) -> Vec<String> {
        t.rows(0, t.len()).iter().map(Row::text).collect()
    }

    #[test]
    fn streams_plain_then_renders_markdown_when_finished() {
        let mut run = run_with_call();
        let mut text = CallText::default();
        token(&mut run, "thinking hard", true);
        token(&mut run, "**Bold** ", false);
        token(&mut run, "answer", false);
        text.sync(&run.calls[0], 20);
        assert_eq!(texts(&text), ["thinking hard", "", "**Bold** answer"]);
        run.apply(&event(EventKind::CallFinished {
            call: 1,
            node: "echo".into(),
            phase: Phase::Answer,
            metrics: CallMetrics::default(),
            text: "**Bold** answer".into(),
            reasoning: "thinking hard".into(),
            split: None,
            error: None,
            next: None,
        }));
        text.sync(&run.calls[0], 20);
        assert_eq!(texts(&text), ["thinking hard", "", "Bold answer"]);
        assert_eq!(text.rows(2, 1)[0].segs[0].role, Role::Strong);
        text.sync(&run.calls[0], 8);
        assert_eq!(texts(&text), ["thinking", "hard", "", "Bold", "answer"], "a new width re-wraps");
    }

    #[test]
    fn a_failed_call_keeps_its_partial_text_and_shows_the_error() {
        let mut run = run_with_call();
        token(&mut run, "partial ", false);
        run.apply(&event(EventKind::CallFinished {
            call: 1,
            node: "echo".into(),
            phase: Phase::Answer,
            metrics: CallMetrics::default(),
            text: String::new(),
            reasoning: String::new(),
            split: None,
            error: Some("the stream went silent".into()),
            next: None,
        }));
        let mut text = CallText::default();
        text.sync(&run.calls[0], 40);
        assert_eq!(texts(&text), ["partial", "", "✖ the stream went silent"]);
    }

    #[test]
    fn a_call_asked_again_says_so_in_a_warning_not_a_failure() {
        let mut run = run_with_call();
        run.apply(&event(EventKind::CallFinished {
            call: 1,
            node: "echo".into(),
            phase: Phase::Answer,
            metrics: CallMetrics::default(),
            text: String::new(),
            reasoning: String::new(),
            split: None,
            error: Some("dropped".into()),
            next: Some(crate::engine::AfterFailure::AskAgain),
        }));
        let mut text = CallText::default();
        text.sync(&run.calls[0], 60);
        assert_eq!(texts(&text), ["↻ broke off (dropped); asked again"]);
        assert_eq!(text.rows(0, 1)[0].segs[0].role, Role::StatusWarn);
    }
}
