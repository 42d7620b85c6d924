//! How a call ended, and what it measured: the facts `RunContext::call` reports in its
//! `CallFinished`, and the failure its caller gets back.

use std::time::Instant;

use super::events::{AfterFailure, CallId, CallMetrics};
use crate::llm::{ChatCompletion, ChatRequest, LlmError};

/// A call that did not produce an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum CallFailure {
    Cancelled,
    Failed(String),
    /// A split call that failed in a way asking again may mend (only split calls fail so: a split
    /// is an internal step, so the cascade mends it instead of failing the node; see `split_step`).
    Mendable {
        call: CallId,
        reason: String,
        remedy: Remedy,
    },
}

/// What may mend a failed split call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// The reply broke off after it began (a dropped connection, a malformed chunk): ask again.
    AskAgain,
    /// The prompt did not fit the model's context: ask again with less in it.
    Shorten,
}

impl Remedy {
    /// The remedy for an error of a split call, if asking again may mend it. Failures before the
    /// reply began (unreachable, no such model) are not: the client already retried those, and
    /// the children would meet the same server.
    fn of(error: &LlmError) -> Option<Remedy> {
        match error {
            // A stream closed before its first event is, on llama-cpp-python, a prompt as long as
            // its context: the same prompt would fail the same way.
            LlmError::ContextOverflow { .. } | LlmError::ClosedEmpty => Some(Remedy::Shorten),
            LlmError::Truncated
            | LlmError::CutOff
            | LlmError::Stream { .. }
            | LlmError::InvalidResponse { .. }
            | LlmError::EmptyStream
            | LlmError::IdleTimeout { .. } => Some(Remedy::AskAgain),
            _ => None,
        }
    }
}

/// How many times a split that does not fit is shortened before the children get the fallback:
/// without the earlier turns, then the task and question halved, then quartered.
pub(super) const SHORTENINGS: usize = 3;

/// How far the mending of a split has gone. [`Mending::next`] decides what follows a failure, both
/// for the call's `CallFinished` (so listeners say "asking again", not "failed") and for the split
/// step that acts on it: one decision, told and done the same.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mending {
    /// Times the prompt was shortened after the model's context overflowed.
    pub shortened: usize,
    /// The split was asked again after it broke off.
    pub asked_again: bool,
    /// The last split call that failed in a mendable way (the fallback's tasks point at it).
    pub failed_call: Option<CallId>,
}

impl Mending {
    /// What follows `failure`: asked again, shortened, or the fallback; `None` when the failure
    /// stands (a cancel, or a first try that failed before its reply began: the node fails).
    pub fn next(&self, failure: &CallFailure) -> Option<AfterFailure> {
        match failure {
            CallFailure::Cancelled => None,
            CallFailure::Mendable { remedy: Remedy::Shorten, .. } if self.shortened < SHORTENINGS => {
                Some(AfterFailure::Shorten)
            }
            CallFailure::Mendable { remedy: Remedy::AskAgain, .. } if !self.asked_again => {
                Some(AfterFailure::AskAgain)
            }
            CallFailure::Mendable { .. } => Some(AfterFailure::Fallback),
            CallFailure::Failed(_) if self.failed_call.is_some() => Some(AfterFailure::Fallback),
            CallFailure::Failed(_) => None,
        }
    }
}

impl CallFailure {
    /// The failure in words, as the record and the user read it ("cancelled" or the message).
    pub fn reason(&self) -> String {
        match self {
            CallFailure::Cancelled => "cancelled".into(),
            CallFailure::Failed(reason) | CallFailure::Mendable { reason, .. } => reason.clone(),
        }
    }

    /// True for a failure of the call itself (not a cancel): counted in the run's failed calls.
    pub fn is_failure(&self) -> bool {
        !matches!(self, CallFailure::Cancelled)
    }

