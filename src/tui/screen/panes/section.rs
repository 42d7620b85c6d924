//! One section of a pane: a header row, then what the node was asked or what one of its calls
//! wrote. A finished section's rows are wrapped once per width and kept; only a streaming call's
//! rows grow, with its new text. A folded section shows its header only.

use unicode_width::UnicodeWidthStr;

use super::bodies;
use super::heading::{self, Heading, Part};
use crate::config::Phase;
use crate::engine::AfterFailure;
use crate::tui::state::SectionId;
use crate::tui::state::run_counts::CallOutcome;
use crate::tui::state::run_view::{CallView, NodeView, RunView};
use crate::tui::text::cached::{CallText, Memo};
use crate::tui::text::wrap::{Row, Seg, truncate};
use crate::tui::theme::Role;

/// How a section's source stands, as its header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Its call is still going: the section stays open.
    Going,
    Done,
    Failed,
    /// The call failed and the engine asked it again (a split that broke off or did not fit).
    AskedAgain {
        shorter: bool,
    },
    Cancelled,
    /// The loop guard stopped the call (its text is kept up to where the loop began).
    Looped,
}

impl Ending {
    fn of(call: Option<&CallView>) -> Ending {
        let Some(call) = call else { return Ending::Done };
        if call.looped() {
            return Ending::Looped;
        }
        match call.outcome() {
            CallOutcome::Running => Ending::Going,
            CallOutcome::Done => Ending::Done,
            CallOutcome::Failed => match call.next {
                Some(next) if next.asks_again() => {
                    Ending::AskedAgain { shorter: next == AfterFailure::Shorten }
                }
                _ => Ending::Failed,
            },
            CallOutcome::Cancelled => Ending::Cancelled,
        }
    }

    /// What the header adds after the title.
    fn words(self) -> Option<(&'static str, Role)> {
        match self {
            Ending::Going | Ending::Done => None,
            Ending::Failed => Some(("failed", Role::NodeFailed)),
            Ending::AskedAgain { shorter: false } => Some(("broke off · asked again", Role::StatusWarn)),
            Ending::AskedAgain { shorter: true } => {
                Some(("too long for the model · asked again shorter", Role::StatusWarn))
            }
            Ending::Cancelled => Some(("cancelled", Role::NodeCancelled)),
            Ending::Looped => Some(("stopped: repeating itself", Role::StatusWarn)),
        }
    }
}

/// What a header row was drawn for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HeaderKey {
    width: usize,
    ending: Ending,
    /// The body's rows, when folded (the header counts them).
    folded: Option<usize>,
}

/// One section's rows.
#[derive(Debug, Clone)]
pub struct SectionText {
    pub id: SectionId,
    header: Option<(HeaderKey, Row)>,
    /// The body when built whole and kept while its key holds (the task, a settled split):
    /// keyed by (width, version of its source).
    text: Memo<(usize, u64)>,
    /// The body when it is a call's own text, grown as it streams.
    reply: CallText,
    /// Which of the two is the body.
    shows_reply: bool,
    ending: Ending,
    folded: bool,
}

impl SectionText {
    pub fn new(id: SectionId) -> SectionText {
        SectionText {
            id,
            header: None,
            text: Memo::default(),
            reply: CallText::default(),
            shows_reply: false,
            ending: Ending::Going,
            folded: false,
        }
    }

    /// Rows shown: the header, then the body unless folded.
    pub fn row_count(&self) -> usize {
        1 + if self.folded { 0 } else { self.body_len() }
    }

    /// Rows under the header when open.
    pub fn body_len(&self) -> usize {
        if self.shows_reply { self.reply.len() } else { self.text.len() }
    }

    /// True once its source has ended: only such a section can be folded.
    pub fn foldable(&self) -> bool {
        self.ending != Ending::Going
    }

    pub fn is_folded(&self) -> bool {
        self.folded
    }

    /// Rows `top..top + height` of this section.
    pub fn rows(&self, top: usize, height: usize, out: &mut Vec<Row>) {
        if height == 0 {
            return;
        }
        let mut top = top;
        let mut height = height;
        if top == 0 {
            out.push(self.header.as_ref().map(|(_, row)| row.clone()).unwrap_or_default());
            height -= 1;
        } else {
            top -= 1;
        }
        if self.folded || height == 0 {
            return;
        }
        if self.shows_reply {
            out.extend(self.reply.rows(top, height));
        } else {
            out.extend(self.text.rows(top, height));
        }
    }

