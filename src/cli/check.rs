//! `ailab check`: can the server be reached, which models does it serve, and does every node have
//! its model? Plain language, with the fix. Exit 0 when everything is ready, 1 otherwise.

use std::collections::BTreeMap;

use crate::engine::describe_error;
use crate::engine::probe::{self, ProbeOutcome, ProbeTarget};
use crate::llm::ModelInfo;
use crate::llm::client::HttpBackend;
use crate::llm::lmstudio::base_model;
use crate::session::stderr::tell;
use crate::session::{Settings, exit};

pub async fn run(settings: Settings, deep: bool) -> u8 {
    let engine = match settings.engine() {
        Ok(engine) => engine,
        Err(message) => {
            tell(message);
            return exit::BAD_INPUT;
        }
    };
    let hierarchy = engine.hierarchy().clone();
    say!("Hierarchy: {} ({} nodes, root {})", hierarchy.source, hierarchy.nodes.len(), hierarchy.root().name);
    if let Some(file) = crate::paths::user_hierarchy_file().filter(|f| !f.exists()) {
        say!("  Your own copy goes in {} (the Prompts tab saves it there).", file.display());
    }
    match crate::store::db_path(settings.db_path.as_deref()) {
        Ok(db) if settings.no_record => say!("Record: off (--no-record); it would be {}", db.display()),
        Ok(db) => say!("Record: {}", db.display()),
        Err(message) => say!("Record: {message}"),
    }
    if settings.demo {
        say!("Demo mode: answers are scripted offline; no server is needed.");
        return exit::OK;
    }

    // Nodes grouped by the endpoint they call.
    let mut by_endpoint: BTreeMap<&str, Vec<&crate::config::NodeConfig>> = BTreeMap::new();
    for node in &hierarchy.nodes {
        by_endpoint.entry(hierarchy.endpoint_of(node)).or_default().push(node);
    }
    let mut ready = true;
    // Where a test message can go: the endpoint answered and lists the model.
    let mut listed: Vec<(String, String)> = Vec::new();
    if let Some(warning) = missing_api_key(&hierarchy.server) {
        say!("");
        say!("! {warning}");
    }
    for (url, nodes) in by_endpoint {
        let Some(endpoint) = engine.backends().get(url) else { continue };
        say!("");
        let models: Vec<ModelInfo> = match endpoint.backend.list_models().await {
            Ok(models) => models,
            Err(error) => {
                ready = false;
                let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
                say!("✗ Server {url} (used by {}): {}", names.join(", "), describe_error(&error));
                if url != hierarchy.server.base_url {
                    say!(
                        "  This address is the `endpoint` of those nodes in {}: start that server, or \
                         change their endpoint (Prompts tab → Server address).",
                        hierarchy.source
                    );
                }
                say!("  Then run `ailab check` again. To look around without a server: `ailab --demo`.");
                continue;
            }
        };
        if models.is_empty() {
            ready = false;
            say!("✗ Server {url} answers but serves no model.");
            say!("  In LM Studio: load Phi-3.1 mini (Developer tab → Select a model to load).");
            continue;
        }
        say!("✓ Server {url} answers and serves {} model(s):", models.len());
        for model in &models {
            say!("    {}", model.id);
        }
        // LM Studio also says what is loaded and with how much context; other servers do not.
        let native = match HttpBackend::new(url, &hierarchy.server) {
            Ok(client) => client.native_models().await,
            Err(_) => None,
        };
        say!("  Nodes:");
        let name_width = nodes.iter().map(|n| n.name.chars().count()).max().unwrap_or(0);
        for node in &nodes {
            let served = models.iter().any(|m| m.id == node.model);
            if served {
                listed.push((url.to_string(), node.model.clone()));
            }
            let mark = if served { "✓" } else { "✗" };
            let state = native.as_deref().and_then(|native| native.iter().find(|m| m.id == node.model));
            let note = match state {
                Some(m) if m.loaded => " (loaded)",
                Some(_) => " (not loaded yet: LM Studio loads it at the first request, which takes a while)",
                None => "",
            };
            say!("    {mark} {:<name_width$}  {}{note}", node.name, node.model);
            if !served {
                ready = false;
                say!("      {}", missing_model_fix(&node.model, &models));
            }
            if let Some(loaded) = state.and_then(|m| m.loaded_context_length) {
                if loaded < node.context_tokens {
                    say!(
                        "      ! loaded with {loaded} tokens of context, but {} counts on {} (context_tokens): \
                         long prompts will overflow. Reload it in LM Studio with Context Length {}, or set \
                         context_tokens = {loaded} for this node.",
                        node.name,
                        node.context_tokens,
                        node.context_tokens
                    );
                }
            }
        }
        if let Some(warning) = several_models_warning(&nodes) {
            say!("  ! {warning}");
        }
    }
    if deep {
        ready &= test_messages(&engine, &listed).await;
    }
    say!("");
    if ready && deep {
        say!("Ready: every node's model answered. Try `ailab ask \"Why is the sky blue?\"` or just `ailab`.");
        exit::OK
    } else if ready {
        say!(
            "Ready: every node's model is served. Try `ailab ask \"Why is the sky blue?\"` or just `ailab`."
        );
        say!(
            "(A server can list a model that does not answer: `ailab check --deep` sends each one a test message.)"
        );
        exit::OK
    } else {
        say!("Not ready yet: fix the items marked ✗ above.");
        exit::FAILED
    }
}

