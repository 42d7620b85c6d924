//! Talking to OpenAI-compatible servers (LM Studio, llama.cpp, Ollama, vLLM) and the offline demo.

mod chat_call;
pub mod client;
pub mod demo;
pub mod error;
pub mod gathered;
pub mod lmstudio;
pub mod paced;
pub mod retry;
pub mod schema;
pub mod server_error;
pub mod sse;
pub mod stream;
pub mod think;
pub mod types;

use futures::future::BoxFuture;

pub use error::LlmError;
pub use types::{
    ChatCompletion, ChatMessage, ChatRequest, Delta, ModelInfo, Role, Sampling, ServerTimings, Usage,
};

/// Receives text as it streams in, with how many of the server's pieces (tokens, as a rule) it
/// holds: pieces that arrived together come merged. Called on the caller's task, never after the
/// call returns.
pub type DeltaSink<'a> = &'a mut (dyn FnMut(Delta, u32) + Send);

/// Something that answers chat requests by streaming: the HTTP client, the demo, or a test script.
///
/// Cancelling a call is dropping its future: the HTTP implementation then closes the connection.
pub trait ChatBackend: Send + Sync {
    /// Streams one completion, handing text to `on_delta` as it arrives.
    fn stream_chat<'a>(
        &'a self,
        request: &'a ChatRequest,
        on_delta: DeltaSink<'a>,
    ) -> BoxFuture<'a, Result<ChatCompletion, LlmError>>;

    /// The models this backend serves (`GET /v1/models`).
    fn list_models(&self) -> BoxFuture<'_, Result<Vec<ModelInfo>, LlmError>>;

    /// Where calls go, for the record and messages ("http://localhost:1234/v1", "demo").
    fn endpoint(&self) -> &str;
}
