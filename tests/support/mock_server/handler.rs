//! The mock's HTTP side: routing, recording, choosing a reply and streaming it.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use serde_json::{Value, json};

use super::script::{Out, Reply};
use super::{RecordedRequest, Shared, default_reply, faults, lock};

/// Serves until `stopped` fires (or its sender is dropped).
pub(super) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    stopped: tokio::sync::oneshot::Receiver<()>,
) {
    // Without TCP_NODELAY, byte-by-byte delivery would crawl behind Nagle's algorithm.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let app = Router::new().fallback(handle).with_state(shared);
    tokio::select! {
        _ = axum::serve(listener, app) => {}
        _ = stopped => {}
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let mut request = RecordedRequest {
        index: 0,
        method: method.to_string(),
        path: path.clone(),
        authorization: headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    if request.is_chat() {
        request.index = shared.chat_count.fetch_add(1, Ordering::SeqCst) + 1;
    }
    lock(&shared.log).push(request.clone());

    if request.is_chat() {
        let guard = InFlight::enter(shared.clone());
        let reply = choose_reply(&shared, &request);
        return send(reply, &request, &shared, guard).await;
    }
    if method == Method::GET && path == "/v1/models" {
        let scripted = lock(&shared.models_reply).clone();
        if let Some(reply) = scripted {
            let guard = InFlight::enter(shared.clone());
            return send(reply, &request, &shared, guard).await;
        }
        let data: Vec<Value> = lock(&shared.config)
            .models
            .iter()
            .map(|id| json!({ "id": id, "object": "model", "owned_by": "organization_owner" }))
            .collect();
        return axum::Json(json!({ "object": "list", "data": data })).into_response();
    }
    if method == Method::GET && path == "/api/v0/models" {
        if let Some(data) = lock(&shared.native_models).clone() {
            return axum::Json(json!({ "object": "list", "data": data })).into_response();
        }
    }
    if method == Method::GET && path == "/lmstudio-greeting" {
        return axum::Json(json!({ "lmstudio": true })).into_response();
    }
    // LM Studio's words for an unknown route.
    let message = format!("Unexpected endpoint or method. ({method} {path})");
    (StatusCode::NOT_FOUND, axum::Json(json!({ "error": message }))).into_response()
}

/// The queue first, then the responder, then the default.
fn choose_reply(shared: &Shared, request: &RecordedRequest) -> Reply {
    if let Some(reply) = lock(&shared.queue).pop_front() {
        return reply;
    }
    let responder = lock(&shared.responder).clone();
    responder.and_then(|respond| respond(request)).unwrap_or(Reply::Default)
}

async fn send(mut reply: Reply, request: &RecordedRequest, shared: &Shared, mut guard: InFlight) -> Response {
    loop {
        reply = match reply {
            Reply::Delayed(delay, inner) => {
                tokio::time::sleep(delay).await;
                *inner
            }
            Reply::Hang => std::future::pending().await,
            Reply::Reset => {
                // A body that fails before its first byte makes hyper drop the connection with the
                // head still unsent.
                guard.finish(false);
                let reset = futures::stream::once(async {
                    Err::<Bytes, _>(std::io::Error::other("mock server: resetting before the headers"))
                });
                return Body::from_stream(reset).into_response();
            }
            Reply::Default => {
                let config = lock(&shared.config).clone();
                Reply::Stream(default_reply::script_for(request, &config))
            }
            Reply::Status { status, body, retry_after } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let is_json = serde_json::from_str::<Value>(&body).is_ok();
                let mut response = (status, body).into_response();
                let content_type = if is_json { "application/json" } else { "text/plain; charset=utf-8" };
                response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
                if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                guard.ended = true;
                return response;
            }
            Reply::Stream(script) => {
                let outs = script.render(request.model());
                let mut response = Body::from_stream(body_stream(outs, request.index, guard)).into_response();
                let headers = response.headers_mut();
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
                headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                return response;
            }
        }
    }
}

/// The body of a stream: writes with pauses; a `Break` ends the response with an error so the
/// connection is cut without the final chunk.
fn body_stream(
    outs: VecDeque<Out>,
    index: usize,
    guard: InFlight,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    futures::stream::unfold((outs, guard), move |(mut outs, mut guard)| async move {
        loop {
            match outs.pop_front() {
                Some(Out::Sent(piece)) => faults::note_sent(&guard.shared, index, piece),
                None => {
                    guard.finish(true);
                    return None;
                }
                Some(Out::Sleep(delay)) if delay.is_zero() => tokio::task::yield_now().await,
                Some(Out::Sleep(delay)) => tokio::time::sleep(delay).await,
                Some(Out::Write(bytes)) => return Some((Ok(bytes), (outs, guard))),
                Some(Out::Break) => {
                    // Let what was written reach the client first, as a real mid-stream failure would.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    guard.finish(false);
                    let error = std::io::Error::other("mock server: dropping the connection as scripted");
                    return Some((Err(error), (VecDeque::new(), guard)));
                }
            }
        }
    })
}

/// Counts a chat request in flight until its response is over. Dropped before its end (a
/// stream abandoned midway, a stalled request given up on), it counts as a client disconnect.
struct InFlight {
    shared: Arc<Shared>,
    ended: bool,
}

impl InFlight {
    fn enter(shared: Arc<Shared>) -> Self {
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        Self { shared, ended: false }
    }

    /// The stream reached its scripted end (`completed`) or its scripted break.
    fn finish(&mut self, completed: bool) {
        if !self.ended && completed {
            self.shared.completed_streams.fetch_add(1, Ordering::SeqCst);
        }
        self.ended = true;
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        if !self.ended {
            self.shared.disconnects.fetch_add(1, Ordering::SeqCst);
        }
    }
}
