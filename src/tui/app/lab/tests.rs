//! The Lab tab's compare refuses a judge the server does not serve before any arm runs (as
//! `ailab eval` does), and skips the check in demo mode.

use std::sync::Arc;

use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

use super::Comparison;
use crate::config::DEFAULT_MODEL;
use crate::engine::testkit::{ScriptedBackend, echo_reply, six_node_tree};
use crate::engine::{Backends, Engine, EventSink};
use crate::tui::msg::lab::ComparisonEnd;

fn comparison(backend: Arc<ScriptedBackend>, dir: &tempfile::TempDir, demo: bool) -> Comparison {
    Comparison {
        engine: Engine::new(Arc::new(six_node_tree()), Backends::single(backend, 4)),
        sink: EventSink::new(),
        path: dir.path().join("ailab.db"),
        prompt: "Why is the sky blue?".into(),
        judge_model: "qwen-judge".into(),
        backend: "http://127.0.0.1:1234/v1".into(),
        demo,
    }
}

#[tokio::test]
async fn a_judge_the_server_does_not_serve_is_refused_before_any_arm_runs() {
    let dir = tempfile::tempdir().unwrap();
    let backend = ScriptedBackend::new(echo_reply);
    let (tx, _rx) = unbounded_channel();
    let end = comparison(backend.clone(), &dir, false).run(tx, CancellationToken::new()).await;
    let ComparisonEnd::Failed(message) = end else { panic!("not refused: {end:?}") };
    assert!(message.starts_with("nothing was compared: the judge model \"qwen-judge\""), "{message}");
    assert!(message.contains(&format!("it serves: {DEFAULT_MODEL}")), "{message}");
    assert!(message.contains("--judge MODEL (or AILAB_JUDGE=MODEL)"), "{message}");
    assert!(backend.received().is_empty(), "no model was asked anything");
    assert!(!dir.path().join("ailab.db").exists(), "nothing was recorded");
}

#[tokio::test]
async fn demo_mode_skips_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let backend = ScriptedBackend::new(echo_reply);
    let (tx, _rx) = unbounded_channel();
    let end = comparison(backend.clone(), &dir, true).run(tx, CancellationToken::new()).await;
    if let ComparisonEnd::Failed(message) = &end {
        assert!(!message.starts_with("nothing was compared"), "{message}");
    }
    assert!(!backend.received().is_empty(), "the arms ran");
}
