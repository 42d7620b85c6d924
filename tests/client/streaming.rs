//! The happy path and every wire-format quirk of a 200 stream.

use std::time::Duration;

use ailab::llm::{ChatBackend, Delta, LlmError, Usage};
use serde_json::json;

use crate::support::{LineEnding, MockServer, Reply, Step, StreamScript};
use crate::{backend, chat, chat_pieces, content_of, request};

#[tokio::test]
async fn lmstudio_stream_is_decoded_with_usage_model_and_metrics() {
    let mock = MockServer::start().await;
    mock.push(Reply::text(&["The sky ", "scatters ", "blue light."]));
    let (handed, result) = chat_pieces(&backend(&mock.base_url()), &request()).await;
    let done = result.unwrap();
    // Pieces that arrived together are handed on together, saying how many they were.
    assert_eq!(handed.iter().map(|(_, n)| n).sum::<u32>(), 3);
    let deltas: Vec<Delta> = handed.into_iter().map(|(d, _)| d).collect();
    assert_eq!(content_of(&deltas), "The sky scatters blue light.");
    assert_eq!(done.content, "The sky scatters blue light.");
    assert_eq!(done.reasoning, "");
    assert_eq!(done.finish_reason.as_deref(), Some("stop"));
    assert_eq!(done.model.as_deref(), Some("phi-3.1-mini-4k-instruct"));
    assert_eq!(done.usage, Some(Usage { prompt_tokens: 10, completion_tokens: 3 }));
    assert_eq!(done.chunks, 3);
    assert_eq!(done.retries, 0);
    assert!(done.first_token_at.is_some());
    assert!(done.timings.is_none(), "LM Studio sends no timings");
}

#[tokio::test]
async fn request_body_streams_with_usage_and_keeps_every_field() {
    let mock = MockServer::start().await;
    let mut req = request();
    req.response_format = Some(json!({ "type": "json_schema", "json_schema": { "name": "subtasks",
        "schema": { "type": "array", "items": { "type": "string" }, "minItems": 2, "maxItems": 2 } } }));
    let (_, result) = chat(&backend(&mock.base_url()), &req).await;
    result.unwrap();
    let sent = &mock.chat_requests()[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.body["stream"], json!(true));
    assert_eq!(sent.body["stream_options"], json!({ "include_usage": true }));
    assert_eq!(sent.model(), "phi-3.1-mini-4k-instruct");
    assert_eq!(sent.system_prompt(), Some("You are Atlas."));
    assert_eq!(sent.last_user_message(), Some("Why is the sky blue?"));
    assert_eq!(sent.body["max_tokens"], json!(300));
    assert_eq!(sent.body["seed"], json!(7));
    assert_eq!(sent.body["response_format"]["json_schema"]["name"], json!("subtasks"));
    assert_eq!(sent.authorization, None);
}

#[tokio::test]
async fn answering_model_is_recorded_when_it_differs_from_the_requested_one() {
    let mock = MockServer::start().await;
    mock.push(StreamScript::answer(&["hi"]).answering_model("qwen2.5-7b-instruct"));
    let done = chat(&backend(&mock.base_url()), &request()).await.1.unwrap();
    assert_eq!(done.model.as_deref(), Some("qwen2.5-7b-instruct"));
}

#[tokio::test]
async fn llama_cpp_timings_are_kept() {
    let mock = MockServer::start().await;
    mock.push(StreamScript::answer(&["a", "b"]).with_timings());
    let done = chat(&backend(&mock.base_url()), &request()).await.1.unwrap();
    let timings = done.timings.expect("timings");
    assert_eq!(timings.predicted_n, Some(2));
    assert_eq!(timings.predicted_per_second, Some(40.0));
    assert_eq!(timings.prompt_n, Some(42));
}

#[tokio::test]
async fn reasoning_in_every_shape_is_kept_apart_from_the_answer() {
    let mock = MockServer::start().await;
    mock.push(StreamScript::new(vec![
        Step::ReasoningContent("Rayleigh ".into()),
        Step::Reasoning("scattering. ".into()),
        Step::Content("<thi".into()),
        Step::Content("nk>Shorter waves</th".into()),
        Step::Content("ink>\n\nBlue".into()),
        Step::Content(" light scatters most.".into()),
        Step::Finish("stop".into()),
        Step::Done,
    ]));
    let (deltas, result) = chat(&backend(&mock.base_url()), &request()).await;
    let done = result.unwrap();
    assert_eq!(done.reasoning, "Rayleigh scattering. Shorter waves");
    assert_eq!(done.content, "Blue light scatters most.");
    assert_eq!(content_of(&deltas), done.content);
    let reasoning: String = deltas
        .iter()
        .filter_map(|d| if let Delta::Reasoning(t) = d { Some(t.as_str()) } else { None })
        .collect();
    assert_eq!(reasoning, done.reasoning, "reasoning streams apart from the answer");
}

