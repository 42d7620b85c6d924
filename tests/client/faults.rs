//! Every fault the mock knows (`Fault::ALL`, the soak's vocabulary) as the client meets it: the
//! faults a server recovers from are re-sent and answered, the others end the call with an error,
//! and in every case the text the client handed on is exactly what the mock logged as sent.

use ailab::config::ServerConfig;
use ailab::llm::LlmError;

use crate::support::mock_server::Fault;
use crate::support::{MockConfig, MockServer};
use crate::{backend_with, chat, content_of, request, server_config};

/// Whether the call ends with an answer after this fault (re-sent when it struck before a byte).
fn answered(fault: Fault) -> bool {
    !matches!(
        fault,
        Fault::DropMidStream
            | Fault::MalformedChunk
            | Fault::NoDone
            | Fault::EmptyStream
            | Fault::HtmlInsteadOfStream
            | Fault::ContextLengthExceeded
            | Fault::ModelNotFound
            | Fault::NoModelsLoaded
            | Fault::Stall
    )
}

async fn meet(fault: Fault) -> Result<(), String> {
    let mock = MockServer::start().await;
    let config = MockConfig::default();
    mock.respond_with(move |req| (req.index == 1).then(|| fault.reply(req, &config)));
    let server = ServerConfig { idle_timeout_secs: 2.0, ..server_config() };
    let (deltas, result) = chat(&backend_with(&mock.base_url(), &server), &request()).await;
    let sent: String = (1..=mock.chat_count()).map(|i| mock.sent(i).content_before(None)).collect();
    let handed_on = content_of(&deltas);
    if handed_on != sent {
        return Err(format!("{fault:?}: the client handed on {handed_on:?}, the mock sent {sent:?}"));
    }
    match (&result, answered(fault)) {
        (Ok(_), true) | (Err(_), false) => {}
        (Ok(done), false) => {
            return Err(format!("{fault:?}: answered {:?}, expected an error", done.content));
        }
        (Err(error), true) => return Err(format!("{fault:?}: failed with {error}, expected an answer")),
    }
    if fault == Fault::Stall && !matches!(result, Err(LlmError::IdleTimeout { .. })) {
        return Err(format!("{fault:?}: expected the idle timeout, got {result:?}"));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_reaches_the_client_and_the_mock_logs_exactly_what_it_streamed() {
    let outcomes = futures::future::join_all(Fault::ALL.into_iter().map(meet)).await;
    let problems: Vec<String> = outcomes.into_iter().filter_map(Result::err).collect();
    assert!(problems.is_empty(), "{problems:#?}");
}
