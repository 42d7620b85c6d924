//! Conversations end to end: the real `ailab` binary against the in-process mock. A follow-up
//! (`ailab ask --continue`) gives every member the earlier turns, read back from the record: the
//! questions, the team's final answers, and its own earlier task and answer, bounded to its context.

mod support;

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::{MockConfig, MockServer, RecordedRequest, Reply, StreamScript};

fn ailab(mock: &MockServer, dirs: &tempfile::TempDir) -> Command {
    support::ailab_at(env!("CARGO_BIN_EXE_ailab"), &mock.base_url(), dirs.path())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One turn through `ailab ask --json`; its events.
fn ask(mock: &MockServer, dirs: &tempfile::TempDir, args: &[&str]) -> (Vec<Value>, String) {
    let out: Output = ailab(mock, dirs)
        .args(["ask", "--json"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    let events = text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON lines")).collect();
    (events, stderr)
}

fn final_answer(events: &[Value]) -> String {
    let last = events.last().expect("events");
    assert_eq!(last["type"], "run_finished");
    last["answer"].as_str().expect("an answer").to_string()
}

/// What `node` answered on this turn (its last answering call).
fn answer_of(events: &[Value], node: &str) -> String {
    events
        .iter()
        .filter(|e| e["type"] == "call_finished" && e["node"] == node && e["error"].is_null())
        .rfind(|e| ["answer", "synthesize", "revise", "expand"].contains(&e["phase"].as_str().unwrap_or("")))
        .and_then(|e| e["text"].as_str())
        .expect("the node answered")
        .to_string()
}

fn user_message(request: &RecordedRequest) -> String {
    request.last_user_message().unwrap_or("").to_string()
}

fn of_member<'a>(requests: &'a [RecordedRequest], name: &str) -> Vec<&'a RecordedRequest> {
    let system = format!("You are {name}");
    requests.iter().filter(|r| r.system_prompt().is_some_and(|s| s.starts_with(&system))).collect()
}

const FIRST: &str = "Explain how vaccines train the immune system";

/// Splits answered with real sub-tasks, one angle per member. The mock's own default split quotes
/// the split prompt, which the sub-task checks reject: every branch would then get the same task
/// and, from the mock, the same reply, so no test could tell one branch's reply from another's.
fn with_real_splits(mock: &MockServer) {
    mock.respond_with(|req| {
        let count = req.split_count()?;
        let angles = ["how vaccines work in the body", "what vaccination means for public health"];
        let tasks: Vec<String> =
            (0..count).map(|i| format!("Explain {}", angles[i % angles.len()])).collect();
        Some(Reply::Stream(StreamScript::answer(&[&Value::from(tasks).to_string()])))
    });
}
const FOLLOW_UP: &str = "tell me more about the second point";

#[test]
fn a_follow_up_gives_every_member_the_earlier_turns_and_its_own_earlier_work() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let (first, _) = ask(&mock, &dirs, &[FIRST]);
    let first_id = first[0]["run_id"].as_str().unwrap().to_string();
    assert_eq!(first[0]["conversation"]["id"], first_id.as_str(), "a first turn starts its conversation");
    assert_eq!(first[0]["conversation"]["turn"], 1);
    let team_answer = final_answer(&first);
    let echo_answer = answer_of(&first, "echo");
    // Nothing earlier on a first turn.
    assert!(mock.chat_requests().iter().all(|r| !user_message(r).contains("Earlier in this conversation")));

    let before = mock.chat_count();
    let (second, stderr) = ask(&mock, &dirs, &["--continue", FOLLOW_UP]);
    assert!(stderr.contains(&format!("continuing conversation {first_id} at turn 2")), "{stderr}");
    assert_eq!(second[0]["conversation"]["id"], first_id.as_str());
    assert_eq!(second[0]["conversation"]["turn"], 2);
    let requests: Vec<RecordedRequest> = mock.chat_requests().into_iter().skip(before).collect();
    assert_eq!(requests.len(), 9);
    for request in &requests {
        let user = user_message(request);
        let (earlier, new) = user.split_once("--- The new request ---").expect("the earlier turns, framed");
        assert!(earlier.starts_with("Earlier in this conversation"), "{user}");
        assert!(earlier.contains(&format!("The user asked: {FIRST}")), "{user}");
        // The team's final answer, whole (it fits).
        assert!(earlier.contains(team_answer.trim()), "{user}");
        assert!(!earlier.contains("shortened"), "{user}");
        assert!(!new.contains("The user asked"), "the new request comes after the earlier turns");
        // A message per role as before: the history is not sent as extra chat turns.
        assert_eq!(request.body["messages"].as_array().map(Vec::len), Some(2));
    }
    // Echo reads what Echo was asked and answered; the root reads the question as asked.
    for request in of_member(&requests, "Echo") {
        let user = user_message(request);
        assert!(user.contains(&format!("You answered: {}", echo_answer.trim())), "{user}");
        assert!(user.contains("You were asked: "), "{user}");
    }
    let atlas = of_member(&requests, "Atlas");
    assert!(!atlas.is_empty());
    assert!(atlas.iter().all(|r| user_message(r).contains(FOLLOW_UP)));

    // Any turn's id continues the whole conversation.
    let before = mock.chat_count();
    let second_id = second[0]["run_id"].as_str().unwrap().to_string();
    let (third, stderr) = ask(&mock, &dirs, &["--continue", &first_id, "and the first one?"]);
    assert!(stderr.contains("at turn 3"), "{stderr}");
    assert_eq!(third[0]["conversation"]["turn"], 3);
    let requests: Vec<RecordedRequest> = mock.chat_requests().into_iter().skip(before).collect();
    for request in &requests {
        let user = user_message(request);
        let turn_1 = user.find("[Turn 1]").expect("turn 1");
        let turn_2 = user.find("[Turn 2]").expect("turn 2");
        assert!(turn_1 < turn_2 && user.contains(FOLLOW_UP), "{user}");
    }
    assert_ne!(second_id, first_id);

    // History lists the turns as turns of one conversation.
    let out = ailab(&mock, &dirs).args(["history", "list", "--json"]).output().unwrap();
    let rows: Value = serde_json::from_str(&text(&out.stdout)).expect("JSON");
    let rows = rows.as_array().expect("a list");
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r["conversation"] == first_id.as_str()), "{rows:?}");
    let mut turns: Vec<u64> = rows.iter().filter_map(|r| r["turn"].as_u64()).collect();
    turns.sort();
    assert_eq!(turns, [1, 2, 3]);

    // And as one conversation: what it began with, three turns, the run to continue from.
    ask(&mock, &dirs, &["a question of its own"]);
    let out = ailab(&mock, &dirs).args(["history", "list", "--conversations", "--json"]).output().unwrap();
    let conversations: Value = serde_json::from_str(&text(&out.stdout)).expect("JSON");
    let conversations = conversations.as_array().expect("a list");
    assert_eq!(conversations.len(), 2);
    assert_eq!(conversations[0]["first_prompt"], "a question of its own", "the latest activity first");
    let ours = &conversations[1];
    assert_eq!((ours["id"].as_str(), ours["turns"].as_u64()), (Some(first_id.as_str()), Some(3)));
    assert_eq!(ours["first_prompt"], FIRST);
    assert_eq!(ours["last_run"], third[0]["run_id"]);
}