    /// The failure as its call returns it: a mendable one learns which call it was.
    pub fn of_call(self, call: CallId) -> Self {
        match self {
            CallFailure::Mendable { reason, remedy, .. } => CallFailure::Mendable { call, reason, remedy },
            other => other,
        }
    }
}

/// How a call ended, before it is reported.
pub(super) enum Ending {
    Answered(ChatCompletion),
    /// The call's own failure (counted in the run's failed calls). `completion` holds what
    /// arrived when the reply was unusable (reasoning only, say).
    Failed {
        completion: Option<ChatCompletion>,
        failure: CallFailure,
        reason: String,
    },
    /// Ended without an answer through no fault of its own: stopped for a restart, or a schema
    /// the server refused (the call is asked again). Recorded with `reason`, not counted as failed.
    NotAFailure {
        failure: CallFailure,
        reason: String,
    },
}

impl Ending {
    pub fn failed(reason: String) -> Self {
        Ending::Failed { completion: None, failure: CallFailure::Failed(reason.clone()), reason }
    }

    /// A call that failed with `error` (`reason` in words); a split's failure says whether asking
    /// again may mend it (its call number is filled in by [`CallFailure::of_call`]).
    pub fn from_error(reason: String, error: &LlmError, is_split: bool) -> Self {
        match Remedy::of(error).filter(|_| is_split) {
            Some(remedy) => Ending::Failed {
                completion: None,
                failure: CallFailure::Mendable { call: 0, reason: reason.clone(), remedy },
                reason,
            },
            None => Ending::failed(reason),
        }
    }

    pub fn completion(&self) -> Option<&ChatCompletion> {
        match self {
            Ending::Answered(done) | Ending::Failed { completion: Some(done), .. } => Some(done),
            _ => None,
        }
    }

    /// The `error` of the call's `CallFinished` (`None` on success).
    pub fn reason(&self) -> Option<String> {
        match self {
            Ending::Answered(_) => None,
            Ending::Failed { reason, .. } | Ending::NotAFailure { reason, .. } => Some(reason.clone()),
        }
    }
}

/// The `finish_reason` of a call the loop guard stopped (ailab's, not the server's): it answered,
/// with its text cut where the loop began.
pub const LOOPED: &str = "looped";
/// The error of a call stopped because its node got a different sub-task from the final split.
pub const RESTARTED: &str = "restarted: the final split gave it a different sub-task";
/// Starts the error of a call stopped because an ancestor was restarted.
pub const STOPPED_FOR_RESTART: &str = "stopped:";
/// Starts the error of a split call whose JSON schema the server refused.
pub const SCHEMA_REFUSED: &str =
    "the server refused the JSON schema, so the split was asked again without it";

/// Starts the error of a split call whose JSON schema the server refused in OpenAI's form but
/// named the form it takes (llama-cpp-python: `json_object` with a `schema`).
pub const SCHEMA_AS_JSON_OBJECT: &str = "the server refused the JSON schema in OpenAI's form, so the split \
     was asked again with it as a json_object schema, the form the server named";

/// Starts the error of a call the server cut off before its first word when another request
/// arrived: it is asked again, and the server gets one request at a time from then on.
pub const CUT_OFF: &str = "the server cut the stream off before its first word when another request \
     arrived (llama-cpp-python's --interrupt_requests), so ailab sends this server one request at a time \
     from now on and asked again";

/// How many times one call cut off so is asked again: the calls sent before the server went one
/// at a time can each cut it off once more.
pub(super) const CUT_OFF_RETRIES: u32 = 3;

/// True for a `CallFinished` error that is not a failure: a call the user cancelled, one stopped
/// for a restart, or a refused schema that was asked again. Such calls are not counted in
/// `failed_calls`.
pub fn is_not_a_failure(error: &str) -> bool {
    error == "cancelled"
        || error == RESTARTED
        || error.starts_with(STOPPED_FOR_RESTART)
        || error.starts_with(SCHEMA_REFUSED)
        || error.starts_with(SCHEMA_AS_JSON_OBJECT)
        || error.starts_with(CUT_OFF)
}

