//! The scripted offline demo backend.

use futures::future::BoxFuture;

use super::{ChatBackend, ChatCompletion, ChatRequest, DeltaSink, LlmError, ModelInfo};

/// Plausible text at a realistic pace, clearly labelled as a demo.
#[derive(Default)]
pub struct DemoBackend;

impl DemoBackend {
    pub fn new() -> Self {
        Self
    }
}

impl ChatBackend for DemoBackend {
    fn stream_chat<'a>(
        &'a self,
        _request: &'a ChatRequest,
        _on_delta: DeltaSink<'a>,
    ) -> BoxFuture<'a, Result<ChatCompletion, LlmError>> {
        Box::pin(async { Err(LlmError::EmptyStream) })
    }

    fn list_models(&self) -> BoxFuture<'_, Result<Vec<ModelInfo>, LlmError>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    fn endpoint(&self) -> &str {
        "demo"
    }
}
