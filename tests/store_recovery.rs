//! Crash recovery: runs of an ailab that is gone become `interrupted` with their text kept; runs of
//! an ailab that is still alive are left alone.

mod store_support;

use ailab::clock::now_ms;
use ailab::config::Phase;
use ailab::engine::{NodeStatus, RunStatus};
use ailab::store::recovery::STALE_AFTER_MS;
use ailab::store::{CallStatus, Reader, Recorder, RecorderHandle};
use store_support::*;

/// Starts a recorder and leaves one run mid-call with some streamed text, all on disk.
fn run_left_streaming(path: &std::path::Path, id: &str) -> RecorderHandle {
    let recorder = Recorder::start(path).unwrap();
    let mut s = Script::new(id, "a question that will be cut off", now_ms());
    s.task("atlas", "a question that will be cut off", None);
    s.state("atlas", NodeStatus::Answering);
    s.start_call(1, "atlas", Phase::Answer, None);
    s.stream(1, "atlas", Phase::Answer, "the first half of an answer ", 5);
    for e in s.events {
        recorder.listener().send(e).unwrap();
    }
    recorder.flush().unwrap();
    recorder
}

/// Hands `run_id` to a made-up owner (a crashed process, another machine). The real recorder that
/// started the run keeps heartbeating its own row, which no longer owns the run.
fn disguise_owner(path: &std::path::Path, run_id: &str, pid: u32, host: Option<&str>, heartbeat_ms: i64) {
    let conn = raw(path);
    conn.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    let fake = format!("fake-{run_id}");
    conn.execute(
        "INSERT INTO instances (id, pid, host, proc_start, app_version, started_ms, heartbeat_ms)
         SELECT ?1, ?2, coalesce(?3, host), NULL, app_version, started_ms, ?4 FROM instances
         WHERE id = (SELECT instance_id FROM runs WHERE id = ?5)",
        rusqlite::params![fake, pid, host, heartbeat_ms, run_id],
    )
    .unwrap();
    let changed = conn.execute("UPDATE runs SET instance_id = ?1 WHERE id = ?2", [&fake, run_id]).unwrap();
    assert_eq!(changed, 1);
}

fn integrity_ok(path: &std::path::Path) {
    let verdict: String = raw(path).query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(verdict, "ok");
}

#[test]
#[cfg(target_os = "linux")]
fn a_run_whose_process_is_gone_is_marked_interrupted_with_its_text_kept() {
    let (_dir, path) = temp_db();
    let crashed = run_left_streaming(&path, "20260101-120000-dead");
    // The owner's pid no longer exists: a process that was killed.
    disguise_owner(&path, "20260101-120000-dead", 4_194_305, None, now_ms());

    let next = Recorder::start(&path).unwrap();
    let notices = next.notices().join("\n");
    assert!(notices.contains("interrupted") && notices.contains("20260101-120000-dead"), "{notices}");
    let reader = Reader::open(&path).unwrap();
    let record = reader.load_run("20260101-120000-dead").unwrap();
    assert_eq!(record.run.status, RunStatus::Interrupted);
    assert!(record.run.ended_ms.is_some());
    assert!(record.run.note.as_deref().unwrap_or("").contains("stopped before this run finished"));
    assert_eq!(record.calls[0].status, CallStatus::Interrupted);
    assert_eq!(record.calls[0].text, "the first half of an answer ");
    assert_eq!(reader.search("first half", 5).unwrap().len(), 1, "partial text is searchable");
    next.shutdown().unwrap();
    drop(crashed);
    integrity_ok(&path);
}

#[test]
fn a_run_of_a_live_second_instance_is_left_alone() {
    let (_dir, path) = temp_db();
    let first = run_left_streaming(&path, "20260101-120000-live");
    // A second ailab starts while the first is mid-run (same machine, first process alive).
    let second = Recorder::start(&path).unwrap();
    assert!(second.notices().is_empty(), "{:?}", second.notices());
    let reader = Reader::open(&path).unwrap();
    assert_eq!(reader.load_run("20260101-120000-live").unwrap().run.status, RunStatus::Running);
    // Recovery asked again (as a history command's) leaves it alone too, and it cannot be deleted
    // while running.
    let writer = second.writer();
    assert!(writer.run(|w| w.recover()).unwrap().is_empty());
    assert!(writer.delete_run("20260101-120000-live").unwrap_err().to_string().contains("still running"));
    second.shutdown().unwrap();
    // The first ailab finishes its run normally afterwards.
    first.shutdown().unwrap();
    let record = Reader::open(&path).unwrap().load_run("20260101-120000-live").unwrap();
    assert_eq!(record.run.status, RunStatus::Interrupted, "closed mid-run by its own shutdown");
    assert!(record.run.note.as_deref().unwrap_or("").contains("closed"));
}

#[test]
fn an_owner_on_another_machine_is_judged_by_its_heartbeat() {
    let (_dir, path) = temp_db();
    let fresh = run_left_streaming(&path, "20260101-120000-f1e5");
    disguise_owner(&path, "20260101-120000-f1e5", 1, Some("another-machine"), now_ms() + 60_000);
    let stale = run_left_streaming(&path, "20260101-120000-57a1");
    disguise_owner(
        &path,
        "20260101-120000-57a1",
        1,
        Some("another-machine"),
        now_ms() - STALE_AFTER_MS - 1_000,
    );

    let next = Recorder::start(&path).unwrap();
    let reader = Reader::open(&path).unwrap();
    assert_eq!(reader.load_run("20260101-120000-f1e5").unwrap().run.status, RunStatus::Running);
    assert_eq!(reader.load_run("20260101-120000-57a1").unwrap().run.status, RunStatus::Interrupted);
    next.shutdown().unwrap();
    drop((fresh, stale));
    integrity_ok(&path);
}

#[test]
fn a_run_with_no_known_owner_is_interrupted() {
    let (_dir, path) = temp_db();
    let orphan = run_left_streaming(&path, "20260101-120000-0000");
    // Its owner's row is gone (removed by an older ailab, say): nobody can vouch for the run.
    raw(&path).execute("UPDATE runs SET instance_id = 'no-such-instance'", []).unwrap();
    // Recovery runs on the record's writer (here the orphan's own recorder's, as any would).
    assert_eq!(orphan.writer().run(|w| w.recover()).unwrap(), vec!["20260101-120000-0000".to_string()]);
    let reader = Reader::open(&path).unwrap();
    assert_eq!(reader.load_run("20260101-120000-0000").unwrap().run.status, RunStatus::Interrupted);
    drop(orphan);
}
