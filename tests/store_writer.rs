//! The record's one writer: changes other than the run events (deletes, votes, the lab's rows) are
//! jobs on the recorder's thread. They wait for a record still opening, run after the run events
//! sent before them, and are answered with why when the record cannot be written.

mod store_support;

use std::time::Duration;

use ailab::clock::now_ms;
use ailab::engine::RunStatus;
use ailab::lab::verdict::Outcome;
use ailab::lab::{Arm, LabPrompt};
use ailab::store::{Reader, RecordWriter, Recorder, StoreError};
use store_support::*;
use tokio::sync::mpsc::unbounded_channel;

#[test]
fn a_change_sent_before_the_record_opens_waits_for_it_and_lands() {
    let (_dir, path) = temp_db();
    let (writer, writes) = RecordWriter::channel();
    // Sent while no recorder exists yet (the live view's record opens in the background).
    let (answer, answered) = std::sync::mpsc::channel();
    writer.submit(move |w| {
        let prompt = LabPrompt {
            category: "c".into(),
            text: "Is 17 prime?".into(),
            reference: None,
            earlier: Vec::new(),
        };
        let id = w.and_then(|w| {
            let id = w.comparison_id(&prompt, 1, "v1", "demo")?;
            w.cast_vote(id, &(Arm::Tree, Arm::Solo), &Arm::Tree, Outcome::First, "sent early")?;
            Ok(id)
        });
        let _ = answer.send(id.map_err(|e| e.to_string()));
    });
    assert!(answered.recv_timeout(Duration::from_millis(200)).is_err(), "nothing can answer yet");

    let opened = path.clone();
    let recorder = std::thread::spawn(move || {
        Recorder::start_retrying(&opened, unbounded_channel(), writes, || false).unwrap()
    })
    .join()
    .unwrap();
    let id = answered.recv_timeout(Duration::from_secs(10)).unwrap().unwrap();
    recorder.shutdown().unwrap();
    let votes: i64 = raw(&path)
        .query_row(
            "SELECT count(*) FROM votes WHERE comparison_id = ?1 AND reason = 'sent early'",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(votes, 1);
}

#[test]
fn a_record_that_never_opens_refuses_the_waiting_changes_with_why() {
    let (dir, _) = temp_db();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a database ".repeat(20)).unwrap();
    let (writer, writes) = RecordWriter::channel();
    // Queued before the attempt to open: it waits for the record, then is told why there is none.
    let (answer, answered) = std::sync::mpsc::channel();
    writer.submit(move |w| {
        let _ = answer.send(w.and_then(|w| w.delete_run("20260101-120000-aaaa")));
    });
    let refused = Recorder::start_retrying(&notes, unbounded_channel(), writes, || false).err();
    assert!(matches!(refused, Some(StoreError::NotSqlite { .. })), "{refused:?}");
    let early = answered.recv_timeout(Duration::from_secs(10)).unwrap();
    for err in [early.unwrap_err(), writer.delete_run("20260101").unwrap_err()] {
        assert!(matches!(err, StoreError::Unwritable(_)), "{err}");
        assert!(err.to_string().contains("notes.txt is not an ailab record"), "{err}");
    }
}

#[test]
fn a_change_sent_just_as_the_queue_closes_is_answered_all_the_same() {
    // Writers racing the close: a job put in while the queue shuts must still get its answer
    // (tokio keeps such a job, unanswered, for as long as a writer lives: its caller hung forever).
    for _ in 0..600 {
        let (writer, writes) = RecordWriter::channel();
        let (answer, answered) = std::sync::mpsc::channel();
        let start = std::sync::Arc::new(std::sync::Barrier::new(4));
        let senders: Vec<_> = (0..3)
            .map(|_| {
                let (writer, answer, start) = (writer.clone(), answer.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    for _ in 0..50 {
                        let answer = answer.clone();
                        writer.submit(move |w| {
                            let _ = answer.send(w.is_err());
                        });
                    }
                })
            })
            .collect();
        start.wait();
        writes.refuse(&StoreError::Unwritable("the record is gone".into()));
        for sender in senders {
            sender.join().unwrap();
        }
        for _ in 0..150 {
            let refused = answered.recv_timeout(Duration::from_secs(10)).expect("every change is answered");
            assert!(refused);
        }
        drop(writer);
    }
}

#[test]
fn a_change_runs_after_the_run_events_sent_before_it() {
    let (_dir, path) = temp_db();
    let recorder = Recorder::start(&path).unwrap();
    let events = recorder.listener();
    for event in tree_run("20260101-120000-aaaa", "Delete me", now_ms()).events {
        events.send(event).unwrap();
    }
    // At once, with no flush: the delete finds the run finished, not missing nor still running.
    assert_eq!(recorder.writer().delete_run("20260101-120000-aaaa").unwrap(), "20260101-120000-aaaa");
    recorder.shutdown().unwrap();
    let reader = Reader::open(&path).unwrap();
    assert!(matches!(reader.load_run("20260101-120000-aaaa"), Err(StoreError::UnknownRun(_))));
    assert_eq!(reader.count_runs().unwrap(), 0);
}

#[test]
fn a_change_behind_events_another_ailab_keeps_locked_says_so_and_the_events_still_land() {
    let (_dir, path) = temp_db();
    let recorder = Recorder::start(&path).unwrap();
    // Another ailab in the middle of a long write, longer than one busy wait.
    let holder = raw(&path);
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    for event in tree_run("20260101-120000-aaaa", "Keep me", now_ms()).events {
        recorder.listener().send(event).unwrap();
    }
    // The delete must come after the run's events, which cannot be written yet: it is refused
    // with the lock named, rather than run ahead of them.
    let err = recorder.writer().delete_run("20260101-120000-aaaa").unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert!(err.to_string().contains("locked by another ailab"), "{err}");
    holder.execute_batch("ROLLBACK").unwrap();
    recorder.shutdown().unwrap();
    let run = Reader::open(&path).unwrap().load_run("20260101-120000-aaaa").unwrap();
    assert_eq!(run.run.status, RunStatus::Done, "the events were kept and written once the lock went");
}

#[test]
fn a_stopped_recorder_refuses_changes_and_says_so() {
    let (_dir, path) = temp_db();
    let recorder = Recorder::start(&path).unwrap();
    let writer = recorder.writer();
    for event in tree_run("20260101-120000-aaaa", "Keep me", now_ms()).events {
        recorder.listener().send(event).unwrap();
    }
    recorder.shutdown().unwrap();
    let err = writer.delete_run("20260101-120000-aaaa").unwrap_err();
    assert!(err.to_string().contains("the recorder has stopped"), "{err}");
    let run = Reader::open(&path).unwrap().load_run("20260101-120000-aaaa").unwrap();
    assert_eq!(run.run.status, RunStatus::Done, "nothing was deleted");
}

#[test]
fn a_change_that_panics_is_refused_with_why_and_the_recorder_goes_on() {
    let (_dir, path) = temp_db();
    let (writer, writes) = RecordWriter::channel();
    let recorder = Recorder::start_retrying(&path, unbounded_channel(), writes, || false).unwrap();
    // A bug in one change: the writer answers its caller, and keeps its thread for the next.
    let failed = writer.run(|_| -> Result<(), StoreError> { panic!("a bug in a write") });
    let why = failed.unwrap_err().to_string();
    assert!(why.contains("internal error") && why.contains("was not made"), "{why}");
    assert_eq!(writer.run(|w| w.recover()).unwrap(), Vec::<String>::new(), "the next change still runs");
    recorder.shutdown().unwrap();
}
