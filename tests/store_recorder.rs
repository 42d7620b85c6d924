//! The recorder fed with synthetic event streams: what lands in the database, how fast partial text
//! gets there, and that a recorded run replays as the events it was recorded from.

mod store_support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ailab::clock::now_ms;
use ailab::config::Phase;
use ailab::engine::{EventKind, NodeStatus, RunEvent, RunStatus};
use ailab::store::{CallStatus, MessageKind, Reader, Recorder, messages};
use store_support::*;

#[test]
fn a_finished_tree_run_is_recorded_in_full() {
    let (_dir, path) = temp_db();
    let script = tree_run("20260101-120000-aaaa", "What is quantum tunnelling?", 1_767_268_800_000);
    let recorder = Recorder::start(&path).unwrap();
    let tx = recorder.listener();
    for event in &script.events {
        tx.send(event.clone()).unwrap();
    }
    recorder.shutdown().unwrap();

    let reader = Reader::open(&path).unwrap();
    let record = reader.load_run("20260101-120000-aaaa").unwrap();
    assert_eq!(record.run.status, RunStatus::Done);
    assert_eq!(record.run.prompt, "What is quantum tunnelling?");
    assert_eq!(record.answer.as_deref(), Some(ANSWER_TEXT));
    assert_eq!((record.run.calls, record.run.prompt_tokens, record.run.completion_tokens), (4, 410, 100));
    assert_eq!(record.hierarchy_source, "test hierarchy");
    assert_eq!(record.node_name("nova"), "Nova");
    assert_eq!(record.run.hierarchy_hash, ailab::engine::hierarchy_hash(&hierarchy()));

    type CallSummary<'a> = (u32, &'a str, Phase, Option<u32>, CallStatus, &'a str);
    let calls: Vec<CallSummary> = record
        .calls
        .iter()
        .map(|c| (c.call, c.node.as_str(), c.phase, c.parent_call, c.status, c.text.as_str()))
        .collect();
    assert_eq!(
        calls,
        vec![
            (1, "atlas", Phase::Split, None, CallStatus::Done, SPLIT_TEXT),
            (2, "nova", Phase::Answer, Some(1), CallStatus::Done, NOVA_TEXT),
            (3, "sage", Phase::Answer, Some(1), CallStatus::Done, SAGE_TEXT),
            (4, "atlas", Phase::Synthesize, Some(2), CallStatus::Done, ANSWER_TEXT),
        ]
    );
    let synth = record.call(4).unwrap();
    assert_eq!(synth.reasoning, "Let me combine. ");
    assert_eq!(synth.request.messages[0].content, "system of atlas");
    assert_eq!(synth.metrics.prompt_tokens, Some(104));
    assert_eq!(synth.metrics.tokens_per_sec, Some(25.5));
    assert_eq!(synth.metrics.finish_reason.as_deref(), Some("stop"));
    assert_eq!(record.call(1).unwrap().split, Some(ailab::engine::SplitMethod::Json));
    let tasks: Vec<(&str, Option<u32>)> =
        record.tasks.iter().map(|t| (t.node.as_str(), t.from_call)).collect();
    assert_eq!(tasks, vec![("atlas", None), ("nova", Some(1)), ("sage", Some(1))]);

    // The conversation view: query → delegations → responses → synthesis, linked.
    let msgs = messages(&record);
    let kinds: Vec<(MessageKind, &str, Option<&str>)> =
        msgs.iter().map(|m| (m.kind, m.from.as_str(), m.to.as_deref())).collect();
    assert_eq!(
        kinds,
        vec![
            (MessageKind::Query, "user", Some("atlas")),
            (MessageKind::Delegation, "atlas", Some("nova")),
            (MessageKind::Delegation, "atlas", Some("sage")),
            (MessageKind::Response, "sage", Some("atlas")),
            (MessageKind::Response, "nova", Some("atlas")),
            (MessageKind::Synthesis, "atlas", Some("user")),
        ]
    );
    let parents: Vec<Option<usize>> = msgs.iter().map(|m| m.parent).collect();
    assert_eq!(parents, vec![None, Some(1), Some(1), Some(3), Some(2), Some(1)]);
}

