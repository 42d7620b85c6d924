//! Building each phase's messages from the node's templates, bounded to the model's context.

use super::conversation::Earlier;
use crate::config::NodeConfig;
use crate::config::template::render;
use crate::llm::{ChatMessage, ChatRequest, schema};

/// Marker appended to text cut to fit the context window (also recorded on the call).
pub const CUT_MARKER: &str = "\n[… cut here to fit the model's context window]";

/// Completion budget of a split call: this much per sub-task, plus the JSON around them.
pub const SPLIT_TOKENS_PER_CHILD: u32 = 120;
pub const SPLIT_TOKENS_OVERHEAD: u32 = 40;
/// Longest sub-task the split schema allows, in characters. English runs ~4 characters a token,
/// so a grammar-constrained server must close each string well inside its share of the budget.
pub const SPLIT_MAX_TASK_CHARS: usize = 400;

/// Rough characters per token for budgeting: English averages ~4; 3 keeps us on the safe side.
const CHARS_PER_TOKEN: usize = 3;
/// Tokens kept free for chat-template overhead and estimation error.
const CONTEXT_MARGIN_TOKENS: usize = 128;

/// What a child sent back to its parent (or why it did not).
#[derive(Debug, Clone)]
pub struct ChildReply {
    pub name: String,
    pub role: String,
    pub task: String,
    /// `Ok(text)` or `Err(reason)` when the branch failed.
    pub reply: Result<String, String>,
}

/// A request plus whether some of its input was cut to fit.
pub struct BuiltRequest {
    pub request: ChatRequest,
    pub truncated: bool,
}

/// What the user asked, as one member reads it: the question of this turn, and what the member
/// reads of the earlier turns of the conversation (nothing on a first turn).
#[derive(Clone, Copy)]
pub struct Asked<'a> {
    pub query: &'a str,
    pub earlier: &'a Earlier,
}

static NOTHING_EARLIER: Earlier = Earlier { text: String::new(), shortened: false };

impl<'a> Asked<'a> {
    /// A question with no conversation before it.
    pub fn alone(query: &'a str) -> Asked<'a> {
        Asked { query, earlier: &NOTHING_EARLIER }
    }
}

/// The values every template may use.
struct Common<'a> {
    node: &'a NodeConfig,
    query: &'a str,
    task: &'a str,
}

impl<'a> Common<'a> {
    fn values(&self) -> Vec<(&'static str, &'a str)> {
        vec![("name", &self.node.name), ("role", &self.node.role), ("query", self.query), ("task", self.task)]
    }
}

/// The system prompt, then one user message: the earlier turns (if any) framed before the phase's
/// own prompt.
fn request(node: &NodeConfig, earlier: &Earlier, user: String) -> ChatRequest {
    let user = if earlier.text.is_empty() { user } else { format!("{}\n\n{user}", earlier.text) };
    ChatRequest {
        model: node.model.clone(),
        messages: vec![ChatMessage::system(node.prompts.system.clone()), ChatMessage::user(user)],
        temperature: node.temperature,
        top_p: node.top_p,
        max_tokens: node.max_tokens,
        seed: node.seed,
        response_format: None,
        sampling: node.sampling,
    }
}

/// Longest reply a server test message asks for: enough for "OK", short enough to cost nothing.
pub const PROBE_MAX_TOKENS: u32 = 8;

/// A tiny request with everything the node sends (model, system prompt, sampling settings) but a
/// one-line question, so a server that would refuse the node's real calls (a model not loaded, a
/// chat template without a system role, a parameter it does not know) refuses this one the same way.
pub fn probe(node: &NodeConfig) -> ChatRequest {
    let mut request = request(node, &NOTHING_EARLIER, "Reply with the single word OK.".to_string());
    request.max_tokens = PROBE_MAX_TOKENS;
    request
}

/// Characters of prompt the node's context can take besides its reply budget.
fn prompt_budget_chars(node: &NodeConfig) -> usize {
    let tokens = (node.context_tokens as usize)
        .saturating_sub(node.max_tokens as usize)
        .saturating_sub(CONTEXT_MARGIN_TOKENS)
        .max(256);
    tokens * CHARS_PER_TOKEN
}

