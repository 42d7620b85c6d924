//! By hand, against a real server (`../shared/tools/local-llm start`, or LM Studio):
//! `cargo test --test client live -- --ignored --nocapture` (base URL from AILAB_LIVE_URL,
//! default http://127.0.0.1:1234/v1; model from AILAB_LIVE_MODEL). Prints what came back.

use ailab::llm::ChatBackend;
use serde_json::json;

use crate::{backend, chat, request};

fn live_url() -> String {
    std::env::var("AILAB_LIVE_URL").unwrap_or_else(|_| "http://127.0.0.1:1234/v1".into())
}

#[tokio::test]
#[ignore = "needs a real OpenAI-compatible server"]
async fn live_server_streams_a_chat_and_a_split() {
    let backend = backend(&live_url());
    println!("LM Studio: {}", backend.lmstudio_greeting().await);
    let models = backend.list_models().await.expect("model list");
    println!("models: {:?}", models.iter().map(|m| &m.id).collect::<Vec<_>>());
    let mut req = request();
    req.model = std::env::var("AILAB_LIVE_MODEL").unwrap_or_else(|_| models[0].id.clone());
    req.max_tokens = 60;
    let (deltas, result) = chat(&backend, &req).await;
    let done = result.expect("a streamed answer");
    println!("deltas: {}  chunks: {}  retries: {}", deltas.len(), done.chunks, done.retries);
    println!("content: {:?}", done.content);
    println!("reasoning: {:?}", done.reasoning);
    println!("finish_reason: {:?}  model: {:?}", done.finish_reason, done.model);
    println!("usage: {:?}", done.usage);
    println!("timings: {:?}", done.timings);
    assert!(!done.content.is_empty());

    req.response_format = Some(
        json!({ "type": "json_schema", "json_schema": { "name": "subtasks", "strict": true,
        "schema": { "type": "array", "items": { "type": "string", "minLength": 1 }, "minItems": 2, "maxItems": 2 } } }),
    );
    req.messages[1].content = "Split this into 2 sub-tasks: explain why the sky is blue.".into();
    let done = chat(&backend, &req).await.1.expect("a split");
    println!("split: {:?} (finish {:?}, usage {:?})", done.content, done.finish_reason, done.usage);
}
