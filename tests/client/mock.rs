//! The mock server's own contract, which other test suites and the benchmarks rely on.

use std::time::Duration;

use ailab::llm::LlmError;
use serde_json::{Value, json};

use crate::support::{MockConfig, MockServer, Reply};
use crate::{backend, chat, request};

#[tokio::test]
async fn default_answer_names_the_model_and_quotes_the_user() {
    let mock = MockServer::start().await;
    mock.configure(|c| c.answer_tokens = 12);
    let mut req = request();
    req.model = "phi-3.1-mini-4k-instruct:3".into();
    let done = chat(&backend(&mock.base_url()), &req).await.1.unwrap();
    assert!(
        done.content.starts_with("phi-3.1-mini-4k-instruct:3 here. On \"Why is the sky blue?\""),
        "{}",
        done.content
    );
    assert_eq!(done.chunks, 12);
    assert_eq!(done.usage.map(|u| u.completion_tokens), Some(12));
    assert_eq!(done.model.as_deref(), Some("phi-3.1-mini-4k-instruct:3"));
}

#[tokio::test]
async fn default_answer_to_a_split_schema_is_an_array_of_exactly_min_items() {
    let mock = MockServer::start().await;
    let mut req = request();
    req.response_format = Some(
        json!({ "type": "json_schema", "json_schema": { "name": "subtasks", "strict": true,
        "schema": { "type": "array", "items": { "type": "string", "minLength": 1 }, "minItems": 3, "maxItems": 3 } } }),
    );
    let done = chat(&backend(&mock.base_url()), &req).await.1.unwrap();
    let items: Vec<String> = serde_json::from_str(&done.content).expect("a JSON array of strings");
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|i| i.contains("Why is the sky blue?")), "{items:?}");
    assert_eq!(mock.chat_requests()[0].split_count(), Some(3));
}

#[tokio::test]
async fn default_timings_when_configured() {
    let mock = MockServer::start_with(MockConfig { timings: true, ..MockConfig::default() }).await;
    let done = chat(&backend(&mock.base_url()), &request()).await.1.unwrap();
    assert!(done.timings.is_some());
}

#[tokio::test]
async fn queue_first_then_the_responder_then_the_default() {
    let mock = MockServer::start().await;
    mock.push(Reply::text(&["queued"]));
    mock.respond_with(|req| match req.model() {
        "broken" => Some(Reply::model_not_found("broken")),
        _ if req.index == 3 => Some(Reply::text(&["third"])),
        _ => None,
    });
    let backend = backend(&mock.base_url());
    assert_eq!(chat(&backend, &request()).await.1.unwrap().content, "queued");
    let mut broken = request();
    broken.model = "broken".into();
    assert!(matches!(chat(&backend, &broken).await.1, Err(LlmError::ModelNotFound { .. })));
    assert_eq!(chat(&backend, &request()).await.1.unwrap().content, "third");
    assert!(chat(&backend, &request()).await.1.unwrap().content.contains("here."));
    let indexes: Vec<usize> = mock.chat_requests().iter().map(|r| r.index).collect();
    assert_eq!(indexes, [1, 2, 3, 4]);
}

#[tokio::test]
async fn request_log_and_concurrency_count() {
    let mock = MockServer::start().await;
    mock.configure(|c| c.token_delay = Duration::from_millis(20));
    let backend = backend(&mock.base_url());
    let req = request();
    let (a, b, c) = tokio::join!(chat(&backend, &req), chat(&backend, &req), chat(&backend, &req));
    for (_, result) in [a, b, c] {
        result.unwrap();
    }
    assert_eq!(mock.max_in_flight(), 3);
    assert_eq!(mock.in_flight(), 0);
    assert_eq!(mock.completed_streams(), 3);
    assert_eq!(mock.disconnects(), 0);
    let log = mock.requests();
    assert_eq!(log.len(), 3);
    assert!(
        log.iter()
            .all(|r| r.system_prompt() == Some("You are Atlas.") && r.body["stream"] == Value::Bool(true))
    );
}

#[tokio::test]
async fn stall_before_headers_then_answer() {
    let mock = MockServer::start().await;
    mock.push(Reply::text(&["patience"]).after(Duration::from_millis(200)));
    let started = std::time::Instant::now();
    let done = chat(&backend(&mock.base_url()), &request()).await.1.unwrap();
    assert_eq!(done.content, "patience");
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[test]
fn a_mock_on_its_own_thread_serves_blocking_tests() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let models = runtime.block_on(async {
        use ailab::llm::ChatBackend;
        backend(&mock.base_url()).list_models().await
    });
    assert_eq!(models.unwrap().len(), 6);
    assert_eq!(mock.requests()[0].path, "/v1/models");
    drop(mock);
}