/// A refusal of the request's `response_format`: a 4xx that is not about the model, the context
/// (those have their own errors), access, the URL or the rate, where asking without a schema
/// cannot help, or a validation error whatever its status (llama-cpp-python sends a 500).
pub(super) fn refuses_schema(error: &LlmError) -> bool {
    match error {
        LlmError::BadRequest { .. } => true,
        LlmError::Http { status, .. } => {
            (400..500).contains(status) && ![401, 403, 404, 408, 429].contains(status)
        }
        _ => false,
    }
}

/// The error as the user reads it: the message, then what to do.
pub fn describe(error: &LlmError) -> String {
    let hint = error.hint();
    let error = error.to_string();
    match hint {
        Some(hint) => format!("{}. {hint}", error.trim_end().trim_end_matches('.')),
        None => error,
    }
}

/// As [`describe`], with the size of `request`'s prompt where the server's silence is most likely
/// about it (a stream closed before its first event: llama-cpp-python's prompt too long for its
/// context), so the user can set the server's context to fit.
pub(super) fn describe_for(error: &LlmError, request: &ChatRequest) -> String {
    if *error != LlmError::ClosedEmpty {
        return describe(error);
    }
    let chars: usize = request.messages.iter().map(|m| m.content.chars().count()).sum();
    // About four characters a token in English: a guide, not the server's count.
    let tokens = chars.div_ceil(4);
    let sized =
        format!("{error} (the prompt was about {tokens} tokens, plus max_tokens {})", request.max_tokens);
    match error.hint() {
        Some(hint) => format!("{sized}. {hint}"),
        None => sized,
    }
}

/// Metrics from the server's own figures where it gave them, measured ones otherwise.
pub(super) fn measure(
    request: &ChatRequest,
    completion: Option<&ChatCompletion>,
    started: Instant,
    started_ms: i64,
    ended_ms: i64,
) -> CallMetrics {
    let mut metrics = CallMetrics {
        started_ms,
        ended_ms,
        requested_model: request.model.clone(),
        ..CallMetrics::default()
    };
    let Some(done) = completion else { return metrics };
    let first_token_ms =
        done.first_token_at.map(|t| started_ms + t.duration_since(started).as_millis() as i64);
    metrics.first_token_ms = first_token_ms;
    metrics.finish_reason = done.finish_reason.clone();
    metrics.answering_model = done.model.clone();
    metrics.retries = done.retries;
    match done.usage {
        Some(usage) => {
            metrics.prompt_tokens = Some(usage.prompt_tokens);
            metrics.completion_tokens = usage.completion_tokens;
            metrics.usage_from_server = true;
        }
        None => metrics.completion_tokens = done.chunks,
    }
    let server_rate = done.timings.and_then(|t| t.predicted_per_second).filter(|r| r.is_finite() && *r > 0.0);
    metrics.tokens_per_sec = server_rate.or_else(|| {
        let generating_ms = ended_ms - first_token_ms?;
        (generating_ms > 0 && metrics.completion_tokens > 1)
            .then(|| f64::from(metrics.completion_tokens - 1) * 1000.0 / generating_ms as f64)
    });
    metrics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_client_error_counts_as_a_refused_schema() {
        let http = |status| LlmError::Http { status, message: "no".into() };
        assert!(refuses_schema(&http(400)) && refuses_schema(&http(422)));
        for status in [401, 403, 404, 429, 500] {
            assert!(!refuses_schema(&http(status)), "{status}");
        }
        assert!(!refuses_schema(&LlmError::ContextOverflow { message: "too long".into() }));
        assert!(refuses_schema(&LlmError::BadRequest { status: 500, message: "1 validation error".into() }));
        assert!(!refuses_schema(&LlmError::KeyRejected { status: 400, message: "No connected db.".into() }));
    }
}