#[test]
fn earlier_turns_too_long_for_a_members_context_are_shortened_oldest_first_and_say_so() {
    // Long answers: two earlier turns no longer fit in a third of a 4k context.
    let mock = MockServer::start_in_thread(MockConfig {
        answer_tokens: 700,
        token_delay: Duration::ZERO,
        ..MockConfig::default()
    });
    let dirs = tempfile::tempdir().unwrap();
    ask(&mock, &dirs, &[FIRST]);
    ask(&mock, &dirs, &["--continue", FOLLOW_UP]);
    let before = mock.chat_count();
    let (third, _) = ask(&mock, &dirs, &["--continue", "last", "sum it up in one line"]);
    let requests: Vec<RecordedRequest> = mock.chat_requests().into_iter().skip(before).collect();
    for request in &requests {
        let user = user_message(request);
        let (earlier, _) = user.split_once("--- The new request ---").expect("framed");
        assert!(earlier.contains("shortened to fit the model's context window"), "{earlier}");
        // The oldest turn gave way first: turn 2's question is still there whole, and the
        // earlier turns stay inside the member's share (a third of (4096 - 700 - 128) tokens × 3).
        assert!(earlier.contains(FOLLOW_UP), "{earlier}");
        assert!(earlier.chars().count() <= (4096 - 700 - 128) * 3 / 3, "{}", earlier.chars().count());
    }
    // The record notes it: every call of the turn says its input was cut.
    let started: Vec<&Value> = third.iter().filter(|e| e["type"] == "call_started").collect();
    assert_eq!(started.len(), 9);
    assert!(started.iter().all(|e| e["truncated_input"] == true));
    assert!(!final_answer(&third).is_empty());
}

