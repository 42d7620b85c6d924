//! The scripted offline demo: plausible text at a realistic pace through the same engine, so a
//! newcomer can watch the cascade without LM Studio. Every answer says it is a demo.

use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use super::schema;
use super::{ChatBackend, ChatCompletion, ChatRequest, Delta, DeltaSink, LlmError, ModelInfo, Role, Usage};
use crate::config::DEFAULT_MODEL;

/// Pace of the demo: a local 3.8B model on a laptop.
const FIRST_TOKEN_DELAY: Duration = Duration::from_millis(350);
const TOKEN_DELAY: Duration = Duration::from_millis(28);

/// What the demo gives as its endpoint, so the record (and a run reopened from it) says no server
/// was involved.
pub const DEMO_ENDPOINT: &str = "demo";

/// The offline demo backend.
pub struct DemoBackend {
    /// Multiplies every delay (0 makes it instant, for tests).
    pace: f64,
}

impl Default for DemoBackend {
    /// The normal pace (a derived default would silently make it instant).
    fn default() -> Self {
        Self { pace: 1.0 }
    }
}

impl DemoBackend {
    pub fn new() -> Self {
        Self::default()
    }

    /// A demo running at `pace` × the normal delays (0.0 = no delays).
    pub fn with_pace(pace: f64) -> Self {
        Self { pace: pace.max(0.0) }
    }

    fn delay(&self, base: Duration) -> Duration {
        base.mul_f64(self.pace)
    }
}

impl ChatBackend for DemoBackend {
    fn stream_chat<'a>(
        &'a self,
        request: &'a ChatRequest,
        on_delta: DeltaSink<'a>,
    ) -> BoxFuture<'a, Result<ChatCompletion, LlmError>> {
        Box::pin(async move {
            let text = script(request);
            let jitter = (text.len() % 7) as u32;
            tokio::time::sleep(self.delay(FIRST_TOKEN_DELAY + Duration::from_millis(40) * jitter)).await;
            let mut first_token_at = None;
            let mut chunks = 0;
            for piece in text.split_inclusive(' ') {
                first_token_at.get_or_insert_with(Instant::now);
                on_delta(Delta::Content(piece.to_string()), 1);
                chunks += 1;
                tokio::time::sleep(self.delay(TOKEN_DELAY)).await;
            }
            let prompt_chars: usize = request.messages.iter().map(|m| m.content.len()).sum();
            Ok(ChatCompletion {
                content: text,
                finish_reason: Some("stop".into()),
                model: Some(request.model.clone()),
                usage: Some(Usage { prompt_tokens: (prompt_chars / 4) as u32, completion_tokens: chunks }),
                first_token_at,
                chunks,
                ..ChatCompletion::default()
            })
        })
    }

    fn list_models(&self) -> BoxFuture<'_, Result<Vec<ModelInfo>, LlmError>> {
        Box::pin(async {
            let mut models = vec![ModelInfo { id: DEFAULT_MODEL.to_string() }];
            models.extend((2..=6).map(|i| ModelInfo { id: format!("{DEFAULT_MODEL}:{i}") }));
            Ok(models)
        })
    }

    fn endpoint(&self) -> &str {
        DEMO_ENDPOINT
    }
}

/// What the demo "model" says to a request. It reads the request the way a model would: the
/// question from the prompt's headings, the team from the split's team list, the step from its
/// instructions, so editing the prompts in the Prompts tab still gives sensible demo text.
/// Where a follow-up's request starts, after the earlier turns (as the engine frames them).
const NEW_REQUEST: &str = "--- The new request ---";
/// How the engine puts a question to one member alone.
const ASKED_DIRECTLY: &str = "The user now asks you directly: ";