#[tokio::test]
async fn crlf_and_cr_line_endings_with_bom_and_comments() {
    for ending in [LineEnding::CrLf, LineEnding::Cr, LineEnding::Lf] {
        let mock = MockServer::start().await;
        let script = StreamScript::answer(&["one ", "two"])
            .insert(0, Step::Comment("keep-alive".into()))
            .line_ending(ending)
            .with_bom();
        mock.push(script);
        let done = chat(&backend(&mock.base_url()), &request()).await.1.unwrap();
        assert_eq!(done.content, "one two", "{ending:?}");
        assert_eq!(done.usage.map(|u| u.completion_tokens), Some(2), "{ending:?}");
    }
}

#[tokio::test]
async fn byte_by_byte_delivery_reassembles_lines_and_utf8() {
    for ending in [LineEnding::CrLf, LineEnding::Cr] {
        let mock = MockServer::start().await;
        let pieces = ["Héllo ", "wörld ", "🌍", " ✓"];
        mock.push(StreamScript::answer(&pieces).line_ending(ending).byte_by_byte(Duration::ZERO));
        let (handed, result) = chat_pieces(&backend(&mock.base_url()), &request()).await;
        assert_eq!(result.unwrap().content, "Héllo wörld 🌍 ✓", "{ending:?}");
        assert_eq!(handed.iter().map(|(_, n)| n).sum::<u32>(), 4, "every piece counted once");
    }
}

#[tokio::test]
async fn every_byte_in_its_own_read_even_between_cr_and_lf() {
    // 2 ms between bytes: each one surely arrives in a read of its own.
    let raw = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"é🌍\"},\"finish_reason\":\"stop\"}]}\r\n\r\ndata: [DONE]\r\n\r\n";
    let mock = MockServer::start().await;
    mock.push(StreamScript::new(vec![Step::Raw(raw.into())]).byte_by_byte(Duration::from_millis(2)));
    let (deltas, result) = chat(&backend(&mock.base_url()), &request()).await;
    assert_eq!(result.unwrap().content, "é🌍");
    assert_eq!(deltas, vec![Delta::Content("é🌍".into())]);
}

#[tokio::test]
async fn a_whole_json_answer_to_a_stream_request_is_accepted() {
    let mock = MockServer::start().await;
    let body = json!({ "id": "x", "object": "chat.completion", "model": "m",
        "choices": [{ "index": 0, "message": { "role": "assistant", "content": "Not streamed." }, "finish_reason": "stop" }],
        "usage": { "prompt_tokens": 5, "completion_tokens": 2 } });
    mock.push(Reply::status(200, body.to_string()));
    let (deltas, result) = chat(&backend(&mock.base_url()), &request()).await;
    let done = result.unwrap();
    assert_eq!(content_of(&deltas), "Not streamed.");
    assert_eq!(done.usage, Some(Usage { prompt_tokens: 5, completion_tokens: 2 }));
}

#[tokio::test]
async fn finish_reason_then_a_broken_connection_is_still_an_answer() {
    let mock = MockServer::start().await;
    mock.push(StreamScript::new(vec![
        Step::Content("done".into()),
        Step::Finish("length".into()),
        Step::Drop,
    ]));
    let done = chat(&backend(&mock.base_url()), &request()).await.1.unwrap();
    assert_eq!(done.content, "done");
    assert_eq!(done.finish_reason.as_deref(), Some("length"));
}

#[tokio::test]
async fn empty_stream_with_done_is_an_error() {
    let mock = MockServer::start().await;
    mock.push(StreamScript::empty());
    let (deltas, result) = chat(&backend(&mock.base_url()), &request()).await;
    assert!(deltas.is_empty());
    assert_eq!(result.unwrap_err(), LlmError::EmptyStream);
    assert_eq!(mock.chat_count(), 1, "an empty answer is not re-sent");
}

#[tokio::test]
async fn stream_cut_off_without_done_or_finish_reason_is_truncated_and_never_resent() {
    let mock = MockServer::start().await;
    mock.push(StreamScript::answer(&["half ", "an ", "answer"]).dropped_after(2));
    mock.push(Reply::text(&["must not be used"]));
    let (deltas, result) = chat(&backend(&mock.base_url()), &request()).await;
    assert_eq!(content_of(&deltas), "half an ");
    assert_eq!(result.unwrap_err(), LlmError::Truncated);
    assert_eq!(mock.chat_count(), 1);
}