#[test]
fn continuing_what_is_not_there_exits_2_and_says_how_to_find_ids() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let out = ailab(&mock, &dirs)
        .args(["ask", "--continue", "tell me more"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no runs yet"), "{stderr}");
    ask(&mock, &dirs, &[FIRST]);
    let out = ailab(&mock, &dirs)
        .args(["ask", "--continue", "20991231", "tell me more"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no run with id \"20991231\"") && stderr.contains("ailab history list"),
        "{stderr}"
    );
    assert_eq!(mock.chat_count(), 9, "nothing was sent for the refused follow-ups");
}

#[test]
fn asking_one_member_then_sending_it_up_gives_a_new_final_answer_with_the_expanded_reply() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    with_real_splits(&mock);
    let dirs = tempfile::tempdir().unwrap();
    let (first, _) = ask(&mock, &dirs, &[FIRST]);
    let first_id = first[0]["run_id"].as_str().unwrap().to_string();
    let (nova_before, echo_before, sage_before) =
        (answer_of(&first, "nova"), answer_of(&first, "echo"), answer_of(&first, "sage"));

    // Nova alone: one call, with its task, its answer and its team's replies.
    let before = mock.chat_count();
    let (asked, _) = ask(&mock, &dirs, &["--member", "Nova", "expand on the practical side"]);
    let requests: Vec<RecordedRequest> = mock.chat_requests().into_iter().skip(before).collect();
    assert_eq!(requests.len(), 1, "only Nova is asked");
    assert_eq!(of_member(&requests, "Nova").len(), 1);
    let user = user_message(&requests[0]);
    assert!(user.contains(&format!("You answered:\n{}", nova_before.trim())), "{user}");
    assert!(user.contains("Your team's replies") && user.contains(echo_before.trim()), "{user}");
    assert!(user.contains("The user now asks you directly: expand on the practical side"), "{user}");
    assert_eq!(asked[0]["root"], "nova");
    assert_eq!(asked[0]["conversation"]["kind"], "expansion");
    assert_eq!(asked[0]["conversation"]["parent_run"], first_id.as_str());
    let expanded = final_answer(&asked);
    let expansion_id = asked[0]["run_id"].as_str().unwrap().to_string();

    // Sent up: Nova's parent (Atlas, the root) synthesizes again with the expanded reply in place
    // of Nova's old one, beside Sage's reply as it was.
    let before = mock.chat_count();
    let (sent, _) = ask(&mock, &dirs, &["--send-up"]);
    let requests: Vec<RecordedRequest> = mock.chat_requests().into_iter().skip(before).collect();
    assert_eq!(requests.len(), 1);
    let user = user_message(&requests[0]);
    assert!(of_member(&requests, "Atlas").len() == 1, "{user}");
    assert!(user.contains(expanded.trim()) && user.contains(sage_before.trim()), "{user}");
    assert!(!user.contains(nova_before.trim()), "the old reply is replaced: {user}");
    assert_eq!(sent[0]["conversation"]["kind"], "resynthesis");
    assert_eq!(sent[0]["conversation"]["parent_run"], expansion_id.as_str());
    assert!(!final_answer(&sent).is_empty());

    // Deeper: Quantum's reply goes through Sage, then Atlas, in one command.
    let before = mock.chat_count();
    let (both, _) = ask(&mock, &dirs, &["--member", "quantum", "--send-up", "what is deepest here?"]);
    let requests: Vec<RecordedRequest> = mock.chat_requests().into_iter().skip(before).collect();
    let order: Vec<String> =
        requests.iter().filter_map(|r| r.system_prompt()).map(|s| s.to_string()).collect();
    assert_eq!(requests.len(), 3, "{order:?}");
    assert!(order[0].starts_with("You are Quantum") && order[1].starts_with("You are Sage"), "{order:?}");
    assert!(order[2].starts_with("You are Atlas"), "{order:?}");
    let quantum_new = answer_of(&both, "quantum");
    assert!(user_message(&requests[1]).contains(quantum_new.trim()));
    let sage_new = answer_of(&both, "sage");
    assert!(user_message(&requests[2]).contains(sage_new.trim()));

    // The record keeps every turn, linked: history list shows kinds and parents.
    let out = ailab(&mock, &dirs).args(["history", "list", "--json"]).output().unwrap();
    let rows: Value = serde_json::from_str(&text(&out.stdout)).expect("JSON");
    let kinds: Vec<&str> =
        rows.as_array().unwrap().iter().rev().filter_map(|r| r["turn_kind"].as_str()).collect();
    assert_eq!(kinds, ["question", "expansion", "resynthesis", "expansion", "resynthesis"]);
}

