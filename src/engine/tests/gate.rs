//! The cold-model gate (LM Studio BT#1751): concurrent first requests to a model that is not
//! loaded yet make LM Studio load it several times, so the first one goes alone.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::super::testkit::{Moment, Reply, ScriptedBackend, echo_reply, six_node_tree};
use super::*;

/// Runs the compute arm (`samples` requests at once to the same model, then an aggregator).
async fn sample_at_once(backend: Arc<ScriptedBackend>, samples: usize) -> RunSummary {
    let engine = engine(six_node_tree(), backend, 4);
    let sink = EventSink::new();
    engine
        .run_compute(new_run_id(), "Q?".into(), samples, &Default::default(), &sink, CancellationToken::new())
        .await
}

/// Where `moment` of `request` happened in the backend's timeline.
fn at(moments: &[(usize, Moment)], request: usize, moment: Moment) -> usize {
    moments
        .iter()
        .position(|m| *m == (request, moment))
        .unwrap_or_else(|| panic!("no {moment:?} of {request}"))
}

#[tokio::test]
async fn the_first_request_to_a_cold_model_goes_alone_until_its_first_token() {
    let backend = ScriptedBackend::with_delay(Duration::from_millis(10), echo_reply);
    let summary = sample_at_once(backend.clone(), 3).await;
    assert_eq!(summary.status, RunStatus::Done);
    let moments = backend.moments();
    let first_token = at(&moments, 0, Moment::FirstToken);
    for other in [1, 2] {
        assert!(at(&moments, other, Moment::Received) > first_token, "{other} waited: {moments:?}");
    }
    // Once the model answered, the others did not wait for the whole first call.
    assert!(at(&moments, 1, Moment::Received) < at(&moments, 0, Moment::Ended), "{moments:?}");
    assert_eq!(backend.max_in_flight.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_failed_first_call_leaves_the_model_cold() {
    let seen = AtomicUsize::new(0);
    let backend = ScriptedBackend::with_delay(Duration::from_millis(10), move |req| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::Fail(LlmError::Http { status: 500, message: "failed to load the model".into() })
        } else {
            echo_reply(req)
        }
    });
    let summary = sample_at_once(backend.clone(), 3).await;
    assert_eq!(summary.status, RunStatus::Degraded, "one sample failed, the others answered");
    let moments = backend.moments();
    // The failed first call produced no token: the next request goes alone again.
    assert!(at(&moments, 1, Moment::Received) > at(&moments, 0, Moment::Ended), "{moments:?}");
    assert!(at(&moments, 2, Moment::Received) > at(&moments, 1, Moment::FirstToken), "{moments:?}");
}
