//! End to end: the real `ailab` binary against the mock playing what llama-cpp-python's server
//! and LiteLLM's proxy were seen to do (issue 15 §3; `tests/support/mock_server/quirks.rs`). Each
//! test fails without the fix it guards.

mod support;

use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use support::{MockConfig, MockServer, RecordedRequest, Reply, StreamScript, run, text};

const MODEL: &str = support::mock_server::DEFAULT_MODEL;

fn ailab(mock: &MockServer, dirs: &tempfile::TempDir) -> Command {
    support::ailab_at(env!("CARGO_BIN_EXE_ailab"), &mock.base_url(), dirs.path())
}

/// A split request of Atlas's, with or without a JSON schema.
fn is_atlas_split(req: &RecordedRequest) -> bool {
    req.system_prompt().unwrap_or("").starts_with("You are Atlas")
        && req.last_user_message().unwrap_or("").contains("Divide the task below")
}

/// The type of the request's `response_format` (`json_schema`, `json_object`), if it has one.
fn schema_type(req: &RecordedRequest) -> Option<&str> {
    req.body.get("response_format").and_then(|f| f.get("type")).and_then(Value::as_str)
}

/// llama-cpp-python: OpenAI's `json_schema` refused with its 500, a `json_object` schema taken.
fn llama_cpp_python_schema(req: &RecordedRequest) -> Option<Reply> {
    (schema_type(req) == Some("json_schema")).then(Reply::llama_cpp_python_schema_refused)
}

/// `ailab ask` on `prompt`, and the run's record as `history show --json` gives it.
fn ask(mock: &MockServer, prompt: &str) -> (Output, Value) {
    let dirs = tempfile::tempdir().unwrap();
    let asked = run(ailab(mock, &dirs).args(["ask", prompt]));
    let listed = run(ailab(mock, &dirs).args(["history", "list", "--json"]));
    let runs: Value = serde_json::from_slice(&listed.stdout).unwrap_or_default();
    let Some(id) = runs[0]["id"].as_str() else { return (asked, Value::Null) };
    let shown = run(ailab(mock, &dirs).args(["history", "show", id, "--json"]));
    (asked, serde_json::from_slice(&shown.stdout).unwrap_or_default())
}

/// The errors of `node`'s calls of `phase`, in order, from the record.
fn errors_of(record: &Value, node: &str, phase: &str) -> Vec<Value> {
    let calls = record["calls"].as_array().cloned().unwrap_or_default();
    calls
        .into_iter()
        .filter(|c| c["node"] == node && c["phase"] == phase)
        .map(|c| c["error"].clone())
        .collect()
}

fn atlas_split_errors(record: &Value) -> Vec<Value> {
    errors_of(record, "atlas", "split")
}

#[test]
fn llama_cpp_python_refusing_a_json_schema_gets_it_as_a_json_object_schema_from_then_on() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    mock.respond_with(llama_cpp_python_schema);
    let (asked, record) = ask(&mock, "Why do cats purr?");
    assert_eq!(asked.status.code(), Some(0), "{}", text(&asked.stderr));
    assert_eq!(record["status"], "done", "the json_object splits were read: {record}");
    let types: Vec<Option<String>> =
        mock.chat_requests().iter().map(|r| schema_type(r).map(str::to_string)).collect();
    let count = |t: &str| types.iter().filter(|x| x.as_deref() == Some(t)).count();
    assert_eq!(count("json_schema"), 1, "refused once, never sent again: {types:?}");
    assert_eq!(count("json_object"), 3, "every split (Atlas, Nova, Sage) in the form it takes: {types:?}");
    let errors = atlas_split_errors(&record);
    assert_eq!(errors.len(), 2, "{errors:?}");
    let refused = errors[0].as_str().unwrap_or_default();
    assert!(refused.contains("as a json_object schema") && refused.contains("HTTP 500"), "{refused}");
    assert!(errors[1].is_null());
    assert_eq!(record["failed_calls"], 0, "a refused form is not a failure: {record}");
}

#[test]
fn a_json_object_split_with_raw_newlines_in_its_strings_is_read_as_json() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    mock.respond_with(|req| {
        llama_cpp_python_schema(req).or_else(|| {
            is_atlas_split(req).then(|| {
                let tasks = ["Explain how a cat's larynx\nmakes the purr", "Reflect on what purring\nmeans"];
                Reply::Stream(StreamScript::llama_cpp_python_raw_newline_split(&tasks))
            })
        })
    });
    let (asked, record) = ask(&mock, "Why do cats purr?");
    assert_eq!(asked.status.code(), Some(0), "{}", text(&asked.stderr));
    assert_eq!(record["status"], "done", "{record}");
    let tasks = record["tasks"].as_array().cloned().unwrap_or_default();
    let nova = tasks.iter().find(|t| t["node"] == "nova").cloned().unwrap_or_default();
    assert_eq!(nova["split"], "json", "{nova}");
    assert_eq!(nova["task"], "Explain how a cat's larynx\nmakes the purr");
}

