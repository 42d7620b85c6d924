//! Does each model really answer? `GET /models` only says what a server lists: LM Studio keeps
//! listing a model that failed to load or was unloaded, and every chat call then answers "No models
//! loaded". A test message per distinct model (a few tokens) finds that before a run does.

use std::time::{Duration, Instant};

use super::backends::Backends;
use super::prompts;
use crate::config::Hierarchy;
use crate::llm::{ChatRequest, LlmError};

/// One test message: what is sent, where, and for which members.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeTarget {
    pub endpoint: String,
    pub model: String,
    /// The names of the members using this model on this server.
    pub members: Vec<String>,
    pub request: ChatRequest,
}

/// What the test message got back.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeOutcome {
    /// The model answered (its first words, and how long the whole answer took).
    Answered { text: String, elapsed: Duration },
    /// The call failed: the server's own words are in the error.
    Failed(LlmError),
}

/// The test messages a hierarchy needs: one per distinct server and model (sent with the first
/// member's settings), so a team on one model costs one message.
pub fn targets(hierarchy: &Hierarchy) -> Vec<ProbeTarget> {
    let mut targets: Vec<ProbeTarget> = Vec::new();
    for node in &hierarchy.nodes {
        let endpoint = hierarchy.endpoint_of(node).to_string();
        let request = prompts::probe(node);
        let same = |t: &ProbeTarget| t.endpoint == endpoint && t.model == node.model;
        match targets.iter_mut().find(|t| same(t)) {
            Some(target) => target.members.push(node.name.clone()),
            None => targets.push(ProbeTarget {
                endpoint,
                model: node.model.clone(),
                members: vec![node.name.clone()],
                request,
            }),
        }
    }
    targets
}

/// Sends one test message, sharing the endpoint's limit with any run in flight. The client's own
/// timeouts (connect, first token, idle) bound it.
pub async fn probe(backends: &Backends, target: &ProbeTarget) -> ProbeOutcome {
    let Some(endpoint) = backends.get(&target.endpoint) else {
        return ProbeOutcome::Failed(LlmError::Unreachable {
            url: target.endpoint.clone(),
            reason: "no client for this address".into(),
        });
    };
    // A closed semaphore only happens at shutdown; the message then goes without waiting its turn.
    let _permit = endpoint.limit.acquire().await.ok();
    let started = Instant::now();
    let mut text = String::new();
    let mut on_delta = |delta: crate::llm::Delta| {
        if let crate::llm::Delta::Content(piece) = delta {
            text.push_str(&piece);
        }
    };
    match endpoint.backend.stream_chat(&target.request, &mut on_delta).await {
        Ok(_) => ProbeOutcome::Answered { text: first_words(&text), elapsed: started.elapsed() },
        Err(error) => ProbeOutcome::Failed(error),
    }
}

/// Sends every test message in turn (in turn: several at once would make LM Studio load a cold
/// model several times over).
pub async fn probe_all(backends: &Backends, targets: Vec<ProbeTarget>) -> Vec<(ProbeTarget, ProbeOutcome)> {
    let mut results = Vec::with_capacity(targets.len());
    for target in targets {
        let outcome = probe(backends, &target).await;
        results.push((target, outcome));
    }
    results
}

/// The reply's start on one line, for a report.
fn first_words(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testkit;

    #[test]
    fn members_on_the_same_model_share_one_test_message() {
        let mut hierarchy = testkit::six_node_tree();
        hierarchy.nodes[3].model = "phi-3.1-mini-4k-instruct:2".into();
        let targets = targets(&hierarchy);
        assert_eq!(targets.len(), 2, "{targets:?}");
        assert_eq!(targets[0].members.len(), 5);
        assert_eq!(targets[1].members, vec![hierarchy.nodes[3].name.clone()]);
        assert_eq!(targets[1].request.model, "phi-3.1-mini-4k-instruct:2");
        assert_eq!(targets[1].request.max_tokens, prompts::PROBE_MAX_TOKENS);
    }

    #[test]
    fn another_server_gets_its_own_test_message_and_other_settings_do_not() {
        let mut hierarchy = testkit::six_node_tree();
        hierarchy.nodes[1].temperature += 0.5;
        hierarchy.nodes[2].endpoint = Some("http://127.0.0.1:9/v1".into());
        let targets = targets(&hierarchy);
        assert_eq!(targets.len(), 2, "{targets:?}");
        assert_eq!(targets.iter().filter(|t| t.endpoint == "http://127.0.0.1:9/v1").count(), 1);
    }

    #[tokio::test]
    async fn a_model_that_answers_passes_and_one_that_fails_keeps_the_servers_words() {
        let hierarchy = testkit::six_node_tree();
        let target = targets(&hierarchy).remove(0);
        let ok = Backends::single(testkit::ScriptedBackend::echo(), 1);
        assert!(matches!(probe(&ok, &target).await, ProbeOutcome::Answered { .. }));
        let refusal = LlmError::NoModelLoaded { message: "No models loaded. Please load a model.".into() };
        let failing = Backends::single(
            testkit::ScriptedBackend::new(move |_| testkit::Reply::Fail(refusal.clone())),
            1,
        );
        match probe(&failing, &target).await {
            ProbeOutcome::Failed(LlmError::NoModelLoaded { message }) => {
                assert!(message.starts_with("No models"))
            }
            other => panic!("expected the server's refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_long_reply_is_shown_by_its_first_words() {
        assert_eq!(first_words("  OK\n"), "OK");
        let long = first_words(&"word ".repeat(30));
        assert!(long.ends_with('…') && long.chars().count() == 41, "{long}");
    }
}
