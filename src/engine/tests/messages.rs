//! What a failure says to the user: the server's words, then the fix, read as one sentence each.

use crate::engine::describe_error;
use crate::llm::LlmError;

#[test]
fn a_server_message_that_ends_its_own_sentence_gets_no_second_full_stop() {
    let error = LlmError::NoModelLoaded {
        message: "No models loaded. Please load a model in the developer page or use the 'lms load' command."
            .into(),
    };
    let said = describe_error(&error);
    assert!(!said.contains(".."), "{said}");
    assert!(said.contains("'lms load' command. In LM Studio: load Phi-3.1 mini"), "{said}");
    let plain = describe_error(&LlmError::IdleTimeout { secs: 60.0 });
    assert_eq!(
        plain,
        "the stream went silent for 60 s (idle timeout). Raise idle_timeout_secs in [server] if the server is slow."
    );
    assert_eq!(describe_error(&LlmError::Cancelled), "cancelled", "no hint, nothing added");
}
