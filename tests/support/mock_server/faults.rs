//! Every way an OpenAI-compatible server goes wrong, as a [`Fault`] the mock can answer one request
//! with, and the log of the text the mock actually streamed per request ([`SentText`]), so a soak
//! can check that the record kept every word a server sent.
//!
//! ```ignore
//! let mock = MockServer::start_in_thread(MockConfig::default());
//! mock.respond_with(move |req| (req.index == 3).then(|| Fault::DropMidStream.reply(req, &config)));
//! // … run …
//! let sent = mock.take_sent();                     // request index -> what it streamed, and when
//! ```

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::json;

use super::script::{Reply, Step, StreamScript};
use super::{MockConfig, MockServer, RecordedRequest, Shared, default_reply, lock};

/// Silence longer than this is a stall: a client given `idle_timeout_secs` below it gives up.
pub const STALL: Duration = Duration::from_secs(3);
/// The pause before the first token of [`Fault::SlowFirstToken`].
pub const SLOW_FIRST_TOKEN: Duration = Duration::from_millis(1500);
/// The pace of [`Fault::Trickle`].
pub const TRICKLE_EVERY: Duration = Duration::from_secs(1);
/// Pieces in [`Fault::LongAnswer`].
pub const LONG_ANSWER_TOKENS: usize = 3000;

/// One way a server goes wrong, for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Half the answer, then the connection breaks.
    DropMidStream,
    /// The connection closes before any header.
    ResetBeforeHeaders,
    /// Half the answer, then a chunk that is not JSON, then the rest.
    MalformedChunk,
    /// The whole answer, then the connection closes cleanly without a finish or `[DONE]`.
    NoDone,
    /// A 200 whose body is empty.
    EmptyStream,
    Http500Json,
    Http500Plain,
    Http502Json,
    Http502Plain,
    Http503Json,
    Http503Plain,
    /// 429 with `Retry-After: 1`.
    TooManyRequests,
    /// A proxy's HTML page with a 502.
    HtmlErrorPage,
    /// A 200 that is a web page, not an event stream (the wrong port).
    HtmlInsteadOfStream,
    /// OpenAI's 400 `context_length_exceeded`.
    ContextLengthExceeded,
    /// Ollama's 404 for a model that was never pulled.
    ModelNotFound,
    /// LM Studio's 400 when no model is loaded.
    NoModelsLoaded,
    /// Half the answer, then silence for [`STALL`], then the connection breaks.
    Stall,
    /// [`SLOW_FIRST_TOKEN`] of silence after the headers, then the answer.
    SlowFirstToken,
    /// A short answer at one piece per second.
    Trickle,
    /// [`LONG_ANSWER_TOKENS`] pieces as fast as they go.
    LongAnswer,
    /// Every piece twice, with empty and role-only deltas between them.
    DuplicateAndEmptyDeltas,
    /// Reasoning text and no answer.
    ReasoningOnly,
    /// A usage chunk with empty `choices` in the middle of the answer.
    UsageMidStream,
    /// Half the answer, then `finish_reason: "length"`.
    LengthMidAnswer,
}

impl Fault {
    /// Every fault the mock knows.
    pub const ALL: [Fault; 25] = [
        Fault::DropMidStream,
        Fault::ResetBeforeHeaders,
        Fault::MalformedChunk,
        Fault::NoDone,
        Fault::EmptyStream,
        Fault::Http500Json,
        Fault::Http500Plain,
        Fault::Http502Json,
        Fault::Http502Plain,
        Fault::Http503Json,
        Fault::Http503Plain,
        Fault::TooManyRequests,
        Fault::HtmlErrorPage,
        Fault::HtmlInsteadOfStream,
        Fault::ContextLengthExceeded,
        Fault::ModelNotFound,
        Fault::NoModelsLoaded,
        Fault::Stall,
        Fault::SlowFirstToken,
        Fault::Trickle,
        Fault::LongAnswer,
        Fault::DuplicateAndEmptyDeltas,
        Fault::ReasoningOnly,
        Fault::UsageMidStream,
        Fault::LengthMidAnswer,
    ];

