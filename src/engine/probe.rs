//! Does each model really answer? `GET /models` only says what a server lists: LM Studio keeps
//! listing a model that failed to load or was unloaded, and every chat call then answers "No models
//! loaded". A test message per distinct model (a few tokens) finds that before a run does.

use std::time::{Duration, Instant};

use super::backends::Backends;
use super::prompts;
use crate::config::Hierarchy;
use crate::llm::{ChatRequest, LlmError, Sampling};

/// One test message: what is sent, where, and for which members.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeTarget {
    pub endpoint: String,
    pub model: String,
    /// The names of the members using this model on this server.
    pub members: Vec<String>,
    /// Their ids, in the same order (to point at their settings in hierarchy.toml).
    pub member_ids: Vec<String>,
    pub request: ChatRequest,
}

/// What the test message got back.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeOutcome {
    /// The model answered (its first words, and how long the whole answer took).
    Answered { text: String, elapsed: Duration },
    /// The call failed: the server's own words are in the error.
    Failed(LlmError),
    /// The model answered without the members' sampling knobs, but not with these ones: each
    /// refused knob, with the server's refusal.
    KnobsRejected(Vec<(&'static str, LlmError)>),
}

/// The test messages a hierarchy needs: one per distinct server, model and sampling knobs (sent
/// with the first member's settings), so a team on one model costs one message. Knobs get their
/// own message because a server may refuse one it does not know.
pub fn targets(hierarchy: &Hierarchy) -> Vec<ProbeTarget> {
    let mut targets: Vec<ProbeTarget> = Vec::new();
    for node in &hierarchy.nodes {
        let endpoint = hierarchy.endpoint_of(node).to_string();
        let request = prompts::probe(node);
        let same = |t: &ProbeTarget| {
            t.endpoint == endpoint && t.model == node.model && t.request.sampling == node.sampling
        };
        match targets.iter_mut().find(|t| same(t)) {
            Some(target) => {
                target.members.push(node.name.clone());
                target.member_ids.push(node.id.clone());
            }
            None => targets.push(ProbeTarget {
                endpoint,
                model: node.model.clone(),
                members: vec![node.name.clone()],
                member_ids: vec![node.id.clone()],
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
    let _permit = endpoint.slots().acquire().await.ok();
    let started = Instant::now();
    let error = match send(endpoint, &target.request).await {
        Ok(text) => return ProbeOutcome::Answered { text: first_words(&text), elapsed: started.elapsed() },
        Err(error) => error,
    };
    let knobs = target.request.sampling;
    if knobs.is_empty() {
        return ProbeOutcome::Failed(error);
    }
    // Is it the knobs? Without them the model must answer; then each knob alone tells which.
    let plain = ChatRequest { sampling: Sampling::default(), ..target.request.clone() };
    if send(endpoint, &plain).await.is_err() {
        return ProbeOutcome::Failed(error);
    }
    let mut rejected = Vec::new();
    for name in knobs.set_names() {
        let alone =
            knobs.set_names().into_iter().filter(|other| *other != name).fold(knobs, |k, n| k.without(n));
        let request = ChatRequest { sampling: alone, ..plain.clone() };
        if let Err(refusal) = send(endpoint, &request).await {
            rejected.push((name, refusal));
        }
    }
    // Each knob passes alone: it is their combination, reported as the server said it.
    if rejected.is_empty() { ProbeOutcome::Failed(error) } else { ProbeOutcome::KnobsRejected(rejected) }
}

/// Each refused knob in words, with the fix: "The server at … rejected `top_k` for Echo: <its
/// words>. Remove it from hierarchy.toml (line 12) or use a server that supports it." `file` is
/// the hierarchy's text, when it is a file, to point at the line.
pub fn knob_refusals(
    target: &ProbeTarget,
    rejected: &[(&'static str, LlmError)],
    source: &str,
    file: Option<&str>,
) -> Vec<String> {
    let who = target.members.join(", ");
    let first = target.member_ids.first().map(String::as_str).unwrap_or_default();
    rejected
        .iter()
        .map(|(knob, error)| {
            let line = file.and_then(|text| crate::config::setting_line(text, first, knob));
            let place = line.map_or_else(|| source.to_string(), |n| format!("{source} (line {n})"));
            format!(
                "The server at {} rejected `{knob}` for {who}: {}. Remove it from {place} or use a server \
                 that supports it.",
                target.endpoint,
                error.to_string().trim_end().trim_end_matches('.')
            )
        })
        .collect()
}

/// One test message; the answer's text.
async fn send(endpoint: &super::backends::Endpoint, request: &ChatRequest) -> Result<String, LlmError> {
    let mut text = String::new();
    let mut on_delta = |delta: crate::llm::Delta, _pieces: u32| {
        if let crate::llm::Delta::Content(piece) = delta {
            text.push_str(&piece);
        }
    };
    endpoint.backend.stream_chat(request, &mut on_delta).await?;
    Ok(text)
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
    fn members_with_other_knobs_get_their_own_test_message() {
        let mut hierarchy = testkit::six_node_tree();
        hierarchy.nodes[3].sampling.top_k = Some(40);
        let targets = targets(&hierarchy);
        assert_eq!(targets.len(), 2, "{targets:?}");
        assert_eq!(targets[1].member_ids, vec!["echo".to_string()]);
        assert_eq!(targets[1].request.sampling.top_k, Some(40));
        assert_eq!(targets[0].request.sampling, Sampling::default());
    }

    #[tokio::test]
    async fn a_knob_the_server_refuses_is_named_with_the_servers_words() {
        let mut hierarchy = testkit::six_node_tree();
        hierarchy.nodes[3].sampling.top_k = Some(40);
        hierarchy.nodes[3].sampling.min_p = Some(0.05);
        let target = targets(&hierarchy).remove(1);
        // A server that knows min_p but not top_k.
        let server = testkit::ScriptedBackend::new(|request| match request.sampling.top_k {
            Some(_) => testkit::Reply::Fail(LlmError::Http {
                status: 400,
                message: "Unrecognized request argument supplied: top_k".into(),
            }),
            None => testkit::Reply::Text("OK".into()),
        });
        let backends = Backends::single(server.clone(), 1);
        match probe(&backends, &target).await {
            ProbeOutcome::KnobsRejected(rejected) => {
                assert_eq!(rejected.len(), 1, "{rejected:?}");
                assert_eq!(rejected[0].0, "top_k");
                assert!(rejected[0].1.to_string().contains("Unrecognized request argument supplied: top_k"));
                let file = "[[node]]\nid = \"atlas\"\n\n[[node]]\nid = \"echo\"\ntop_k = 40\nmin_p = 0.05\n";
                let said = knob_refusals(&target, &rejected, "hierarchy.toml", Some(file));
                assert_eq!(
                    said,
                    vec![format!(
                        "The server at {} rejected `top_k` for Echo: {}. Remove it from hierarchy.toml (line 6) \
                         or use a server that supports it.",
                        target.endpoint,
                        rejected[0].1.to_string().trim_end_matches('.')
                    )]
                );
            }
            other => panic!("expected top_k to be named, got {other:?}"),
        }
        // With the knobs, without them, then each alone.
        let sent: Vec<_> = server.received().iter().map(|r| r.sampling.set_names()).collect();
        assert_eq!(sent, vec![vec!["min_p", "top_k"], vec![], vec!["min_p"], vec!["top_k"]]);
    }

    #[tokio::test]
    async fn a_model_that_fails_without_knobs_too_is_not_blamed_on_them() {
        let mut hierarchy = testkit::six_node_tree();
        hierarchy.nodes[3].sampling.top_k = Some(40);
        let target = targets(&hierarchy).remove(1);
        let refusal = LlmError::NoModelLoaded { message: "No models loaded.".into() };
        let backends = Backends::single(
            testkit::ScriptedBackend::new(move |_| testkit::Reply::Fail(refusal.clone())),
            1,
        );
        assert!(matches!(
            probe(&backends, &target).await,
            ProbeOutcome::Failed(LlmError::NoModelLoaded { .. })
        ));
    }

    #[test]
    fn a_long_reply_is_shown_by_its_first_words() {
        assert_eq!(first_words("  OK\n"), "OK");
        let long = first_words(&"word ".repeat(30));
        assert!(long.ends_with('…') && long.chars().count() == 41, "{long}");
    }
}
