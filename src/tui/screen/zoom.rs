//! The zoom view's document: one node's task, what the lab's judge said each parent added (a run
//! judged with `ailab eval --levels`), every call it made (what was sent, what came back, how it
//! went) and its failure. Sections are cached and rebuilt only when their source changes;
//! the streaming reply grows incrementally like a pane.

use crate::lab::levels::ParentVerdict;
use crate::llm::Role as ChatRole;
use crate::text::sanitize::sanitize;
use crate::tui::format;
use crate::tui::state::run_view::{CallView, RunView};
use crate::tui::text::cached::{CallText, Memo};
use crate::tui::text::wrap::{Row, Wrapper};
use crate::tui::theme::Role;

/// (run generation, width, what the section shows).
type Key = (u64, usize, u64);

#[derive(Debug, Clone)]
enum Section {
    Static(Memo<Key>),
    Reply(CallText),
}

impl Section {
    fn len(&self) -> usize {
        match self {
            Section::Static(m) => m.len(),
            Section::Reply(t) => t.len(),
        }
    }

    fn rows(&self, top: usize, height: usize) -> Vec<Row> {
        match self {
            Section::Static(m) => m.rows(top, height),
            Section::Reply(t) => t.rows(top, height),
        }
    }
}

/// The zoom view's document for one node, wrapped for the document area.
#[derive(Debug, Clone, Default)]
pub struct ZoomText {
    /// The node it was built for (a zoom into another node starts over).
    pub node: usize,
    sections: Vec<Section>,
    /// Rows of the document area (for paging).
    pub height: usize,
}

