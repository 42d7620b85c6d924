//! The startup (and on-demand) server check: every endpoint's served models against every
//! node's model. Runs as a task; the result comes back as a message.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::config::Hierarchy;
use crate::engine::Engine;
use crate::engine::probe::{self, ProbeOutcome};
use crate::llm::LlmError;
use crate::tui::state::health::{EndpointHealth, HealthReport, MissingModel, ModelAnswer, Problem};

/// Checks every endpoint the hierarchy's nodes use; `deep` also sends each listed model a test
/// message (see `engine::probe`).
pub async fn check(engine: &Engine, demo: bool, deep: bool) -> HealthReport {
    let hierarchy = engine.hierarchy().clone();
    let mut by_url: BTreeMap<&str, Vec<&crate::config::NodeConfig>> = BTreeMap::new();
    for node in &hierarchy.nodes {
        by_url.entry(hierarchy.endpoint_of(node)).or_default().push(node);
    }
    // Connecting is bounded by the client's own connect timeout; this only guards a server that
    // accepts the connection and then never answers.
    let patience = Duration::from_secs_f64(hierarchy.server.connect_timeout_secs.max(1.0) + 5.0);
    let mut endpoints = Vec::new();
    let mut missing = Vec::new();
    for (url, nodes) in by_url {
        let Some(endpoint) = engine.backends().get(url) else {
            endpoints.push(EndpointHealth {
                url: url.to_string(),
                models: Err(Problem { message: "no client for this address".into(), hint: None }),
            });
            continue;
        };
        let models = match tokio::time::timeout(patience, endpoint.backend.list_models()).await {
            Ok(Ok(models)) => Ok(models.into_iter().map(|m| m.id).collect::<Vec<_>>()),
            Ok(Err(error)) => Err(problem(&error, url, &hierarchy)),
            Err(_) => Err(Problem {
                message: format!("the server accepted the connection but did not answer within {patience:?}"),
                hint: Some("It may be loading a model; wait a moment and check again.".into()),
            }),
        };
        if let Ok(served) = &models {
            for node in nodes.iter().filter(|n| !served.contains(&n.model)) {
                missing.push(MissingModel {
                    node_id: node.id.clone(),
                    node_name: node.name.clone(),
                    model: node.model.clone(),
                    endpoint: url.to_string(),
                });
            }
        }
        endpoints.push(EndpointHealth { url: url.to_string(), models });
    }
    let answers = if deep && !demo { test_messages(engine, &endpoints, &missing).await } else { Vec::new() };
    HealthReport { demo, endpoints, missing, answers }
}

/// One test message per listed model, skipping endpoints that did not answer and models they do
/// not list (those already have their problem in the report).
async fn test_messages(
    engine: &Engine,
    endpoints: &[EndpointHealth],
    missing: &[MissingModel],
) -> Vec<ModelAnswer> {
    let reachable = |url: &str| endpoints.iter().any(|e| e.url == url && e.models.is_ok());
    let targets = probe::targets(engine.hierarchy())
        .into_iter()
        .filter(|t| {
            reachable(&t.endpoint) && !missing.iter().any(|m| m.endpoint == t.endpoint && m.model == t.model)
        })
        .collect();
    let hierarchy = engine.hierarchy();
    probe::probe_all(engine.backends(), targets)
        .await
        .into_iter()
        .map(|(target, outcome)| ModelAnswer {
            answered: match outcome {
                ProbeOutcome::Answered { elapsed, .. } => Ok(elapsed.as_millis() as u64),
                ProbeOutcome::Failed(error) => Err(problem(&error, &target.endpoint, hierarchy)),
                ProbeOutcome::KnobsRejected(rejected) => {
                    let file = std::fs::read_to_string(&hierarchy.source).ok();
                    let refusals =
                        probe::knob_refusals(&target, &rejected, &hierarchy.source, file.as_deref());
                    Err(Problem { message: refusals.join(" "), hint: None })
                }
            },
            model: target.model,
            endpoint: target.endpoint,
            members: target.members,
        })
        .collect()
}

/// The failure with advice for this endpoint: where to start a server, and which setting
/// points the nodes at it (a node's own `endpoint`, or `[server] base_url`).
fn problem(error: &LlmError, url: &str, hierarchy: &Hierarchy) -> Problem {
    let hint = match error {
        LlmError::Unreachable { .. } => Some(unreachable_hint(url, hierarchy)),
        other => other.hint(),
    };
    Problem { message: error.to_string(), hint }
}

/// What to do when nothing answers at `url`.
pub fn unreachable_hint(url: &str, hierarchy: &Hierarchy) -> String {
    let port = port_of(url).map(|p| format!(" on port {p}")).unwrap_or_default();
    if url == hierarchy.server.base_url {
        return format!(
            "In LM Studio: open the Developer tab and press Start server (it must listen{port}), or pass \
             --base-url with the address your server uses."
        );
    }
    let users: Vec<&str> =
        hierarchy.nodes.iter().filter(|n| hierarchy.endpoint_of(n) == url).map(|n| n.name.as_str()).collect();
    format!(
        "{} {} this address from `endpoint` in hierarchy.toml. Start a server there ({url}{port}), or change \
         that `endpoint` (remove it to use [server] base_url, {}).",
        users.join(", "),
        if users.len() == 1 { "takes" } else { "take" },
        hierarchy.server.base_url
    )
}

/// The port of an `http://host:port/...` address.
fn port_of(url: &str) -> Option<u16> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest.split('/').next()?;
    host.rsplit_once(':')?.1.parse().ok()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::engine::{Backends, testkit};

    #[tokio::test]
    async fn reports_nodes_whose_model_is_not_served() {
        let mut hierarchy = testkit::six_node_tree();
        hierarchy.nodes[3].model = "phi-3.1-mini-4k-instruct:2".into();
        let backends = Backends::single(testkit::ScriptedBackend::echo(), 4);
        let engine = Engine::new(Arc::new(hierarchy), backends);
        let report = check(&engine, false, false).await;
        assert!(!report.is_healthy());
        assert_eq!(report.missing.len(), 1);
        assert_eq!(report.missing[0].node_id, "echo");
        assert_eq!(report.served_for_missing(), vec!["phi-3.1-mini-4k-instruct".to_string()]);
    }

    #[test]
    fn advice_names_the_failing_endpoint_and_the_setting_that_points_at_it() {
        let mut hierarchy = testkit::six_node_tree();
        hierarchy.server.base_url = "http://localhost:1234/v1".into();
        hierarchy.nodes[3].endpoint = Some("http://127.0.0.1:9/v1".into());
        let echo = hierarchy.nodes[3].name.clone();
        let own = unreachable_hint("http://127.0.0.1:9/v1", &hierarchy);
        assert!(own.starts_with(&format!("{echo} takes this address from `endpoint`")), "{own}");
        assert!(own.contains("(http://127.0.0.1:9/v1 on port 9)") && !own.contains("1234)"), "{own}");
        assert!(own.contains("remove it to use [server] base_url, http://localhost:1234/v1"), "{own}");
        let base = unreachable_hint("http://localhost:1234/v1", &hierarchy);
        assert!(base.contains("Start server (it must listen on port 1234)"), "{base}");
    }
}
