//! The Lab tab's compare refuses a judge the server does not serve before any arm runs (as
//! `ailab eval` does), and skips the check in demo mode.

use std::sync::Arc;

use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

use super::Comparison;
use crate::config::DEFAULT_MODEL;
use crate::engine::testkit::{ScriptedBackend, echo_reply, six_node_tree};
use crate::engine::{Backends, Engine, EventSink};
use crate::store::RecordWriter;
use crate::tui::msg::lab::ComparisonEnd;

fn comparison(backend: Arc<ScriptedBackend>, writer: RecordWriter, demo: bool) -> Comparison {
    Comparison {
        engine: Engine::new(Arc::new(six_node_tree()), Backends::single(backend, 4)),
        sink: EventSink::new(),
        writer,
        prompt: "Why is the sky blue?".into(),
        judge_model: "qwen-judge".into(),
        backend: "http://127.0.0.1:1234/v1".into(),
        demo,
    }
}

#[tokio::test]
async fn a_judge_the_server_does_not_serve_is_refused_before_any_arm_runs() {
    let backend = ScriptedBackend::new(echo_reply);
    let (tx, _rx) = unbounded_channel();
    // No recorder takes the queue: anything sent to the record would stay in it.
    let (writer, mut writes) = RecordWriter::channel();
    let end = comparison(backend.clone(), writer, false).run(tx, CancellationToken::new()).await;
    let ComparisonEnd::Failed(message) = end else { panic!("not refused: {end:?}") };
    assert!(message.starts_with("nothing was compared: the judge model \"qwen-judge\""), "{message}");
    assert!(message.contains(&format!("it serves: {DEFAULT_MODEL}")), "{message}");
    assert!(message.contains("--judge MODEL (or AILAB_JUDGE=MODEL)"), "{message}");
    assert!(backend.received().is_empty(), "no model was asked anything");
    assert!(writes.jobs.try_recv().is_err(), "nothing was sent to the record");
}

#[tokio::test]
async fn demo_mode_skips_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let recorder = crate::store::Recorder::start(&dir.path().join("ailab.db")).unwrap();
    let backend = ScriptedBackend::new(echo_reply);
    let (tx, _rx) = unbounded_channel();
    let end = comparison(backend.clone(), recorder.writer(), true).run(tx, CancellationToken::new()).await;
    if let ComparisonEnd::Failed(message) = &end {
        assert!(!message.starts_with("nothing was compared"), "{message}");
    }
    assert!(!backend.received().is_empty(), "the arms ran");
}

#[tokio::test]
async fn with_recording_off_a_vote_is_refused_with_what_to_do() {
    use crate::lab::verdict::Outcome;
    use crate::tui::msg::Msg;
    use crate::tui::msg::lab::{LabEffect, LabMsg, NO_RECORD};

    let dir = tempfile::tempdir().unwrap();
    let hierarchy = Arc::new(six_node_tree());
    let settings = crate::session::Settings {
        demo: true,
        no_record: true,
        ..crate::session::Settings::for_tests(hierarchy.clone(), Some(dir.path().join("ailab.db")))
    };
    let (tx, mut rx) = unbounded_channel();
    let reader = super::super::record::SharedReader::start(&settings, &tx);
    let mut lab = super::LabShell::new(&settings, reader, Err(crate::session::RECORDING_OFF.into()));
    let engine = Engine::new(hierarchy, Backends::single(ScriptedBackend::new(echo_reply), 4));
    let sink = EventSink::new();
    let cx = super::LabContext { engine: &engine, sink: &sink, settings: &settings, tx: &tx };
    let vote = LabEffect::CastVote {
        comparison: 1,
        pair: (crate::lab::Arm::Tree, crate::lab::Arm::Solo),
        shown_first: crate::lab::Arm::Tree,
        outcome: Outcome::First,
        reason: String::new(),
    };
    lab.perform(vote, cx);
    let saved = std::iter::from_fn(|| rx.try_recv().ok())
        .find_map(|msg| match msg {
            Msg::Lab(LabMsg::VoteSaved { result, .. }) => Some(result),
            _ => None,
        })
        .expect("the vote is answered");
    assert_eq!(saved, Err(NO_RECORD.to_string()));
    assert!(NO_RECORD.contains("start ailab without --no-record"));
}
