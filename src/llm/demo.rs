//! The scripted offline demo: plausible text at a realistic pace through the same engine, so a
//! newcomer can watch the cascade without LM Studio. Every answer says it is a demo.

use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use super::{ChatBackend, ChatCompletion, ChatRequest, Delta, DeltaSink, LlmError, ModelInfo, Role, Usage};
use crate::config::DEFAULT_MODEL;

/// Pace of the demo: a local 3.8B model on a laptop.
const FIRST_TOKEN_DELAY: Duration = Duration::from_millis(350);
const TOKEN_DELAY: Duration = Duration::from_millis(28);

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
                on_delta(Delta::Content(piece.to_string()));
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
        "demo"
    }
}

/// What the demo "model" says to a request.
fn script(request: &ChatRequest) -> String {
    let user =
        request.messages.iter().rev().find(|m| m.role == Role::User).map_or("", |m| m.content.as_str());
    let topic = topic_of(user);
    if let Some(count) = split_count(request) {
        let angles = [
            format!("Explain how {topic} works in practice, step by step, with one concrete example."),
            format!("Reflect on what {topic} means for people and why it matters."),
            format!("List the common patterns and pitfalls around {topic}."),
            format!("Give the single deepest insight about {topic}."),
        ];
        let items: Vec<String> = (0..count).map(|i| angles[i % angles.len()].clone()).collect();
        return serde_json::to_string(&items).unwrap_or_else(|_| "[]".into());
    }
    if is_verdict_request(request) {
        // A scripted judge: its picks follow the text's length, so they mean nothing.
        let winner = ["A", "B", "tie"][user.len() % 3];
        return format!("{{\"winner\": \"{winner}\", \"reason\": \"[demo] a scripted verdict\"}}");
    }
    let lower = user.to_lowercase();
    if lower.contains("critique") || lower.contains("review") {
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

/// True for the lab judge's request (its schema is named "verdict").
fn is_verdict_request(request: &ChatRequest) -> bool {
    request.response_format.as_ref().and_then(|f| f.pointer("/json_schema/name")).and_then(|n| n.as_str())
        == Some("verdict")
}

/// How many sub-tasks a split request asks for, from its JSON schema.
fn split_count(request: &ChatRequest) -> Option<usize> {
    let format = request.response_format.as_ref()?;
    let min_items = format.pointer("/json_schema/schema/minItems")?.as_u64()?;
    usize::try_from(min_items).ok().filter(|n| *n > 0)
}

/// A short topic phrase: the first question in the message, or its first line.
fn topic_of(user: &str) -> String {
    let line = user
        .lines()
        .map(str::trim)
        .find(|l| l.ends_with('?'))
        .or_else(|| user.lines().map(str::trim).find(|l| !l.is_empty()))
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
            response_format: split.map(crate::engine::prompts::split_schema),
        }
    }

    #[tokio::test]
    async fn splits_into_valid_json_with_the_asked_count() {
        let demo = DemoBackend::with_pace(0.0);
        let mut seen = String::new();
        let req = request("Task:\nWhy is the sky blue?", Some(3));
        let done = demo
            .stream_chat(&req, &mut |d| {
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

    #[tokio::test]
    async fn answers_are_labelled_as_demo() {
        let demo = DemoBackend::with_pace(0.0);
        let done = demo.stream_chat(&request("Why?", None), &mut |_| {}).await.unwrap();
        assert!(done.content.starts_with("[demo]"));
        assert_eq!(done.usage.unwrap().completion_tokens, done.chunks);
    }
}