#[test]
fn asking_a_member_wrongly_exits_2_with_what_to_do() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let refused = |args: &[&str]| {
        let out = ailab(&mock, &dirs).arg("ask").args(args).stdin(Stdio::null()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        text(&out.stderr)
    };
    assert!(refused(&["--member", "nova", "why?"]).contains("no runs yet"));
    ask(&mock, &dirs, &[FIRST]);
    let unknown = refused(&["--member", "zed", "why?"]);
    assert!(unknown.contains("no member named \"zed\"") && unknown.contains("atlas, nova"), "{unknown}");
    let nothing = refused(&["--send-up"]);
    assert!(nothing.contains("nothing to send up") && nothing.contains("ask one member first"), "{nothing}");
    let root = refused(&["--member", "atlas", "--send-up", "more?"]);
    assert!(root.contains("not below anyone"), "{root}");
    assert_eq!(mock.chat_count(), 9, "nothing was sent for the refused turns");
}

#[test]
fn a_turn_later_turns_build_on_is_kept_until_the_whole_conversation_goes() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let (first, _) = ask(&mock, &dirs, &[FIRST]);
    let (second, _) = ask(&mock, &dirs, &["--continue", FOLLOW_UP]);
    ask(&mock, &dirs, &["--member", "echo", "an example, please"]);
    let first_id = first[0]["run_id"].as_str().unwrap().to_string();
    let second_id = second[0]["run_id"].as_str().unwrap().to_string();
    let delete = |args: &[&str]| {
        let out = ailab(&mock, &dirs).args(["history", "delete", "--yes"]).args(args).output().unwrap();
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    let (code, _, stderr) = delete(&[&second_id]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("1 later turn(s)") && stderr.contains("--conversation"), "{stderr}");
    let (code, stdout, stderr) = delete(&["--conversation", &second_id]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("Deleted 3 turn(s)") && stdout.contains(&first_id), "{stdout}");
    let out = ailab(&mock, &dirs).args(["history", "list", "--json"]).output().unwrap();
    assert_eq!(text(&out.stdout).trim(), "[]");
}

#[test]
fn a_conversation_exports_as_the_dialogue_with_each_turns_run_folded_below() {
    let mock = MockServer::start_in_thread(MockConfig::default());
    let dirs = tempfile::tempdir().unwrap();
    let (first, _) = ask(&mock, &dirs, &[FIRST]);
    let (second, _) = ask(&mock, &dirs, &["--continue", FOLLOW_UP]);
    let (third, _) = ask(&mock, &dirs, &["--member", "pixel", "which pattern matters most?"]);
    let export = |format: &str| {
        let out = ailab(&mock, &dirs)
            .args(["history", "export", "last", "--conversation", "--format", format, "-o", "-"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let md = export("md");
    let (one, two, three) =
        (md.find("## Turn 1").unwrap(), md.find("## Turn 2").unwrap(), md.find("## Turn 3").unwrap());
    assert!(one < two && two < three, "{md}");
    assert!(md.contains(&format!("> {FIRST}")) && md.contains(&format!("> {FOLLOW_UP}")));
    assert!(md.contains("**You, to pixel alone:**"), "{md}");
    assert!(md[two..three].contains(final_answer(&second).trim().lines().next().unwrap()));
    assert_eq!(md.matches("<details>").count(), 3);
    assert!(md.contains("Iteration · You → Atlas"), "a follow-up reads as an iteration: {md}");
    let json: Value = serde_json::from_str(&export("json")).expect("JSON");
    let turns = json["turns"].as_array().expect("turns");
    assert_eq!(turns.len(), 3);
    assert_eq!(json["conversation"], first[0]["run_id"]);
    assert_eq!(turns[2]["id"], third[0]["run_id"]);
    assert!(turns.iter().all(|t| t["calls"].as_array().is_some_and(|c| !c.is_empty())));
}
