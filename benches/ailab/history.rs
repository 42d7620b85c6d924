//! Item 4: the record at 10,000 runs. The first page of the History list and full-text searches
//! through the store's reader (what the History tab calls), startup of the real binary to its first
//! frame with that record, and peak memory of a process that browses it.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use ailab::store::{Reader, Recorder};

use crate::measure::{median, ms, peak_rss_kib};
use crate::report::{Bar, Report};
use crate::support::{MockConfig, MockServer};
use crate::{Options, history_db, history_text, startup};

/// Runs in the generated record.
const RUNS: usize = 10_000;
/// Rows on the first page of the History list (a tall terminal shows about this many).
const PAGE: usize = 50;

/// Searches a user might type: a subject word, two subject words, a common word, a rare word, a
/// prefix, and the first letter of a search being typed (the last word matches as a prefix).
fn searches() -> Vec<String> {
    let rare = history_text::vocabulary().get(2900).cloned().unwrap_or_else(|| "zebra".into());
    ["photosynthesis", "quantum barrier", "the", rare.as_str(), "tunnel", "t"].map(str::to_string).to_vec()
}

pub fn run(options: &Options, report: &mut Report) {
    let (path, generated) = match history_db::cached(RUNS) {
        Ok(found) => found,
        Err(err) => return report.skip("4", format!("could not generate the record: {err}")),
    };
    let size_mb = std::fs::metadata(&path).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0);
    let (runs, calls) = counts(&path);
    report.info("4", "record: runs", runs as f64, "");
    report.note(format!(
        "{calls} calls, {size_mb:.0} MB; {}",
        match generated {
            Some(took) => format!("generated in {:.1} s", took.as_secs_f64()),
            None => format!("reused {}", path.display()),
        }
    ));
    let scratch = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(err) => return report.skip("4", format!("no temp dir: {err}")),
    };
    // A copy: the app and the recorder register themselves in the record they open, and the cached
    // file stays as generated.
    let db = scratch.path().join("ailab.db");
    if let Err(err) = std::fs::copy(&path, &db) {
        return report.skip("4", format!("cannot copy the record: {err}"));
    }
    queries(options, &db, report);
    memory(&db, report);
    startup_section(options, &db, scratch.path(), report);
}

fn counts(path: &Path) -> (i64, i64) {
    let Ok(conn) = rusqlite::Connection::open(path) else { return (0, 0) };
    let count = |table: &str| {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0)).unwrap_or(0)
    };
    (count("runs"), count("calls"))
}

fn open(path: &Path) -> Reader {
    Reader::open(path).unwrap_or_else(|err| panic!("bench: cannot open the record: {err}"))
}

fn queries(options: &Options, path: &Path, report: &mut Report) {
    let repeats = if options.quick { 3 } else { 7 };
    // As in the app: this process's recorder opens the record first, with the store's integrity
    // check (it reads the whole file); readers opened while it runs skip the check.
    let began = Instant::now();
    let recorder = match Recorder::start(path) {
        Ok(recorder) => recorder,
        Err(err) => return report.skip("4", format!("cannot record into the copy: {err}")),
    };
    report.info(
        "4",
        "recorder opens the record (integrity check of the whole file)",
        ms(began.elapsed()),
        "ms",
    );
    report.note("the live view does this in the background, after its first frame");
    let reader = open(path);

    // The first page on a fresh connection, as the History tab's first query.
    let mut first_pages = Vec::new();
    let mut with_open = Vec::new();
    for _ in 0..repeats {
        let opened = Instant::now();
        let fresh = open(path);
        let began = Instant::now();
        let page = fresh.list_runs(None, PAGE).unwrap_or_else(|err| panic!("bench: list: {err}"));
        first_pages.push(ms(began.elapsed()));
        with_open.push(ms(opened.elapsed()));
        assert_eq!(page.len(), PAGE, "bench: the first page is short");
    }
    report.bar(
        "4",
        format!("History first page ({PAGE} runs), fresh connection (median)"),
        median(&first_pages),
        "ms",
        Bar::Below(30.0),
    );
    report.info("4", "the same, opening the reader too (median)", median(&with_open), "ms");
    report.note("the recorder of this process has the record open, so no second integrity check");
    let mut cursor = None;
    let mut deep = Vec::new();
    for _ in 0..repeats * 5 {
        let began = Instant::now();
        let page = reader.list_runs(cursor.as_ref(), PAGE).unwrap_or_else(|err| panic!("bench: list: {err}"));
        deep.push(ms(began.elapsed()));
        cursor = page.last().map(|r| r.cursor());
    }
    report.info("4", "next pages while scrolling (median)", median(&deep), "ms");

    let mut worst = 0.0f64;
    let mut worst_query = String::new();
    let searches = searches();
    for query in &searches {
        let fresh = open(path);
        let mut samples = Vec::new();
        let mut hits = 0;
        for _ in 0..repeats {
            let began = Instant::now();
            hits = fresh
                .search(query, PAGE)
                .map(|h| h.len())
                .unwrap_or_else(|err| panic!("bench: search: {err}"));
            samples.push(ms(began.elapsed()));
        }
        let typical = median(&samples);
        report.info("4", format!("search \"{query}\" (median, {hits} hits shown)"), typical, "ms");
        if typical > worst {
            worst = typical;
            worst_query = query.clone();
        }
    }
    report.bar("4", "full-text search, slowest of the searches above", worst, "ms", Bar::Below(20.0));
    report.note(format!("\"{worst_query}\""));

    let newest = reader.list_runs(None, 1).ok().and_then(|mut p| p.pop()).map(|r| r.id).unwrap_or_default();
    let began = Instant::now();
    let record = reader.load_run(&newest).unwrap_or_else(|err| panic!("bench: load: {err}"));
    report.info("4", "open one run in full (9 calls, requests and texts)", ms(began.elapsed()), "ms");
    let _ = record;
    drop(reader);
    if let Err(err) = recorder.shutdown() {
        eprintln!("  (the recorder did not shut down cleanly: {err})");
    }
}