    /// Brings the section up to date with the run at `width`: `call` is its call (none for what
    /// the node was asked), `fold` the user's wish.
    pub fn sync(&mut self, run: &RunView, node: usize, call: Option<&CallView>, width: usize, fold: bool) {
        let Some(n) = run.nodes.get(node) else { return };
        self.ending = Ending::of(call);
        self.folded = fold && self.foldable();
        match call {
            None => {
                self.shows_reply = false;
                self.text.ensure((width, u64::from(n.assigned)), width, |w| bodies::asked(w, run, n));
            }
            Some(call) if call.phase == Phase::Split && bodies::split_settled(run, n, call) => {
                // Each child's task counts: a restart gives one another after the split ended.
                let version = n.children.iter().map(|&c| u64::from(run.nodes[c].assigned)).sum();
                if self.shows_reply {
                    // The streamed text is not shown again: its rows are let go.
                    self.shows_reply = false;
                    self.reply = CallText::default();
                }
                self.text.ensure((width, version), width, |w| bodies::split_list(w, run, n, call));
            }
            Some(call) => {
                self.shows_reply = true;
                self.reply.sync(call, width);
            }
        }
        let key = HeaderKey { width, ending: self.ending, folded: self.folded.then(|| self.body_len()) };
        if self.header.as_ref().is_none_or(|(k, _)| *k != key) {
            let title = heading::title(&heading_of(run, n, call));
            self.header = Some((key, header_row(&title, key)));
        }
    }
}

/// What a section's header names, read from the run.
fn heading_of<'a>(run: &'a RunView, node: &'a NodeView, call: Option<&'a CallView>) -> Heading<'a> {
    let name = |i: usize| run.nodes.get(i).map(|n| n.name.as_str());
    let parent = node.parent.and_then(name);
    let rounds = run.hierarchy.node(&node.id).map_or(0, |n| n.reflect);
    let base = Heading {
        part: Part::Asked,
        round: 1,
        rounds,
        level: None,
        node: &node.name,
        parent: !node.children.is_empty(),
        others: Vec::new(),
    };
    let Some(call) = call else {
        // The user asked the root, and a member asked alone; a parent's split gave the others theirs.
        let others = if node.split.is_some() { parent.into_iter().collect() } else { Vec::new() };
        return Heading { others, ..base };
    };
    let round = node
        .calls
        .iter()
        .filter_map(|&i| run.calls.get(i))
        .take_while(|c| c.id != call.id)
        .filter(|c| c.phase == call.phase)
        .count() as u32
        + 1;
    let source = || call.parent_call.and_then(|p| run.call(p)).and_then(|p| name(p.node));
    let others = match call.phase {
        Phase::Split => node.children.iter().filter_map(|&c| name(c)).collect(),
        Phase::Critique | Phase::Revise => source().into_iter().collect(),
        _ => Vec::new(),
    };
    // A reflection call says itself which round of how many it is (and its level's name): the
    // record keeps it, so a past run reads as the live one did, whatever the file says now.
    if let (Phase::Reflect, Some(step)) = (call.phase, &call.reflection) {
        let level = step.name.as_deref();
        return Heading {
            part: Part::Call(call.phase),
            round: step.round,
            rounds: step.of,
            level,
            others,
            ..base
        };
    }
    Heading { part: Part::Call(call.phase), round, others, ..base }
}

/// `▾ Title · failed ────` (folded: `▸ Title · 12 rows ────`), cut to the width.
fn header_row(title: &str, key: HeaderKey) -> Row {
    let mut segs: Vec<(String, Role)> =
        vec![(if key.folded.is_some() { "▸ " } else { "▾ " }.into(), Role::Rule)];
    segs.push((title.to_string(), Role::Heading));
    if let Some((words, role)) = key.ending.words() {
        segs.push((" · ".into(), Role::Dim));
        segs.push((words.into(), role));
    }
    if let Some(rows) = key.folded {
        let rows = if rows == 1 { "1 row".to_string() } else { format!("{rows} rows") };
        segs.push((format!(" · {rows} folded"), Role::Dim));
    }
    let mut row = Row::default();
    let mut room = key.width;
    for (text, role) in segs {
        let text = truncate(&text, room);
        let width = text.width();
        if width == 0 {
            break;
        }
        room -= width;
        row.width += width;
        row.segs.push(Seg { text, role });
    }
    if room > 1 {
        let rule = format!(" {}", "─".repeat(room - 1));
        row.width += room;
        row.segs.push(Seg { text: rule, role: Role::Rule });
    }
    row
}