/// Characters of the earlier turns a member reads: a third of its prompt budget, so the phase's own
/// input (children's replies, a draft) keeps the rest.
pub fn earlier_budget(node: &NodeConfig) -> usize {
    prompt_budget_chars(node) / 3
}

/// The prompt budget left once the earlier turns are in.
fn budget_after(node: &NodeConfig, earlier: &Earlier) -> usize {
    prompt_budget_chars(node).saturating_sub(earlier.text.chars().count()).max(256 * CHARS_PER_TOKEN / 2)
}

/// Cuts `text` to at most `max_chars` characters (on a char boundary) with the marker.
pub fn cut_to(text: &str, max_chars: usize) -> (String, bool) {
    if text.chars().count() <= max_chars {
        return (text.to_string(), false);
    }
    let keep = max_chars.saturating_sub(CUT_MARKER.chars().count());
    let end = text.char_indices().nth(keep).map(|(i, _)| i).unwrap_or(text.len());
    (format!("{}{CUT_MARKER}", &text[..end]), true)
}

/// The split call: one sub-task per child, as JSON if the server can constrain it.
pub fn split(node: &NodeConfig, children: &[&NodeConfig], asked: Asked<'_>, task: &str) -> BuiltRequest {
    let count = children.len().to_string();
    let list: String =
        children.iter().enumerate().map(|(i, c)| format!("{}. {} ({})\n", i + 1, c.name, c.role)).collect();
    let mut values = Common { node, query: asked.query, task }.values();
    values.push(("count", &count));
    values.push(("children", list.trim_end()));
    let mut req = request(node, asked.earlier, render(&node.prompts.split, &values));
    req.response_format = Some(schema::split(children.len(), SPLIT_MAX_TASK_CHARS));
    // Sub-tasks are a sentence or two each; a model that rambles here only delays its children.
    req.max_tokens =
        req.max_tokens.min(SPLIT_TOKENS_PER_CHILD * children.len() as u32 + SPLIT_TOKENS_OVERHEAD);
    BuiltRequest { request: req, truncated: asked.earlier.shortened }
}

/// A leaf answering its sub-task.
pub fn answer(node: &NodeConfig, asked: Asked<'_>, task: &str) -> BuiltRequest {
    let user = render(&node.prompts.answer, &Common { node, query: asked.query, task }.values());
    BuiltRequest { request: request(node, asked.earlier, user), truncated: asked.earlier.shortened }
}

/// Formats the children's replies for a synthesis, each cut to an equal share of `budget` chars.
fn format_replies(replies: &[ChildReply], budget: usize) -> (String, bool) {
    let share = budget / replies.len().max(1);
    let mut truncated = false;
    let mut out = String::new();
    for reply in replies {
        let (task, _) = cut_to(reply.task.trim(), 200);
        out.push_str(&format!("### {} ({}), on: {}\n", reply.name, reply.role, task.replace('\n', " ")));
        match &reply.reply {
            Ok(text) => {
                let (text, cut) = cut_to(text.trim(), share);
                truncated |= cut;
                out.push_str(&text);
            }
            Err(reason) => out.push_str(&format!(
                "[MISSING: this branch failed ({reason}). Say in your answer that this part is missing.]"
            )),
        }
        out.push_str("\n\n");
    }
    (out.trim_end().to_string(), truncated)
}

/// A parent combining its children's replies.
pub fn synthesize(node: &NodeConfig, asked: Asked<'_>, task: &str, replies: &[ChildReply]) -> BuiltRequest {
    let common = Common { node, query: asked.query, task };
    let fixed =
        render(&node.prompts.synthesize, &common.values()).chars().count() + node.prompts.system.len();
    let budget = budget_after(node, asked.earlier).saturating_sub(fixed).max(600);
    let (formatted, truncated) = format_replies(replies, budget);
    let mut values = common.values();
    values.push(("replies", &formatted));
    BuiltRequest {
        request: request(node, asked.earlier, render(&node.prompts.synthesize, &values)),
        truncated: truncated || asked.earlier.shortened,
    }
}