/// Peak memory of a separate process that opens the record, lists, searches and loads a run.
fn memory(path: &Path, report: &mut Report) {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(err) => return report.skip("4", format!("cannot re-run the suite for the memory probe: {err}")),
    };
    let output = Command::new(exe).arg(crate::WORKLOAD_FLAG).arg(path).output();
    let kib = output
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<f64>().ok());
    match kib {
        Some(kib) => {
            report.bar(
                "4",
                "peak RSS of a process browsing the record (VmHWM)",
                kib / 1024.0,
                "MB",
                Bar::Below(40.0),
            );
            report.note("open + first page + 6 searches + one run in full + its Markdown export");
        }
        None => report.skip("4", "the memory probe failed"),
    }
}

/// The child side of [`memory`]: does the browsing and prints its peak RSS in KiB.
pub fn workload(path: &Path) -> u64 {
    let reader = open(path);
    let page = reader.list_runs(None, PAGE).unwrap_or_default();
    for query in searches() {
        let _ = reader.search(&query, PAGE);
    }
    if let Some(run) = page.first()
        && let Ok(record) = reader.load_run(&run.id)
    {
        let _ = ailab::store::export::to_markdown(&record);
    }
    peak_rss_kib(None).unwrap_or(0)
}

fn startup_section(options: &Options, db: &Path, scratch: &Path, report: &mut Report) {
    let repeats = if options.quick { 2 } else { 3 };
    let empty = scratch.join("empty.db");
    let mock = MockServer::start_in_thread(MockConfig::default());
    let mut with_db = Vec::new();
    let mut without = Vec::new();
    for _ in 0..repeats {
        for (target, out) in [(db, &mut with_db), (empty.as_path(), &mut without)] {
            match startup::measure(target, &mock.base_url(), scratch) {
                Ok(measured) => out.push(measured),
                Err(err) => return report.skip("4", format!("startup: {err}")),
            }
        }
    }
    report.bar(
        "4",
        "startup to first frame, 10k-run record (median)",
        startup::first_frame_ms(&with_db),
        "ms",
        Bar::Below(100.0),
    );
    report.note("spawn of the real binary to its first frame's last row on a pseudo-terminal; warm OS cache");
    report.info(
        "4",
        "startup to first frame, empty record (median)",
        startup::first_frame_ms(&without),
        "ms",
    );
    let recording: Vec<f64> = with_db.iter().filter_map(|s| s.recording).map(ms).collect();
    if !recording.is_empty() {
        report.info("4", "record open and recording, 10k-run record (median)", median(&recording), "ms");
        report.note("opened in the background after the first frame: integrity check of the whole file");
    }
    let peak = |runs: &[startup::Startup], f: fn(&startup::Startup) -> u64| {
        runs.iter().map(f).max().unwrap_or(0) as f64 / 1024.0
    };
    report.bar(
        "4",
        "peak RSS of ailab with the 10k-run record (VmHWM)",
        peak(&with_db, |s| s.rss_settled_kib),
        "MB",
        Bar::Below(40.0),
    );
    report.note(format!(
        "{:.1} MB at the first frame; read again once the record was open and recording",
        peak(&with_db, |s| s.rss_at_first_frame_kib)
    ));
}
