//! Re-sending only before any byte of a successful response: connection refused, 429, 5xx.

use std::time::{Duration, Instant};

use ailab::llm::LlmError;
use ailab::llm::retry::RetryPolicy;

use crate::support::{MockServer, Reply, StreamScript};
use crate::{backend, backend_with, chat, request, server_config};

/// A base URL on a port nobody listens on.
pub async fn closed_port_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/v1")
}

#[tokio::test]
async fn server_errors_are_retried_and_counted() {
    let mock = MockServer::start().await;
    mock.push(Reply::server_error("warming up"));
    mock.push(Reply::status(503, "busy"));
    mock.push(Reply::text(&["fine"]));
    let done = chat(&backend(&mock.base_url()), &request()).await.1.unwrap();
    assert_eq!(done.content, "fine");
    assert_eq!(done.retries, 2);
    assert_eq!(mock.chat_count(), 3);
}

#[tokio::test]
async fn at_most_three_retries_then_the_last_error() {
    let mock = MockServer::start().await;
    for i in 0..5 {
        mock.push(Reply::server_error(&format!("failure {i}")));
    }
    let error = chat(&backend(&mock.base_url()), &request()).await.1.unwrap_err();
    assert_eq!(error, LlmError::Http { status: 500, message: "failure 3".into() });
    assert_eq!(mock.chat_count(), 4);
}

#[tokio::test]
async fn too_many_requests_honours_a_small_retry_after() {
    let mock = MockServer::start().await;
    // Asks for 1 s; the test policy caps Retry-After at 250 ms (production: 5 s).
    mock.push(Reply::too_many_requests(Some("1")));
    mock.push(Reply::text(&["ok"]));
    let started = Instant::now();
    let done = chat(&backend(&mock.base_url()), &request()).await.1.unwrap();
    let waited = started.elapsed();
    assert_eq!(done.retries, 1);
    assert!(waited >= Duration::from_millis(250), "waited only {waited:?}");
    assert!(waited < Duration::from_millis(900), "Retry-After was not capped: {waited:?}");
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let mock = MockServer::start().await;
    mock.push(Reply::error_string(400, "nope"));
    mock.push(Reply::text(&["must not be used"]));
    let error = chat(&backend(&mock.base_url()), &request()).await.1.unwrap_err();
    assert_eq!(error, LlmError::Http { status: 400, message: "nope".into() });
    assert_eq!(mock.chat_count(), 1);
}

#[tokio::test]
async fn refused_connections_are_retried_with_backoff() {
    let url = closed_port_url().await;
    let policy = RetryPolicy { base_delay: Duration::from_millis(40), ..crate::fast_retries() };
    let backend =
        ailab::llm::client::HttpBackend::new(&url, &server_config()).unwrap().with_retry_policy(policy);
    let started = Instant::now();
    let error = chat(&backend, &request()).await.1.unwrap_err();
    assert!(matches!(error, LlmError::Unreachable { .. }), "{error:?}");
    // Three re-sends after 40, 80 and 160 ms.
    assert!(started.elapsed() >= Duration::from_millis(280), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_server_that_comes_up_during_the_backoff_is_reached() {
    let url = closed_port_url().await;
    let port: u16 = url.trim_start_matches("http://127.0.0.1:").trim_end_matches("/v1").parse().unwrap();
    let policy = RetryPolicy { base_delay: Duration::from_millis(150), ..crate::fast_retries() };
    let backend =
        ailab::llm::client::HttpBackend::new(&url, &server_config()).unwrap().with_retry_policy(policy);
    let late_server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        crate::support::MockServer::bind(addr, Default::default()).await
    });
    let req = request();
    let call = chat(&backend, &req);
    let (result, mock) = tokio::join!(call, late_server);
    let mock = mock.unwrap().expect("port still free");
    let done = result.1.unwrap();
    assert!(done.retries >= 1);
    assert_eq!(mock.chat_count(), 1);
}

#[tokio::test]
async fn nothing_is_resent_after_bytes_of_a_200_arrived() {
    let mock = MockServer::start().await;
    mock.push(StreamScript::answer(&["a", "b", "c"]).dropped_after(1));
    mock.push(Reply::text(&["second answer"]));
    let error = chat(&backend_with(&mock.base_url(), &server_config()), &request()).await.1.unwrap_err();
    assert_eq!(error, LlmError::Truncated);
    assert_eq!(mock.chat_count(), 1);
}
