//! The lab's other arms, run through the same call path and event stream as the tree, so they are
//! streamed, measured and recorded alike: `solo` (the root's model alone), `compute` (the tree's
//! budget spent as N samples plus one aggregating call, Self-MoA style) and `judge` calls.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use futures::future::join_all;
use tokio_util::sync::CancellationToken;

use super::call::{CallOutput, RunContext};
use super::cascade::spec;
use super::ending::CallFailure;
use super::events::{EventKind, NodeStatus, RunStatus};
use super::prompts::{self, Asked, ChildReply};
use super::{Conversation, Engine, EventSink, RunId, RunSummary, hierarchy_hash};
use crate::config::template::render;
use crate::config::{Hierarchy, NodeConfig, Phase};
use crate::llm::{ChatMessage, ChatRequest, schema};

/// System prompt of the solo and sampling arms: a plain assistant, no organization.
pub const SOLO_SYSTEM: &str = "You are a helpful, careful assistant. Answer the user's request well: \
correct, clear, and complete, in at most 350 words.";

/// How the compute arm's aggregator combines the samples (Self-MoA).
pub const AGGREGATE_TEMPLATE: &str = "Several drafts answered the same request. Read them, keep what is \
correct and useful, drop mistakes and repetition, and write the single best answer (at most 350 words). \
Do not mention the drafts.\n\nRequest:\n{query}\n\nDrafts:\n{replies}\n\nBest answer:";

/// System prompt of the judge.
pub const JUDGE_SYSTEM: &str = "You are a strict, fair judge of answer quality. You compare two answers \
to the same request on correctness, usefulness, clarity and completeness. Length is not quality.";

/// The judge's instructions; it must reply with JSON naming the winner.
pub const JUDGE_TEMPLATE: &str = "Request:\n{query}\n\n[Answer A]\n{answer_a}\n[End of A]\n\n[Answer B]\n\
{answer_b}\n[End of B]\n\nWhich answer is better? Reply with JSON only: \
{\"winner\": \"A\" or \"B\" or \"tie\", \"reason\": \"one sentence\"}";

/// The judge's instructions when the right answer is known (MT-Bench's reference-guided grading).
pub const JUDGE_REFERENCE_TEMPLATE: &str = "Request:\n{query}\n\n[Reference answer]\n{reference}\n\
[End of reference]\n\n[Answer A]\n{answer_a}\n[End of A]\n\n[Answer B]\n{answer_b}\n[End of B]\n\n\
The reference answer is correct. An answer whose result contradicts it is wrong, however well written. \
Which answer is better? Reply with JSON only: {\"winner\": \"A\" or \"B\" or \"tie\", \"reason\": \"one sentence\"}";

/// The judge's instructions for a follow-up (MT-Bench's multi-turn judging): each answer is shown
/// as its whole conversation, and only the replies to the last question are judged.
pub const JUDGE_FOLLOW_UP_TEMPLATE: &str = "Two assistants each had a conversation with a user. Judge \
only their replies to the user's last question, reading the earlier turns as context.\n\n\
Last question:\n{query}\n\n{reference}[Conversation A]\n{answer_a}\n[End of A]\n\n\
[Conversation B]\n{answer_b}\n[End of B]\n\nWhose reply to the last question is better? Reply with JSON \
only: {\"winner\": \"A\" or \"B\" or \"tie\", \"reason\": \"one sentence\"}";

/// The reference block of [`JUDGE_FOLLOW_UP_TEMPLATE`], when the right answer is known.
const FOLLOW_UP_REFERENCE: &str = "[Reference answer to the last question]\n{reference}\n\
[End of reference]\n\nThe reference answer is correct. A reply whose result contradicts it is wrong, \
however well written.\n\n";

/// What the judge is asked about: the user's prompt, and its known right answer if there is one.
#[derive(Debug, Clone, Copy)]
pub struct JudgeQuestion<'a> {
    pub prompt: &'a str,
    pub reference: Option<&'a str>,
}

/// One answer as the judge is shown it: for a follow-up, after the conversation that led to it
/// (each earlier question with this arm's own reply).
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    pub answer: &'a str,
    /// (question, this arm's reply), oldest first; empty for a first turn.
    pub earlier: &'a [(String, String)],
}