    /// The answer to `request` with this fault, built on the mock's default answer to it (so a
    /// split that survives the fault is still a valid split).
    pub fn reply(self, request: &RecordedRequest, config: &MockConfig) -> Reply {
        let answer = default_reply::script_for(request, config);
        let pieces: Vec<String> = answer
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::Content(text) => Some(text.clone()),
                _ => None,
            })
            .collect();
        let half = pieces.len() / 2;
        let paced = |steps: Vec<Step>| Reply::Stream(StreamScript { steps, ..answer.clone() });
        let content = |range: &[String]| range.iter().cloned().map(Step::Content).collect::<Vec<_>>();
        let ending = |reason: &str, count: usize| {
            vec![
                Step::Finish(reason.into()),
                Step::Usage { prompt_tokens: 10, completion_tokens: count as u32 },
                Step::Done,
            ]
        };
        let status_json = |status: u16, message: &str, kind: &str| {
            Reply::status(status, json!({ "error": { "message": message, "type": kind } }).to_string())
        };
        match self {
            Fault::DropMidStream => paced([content(&pieces[..half]), vec![Step::Drop]].concat()),
            Fault::ResetBeforeHeaders => Reply::Reset,
            Fault::MalformedChunk => {
                let bad = Step::Raw("data: {\"choices\": [{\"delta\": {\"content\": \"trunc\n\n".into());
                paced(
                    [content(&pieces[..half]), vec![bad], content(&pieces[half..]), ending("stop", 0)]
                        .concat(),
                )
            }
            Fault::NoDone => paced(content(&pieces)),
            Fault::EmptyStream => Reply::Stream(StreamScript::new(Vec::new())),
            Fault::Http500Json => status_json(500, "Internal error while generating", "server_error"),
            Fault::Http500Plain => Reply::status(500, "Internal Server Error"),
            Fault::Http502Json => status_json(502, "upstream connect error", "bad_gateway"),
            Fault::Http502Plain => Reply::status(502, "Bad Gateway"),
            Fault::Http503Json => status_json(503, "Model is loading, try again shortly", "unavailable"),
            Fault::Http503Plain => Reply::status(503, "Service Unavailable"),
            Fault::TooManyRequests => Reply::too_many_requests(Some("1")),
            Fault::HtmlErrorPage => Reply::status(502, HTML_502),
            Fault::HtmlInsteadOfStream => Reply::Stream(StreamScript::new(vec![Step::Raw(HTML_PAGE.into())])),
            Fault::ContextLengthExceeded => Reply::status(
                400,
                json!({ "error": {
                    "message": "This model's maximum context length is 4096 tokens. However, your messages \
                                resulted in 5210 tokens. Please reduce the length of the messages.",
                    "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"
                }})
                .to_string(),
            ),
            Fault::ModelNotFound => Reply::ollama_model_not_found(request.model()),
            Fault::NoModelsLoaded => Reply::no_models_loaded(),
            Fault::Stall => paced([content(&pieces[..half]), vec![Step::Pause(STALL), Step::Drop]].concat()),
            Fault::SlowFirstToken => paced(
                [vec![Step::Pause(SLOW_FIRST_TOKEN)], content(&pieces), ending("stop", pieces.len())]
                    .concat(),
            ),
            Fault::Trickle => {
                let short = &pieces[..pieces.len().min(4)];
                let steps = [content(short), ending("stop", short.len())].concat();
                Reply::Stream(StreamScript { step_delay: TRICKLE_EVERY, ..StreamScript::new(steps) })
            }
            Fault::LongAnswer => {
                let mut long = pieces.clone();
                long.extend((0..LONG_ANSWER_TOKENS).map(|i| format!("w{i} ")));
                let steps = [content(&long), ending("stop", long.len())].concat();
                Reply::Stream(StreamScript::new(steps))
            }
            Fault::DuplicateAndEmptyDeltas => {
                let role_only = json!({ "choices": [{ "index": 0, "delta": { "role": "assistant" } }] });
                let mut steps = vec![Step::Data(role_only.clone())];
                for piece in &pieces {
                    steps.extend([Step::Content(piece.clone()), Step::Content(String::new())]);
                    steps.extend([Step::Data(role_only.clone()), Step::Content(piece.clone())]);
                }
                paced([steps, ending("stop", pieces.len() * 2)].concat())
            }
            Fault::ReasoningOnly => {
                let thoughts = pieces.iter().cloned().map(Step::ReasoningContent).collect::<Vec<_>>();
                paced([thoughts, ending("stop", pieces.len())].concat())
            }
            Fault::UsageMidStream => {
                let usage = Step::Usage { prompt_tokens: 10, completion_tokens: half as u32 };
                let steps = [content(&pieces[..half]), vec![usage], content(&pieces[half..])].concat();
                paced([steps, ending("stop", pieces.len())].concat())
            }
            Fault::LengthMidAnswer => paced([content(&pieces[..half]), ending("length", half)].concat()),
        }
    }
}