fn script(request: &ChatRequest) -> String {
    let user =
        request.messages.iter().rev().find(|m| m.role == Role::User).map_or("", |m| m.content.as_str());
    // In a conversation the earlier turns come first: the request is what follows them.
    let user = user.rsplit_once(NEW_REQUEST).map_or(user, |(_, request)| request);
    // A member asked alone expands on its own part.
    if let Some((_, asked)) = user.split_once(ASKED_DIRECTLY) {
        let question = asked.lines().next().unwrap_or("").trim();
        return format!(
            "[demo] More on \"{question}\": looking again at my part, the one thing I would add is a \
             concrete case, and the step people most often miss. *(This is the offline demo: start LM \
             Studio for real answers.)*"
        );
    }
    let topic = topic_of(user);
    if let Some(count) = request.response_format.as_ref().and_then(schema::split_count) {
        let roles = team_roles(user);
        let items: Vec<String> =
            (0..count).map(|i| angle_for(roles.get(i).map(String::as_str), i, &topic)).collect();
        return serde_json::to_string(&items).unwrap_or_else(|_| "[]".into());
    }
    if request.response_format.as_ref().is_some_and(schema::is_verdict) {
        // A scripted judge: its picks follow the text's length, so they mean nothing.
        let winner = ["A", "B", "tie"][user.len() % 3];
        return format!("{{\"winner\": \"{winner}\", \"reason\": \"[demo] a scripted verdict\"}}");
    }
    let lower = user.to_lowercase();
    let has_draft = lower.contains("draft");
    // A revision carries both a draft and a critique of it: it answers with the improved text.
    if has_draft && lower.contains("critique") && (lower.contains("rewrite") || lower.contains("revise")) {
        return format!(
            "[demo] ## On {topic} (revised)\n\nThe main point first: {topic} is best understood by one \
             concrete case, followed by why it matters.\n\n- **Example:** a small everyday situation \
             shows the mechanism at work.\n- **Why it matters:** it changes how people decide.\n\n\
             *(This is the offline demo: start LM Studio for real answers.)*"
        );
    }
    let reviews_a_reply = lower.contains("'s reply") || lower.contains("reply:");
    if (has_draft || reviews_a_reply) && (lower.contains("critic") || lower.contains("review")) {
        return format!(
            "[demo] The draft on {topic} is clear but could be sharper: name one concrete example, \
             cut the repetition in the middle, and state the main point in the first sentence."
        );
    }
    if lower.contains("replies") || lower.contains("combine") || lower.contains("synthes") {
        return format!(
            "[demo] ## On {topic}\n\nTaken together, the team's replies agree on the essentials and add \
             different angles:\n\n- **How it works:** the practical side is covered step by step.\n\
             - **Why it matters:** the reflective side explains the stakes for people.\n\n\
             My own view: the two halves need each other. A good answer about {topic} is both correct \
             and meaningful. *(This is the offline demo: start LM Studio for real answers.)*"
        );
    }
    format!(
        "[demo] Here is my part on {topic}.\n\n1. Start from the simplest case and name it plainly.\n\
         2. Add one concrete example, such as a small everyday situation.\n\
         3. Close with the one thing to remember.\n\n\
         In short: {topic} becomes clear once you see it in action. `example()` shows the idea."
    )
}

/// A sub-task on `topic` that suits a member's role; members without a recognised role get the
/// angles in turn.
fn angle_for(role: Option<&str>, index: usize, topic: &str) -> String {
    let role = role.unwrap_or("").to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| role.contains(w));
    let kind = if has(&["pattern", "pitfall"]) {
        2
    } else if has(&["insight", "deep"]) {
        3
    } else if has(&["philosoph", "meaning", "ethic"]) {
        1
    } else if has(&["technical", "implement", "engineer", "practic"]) {
        0
    } else {
        index % 4
    };
    match kind {
        0 => format!("Explain how {topic} works in practice, step by step, with one concrete example."),
        1 => format!("Reflect on what {topic} means for people and why it matters."),
        2 => format!("List the common patterns and pitfalls around {topic}."),
        _ => format!("Give the single deepest insight about {topic}."),
    }
}

/// The roles in a split prompt's team list (`1. Nova (technical branch)`), in order.
fn team_roles(user: &str) -> Vec<String> {
    user.lines()
        .filter_map(|line| {
            let line = line.trim();
            let (number, rest) = line.split_once(". ")?;
            if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let open = rest.find('(')?;
            Some(rest[open + 1..].trim_end_matches(')').to_string())
        })
        .collect()
}