impl<'a> Shown<'a> {
    /// An answer to a first question.
    pub fn alone(answer: &'a str) -> Shown<'a> {
        Shown { answer, earlier: &[] }
    }

    /// The conversation as the judge reads it, within `budget` characters: the reply judged keeps
    /// two thirds of it when there are earlier turns, which share the rest.
    fn transcript(&self, question: &str, budget: usize) -> String {
        if self.earlier.is_empty() {
            return prompts::cut_to(self.answer, budget).0;
        }
        let (reply, _) = prompts::cut_to(self.answer, budget * 2 / 3);
        let each = budget / 3 / self.earlier.len();
        let mut out = String::new();
        for (asked, said) in self.earlier {
            let (asked, _) = prompts::cut_to(asked, each / 3);
            let (said, _) = prompts::cut_to(said, each * 2 / 3);
            out.push_str(&format!("User: {asked}\nAssistant: {said}\n\n"));
        }
        out.push_str(&format!("User: {question}\nAssistant: {reply}"));
        out
    }
}

/// A node for an arm: the root's model, endpoint and sampling, with the arm's own prompts.
fn arm_node(root: &NodeConfig, id: &str, name: &str, role: &str) -> NodeConfig {
    let mut node = root.clone();
    node.id = id.to_string();
    node.name = name.to_string();
    node.role = role.to_string();
    node.children.clear();
    node.reflect = 0;
    node.reflection_levels.clear();
    node.critique = false;
    node.prompts.system = SOLO_SYSTEM.to_string();
    node.prompts.answer = "{task}".to_string();
    node.prompts.synthesize = AGGREGATE_TEMPLATE.to_string();
    node
}

fn single_node(tree: &Hierarchy, node: NodeConfig) -> Arc<Hierarchy> {
    Arc::new(Hierarchy {
        server: tree.server.clone(),
        nodes: vec![node],
        root: 0,
        source: tree.source.clone(),
    })
}

/// Announces an arm's run and prepares its context.
fn start(
    engine: &Engine,
    hierarchy: Arc<Hierarchy>,
    kind: &str,
    run_id: RunId,
    prompt: &str,
    sink: &EventSink,
) -> Arc<RunContext> {
    let emitter = sink.for_run(run_id);
    let node = hierarchy.root().clone();
    emitter.emit(EventKind::RunStarted {
        prompt: prompt.to_string(),
        root: node.id.clone(),
        hierarchy_hash: hierarchy_hash(&hierarchy),
        hierarchy: hierarchy.clone(),
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        kind: kind.to_string(),
        conversation: None,
    });
    emitter.emit(EventKind::TaskAssigned {
        node: node.id.clone(),
        task: prompt.to_string(),
        from_call: None,
        split: None,
        fallback_reason: None,
    });
    Arc::new(RunContext::new(hierarchy, engine.backends().clone(), emitter, prompt.to_string(), false))
}

/// Ends an arm's run: final node state, totals, `RunFinished`.
fn finish(
    ctx: &RunContext,
    started: Instant,
    cancel: &CancellationToken,
    result: Result<CallOutput, CallFailure>,
) -> RunSummary {
    let node = ctx.hierarchy.root().id.clone();
    let outcome = ctx.outcome(result, cancel);
    match (&outcome.status, &outcome.error) {
        (RunStatus::Failed, Some(reason)) => ctx.fail_node(&node, reason),
        (RunStatus::Cancelled, _) => ctx.set_state(&node, NodeStatus::Cancelled),
        _ => ctx.set_state(&node, NodeStatus::Done),
    }
    ctx.finish(started, outcome, None)
}

impl Engine {
    /// The root's model answering the prompt alone, with the root's sampling settings; as a
    /// follow-up, after the earlier turns of `conversation` (read as the tree's members read theirs).
    pub async fn run_solo(
        &self,
        run_id: RunId,
        prompt: String,
        conversation: &Conversation,
        sink: &EventSink,
        cancel: CancellationToken,
    ) -> RunSummary {
        let node = arm_node(self.hierarchy().root(), "solo", "Solo", "one model alone");
        let ctx = start(self, single_node(self.hierarchy(), node.clone()), "solo", run_id, &prompt, sink);
        let started = Instant::now();
        ctx.set_state(&node.id, NodeStatus::Answering);
        let earlier = conversation.earlier_for(&node.id, true, prompts::earlier_budget(&node));
        let built = prompts::answer(&node, Asked { query: &prompt, earlier: &earlier }, &prompt);
        let result = ctx.call(spec(&node, Phase::Solo, None, built.request, false, &cancel)).await;
        finish(&ctx, started, &cancel, result)
    }