const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n";

const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Welcome</title></head>\n\
<body><h1>It works!</h1></body></html>\n";

/// The text the mock streamed for one request, piece by piece, with when each piece was handed to
/// the connection.
#[derive(Debug, Clone, Default)]
pub struct SentText {
    pub content: Vec<(Instant, String)>,
    pub reasoning: Vec<(Instant, String)>,
    /// When the first unreadable bytes went out (a malformed chunk, a web page): a client rightly
    /// stops reading there, so what follows was sent but is not owed to the record.
    pub garbled_at: Option<Instant>,
}

impl SentText {
    /// The answer text a client could read, sent before `at` (all of it for `None`).
    pub fn content_before(&self, at: Option<Instant>) -> String {
        joined(&self.content, self.readable_until(at))
    }

    /// The reasoning text a client could read, sent before `at` (all of it for `None`).
    pub fn reasoning_before(&self, at: Option<Instant>) -> String {
        joined(&self.reasoning, self.readable_until(at))
    }

    fn readable_until(&self, at: Option<Instant>) -> Option<Instant> {
        match (at, self.garbled_at) {
            (Some(a), Some(g)) => Some(a.min(g)),
            (a, g) => a.or(g),
        }
    }
}

fn joined(pieces: &[(Instant, String)], at: Option<Instant>) -> String {
    pieces.iter().filter(|(t, _)| at.is_none_or(|at| *t < at)).map(|(_, text)| text.as_str()).collect()
}

/// Notes a piece of text the mock is about to write for chat request `index` (`None`: bytes no
/// client can read).
pub(super) fn note_sent(shared: &Shared, index: usize, piece: Option<(bool, String)>) {
    let mut sent = lock(&shared.sent);
    let entry = sent.entry(index).or_default();
    let now = Instant::now();
    match piece {
        Some((true, text)) => entry.reasoning.push((now, text)),
        Some((false, text)) => entry.content.push((now, text)),
        None => {
            entry.garbled_at.get_or_insert(now);
        }
    }
}

impl MockServer {
    /// What the mock streamed for chat request `index` so far.
    pub fn sent(&self, index: usize) -> SentText {
        lock(&self.shared.sent).get(&index).cloned().unwrap_or_default()
    }

    /// Takes the log of streamed text (request index -> text), leaving it empty, so a long soak in
    /// one process does not grow the mock's memory.
    pub fn take_sent(&self) -> HashMap<usize, SentText> {
        std::mem::take(&mut *lock(&self.shared.sent))
    }

    /// Takes the log of requests, leaving it empty (the count of chat requests goes on).
    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        std::mem::take(&mut *lock(&self.shared.log))
    }
}
