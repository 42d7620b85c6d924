use serde_json::json;

use super::*;

const MODEL: &str = "phi-3.1-mini-4k-instruct";

fn data(value: Value) -> SseEvent {
    SseEvent { event: None, data: value.to_string() }
}

fn raw(text: &str) -> SseEvent {
    SseEvent { event: None, data: text.to_string() }
}

/// An LM Studio chunk: `role` repeated in every delta.
fn content(text: &str) -> SseEvent {
    data(json!({
        "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "answering-model",
        "choices": [{ "index": 0, "delta": { "role": "assistant", "content": text }, "finish_reason": null }]
    }))
}

fn finish(reason: &str) -> SseEvent {
    data(
        json!({ "model": "answering-model", "choices": [{ "index": 0, "delta": {}, "finish_reason": reason }] }),
    )
}

fn run(events: &[SseEvent]) -> (Vec<Delta>, Result<ChatCompletion, LlmError>) {
    let mut decoder = StreamDecoder::new(MODEL);
    let mut deltas = Vec::new();
    for event in events {
        match decoder.decode(event) {
            Ok(d) => deltas.extend(d),
            Err(error) => return (deltas, Err(error)),
        }
    }
    deltas.extend(decoder.flush());
    (deltas, decoder.finish())
}

#[test]
fn lmstudio_stream_with_usage_chunk_and_empty_choices() {
    let events = [
        content("Hel"),
        content("lo"),
        finish("stop"),
        data(json!({ "model": "answering-model", "choices": [],
                     "usage": { "prompt_tokens": 12, "completion_tokens": 2, "total_tokens": 14 } })),
        raw("[DONE]"),
    ];
    let (deltas, done) = run(&events);
    assert_eq!(deltas, vec![Delta::Content("Hel".into()), Delta::Content("lo".into())]);
    let done = done.unwrap();
    assert_eq!(done.content, "Hello");
    assert_eq!(done.finish_reason.as_deref(), Some("stop"));
    assert_eq!(done.model.as_deref(), Some("answering-model"));
    assert_eq!(done.usage, Some(Usage { prompt_tokens: 12, completion_tokens: 2 }));
    assert_eq!(done.chunks, 2);
    assert!(done.timings.is_none());
}

#[test]
fn llama_cpp_timings_are_read_from_the_last_chunk() {
    let events = [
        content("Hi"),
        data(json!({ "choices": [{ "index": 0, "delta": {}, "finish_reason": "length" }],
                     "timings": { "prompt_n": 5, "prompt_ms": 12.5, "predicted_n": 1, "predicted_ms": 20.0,
                                  "predicted_per_second": 50.0, "cache_n": 0 } })),
        raw("[DONE]"),
    ];
    let done = run(&events).1.unwrap();
    let timings = done.timings.unwrap();
    assert_eq!(timings.prompt_n, Some(5));
    assert_eq!(timings.predicted_per_second, Some(50.0));
    assert_eq!(done.finish_reason.as_deref(), Some("length"));
}

#[test]
fn reasoning_fields_and_inline_think_are_kept_apart() {
    let events = [
        data(json!({ "choices": [{ "index": 0, "delta": { "reasoning_content": "First, " } }] })),
        data(json!({ "choices": [{ "index": 0, "delta": { "reasoning": "think." } }] })),
        data(
            json!({ "choices": [{ "index": 0, "delta": { "reasoning": "same", "reasoning_content": "same" } }] }),
        ),
        content("<thi"),
        content("nk>more</think>\n"),
        content("Answer"),
        finish("stop"),
        raw("[DONE]"),
    ];
    let (deltas, done) = run(&events);
    let done = done.unwrap();
    assert_eq!(done.reasoning, "First, think.samemore");
    assert_eq!(done.content, "Answer");
    assert_eq!(deltas.last(), Some(&Delta::Content("Answer".into())));
}