    /// The same model given `samples` independent answers plus one call that aggregates them; as a
    /// follow-up, every call reads the earlier turns of `conversation` first.
    pub async fn run_compute(
        &self,
        run_id: RunId,
        prompt: String,
        samples: usize,
        conversation: &Conversation,
        sink: &EventSink,
        cancel: CancellationToken,
    ) -> RunSummary {
        let node = arm_node(self.hierarchy().root(), "compute", "Compute", "samples plus an aggregator");
        let ctx = start(self, single_node(self.hierarchy(), node.clone()), "compute", run_id, &prompt, sink);
        let started = Instant::now();
        ctx.set_state(&node.id, NodeStatus::Answering);
        let earlier = conversation.earlier_for(&node.id, true, prompts::earlier_budget(&node));
        let asked = Asked { query: &prompt, earlier: &earlier };
        let calls = (0..samples.max(1)).map(|_| {
            let built = prompts::answer(&node, asked, &prompt);
            ctx.call(spec(&node, Phase::Sample, None, built.request, false, &cancel))
        });
        let outcomes = join_all(calls).await;
        let latest = outcomes.iter().filter_map(|o| o.as_ref().ok().map(|o| o.call)).max();
        let replies: Vec<ChildReply> = outcomes
            .into_iter()
            .enumerate()
            .map(|(i, outcome)| ChildReply {
                name: format!("Draft {}", i + 1),
                role: "independent sample".into(),
                task: prompt.clone(),
                reply: outcome.map(|o| o.text).map_err(|e| e.reason()),
            })
            .collect();
        let result = match latest {
            _ if cancel.is_cancelled() => Err(CallFailure::Cancelled),
            None => Err(CallFailure::Failed("every sample failed".into())),
            Some(latest) => {
                if replies.iter().any(|r| r.reply.is_err()) {
                    ctx.degraded.store(true, Ordering::Relaxed);
                }
                // Failed samples are left out rather than marked: there is no branch to name.
                let ok: Vec<ChildReply> = replies.into_iter().filter(|r| r.reply.is_ok()).collect();
                ctx.set_state(&node.id, NodeStatus::Synthesizing);
                let built = prompts::synthesize(&node, asked, &prompt, &ok);
                ctx.call(spec(&node, Phase::Aggregate, Some(latest), built.request, built.truncated, &cancel))
                    .await
            }
        };
        finish(&ctx, started, &cancel, result)
    }

    /// One judge call comparing two answers in the order given; the answer is the judge's text.
    pub async fn run_judge(
        &self,
        run_id: RunId,
        judge_model: &str,
        question: JudgeQuestion<'_>,
        answers: (Shown<'_>, Shown<'_>),
        sink: &EventSink,
        cancel: CancellationToken,
    ) -> RunSummary {
        let mut node = arm_node(self.hierarchy().root(), "judge", "Judge", "compares two answers");
        node.model = judge_model.to_string();
        node.temperature = 0.0;
        node.top_p = 1.0;
        node.max_tokens = 200;
        node.prompts.system = JUDGE_SYSTEM.to_string();
        let JudgeQuestion { prompt, reference } = question;
        let ctx = start(self, single_node(self.hierarchy(), node.clone()), "judge", run_id, prompt, sink);
        let started = Instant::now();
        ctx.set_state(&node.id, NodeStatus::Answering);
        let budget = (node.context_tokens as usize).saturating_sub(600) * 3 / 2;
        let a = answers.0.transcript(prompt, budget / 2);
        let b = answers.1.transcript(prompt, budget / 2);
        let follow_up = !answers.0.earlier.is_empty() || !answers.1.earlier.is_empty();
        let user = match reference {
            _ if follow_up => {
                let reference =
                    reference.map_or(String::new(), |r| render(FOLLOW_UP_REFERENCE, &[("reference", r)]));
                render(
                    JUDGE_FOLLOW_UP_TEMPLATE,
                    &[("query", prompt), ("reference", &reference), ("answer_a", &a), ("answer_b", &b)],
                )
            }
            Some(reference) => render(
                JUDGE_REFERENCE_TEMPLATE,
                &[("query", prompt), ("reference", reference), ("answer_a", &a), ("answer_b", &b)],
            ),
            None => render(JUDGE_TEMPLATE, &[("query", prompt), ("answer_a", &a), ("answer_b", &b)]),
        };
        let request = ChatRequest {
            model: node.model.clone(),
            messages: vec![ChatMessage::system(JUDGE_SYSTEM), ChatMessage::user(user)],
            temperature: node.temperature,
            top_p: node.top_p,
            max_tokens: node.max_tokens,
            seed: node.seed,
            response_format: Some(schema::verdict()),
            sampling: Default::default(),
        };
        let result = ctx.call(spec(&node, Phase::Judge, None, request, false, &cancel)).await;
        finish(&ctx, started, &cancel, result)
    }
}
