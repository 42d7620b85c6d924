//! First-token and idle timeouts (and no total timeout), and cancellation by dropping the call.

use std::time::{Duration, Instant};

use ailab::config::ServerConfig;
use ailab::llm::{ChatBackend, Delta, LlmError};

use crate::support::{MockServer, Reply, Step, StreamScript};
use crate::{backend, backend_with, chat, request, server_config};

fn impatient(first_token_secs: f64, idle_secs: f64) -> ServerConfig {
    ServerConfig {
        first_token_timeout_secs: first_token_secs,
        idle_timeout_secs: idle_secs,
        ..server_config()
    }
}

#[tokio::test]
async fn no_headers_in_time_is_a_first_token_timeout_and_not_resent() {
    let mock = MockServer::start().await;
    mock.push(Reply::Hang);
    let started = Instant::now();
    let error = chat(&backend_with(&mock.base_url(), &impatient(0.3, 10.0)), &request()).await.1.unwrap_err();
    assert!(matches!(error, LlmError::FirstTokenTimeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(mock.chat_count(), 1);
}

#[tokio::test]
async fn headers_but_no_text_in_time_is_a_first_token_timeout() {
    let mock = MockServer::start().await;
    let script = StreamScript::answer(&["late"])
        .insert(
            0,
            Step::Data(serde_json::json!({ "choices": [{ "index": 0, "delta": { "role": "assistant" } }] })),
        )
        .insert(1, Step::Pause(Duration::from_secs(10)));
    mock.push(script);
    let error = chat(&backend_with(&mock.base_url(), &impatient(0.3, 0.05)), &request()).await.1.unwrap_err();
    assert!(matches!(error, LlmError::FirstTokenTimeout { .. }), "{error:?}");
}

#[tokio::test]
async fn long_prompt_processing_is_not_an_idle_timeout() {
    let mock = MockServer::start().await;
    // 600 ms before the first token, far beyond the 100 ms idle timeout.
    mock.push(
        StreamScript::answer(&["worth ", "the wait"]).insert(0, Step::Pause(Duration::from_millis(600))),
    );
    let done = chat(&backend_with(&mock.base_url(), &impatient(5.0, 0.1)), &request()).await.1.unwrap();
    assert_eq!(done.content, "worth the wait");
}

#[tokio::test]
async fn stall_mid_stream_is_an_idle_timeout() {
    let mock = MockServer::start().await;
    mock.push(StreamScript::answer(&["a", "b"]).insert(1, Step::Pause(Duration::from_secs(10))));
    let started = Instant::now();
    let (deltas, result) = chat(&backend_with(&mock.base_url(), &impatient(5.0, 0.3)), &request()).await;
    assert_eq!(deltas, vec![Delta::Content("a".into())]);
    assert!(matches!(result.unwrap_err(), LlmError::IdleTimeout { .. }));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(mock.chat_count(), 1, "never re-sent after tokens arrived");
}

#[tokio::test]
async fn a_steady_stream_longer_than_every_timeout_is_not_cut() {
    let mock = MockServer::start().await;
    let pieces: Vec<String> = (0..30).map(|i| format!("{i} ")).collect();
    let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
    mock.push(StreamScript::answer(&pieces).paced(Duration::from_millis(30)));
    let started = Instant::now();
    let done = chat(&backend_with(&mock.base_url(), &impatient(0.3, 0.3)), &request()).await.1.unwrap();
    assert!(started.elapsed() > Duration::from_millis(600), "the stream should outlast both timeouts");
    assert_eq!(done.chunks, 30);
}

#[tokio::test]
async fn dropping_the_call_closes_the_connection() {
    let mock = MockServer::start().await;
    let pieces = vec!["token "; 500];
    mock.push(StreamScript::answer(&pieces).paced(Duration::from_millis(10)));
    let backend = backend(&mock.base_url());
    let req = request();
    let (first_tx, first_rx) = tokio::sync::oneshot::channel();
    let mut first_tx = Some(first_tx);
    let mut sink = |_: Delta, _: u32| {
        if let Some(tx) = first_tx.take() {
            let _ = tx.send(());
        }
    };
    let call = backend.stream_chat(&req, &mut sink);
    tokio::select! {
        _ = call => panic!("the call should still be streaming"),
        _ = first_rx => {}
    }
    // `call` is dropped here, mid-stream.
    assert!(
        mock.wait_until(Duration::from_secs(3), |m| m.disconnects() == 1).await,
        "the mock never saw the client go away"
    );
    assert_eq!(mock.in_flight(), 0);
    assert_eq!(mock.completed_streams(), 0);
}