impl ZoomText {
    /// Total rows.
    pub fn len(&self) -> usize {
        self.sections.iter().map(Section::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows `top..top + height` across sections.
    pub fn rows(&self, top: usize, height: usize) -> Vec<Row> {
        let mut out = Vec::with_capacity(height);
        let mut start = 0;
        for section in &self.sections {
            let len = section.len();
            if out.len() >= height {
                break;
            }
            if top < start + len {
                let from = top.saturating_sub(start);
                out.extend(section.rows(from, height - out.len()));
            }
            start += len;
        }
        out
    }

    /// The whole document as plain text (for copying).
    pub fn plain_text(&self) -> String {
        self.rows(0, self.len()).iter().map(Row::text).collect::<Vec<_>>().join("\n")
    }

    /// Brings every section up to date with the run at `width` columns; `levels` is what the
    /// lab's judge said of the run's parents (empty when it was not judged so).
    pub fn sync(&mut self, zoomed: Zoomed<'_>, generation: u64, width: usize, height: usize) {
        let Zoomed { node, run, levels } = zoomed;
        if self.node != node {
            *self = ZoomText { node, ..ZoomText::default() };
        }
        self.height = height.max(1);
        let Some(node) = run.nodes.get(self.node) else { return };
        let calls: Vec<&CallView> = node.calls.iter().map(|&i| &run.calls[i]).collect();
        let wanted = FIRST_CALL + 1 + calls.len() * 3;
        self.sections.truncate(wanted);
        while self.sections.len() < wanted {
            let i = self.sections.len();
            let reply = i >= FIRST_CALL && i < wanted - 1 && (i - FIRST_CALL) % 3 == 2;
            self.sections.push(if reply {
                Section::Reply(CallText::default())
            } else {
                Section::Static(Memo::default())
            });
        }
        let (label, _, role) = format::node_state(node.status.as_ref());
        if let Section::Static(memo) = &mut self.sections[0] {
            memo.ensure((generation, width, hash(label)), width, |w| {
                w.push_str(&node.name, Role::Title);
                w.push_str(&format!(" · {}", node.role), Role::Dim);
                w.newline();
                w.push_str(&format!("{label}  ·  model {}", node.model), role);
                w.newline();
                w.newline();
            });
        }
        if let Section::Static(memo) = &mut self.sections[1] {
            let task_len = node.task.as_ref().map_or(0, String::len) as u64
                ^ (node.flag.is_some() as u64) << 40
                ^ (node.fallback_reason.as_ref().map_or(0, String::len) as u64) << 44;
            memo.ensure((generation, width, task_len), width, |w| {
                heading(w, "Task");
                match &node.task {
                    Some(task) => w.push_str(task, Role::Text),
                    None => w.push_str("No task yet.", Role::Dim),
                }
                w.newline();
                match &node.fallback_reason {
                    Some(why) => {
                        w.push_str(&format!("(Fallback: {why}; so this node got the whole task, framed by its role.)"), Role::Dim);
                        w.newline();
                    }
                    None if node.split == Some(crate::engine::SplitMethod::Fallback) => {
                        w.push_str(
                            "(The parent's split could not be read, so this node got the whole task, framed by its role.)",
                            Role::Dim,
                        );
                        w.newline();
                    }
                    None => {}
                }
                if let Some(flag) = &node.flag {
                    w.push_str(&format!("Flagged: {flag}; its parent did not take it as an answer."), Role::Dim);
                    w.newline();
                }
            });
        }
        if let Section::Static(memo) = &mut self.sections[2] {
            // A run's judgements arrive once, after the run: the node and their count key the lines.
            let key = hash(&node.id) ^ levels.len() as u64;
            memo.ensure((generation, width, key), width, |w| {
                let lines = level_lines(run, &node.id, levels);
                let judges: std::collections::BTreeSet<String> =
                    levels.iter().map(|v| sanitize(&v.judge_model)).collect();
                let judges = judges.into_iter().collect::<Vec<_>>().join(", ");
                if lines.is_empty() {
                    return;
                }
                w.newline();
                heading(w, "Value added at each level");
                w.push_str(
                    &format!(
                        "The lab's judge ({judges}) compared each parent's answer with its children's replies \
                         joined, on the parent's own task, in both orders."
                    ),
                    Role::Dim,
                );
                w.newline();
                for line in &lines {
                    w.push_str(line, Role::Text);
                    w.newline();
                }
            });
        }
        for (i, call) in calls.iter().enumerate() {
            let base = FIRST_CALL + i * 3;
            if let Section::Static(memo) = &mut self.sections[base] {
                let state = u64::from(call.is_finished()) << 32 | u64::from(call.id);
                memo.ensure((generation, width, state), width, |w| call_header(w, call, width));
            }
            if let Section::Static(memo) = &mut self.sections[base + 1] {
                memo.ensure((generation, width, u64::from(call.id)), width, |w| request(w, call));
            }
            if let Section::Reply(text) = &mut self.sections[base + 2] {
                text.sync(call, width);
            }
        }
        if let Some(Section::Static(memo)) = self.sections.last_mut() {
            let failure_len = node.failure.as_ref().map_or(0, String::len) as u64;
            memo.ensure((generation, width, failure_len), width, |w| {
                if let Some(failure) = &node.failure {
                    w.newline();
                    heading(w, "Failed");
                    w.push_str(failure, Role::NodeFailed);
                    w.newline();
                }
            });
        }
    }
}

/// Sections before the first call's: the header, the task, the value added at each level.
const FIRST_CALL: usize = 3;

/// What the zoom shows: a node of a run, and what the lab's judge said of the run's parents.
#[derive(Debug, Clone, Copy)]
pub struct Zoomed<'a> {
    pub node: usize,
    pub run: &'a RunView,
    pub levels: &'a [ParentVerdict],
}

/// One line per judged parent, in tree order, the zoomed node's marked: "▸ Nova: better than its
/// parts (judge: both orders agree)".
fn level_lines(run: &RunView, zoomed: &str, levels: &[ParentVerdict]) -> Vec<String> {
    let position = |id: &str| run.nodes.iter().position(|n| n.id == id).unwrap_or(usize::MAX);
    let mut levels: Vec<&ParentVerdict> = levels.iter().collect();
    levels.sort_by_key(|v| (position(&v.node), v.judge_model.clone()));
    let first_judge = levels.first().map(|v| v.judge_model.as_str());
    let several = levels.iter().any(|v| Some(v.judge_model.as_str()) != first_judge);
    levels
        .into_iter()
        .map(|v| {
            let name = run
                .nodes
                .iter()
                .find(|n| n.id == v.node)
                .map_or_else(|| sanitize(&v.node), |n| n.name.clone());
            let mark = if v.node == zoomed { "▸ " } else { "  " };
            sanitize(&format!("{mark}{}", v.line(&name, several)))
        })
        .collect()
}

fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

fn heading(w: &mut Wrapper, text: &str) {
    w.push_str(text, Role::Heading);
    w.newline();
}

/// `── #4 answer ─────` then the call's figures (the flow view's opened message shows them too).
pub(super) fn call_header(w: &mut Wrapper, call: &CallView, width: usize) {
    w.newline();
    let title = match &call.reflection {
        Some(round) => format!("── #{} {} · {} ", call.id, call.phase, round.title()),
        None => format!("── #{} {} ", call.id, call.phase),
    };
    let fill = width.saturating_sub(unicode_width::UnicodeWidthStr::width(title.as_str()));
    w.push_str(&title, Role::Heading);
    w.push_str(&"─".repeat(fill), Role::Rule);
    w.newline();
    let mut facts = Vec::new();
    if let Some(parent) = call.parent_call {
        facts.push(format!("after call #{parent}"));
    }
    match &call.metrics {
        Some(m) => {
            facts.push(format!("{} tokens out", format::thousands(u64::from(m.completion_tokens))));
            if let Some(prompt) = m.prompt_tokens {
                facts.push(format!("{} in", format::thousands(u64::from(prompt))));
            }
            if let Some(rate) = m.tokens_per_sec {
                facts.push(format!("{rate:.1} tok/s"));
            }
            if let Some(ttft) = m.ttft_ms() {
                facts.push(format!("first token after {}", format::duration(ttft)));
            }
            facts.push(format!("took {}", format::duration(m.ended_ms - m.started_ms)));
            if let Some(reason) = &m.finish_reason {
                facts.push(format!("finish: {}", sanitize(reason)));
            }
            if let Some(model) = m.answering_model.as_deref().filter(|a| *a != m.requested_model) {
                facts.push(format!("answered by {}", sanitize(model)));
            }
            if m.retries > 0 {
                facts.push(match m.retries {
                    1 => "1 retry".to_string(),
                    n => format!("{n} retries"),
                });
            }
        }
        None => facts.push("in progress".into()),
    }
    if let Some(method) = call.split {
        facts.push(format!("split read as {}", method.as_str()));
    }
    if call.truncated_input {
        facts.push("input cut to fit the context".into());
    }
    w.push_str(&facts.join(" · "), Role::Metrics);
    w.newline();
}

/// The exact messages sent, with the parameters.
pub(super) fn request(w: &mut Wrapper, call: &CallView) {
    let r = &call.request;
    // Every call records where it went, and the offline demo's endpoint is "demo": a live run, a
    // run made before the session switched to the demo, and a past one all say what happened.
    let demo = call.endpoint == crate::llm::demo::DEMO_ENDPOINT;
    let mut params = if demo {
        format!(
            "Offline demo: nothing was sent; a scripted answer stood in for {}. A real run sends this \
             to {}: temperature {}, top_p {}, max {} tokens",
            sanitize(&r.model),
            call.endpoint,
            r.temperature,
            r.top_p,
            r.max_tokens
        )
    } else {
        format!(
            "Sent to {} at {}: temperature {}, top_p {}, max {} tokens",
            sanitize(&r.model),
            call.endpoint,
            r.temperature,
            r.top_p,
            r.max_tokens
        )
    };
    if let Some(seed) = r.seed {
        params.push_str(&format!(", seed {seed}"));
    }
    // The optional knobs, only those sent.
    let k = &r.sampling;
    let knobs = [
        ("frequency_penalty", k.frequency_penalty),
        ("presence_penalty", k.presence_penalty),
        ("repeat_penalty", k.repeat_penalty),
        ("min_p", k.min_p),
        ("top_k", k.top_k.map(|n| n as f32)),
    ];
    for (name, value) in knobs.iter().filter_map(|(name, v)| v.map(|v| (name, v))) {
        params.push_str(&format!(", {name} {value}"));
    }
    if r.response_format.is_some() {
        params.push_str(", answer constrained by a JSON schema");
    }
    w.push_str(&params, Role::Dim);
    w.newline();
    for message in &r.messages {
        let label = match message.role {
            ChatRole::System => "▌system",
            ChatRole::User => "▌user",
            ChatRole::Assistant => "▌assistant",
        };
        w.push_str(label, Role::Accent);
        w.newline();
        w.push_str(&sanitize(&message.content), Role::Dim);
        w.newline();
    }
    w.push_str("▌reply", Role::Accent);
    w.newline();
}