#[test]
fn error_payloads_are_fatal_in_every_shape() {
    let cases = [
        SseEvent { event: Some("error".into()), data: r#"{"error":{"message":"model crashed"}}"#.into() },
        SseEvent { event: Some("error".into()), data: r#"{"error":"model crashed"}"#.into() },
        SseEvent { event: Some("error".into()), data: "model crashed".into() },
        raw(r#"{"error":{"code":500,"message":"model crashed","type":"server_error"}}"#),
        raw(r#"{"error":"model crashed"}"#),
    ];
    for case in cases {
        let (_, result) = run(&[content("partial"), case.clone()]);
        assert_eq!(result.unwrap_err(), LlmError::Stream { message: "model crashed".into() }, "{case:?}");
    }
}

#[test]
fn context_overflow_inside_a_stream_is_recognised() {
    let event = SseEvent {
        event: Some("error".into()),
        data: r#"{"error":"Trying to keep the first 4500 tokens when context the overflows."}"#.into(),
    };
    assert!(matches!(run(&[event]).1, Err(LlmError::ContextOverflow { .. })));
}

#[test]
fn empty_stream_even_with_done_is_an_error() {
    let events = [
        data(json!({ "choices": [{ "index": 0, "delta": { "role": "assistant" } }] })),
        finish("stop"),
        raw("[DONE]"),
    ];
    assert_eq!(run(&events).1.unwrap_err(), LlmError::EmptyStream);
    assert_eq!(run(&[content(""), finish("stop")]).1.unwrap_err(), LlmError::EmptyStream);
}

#[test]
fn done_before_any_text_and_without_a_finish_reason_is_a_stream_cut_off() {
    // llama-cpp-python with --interrupt_requests (its default): the role chunk, then [DONE] as
    // soon as another request waits for the model.
    let role =
        data(json!({ "choices": [{ "index": 0, "delta": { "role": "assistant" }, "finish_reason": null }] }));
    let error = run(&[role, raw("[DONE]")]).1.unwrap_err();
    assert_eq!(error, LlmError::CutOff);
    assert!(error.hint().is_some_and(|h| h.contains("--interrupt_requests False")));
    assert_eq!(run(&[content(""), raw("[DONE]")]).1.unwrap_err(), LlmError::CutOff);
}

#[test]
fn stream_without_done_or_finish_reason_is_truncated() {
    assert_eq!(run(&[content("half an ans")]).1.unwrap_err(), LlmError::Truncated);
}

#[test]
fn a_stream_closed_before_its_first_event_says_so() {
    // llama-cpp-python: a 200, then the request fails (a prompt over n_ctx) and the body ends.
    assert_eq!(run(&[]).1.unwrap_err(), LlmError::ClosedEmpty);
    assert_eq!(run(&[data(json!({ "choices": [] }))]).1.unwrap_err(), LlmError::Truncated);
}

#[test]
fn finish_reason_without_done_or_done_without_finish_reason_is_complete() {
    assert_eq!(run(&[content("a"), finish("stop")]).1.unwrap().content, "a");
    assert_eq!(run(&[content("a"), raw("[DONE]")]).1.unwrap().content, "a");
}

#[test]
fn malformed_chunk_is_invalid_response_with_an_excerpt() {
    let (_, result) = run(&[raw(r#"{"choices":[{"delta":{"content":"x"}"#)]);
    let LlmError::InvalidResponse { message } = result.unwrap_err() else { panic!("wrong error") };
    assert!(message.contains(r#"{"choices":[{"delta""#), "{message}");
    let long = format!("{{{}", "x".repeat(500));
    let LlmError::InvalidResponse { message } = run(&[raw(&long)]).1.unwrap_err() else {
        panic!("wrong error")
    };
    assert!(message.len() < 200, "{message}");
}

#[test]
fn nothing_after_done_is_decoded() {
    let (deltas, done) = run(&[content("a"), raw("[DONE]"), content("b"), raw("{oops")]);
    assert_eq!(deltas, vec![Delta::Content("a".into())]);
    assert_eq!(done.unwrap().content, "a");
}

#[test]
fn whole_non_streamed_completion_is_accepted() {
    let body = json!({ "model": "m", "choices": [{ "index": 0, "finish_reason": "stop",
        "message": { "role": "assistant", "content": "<think>hm</think>Yes" } }],
        "usage": { "prompt_tokens": 3, "completion_tokens": 4 } });
    let mut decoder = StreamDecoder::new(MODEL);
    let mut deltas = decoder.decode_whole(&body).unwrap();
    deltas.extend(decoder.flush());
    assert_eq!(deltas, vec![Delta::Reasoning("hm".into()), Delta::Content("Yes".into())]);
    let done = decoder.finish().unwrap();
    assert_eq!(done.usage, Some(Usage { prompt_tokens: 3, completion_tokens: 4 }));
}

#[test]
fn null_usage_on_every_chunk_is_ignored() {
    let chunk = json!({ "usage": null, "choices": [{ "index": 0, "delta": { "content": "x" } }] });
    let done = run(&[data(chunk), raw("[DONE]")]).1.unwrap();
    assert_eq!(done.usage, None);
}