/// One test message of a few tokens per distinct model and settings (`--deep`); true when every
/// one was answered.
async fn test_messages(engine: &crate::engine::Engine, listed: &[(String, String)]) -> bool {
    let targets: Vec<ProbeTarget> = probe::targets(engine.hierarchy())
        .into_iter()
        .filter(|t| listed.iter().any(|(url, model)| *url == t.endpoint && *model == t.model))
        .collect();
    if targets.is_empty() {
        return true;
    }
    say!("");
    say!("Test messages (a few tokens to each model, as its members would send them):");
    let mut all_answered = true;
    for (target, outcome) in probe::probe_all(engine.backends(), targets).await {
        let who = target.members.join(", ");
        match outcome {
            ProbeOutcome::Answered { text, elapsed } => {
                let said = if text.is_empty() { String::new() } else { format!(" \"{}\"", text) };
                say!("  ✓ {} answered{said} in {:.1} s ({who})", target.model, elapsed.as_secs_f64());
            }
            ProbeOutcome::Failed(error) => {
                all_answered = false;
                say!("  ✗ {} at {} did not answer ({who}):", target.model, target.endpoint);
                say!("      {}", describe_error(&error));
            }
            ProbeOutcome::KnobsRejected(rejected) => {
                all_answered = false;
                let source = &engine.hierarchy().source;
                let file = std::fs::read_to_string(source).ok();
                say!(
                    "  ✗ {} at {} answers, but not with the settings of {who}:",
                    target.model,
                    target.endpoint
                );
                for refusal in probe::knob_refusals(&target, &rejected, source, file.as_deref()) {
                    say!("      {refusal}");
                }
            }
        }
    }
    all_answered
}

/// Different models on one LM Studio can fight: with "Only keep last JIT loaded model" on, a request
/// for another model unloads the one in use and cuts off its answer (LM Studio bug #671).
fn several_models_warning(nodes: &[&crate::config::NodeConfig]) -> Option<String> {
    let mut models: Vec<&str> = nodes.iter().map(|n| base_model(&n.model)).collect();
    models.sort_unstable();
    models.dedup();
    (models.len() > 1).then(|| {
        format!(
            "These nodes use {} different models ({}). If LM Studio's \"Only keep last JIT loaded model\" \
             is on, asking for one unloads another mid-answer: load each model by hand (Developer tab), \
             turn that setting off, or give every node the same model.",
            models.len(),
            models.join(", ")
        )
    })
}

/// A key the configuration asks for but the environment does not hold: requests then go without
/// one, and a server that requires it answers 401.
fn missing_api_key(server: &crate::config::ServerConfig) -> Option<String> {
    let name = server.api_key_env.as_deref()?;
    let set = std::env::var(name).map(|v| !v.trim().is_empty()).unwrap_or(false);
    (!set).then(|| {
        format!(
            "[server] api_key_env names {name}, but {name} is not set in this terminal: requests go \
             without an API key. Set it (export {name}=...) or remove api_key_env if the server needs none."
        )
    })
}

/// What to do when a node's model is not among the served ones.
fn missing_model_fix(model: &str, served: &[ModelInfo]) -> String {
    let base = base_model(model);
    let instance = model.get(base.len() + 1..).filter(|n| !n.is_empty());
    let base_served = served.iter().any(|m| m.id == base);
    match instance {
        Some(n) if base_served => format!(
            "Not served. In LM Studio, load {base} again until instance :{n} appears, \
             or set this node's model to one listed above in hierarchy.toml."
        ),
        _ => format!(
            "Not served. In LM Studio, load {model} (Developer tab → Select a model to load), \
             or set this node's model to one listed above in hierarchy.toml."
        ),
    }
}