/// Bounds a draft (for reflection, revision, critique) to half the prompt budget.
fn bounded_draft(node: &NodeConfig, earlier: &Earlier, draft: &str) -> (String, bool) {
    cut_to(draft, budget_after(node, earlier) / 2)
}

/// Reflection round `round` (1-based), first half: the node critiques its own draft, with the
/// round's level prompt when it has named levels.
pub fn reflect(node: &NodeConfig, asked: Asked<'_>, task: &str, draft: &str, round: u32) -> BuiltRequest {
    let (draft, truncated) = bounded_draft(node, asked.earlier, draft);
    let mut values = Common { node, query: asked.query, task }.values();
    values.push(("draft", &draft));
    BuiltRequest {
        request: request(node, asked.earlier, render(node.reflection_prompts(round).0, &values)),
        truncated: truncated || asked.earlier.shortened,
    }
}

/// Rewrites a draft given its parent's critique, with the node's revise prompt.
pub fn revise(node: &NodeConfig, asked: Asked<'_>, task: &str, draft: &str, critique: &str) -> BuiltRequest {
    rewrite(node, &node.prompts.revise, asked, task, draft, critique)
}

/// Reflection round `round`, second half: the node rewrites its draft given its own critique,
/// with the round's level revise prompt when it has one.
pub fn revise_round(
    node: &NodeConfig,
    asked: Asked<'_>,
    task: &str,
    draft: &str,
    critique: &str,
    round: u32,
) -> BuiltRequest {
    rewrite(node, node.reflection_prompts(round).1, asked, task, draft, critique)
}

fn rewrite(
    node: &NodeConfig,
    template: &str,
    asked: Asked<'_>,
    task: &str,
    draft: &str,
    critique: &str,
) -> BuiltRequest {
    let (draft, cut_draft) = bounded_draft(node, asked.earlier, draft);
    let (critique, cut_critique) = cut_to(critique, budget_after(node, asked.earlier) / 4);
    let mut values = Common { node, query: asked.query, task }.values();
    values.push(("draft", &draft));
    values.push(("critique", &critique));
    BuiltRequest {
        request: request(node, asked.earlier, render(template, &values)),
        truncated: cut_draft || cut_critique || asked.earlier.shortened,
    }
}

/// One member asked alone about its part of an earlier turn (an expansion): what it was asked,
/// what it answered, for a parent its team's replies, then the user's question to it. Built in
/// rather than a template of the node's: it is the same for every member.
pub fn expand(
    node: &NodeConfig,
    asked: Asked<'_>,
    task: &str,
    answer: &str,
    replies: &[ChildReply],
    question: &str,
) -> BuiltRequest {
    let budget = budget_after(node, asked.earlier).saturating_sub(question.chars().count());
    let (answer, cut_answer) = cut_to(answer.trim(), budget / 3);
    let mut user = format!("You were asked: {}\n\nYou answered:\n{answer}\n\n", task.trim());
    let mut cut_replies = false;
    if !replies.is_empty() {
        let (formatted, cut) = format_replies(replies, budget / 3);
        cut_replies = cut;
        user.push_str(&format!("Your team's replies, which your answer combined:\n{formatted}\n\n"));
    }
    user.push_str(&format!(
        "The user now asks you directly: {}\n\nAnswer this question as {} ({}), expanding on your \
         earlier answer where it helps.",
        question.trim(),
        node.name,
        node.role
    ));
    BuiltRequest {
        request: request(node, asked.earlier, user),
        truncated: cut_answer || cut_replies || asked.earlier.shortened,
    }
}

/// A parent reviewing one child's reply.
pub fn critique(
    parent: &NodeConfig,
    asked: Asked<'_>,
    task: &str,
    child: &NodeConfig,
    child_task: &str,
    reply: &str,
) -> BuiltRequest {
    let (reply, truncated) = bounded_draft(parent, asked.earlier, reply);
    let mut values = Common { node: parent, query: asked.query, task }.values();
    values.push(("child", &child.name));
    values.push(("child_task", child_task));
    values.push(("reply", &reply));
    BuiltRequest {
        request: request(parent, asked.earlier, render(&parent.prompts.critique, &values)),
        truncated: truncated || asked.earlier.shortened,
    }
}