#[tokio::test]
async fn stream_that_just_ends_without_an_end_marker_is_truncated() {
    let mock = MockServer::start().await;
    mock.push(StreamScript::new(vec![Step::Content("and then".into())]));
    assert_eq!(chat(&backend(&mock.base_url()), &request()).await.1.unwrap_err(), LlmError::Truncated);
}

#[tokio::test]
async fn malformed_chunk_is_an_invalid_response_with_an_excerpt() {
    let mock = MockServer::start().await;
    mock.push(StreamScript::answer(&["ok"]).insert(1, Step::Raw("data: {\"choices\": [{\"delta\n\n".into())));
    let (deltas, result) = chat(&backend(&mock.base_url()), &request()).await;
    // The text read in the same go as the bad chunk is still handed on: nothing streamed is lost.
    assert_eq!(content_of(&deltas), "ok");
    let error = result.unwrap_err();
    let LlmError::InvalidResponse { message } = error else {
        panic!("expected InvalidResponse, got {error:?}")
    };
    assert!(message.contains("{\"choices\": [{\"delta"), "{message}");
}

#[tokio::test]
async fn event_error_after_200_is_fatal_in_both_shapes() {
    for data in [r#"{"error":{"message":"Model unloaded."}}"#, r#"{"error":"Model unloaded."}"#] {
        let mock = MockServer::start().await;
        let script = StreamScript::answer(&["partial ", "text"])
            .insert(1, Step::Event { name: "error".into(), data: data.into() });
        mock.push(script);
        let (deltas, result) = chat(&backend(&mock.base_url()), &request()).await;
        assert_eq!(content_of(&deltas), "partial ");
        assert_eq!(result.unwrap_err(), LlmError::Stream { message: "Model unloaded.".into() }, "{data}");
        assert_eq!(mock.chat_count(), 1);
    }
}

#[tokio::test]
async fn llama_cpp_error_payload_in_data_is_fatal() {
    let mock = MockServer::start().await;
    let error = json!({ "error": { "code": 500, "message": "llama_decode failed", "type": "server_error" } });
    mock.push(StreamScript::answer(&["a"]).insert(1, Step::Data(error)));
    let result = chat(&backend(&mock.base_url()), &request()).await.1;
    assert_eq!(result.unwrap_err(), LlmError::Stream { message: "llama_decode failed".into() });
}

#[tokio::test]
async fn lmstudio_greeting_and_model_list() {
    let mock = MockServer::start().await;
    let backend = backend(&mock.base_url());
    assert!(backend.lmstudio_greeting().await);
    let models: Vec<String> = backend.list_models().await.unwrap().into_iter().map(|m| m.id).collect();
    assert_eq!(models.len(), 6);
    assert_eq!(models[0], "phi-3.1-mini-4k-instruct");
    assert_eq!(models[5], "phi-3.1-mini-4k-instruct:6");
    mock.configure(|c| c.models = vec!["only-one".into()]);
    assert_eq!(backend.list_models().await.unwrap().len(), 1);
}

/// A server writes one token per write; while text flows, the network thread reads in ticks
/// (`llm::paced`), so tokens written a millisecond apart come in a few gathered hand-ons, whole
/// and in order, with the count of the pieces each holds. (A slower machine gathers more per
/// hand-on, never fewer.)
#[tokio::test]
async fn tokens_written_a_millisecond_apart_arrive_gathered_whole_and_in_order() {
    let mock = MockServer::start().await;
    let pieces: Vec<String> = (0..200).map(|n| format!("w{n} ")).collect();
    let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
    mock.push(StreamScript::answer(&pieces).paced(Duration::from_millis(1)));
    let (handed, result) = chat_pieces(&backend(&mock.base_url()), &request()).await;
    let text: String = handed
        .iter()
        .filter_map(|(delta, _)| match delta {
            Delta::Content(text) => Some(text.as_str()),
            Delta::Reasoning(_) => None,
        })
        .collect();
    assert_eq!(text, pieces.concat());
    assert_eq!(result.unwrap().content, pieces.concat());
    assert_eq!(handed.iter().map(|(_, count)| *count).sum::<u32>(), 200, "every piece counted");
    // 200 writes over at least 200 ms, read in 20 ms ticks: about ten hand-ons, not 200.
    assert!(handed.len() <= 60, "{} hand-ons for 200 pieces", handed.len());
}