#[test]
fn a_recorded_run_replays_as_its_events() {
    let (_dir, path) = temp_db();
    let script = tree_run("20260101-120000-bbbb", "Replay me", 1_767_268_800_000);
    let recorder = Recorder::start(&path).unwrap();
    for event in &script.events {
        recorder.listener().send(event.clone()).unwrap();
    }
    recorder.shutdown().unwrap();

    let replayed = Reader::open(&path).unwrap().run_events("20260101-120000-bbbb").unwrap();
    // Every event but tokens comes back identical and in the same order.
    let structured = |events: &[RunEvent]| -> Vec<RunEvent> {
        events.iter().filter(|e| !matches!(e.kind, EventKind::Token { .. })).cloned().collect()
    };
    assert_eq!(structured(&replayed), structured(&script.events));
    // Tokens: same text per call, in order, within the call's lifetime, at recorded times.
    let text_of = |events: &[RunEvent], reasoning_wanted: bool| -> HashMap<u32, String> {
        let mut texts: HashMap<u32, String> = HashMap::new();
        for e in events {
            if let EventKind::Token { call, text, reasoning, .. } = &e.kind {
                if *reasoning == reasoning_wanted {
                    texts.entry(*call).or_default().push_str(text);
                }
            }
        }
        texts
    };
    assert_eq!(text_of(&replayed, false), text_of(&script.events, false));
    assert_eq!(text_of(&replayed, true), text_of(&script.events, true));
    let mut open_calls = std::collections::HashSet::new();
    let mut last_at = i64::MIN;
    for e in &replayed {
        assert!(e.at_ms >= last_at, "replay times never go back");
        last_at = e.at_ms;
        match &e.kind {
            EventKind::CallStarted { call, .. } => assert!(open_calls.insert(*call)),
            EventKind::Token { call, .. } => assert!(open_calls.contains(call), "token outside its call"),
            EventKind::CallFinished { call, .. } => assert!(open_calls.remove(call)),
            _ => {}
        }
    }
    // Streaming pace is kept: the split streamed over several marks, not one lump.
    let split_tokens = replayed.iter().filter(|e| matches!(e.kind, EventKind::Token { call: 1, .. })).count();
    assert!(split_tokens >= 2, "split replayed in {split_tokens} token(s)");
    assert_eq!(replayed.first().map(|e| e.at_ms), script.events.first().map(|e| e.at_ms));
    assert_eq!(replayed.last().map(|e| e.at_ms), script.events.last().map(|e| e.at_ms));
}

#[test]
fn partial_text_reaches_the_database_within_half_a_second() {
    let (_dir, path) = temp_db();
    let recorder = Recorder::start(&path).unwrap();
    let tx = recorder.listener();
    let mut s = Script::new("20260101-120000-cccc", "Stream slowly", now_ms());
    s.task("atlas", "Stream slowly", None);
    s.start_call(1, "atlas", Phase::Answer, None);
    for e in s.events.drain(..) {
        tx.send(e).unwrap();
    }
    let reader = Reader::open(&path).unwrap();
    let streamed = |reader: &Reader| reader.load_run("20260101-120000-cccc").unwrap().calls[0].text.clone();

    // A call streams a word every 50 ms for 1.5 s; the record must keep up within ~500 ms.
    let began = Instant::now();
    let mut sent = String::new();
    let mut worst_lag = Duration::ZERO;
    let mut first_seen = None;
    for i in 0..30 {
        let word = format!("w{i} ");
        s.now = now_ms();
        tx.send(s.token(1, "atlas", Phase::Answer, &word)).unwrap();
        sent.push_str(&word);
        std::thread::sleep(Duration::from_millis(50));
        let stored = streamed(&reader);
        assert!(sent.starts_with(&stored), "stored text is a prefix of what was sent");
        if !stored.is_empty() && first_seen.is_none() {
            first_seen = Some(began.elapsed());
        }
        // How far behind is the record? The oldest word not yet stored was sent at (its index * 50 ms).
        let missing_from = stored.split_whitespace().count();
        if missing_from <= i {
            let lag = began.elapsed().saturating_sub(Duration::from_millis(50 * missing_from as u64));
            worst_lag = worst_lag.max(lag);
        }
    }
    let first_seen = first_seen.expect("partial text was stored while the call streamed");
    assert!(first_seen < Duration::from_millis(700), "first text stored after {first_seen:?}");
    assert!(worst_lag < Duration::from_millis(750), "text lagged {worst_lag:?} behind the stream");
    // Nothing is left behind at the call's end.
    s.now = now_ms();
    tx.send(s.finish_call(1, "atlas", Phase::Answer, &sent, s.now - 1500, None)).unwrap();
    recorder.flush().unwrap();
    assert_eq!(streamed(&reader), sent);
    recorder.shutdown().unwrap();
}