/// A short topic phrase: the user's question where the prompt quotes it under a heading, else the
/// task under its heading, else the first question or plain line (headings end with a colon).
fn topic_of(user: &str) -> String {
    let lines: Vec<&str> = user.lines().map(str::trim).collect();
    let after_heading = |headings: &[&str]| {
        lines.iter().enumerate().find_map(|(i, line)| {
            let lower = line.to_lowercase();
            if !headings.iter().any(|h| lower.starts_with(h)) || !line.ends_with(':') {
                return None;
            }
            lines[i + 1..].iter().find(|l| !l.is_empty()).copied()
        })
    };
    let line = after_heading(&["the user's original question", "the user's question", "question"])
        .or_else(|| after_heading(&["task", "your task", "your sub-task", "sub-task"]))
        .or_else(|| lines.iter().find(|l| l.ends_with('?')).copied())
        .or_else(|| lines.iter().find(|l| !l.is_empty() && !l.ends_with(':')).copied())
        .unwrap_or("this question");
    let line = line.trim_end_matches(['?', '.', '!']);
    let short: String = line.chars().take(70).collect();
    if short.len() < line.len() { format!("\"{short}…\"") } else { format!("\"{short}\"") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::ChatMessage;

    fn request(user: &str, split: Option<usize>) -> ChatRequest {
        ChatRequest {
            model: DEFAULT_MODEL.into(),
            messages: vec![ChatMessage::system("You are Atlas."), ChatMessage::user(user)],
            temperature: 0.7,
            top_p: 0.9,
            max_tokens: 300,
            seed: None,
            response_format: split.map(|count| schema::split(count, 400)),
            sampling: Default::default(),
        }
    }

    #[tokio::test]
    async fn splits_into_valid_json_with_the_asked_count() {
        let demo = DemoBackend::with_pace(0.0);
        let mut seen = String::new();
        let req = request("Task:\nWhy is the sky blue?", Some(3));
        let done = demo
            .stream_chat(&req, &mut |d, _| {
                if let Delta::Content(t) = d {
                    seen.push_str(&t)
                }
            })
            .await;
        let done = done.unwrap();
        assert_eq!(seen, done.content);
        let items: Vec<String> = serde_json::from_str(&done.content).unwrap();
        assert_eq!(items.len(), 3);
        assert!(items[0].contains("Why is the sky blue"));
    }

    #[test]
    fn the_topic_is_the_question_not_a_heading() {
        let answer = "Your sub-task:\nList the pitfalls.\n\nThe user's original question, for context:\n\
                      Explain photosynthesis\n\nAnswer your sub-task as the team's patterns.";
        assert_eq!(topic_of(answer), "\"Explain photosynthesis\"");
        assert_eq!(
            topic_of("Task:\nExplain photosynthesis\n\nYour team:\n1. A (b)"),
            "\"Explain photosynthesis\""
        );
        assert_eq!(topic_of("hi there"), "\"hi there\"");
        assert_eq!(topic_of(""), "\"this question\"");
    }

    #[test]
    fn sub_tasks_follow_each_member_s_role() {
        let split = "Task:\nExplain photosynthesis\n\nYour team, in order:\n1. Echo (implementation)\n\
                     2. Pixel (patterns)\n";
        let roles = team_roles(split);
        assert_eq!(roles, ["implementation", "patterns"]);
        assert!(angle_for(Some("patterns"), 0, "x").contains("patterns and pitfalls"));
        assert!(angle_for(Some("deep insight"), 0, "x").contains("deepest insight"));
        assert!(angle_for(Some("philosophical branch"), 0, "x").contains("means for people"));
        assert!(angle_for(Some("implementation"), 1, "x").contains("works in practice"));
    }

    #[tokio::test]
    async fn a_revision_answers_and_a_reflection_critiques() {
        let demo = DemoBackend::with_pace(0.0);
        let revise =
            "Task:\nWhy?\n\nYour draft:\nOld.\n\nCritique of the draft:\nShort.\n\nRewrite the draft.";
        let done = demo.stream_chat(&request(revise, None), &mut |_, _| {}).await.unwrap();
        assert!(done.content.contains("(revised)"), "{}", done.content);
        let reflect = "Task:\nWhy?\n\nYour draft:\nOld.\n\nReview this draft as a strict critic.";
        let done = demo.stream_chat(&request(reflect, None), &mut |_, _| {}).await.unwrap();
        assert!(done.content.contains("could be sharper"), "{}", done.content);
    }

    #[tokio::test]
    async fn answers_are_labelled_as_demo() {
        let demo = DemoBackend::with_pace(0.0);
        let done = demo.stream_chat(&request("Why?", None), &mut |_, _| {}).await.unwrap();
        assert!(done.content.starts_with("[demo]"));
        assert_eq!(done.usage.unwrap().completion_tokens, done.chunks);
    }
}