#[test]
fn a_split_answered_by_a_stream_closed_before_its_first_event_is_asked_again_shorter() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let atlas_splits = Arc::new(AtomicUsize::new(0));
    let seen = atlas_splits.clone();
    mock.respond_with(move |req| {
        if let Some(refused) = llama_cpp_python_schema(req) {
            return Some(refused);
        }
        // The split asked again as a json_object comes back empty, as a prompt over n_ctx does.
        (is_atlas_split(req) && seen.fetch_add(1, Ordering::SeqCst) == 0)
            .then(|| Reply::Stream(StreamScript::closed_empty()))
    });
    let (asked, record) = ask(&mock, "Why do cats purr?");
    assert_eq!(asked.status.code(), Some(0), "{}", text(&asked.stderr));
    assert_eq!(record["status"], "done", "{record}");
    let errors = atlas_split_errors(&record);
    assert_eq!(errors.len(), 3, "refused form, closed empty, answered: {errors:?}");
    let closed = errors[1].as_str().unwrap_or_default();
    assert!(closed.contains("closed the stream without sending anything"), "{closed}");
    assert!(closed.contains("(the prompt was about ") && closed.contains("--n_ctx 8192"), "{closed}");
    assert!(errors[2].is_null());
    let progress = text(&asked.stderr);
    assert!(progress.contains("Atlas  split did not fit the model's context ("), "{progress}");
    assert!(progress.contains("asking again with a shorter prompt…"), "{progress}");
    let splits = record["calls"].as_array().cloned().unwrap_or_default();
    let last = splits.iter().rfind(|c| c["node"] == "atlas" && c["phase"] == "split").cloned();
    assert_eq!(last.unwrap_or_default()["truncated_input"], true, "asked again shorter");
}

#[test]
fn a_split_that_always_closes_empty_falls_back_and_the_run_is_degraded_not_failed() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    mock.respond_with(|req| is_atlas_split(req).then(|| Reply::Stream(StreamScript::closed_empty())));
    let (asked, record) = ask(&mock, "Why do cats purr?");
    assert_eq!(asked.status.code(), Some(0), "degraded is an answer: {}", text(&asked.stderr));
    assert_eq!(record["status"], "degraded", "{record}");
    let progress = text(&asked.stderr);
    assert!(progress.contains("Atlas could not split the task even when asked again"), "{progress}");
    assert_eq!(atlas_split_errors(&record).len(), 4, "asked, then shortened three times");
}

#[test]
fn a_stream_llama_cpp_python_cut_off_for_another_request_is_asked_again_not_failed() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let quantum = Arc::new(AtomicUsize::new(0));
    let seen = quantum.clone();
    mock.respond_with(move |req| {
        let answer =
            req.system_prompt().unwrap_or("").starts_with("You are Quantum") && req.split_count().is_none();
        (answer && seen.fetch_add(1, Ordering::SeqCst) == 0)
            .then(|| Reply::Stream(StreamScript::llama_cpp_python_cut_off()))
    });
    let (asked, record) = ask(&mock, "Why do cats purr?");
    let progress = text(&asked.stderr);
    assert_eq!(asked.status.code(), Some(0), "{progress}");
    assert_eq!(record["status"], "done", "{record}");
    assert_eq!(quantum.load(Ordering::SeqCst), 2, "asked once more");
    assert!(progress.contains("Quantum  the server cut the stream off before its first word"), "{progress}");
    assert!(progress.contains("one request at a time from now on"), "{progress}");
    assert!(!progress.contains("failed"), "{progress}");
    assert_eq!(record["failed_calls"], 0, "{record}");
}

#[test]
fn litellm_without_a_key_says_to_name_the_key_in_api_key_env() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    mock.set_models_reply(Some(Reply::litellm_no_key()));
    let dirs = tempfile::tempdir().unwrap();
    let checked = run(ailab(&mock, &dirs).arg("check"));
    let out = text(&checked.stdout) + &text(&checked.stderr);
    assert_eq!(checked.status.code(), Some(1), "{out}");
    assert!(
        out.contains("did not accept the API key (HTTP 401): Authentication Error, No api key passed in"),
        "{out}"
    );
    assert!(out.contains("api_key_env") && out.contains("master_key"), "{out}");
}

#[test]
fn litellm_refusing_a_wrong_key_fails_the_run_at_once_with_the_fix() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    mock.respond_with(|_| Some(Reply::litellm_wrong_key()));
    let (asked, _) = ask(&mock, "Why do cats purr?");
    let out = text(&asked.stderr);
    assert_eq!(asked.status.code(), Some(1), "{out}");
    assert!(out.contains("did not accept the API key (HTTP 400): No connected db."), "{out}");
    assert!(out.contains("api_key_env"), "{out}");
    // Not taken for a refused schema (asked again without it) nor re-sent.
    assert_eq!(mock.chat_count(), 1, "{out}");
}

#[test]
fn litellm_without_the_model_name_says_where_to_add_it() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    mock.respond_with(|req| Some(Reply::litellm_unknown_model(req.model())));
    let (asked, _) = ask(&mock, "Why do cats purr?");
    let out = text(&asked.stderr);
    assert_eq!(asked.status.code(), Some(1), "{out}");
    assert!(out.contains(&format!("does not serve model \"{MODEL}\"")), "{out}");
    assert!(out.contains(&format!("LiteLLM has no model_name \"{MODEL}\" in its config")), "{out}");
    assert_eq!(mock.chat_count(), 1, "a missing model is not re-sent: {out}");
}

#[test]
fn litellm_failing_for_the_servers_behind_it_is_re_sent_then_names_them() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    mock.respond_with(|req| Some(Reply::litellm_servers_down(req.model())));
    let (asked, _) = ask(&mock, "Why do cats purr?");
    let out = text(&asked.stderr);
    assert_eq!(asked.status.code(), Some(1), "{out}");
    assert!(out.contains("HTTP 500: litellm.InternalServerError"), "{out}");
    assert!(out.contains("every api_base in LiteLLM's config"), "{out}");
    assert_eq!(mock.chat_count(), 4, "re-sent three times, as any 500 before the first byte");
}