#[test]
fn closing_mid_run_marks_it_interrupted_and_keeps_the_partial_text() {
    let (_dir, path) = temp_db();
    let recorder = Recorder::start(&path).unwrap();
    let tx = recorder.listener();
    let mut s = Script::new("20260101-120000-dddd", "Cut me off", now_ms());
    s.task("atlas", "Cut me off", None);
    s.state("atlas", NodeStatus::Answering);
    s.start_call(1, "atlas", Phase::Answer, None);
    s.stream(1, "atlas", Phase::Answer, "half an answer ", 10);
    for e in &s.events {
        tx.send(e.clone()).unwrap();
    }
    recorder.shutdown().unwrap();

    let reader = Reader::open(&path).unwrap();
    let record = reader.load_run("20260101-120000-dddd").unwrap();
    assert_eq!(record.run.status, RunStatus::Interrupted);
    assert!(record.run.note.as_deref().unwrap_or("").contains("closed"));
    assert_eq!(record.calls[0].status, CallStatus::Interrupted);
    assert_eq!(record.calls[0].text, "half an answer ");
    // The partial text is searchable, and the replay ends the call and the run.
    assert_eq!(reader.search("half answer", 10).unwrap().len(), 1);
    let events = reader.run_events("20260101-120000-dddd").unwrap();
    assert!(matches!(
        events.last().unwrap().kind,
        EventKind::RunFinished { status: RunStatus::Interrupted, .. }
    ));
    assert!(events.iter().any(|e| matches!(&e.kind, EventKind::CallFinished { error: Some(_), .. })));
}

#[test]
fn interleaved_runs_are_kept_apart_and_strays_are_ignored() {
    let (_dir, path) = temp_db();
    let recorder = Recorder::start(&path).unwrap();
    let tx = recorder.listener();
    let a = tree_run("20260101-120000-a001", "first question", 1_767_268_800_000);
    let b = tree_run("20260101-120000-b002", "second question", 1_767_268_800_500);
    // A token of a run whose start was never seen is ignored, not an error.
    let mut stray = Script::new("20260101-120000-ffff", "never started", 1);
    let stray_token = stray.token(1, "atlas", Phase::Answer, "lost");
    tx.send(stray_token).unwrap();
    let mut a_events = a.events.iter();
    let mut b_events = b.events.iter();
    loop {
        let (x, y) = (a_events.next(), b_events.next());
        if x.is_none() && y.is_none() {
            break;
        }
        for e in [x, y].into_iter().flatten() {
            tx.send(e.clone()).unwrap();
        }
    }
    // A second RunStarted with an id already recorded changes nothing.
    tx.send(a.events[0].clone()).unwrap();
    recorder.shutdown().unwrap();
    let reader = Reader::open(&path).unwrap();
    let runs = reader.list_runs(None, 10).unwrap();
    assert_eq!(
        runs.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        vec!["20260101-120000-b002", "20260101-120000-a001"]
    );
    for id in ["20260101-120000-a001", "20260101-120000-b002"] {
        let record = reader.load_run(id).unwrap();
        assert_eq!(record.run.status, RunStatus::Done);
        assert_eq!(
            record.calls.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(),
            vec![SPLIT_TEXT, NOVA_TEXT, SAGE_TEXT, ANSWER_TEXT]
        );
    }
    assert_eq!(reader.version_usage(&ailab::engine::hierarchy_hash(&hierarchy())).unwrap(), 2);
    assert_eq!(reader.version_usage("no-such-hash").unwrap(), 0);
}

#[test]
fn a_flood_of_tokens_never_blocks_the_sender_and_all_text_arrives() {
    let (_dir, path) = temp_db();
    let recorder = Recorder::start(&path).unwrap();
    let tx = recorder.listener();
    let mut s = Script::new("20260101-120000-eeee", "flood", now_ms());
    s.start_call(1, "atlas", Phase::Answer, None);
    for e in s.events.drain(..) {
        tx.send(e).unwrap();
    }
    let began = Instant::now();
    let mut expected = String::new();
    for i in 0..50_000 {
        let piece = format!("{} ", i % 97);
        expected.push_str(&piece);
        tx.send(s.token(1, "atlas", Phase::Answer, &piece)).unwrap();
    }
    let sending = began.elapsed();
    assert!(sending < Duration::from_secs(2), "sending 50k tokens took {sending:?}");
    tx.send(s.finish_call(1, "atlas", Phase::Answer, &expected, s.now, None)).unwrap();
    recorder.shutdown().unwrap();
    let record = Reader::open(&path).unwrap().load_run("20260101-120000-eeee").unwrap();
    assert_eq!(record.calls[0].text, expected);
    assert!(
        record.calls[0].marks.len() < 10_000,
        "pace marks stay small: {} bytes",
        record.calls[0].marks.len()
    );
}

