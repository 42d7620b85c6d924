//! Error answers mapped to what a user can act on.

use ailab::llm::{ChatBackend, LlmError};

use crate::support::{MockServer, Reply};
use crate::{backend, chat, request};

async fn error_for(reply: Reply) -> (LlmError, usize) {
    let mock = MockServer::start().await;
    mock.push(reply);
    let error = chat(&backend(&mock.base_url()), &request()).await.1.unwrap_err();
    (error, mock.chat_count())
}

#[tokio::test]
async fn lmstudio_invalid_model_identifier_is_model_not_found() {
    let (error, calls) = error_for(Reply::model_not_found("phi-3.1-mini-4k-instruct")).await;
    let LlmError::ModelNotFound { model, message } = error else { panic!("got {error:?}") };
    assert_eq!(model, "phi-3.1-mini-4k-instruct");
    assert!(message.starts_with("Invalid model identifier"), "{message}");
    assert_eq!(calls, 1, "a 400 is not re-sent");
}

#[tokio::test]
async fn ollama_404_is_model_not_found() {
    let (error, _) = error_for(Reply::ollama_model_not_found("phi-3.1-mini-4k-instruct")).await;
    assert!(matches!(error, LlmError::ModelNotFound { .. }), "{error:?}");
}

#[tokio::test]
async fn no_models_loaded_string_error() {
    let (error, _) = error_for(Reply::no_models_loaded()).await;
    assert!(
        matches!(error, LlmError::NoModelLoaded { ref message } if message.starts_with("No models loaded"))
    );
    assert!(error.hint().is_some());
}

#[tokio::test]
async fn context_overflow_is_recognised() {
    let (error, _) = error_for(Reply::context_overflow()).await;
    assert!(matches!(error, LlmError::ContextOverflow { .. }), "{error:?}");
}

#[tokio::test]
async fn other_400s_keep_the_servers_message_in_object_or_string_form() {
    let (error, calls) = error_for(Reply::error_object(400, "'temperature' must be a number", None)).await;
    assert_eq!(error, LlmError::Http { status: 400, message: "'temperature' must be a number".into() });
    assert_eq!(calls, 1);
    let (error, _) = error_for(Reply::error_string(400, "Bad things")).await;
    assert_eq!(error, LlmError::Http { status: 400, message: "Bad things".into() });
}

#[tokio::test]
async fn an_unauthorised_request_says_how_to_give_the_key() {
    let (error, calls) = error_for(Reply::error_object(401, "Unauthorized", None)).await;
    assert!(matches!(error, LlmError::KeyRejected { status: 401, .. }), "{error:?}");
    assert_eq!(calls, 1, "a 401 is not re-sent");
    assert!(error.hint().is_some_and(|h| h.contains("api_key_env")));
}

#[tokio::test]
async fn raw_text_errors_are_shortened() {
    let page = format!("<html><body>{}</body></html>", "Bad gateway ".repeat(100));
    let mock = MockServer::start().await;
    for _ in 0..4 {
        mock.push(Reply::status(502, page.clone()));
    }
    let error = chat(&backend(&mock.base_url()), &request()).await.1.unwrap_err();
    let LlmError::Http { status: 502, message } = error else { panic!("got {error:?}") };
    assert!(message.starts_with("<html><body>Bad gateway"));
    assert!(message.chars().count() <= 301, "{} chars", message.chars().count());
}

#[tokio::test]
async fn base_url_without_v1_gets_the_servers_unknown_route_message() {
    let mock = MockServer::start().await;
    let backend = backend(&mock.origin());
    let error = chat(&backend, &request()).await.1.unwrap_err();
    assert!(
        matches!(error, LlmError::Http { status: 404, ref message } if message.contains("Unexpected endpoint"))
    );
}

#[tokio::test]
async fn model_list_errors_are_mapped() {
    let mock = MockServer::start().await;
    mock.set_models_reply(Some(Reply::server_error("models exploded")));
    let error = backend(&mock.base_url()).list_models().await.unwrap_err();
    assert_eq!(error, LlmError::Http { status: 500, message: "models exploded".into() });
    mock.set_models_reply(Some(Reply::status(
        200,
        r#"{"error":"Unexpected endpoint or method. (GET /models)"}"#,
    )));
    let error = backend(&mock.base_url()).list_models().await.unwrap_err();
    assert!(
        matches!(error, LlmError::InvalidResponse { ref message } if message.contains("/v1")),
        "{error:?}"
    );
}

#[tokio::test]
async fn nobody_listening_is_unreachable_with_the_reason() {
    let url = crate::retries::closed_port_url().await;
    let backend = backend(&url);
    let error = backend.list_models().await.unwrap_err();
    let LlmError::Unreachable { url: reported, reason } = &error else { panic!("got {error:?}") };
    assert_eq!(reported, &url);
    assert!(reason.to_lowercase().contains("refused"), "{reason}");
    assert!(error.hint().is_some_and(|h| h.contains("Start the server at http://127.0.0.1:")), "{error:?}");
    assert!(!backend.lmstudio_greeting().await);
}

#[tokio::test]
async fn a_web_page_instead_of_a_stream_is_an_invalid_response() {
    let mock = MockServer::start().await;
    mock.push(Reply::status(200, "<!doctype html><html><body>Welcome to nginx!</body></html>"));
    let error = chat(&backend(&mock.base_url()), &request()).await.1.unwrap_err();
    let LlmError::InvalidResponse { message } = error else { panic!("got {error:?}") };
    assert!(message.contains("Welcome to nginx") && message.contains("base URL"), "{message}");
}
