//! What followed a recorded call that failed. The record keeps each call's status and error, not the
//! engine's decision after it, but the calls that came next tell it: a failed split followed by
//! another split of its member was asked again (with a shorter prompt when the next one is
//! shorter), and one whose members got their tasks from it fell back. So a run reopened from the
//! record says "asked again" where the live run did, not "failed".

use super::model::{CallRecord, CallStatus, RunRecord};
use crate::config::Phase;
use crate::engine::AfterFailure;
use crate::llm::ChatRequest;

impl RunRecord {
    /// What the engine did after `call` failed, read from the calls and tasks that followed it;
    /// `None` for a call that did not fail, or whose failure stood.
    pub fn after_failure(&self, call: &CallRecord) -> Option<AfterFailure> {
        if call.status != CallStatus::Failed || call.phase != Phase::Split {
            return None;
        }
        let again = self
            .calls
            .iter()
            .filter(|c| c.node == call.node && c.phase == Phase::Split && c.call > call.call)
            .min_by_key(|c| c.call);
        if let Some(again) = again {
            let shorter = prompt_chars(&again.request) < prompt_chars(&call.request);
            return Some(if shorter { AfterFailure::Shorten } else { AfterFailure::AskAgain });
        }
        self.tasks
            .iter()
            .any(|t| t.from_call == Some(call.call) && t.fallback_reason.is_some())
            .then_some(AfterFailure::Fallback)
    }
}

fn prompt_chars(request: &ChatRequest) -> usize {
    request.messages.iter().map(|m| m.content.chars().count()).sum()
}