#[test]
fn a_run_id_already_taken_never_overwrites_the_recorded_run() {
    let (_dir, path) = temp_db();
    let first = Recorder::start(&path).unwrap();
    for e in tree_run("20260101-120000-5a5a", "the original", 1_767_268_800_000).events {
        first.listener().send(e).unwrap();
    }
    first.shutdown().unwrap();
    // Another process somehow uses the same id for a different run.
    let second = Recorder::start(&path).unwrap();
    let mut impostor = Script::new("20260101-120000-5a5a", "an impostor", now_ms());
    impostor.start_call(1, "atlas", Phase::Answer, None);
    impostor.stream(1, "atlas", Phase::Answer, "overwritten text ", 200);
    impostor.finish_call(1, "atlas", Phase::Answer, "overwritten text", now_ms(), None);
    for e in impostor.events {
        second.listener().send(e).unwrap();
    }
    let err = second.shutdown().unwrap_err();
    assert!(err.to_string().contains("refused"), "{err}");
    let record = Reader::open(&path).unwrap().load_run("20260101-120000-5a5a").unwrap();
    assert_eq!(record.run.prompt, "the original");
    assert_eq!(record.calls[0].text, SPLIT_TEXT);
}

#[test]
fn a_call_left_open_when_its_run_ends_is_closed_before_the_run_in_the_replay() {
    let (_dir, path) = temp_db();
    let recorder = Recorder::start(&path).unwrap();
    let mut s = Script::new("20260101-120000-0c0c", "ends abruptly", 1_767_268_800_000);
    s.start_call(1, "atlas", Phase::Answer, None);
    s.stream(1, "atlas", Phase::Answer, "some words then ", 20);
    s.wait(50);
    s.finish_run(RunStatus::Cancelled, None, Default::default());
    for e in &s.events {
        recorder.listener().send(e.clone()).unwrap();
    }
    recorder.shutdown().unwrap();
    let reader = Reader::open(&path).unwrap();
    let record = reader.load_run("20260101-120000-0c0c").unwrap();
    assert_eq!(record.run.status, RunStatus::Cancelled);
    assert_eq!(
        (record.calls[0].status, record.calls[0].text.as_str()),
        (CallStatus::Interrupted, "some words then ")
    );
    // The cut-off call counts (the engine's totals only count calls that finished), and says so;
    // its partial text is searchable, as a crashed run's is.
    assert_eq!(record.run.calls, 1);
    assert_eq!(record.calls_summary(), "1 call (0 failed, 1 interrupted)");
    let hits = reader.search("words then", 10).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0].snippet.contains("[then]"), "{}", hits[0].snippet);
    let events = reader.run_events("20260101-120000-0c0c").unwrap();
    let n = events.len();
    assert!(matches!(events[n - 1].kind, EventKind::RunFinished { status: RunStatus::Cancelled, .. }));
    assert!(matches!(&events[n - 2].kind, EventKind::CallFinished { call: 1, error: Some(_), .. }));
}

#[test]
fn calls_stopped_by_a_cancel_or_a_restart_are_stopped_not_failed() {
    let (_dir, path) = temp_db();
    let recorder = Recorder::start(&path).unwrap();
    let mut s = Script::new("20260101-120000-5707", "stopped calls", 1_767_268_800_000);
    let t0 = s.now;
    s.start_call(1, "nova", Phase::Answer, None);
    s.stream(1, "nova", Phase::Answer, "an answer to the old sub-task ", 20);
    s.finish_call(
        1,
        "nova",
        Phase::Answer,
        "an answer to the old sub-task ",
        t0,
        Some(ailab::engine::RESTARTED),
    );
    s.start_call(2, "sage", Phase::Answer, None);
    s.stream(2, "sage", Phase::Answer, "half an answer ", 20);
    s.finish_call(2, "sage", Phase::Answer, "half an answer ", t0, Some("cancelled"));
    s.start_call(3, "echo", Phase::Answer, None);
    s.finish_call(3, "echo", Phase::Answer, "", t0, Some("the server answered HTTP 500: boom"));
    let totals = ailab::engine::RunTotals { calls: 3, failed_calls: 1, ..Default::default() };
    s.finish_run(RunStatus::Cancelled, None, totals);
    for e in &s.events {
        recorder.listener().send(e.clone()).unwrap();
    }
    recorder.shutdown().unwrap();
    let record = Reader::open(&path).unwrap().load_run("20260101-120000-5707").unwrap();
    let statuses: Vec<CallStatus> = record.calls.iter().map(|c| c.status).collect();
    assert_eq!(statuses, [CallStatus::Stopped, CallStatus::Stopped, CallStatus::Failed]);
    assert_eq!(record.calls_summary(), "3 calls (1 failed, 2 stopped)");
    // In the conversation the stopped calls are what they were (responses, with the reason), and
    // only the real failure is an error.
    let kinds: Vec<MessageKind> = messages(&record).iter().map(|m| m.kind).collect();
    assert_eq!(kinds.iter().filter(|k| **k == MessageKind::Error).count(), 1, "{kinds:?}");
}
