//! The HTTP client for OpenAI-compatible servers. (Being written: see issue 2.)

use futures::future::BoxFuture;

use super::{ChatBackend, ChatCompletion, ChatRequest, DeltaSink, LlmError, ModelInfo};
use crate::config::ServerConfig;

/// Streams chat completions from one base URL.
pub struct HttpBackend {
    base_url: String,
}

impl HttpBackend {
    pub fn new(base_url: &str, _server: &ServerConfig) -> Result<Self, LlmError> {
        Ok(Self { base_url: base_url.trim_end_matches('/').to_string() })
    }
}

impl ChatBackend for HttpBackend {
    fn stream_chat<'a>(
        &'a self,
        _request: &'a ChatRequest,
        _on_delta: DeltaSink<'a>,
    ) -> BoxFuture<'a, Result<ChatCompletion, LlmError>> {
        Box::pin(async { Err(LlmError::InvalidResponse { message: "not implemented yet".into() }) })
    }

    fn list_models(&self) -> BoxFuture<'_, Result<Vec<ModelInfo>, LlmError>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    fn endpoint(&self) -> &str {
        &self.base_url
    }
}
