//! The Lab end to end in a real terminal: tmux runs `ailab --demo` on a fresh record, a prompt
//! is compared from the Lab tab (the demo's scripted arms and judge, through the real engine,
//! event stream and recorder), voted on blind, and the record then holds the judged comparison
//! and the vote. Skips (with a note) where tmux is not installed.

use std::path::Path;
use std::time::{Duration, Instant};

use ailab::lab::{judged_comparisons, voted_comparisons};
use ailab::store::{LabScope, Reader};

use super::tmux::{Tmux, quoted};

fn keys(tmux: &Tmux, keys: &[&str]) {
    let mut args = vec!["send-keys", "-t", "lab"];
    args.extend_from_slice(keys);
    tmux.run(&args);
}

#[test]
fn a_comparison_from_the_lab_tab_is_judged_voted_on_and_recorded() {
    let Some(tmux) = Tmux::start_named("lab") else { return };
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let command = format!(
        "env AILAB_DATA_DIR={} AILAB_CONFIG_DIR={} TERM=xterm-256color {} --demo",
        quoted(data.path()),
        quoted(config.path()),
        quoted(Path::new(env!("CARGO_BIN_EXE_ailab"))),
    );
    tmux.run(&["-f", "/dev/null", "new-session", "-d", "-s", "lab", "-x", "120", "-y", "40", &command]);
    tmux.run(&["set-option", "-t", "lab", "remain-on-exit", "on"]);
    tmux.wait_for("Type a prompt below", Duration::from_secs(20));

    keys(&tmux, &["-l", "Why is the sky blue?"]);
    keys(&tmux, &["F4"]);
    tmux.wait_for("No comparisons in the record yet", Duration::from_secs(10));
    keys(&tmux, &["c"]);
    tmux.wait_for("Comparing “Why is the sky blue?”", Duration::from_secs(10));
    let done = tmux.wait_for("✔ Compared", Duration::from_secs(120));
    assert!(done.contains("Waiting for your vote · 3"), "{done}");
    assert!(done.contains("LLM judge · 1 comparison"), "{done}");

    keys(&tmux, &["Enter"]);
    tmux.wait_for("Blind vote · 1 of 3 waiting", Duration::from_secs(10));
    keys(&tmux, &["r"]);
    keys(&tmux, &["-l", "more direct"]);
    keys(&tmux, &["Enter"]);
    keys(&tmux, &["a"]);
    let revealed = tmux.wait_for("✔ Saved", Duration::from_secs(10));
    assert!(revealed.contains("A was ") && revealed.contains("Reason: more direct"), "{revealed}");
    keys(&tmux, &["Escape"]);
    tmux.wait_for("Your blind votes · 1 vote", Duration::from_secs(10));
    tmux.wait_for("Waiting for your vote · 2", Duration::from_secs(10));

    keys(&tmux, &["C-q"]);
    let start = Instant::now();
    while tmux.run(&["display-message", "-p", "-t", "lab", "#{pane_dead}"]).trim() != "1" {
        assert!(start.elapsed() < Duration::from_secs(10), "ailab did not quit");
        std::thread::sleep(Duration::from_millis(100));
    }

    let reader = Reader::open(&data.path().join("ailab.db")).unwrap();
    let judged = judged_comparisons(&reader.lab_rows(None, LabScope::Demo).unwrap());
    assert_eq!(judged.len(), 1, "one comparison, judged");
    assert_eq!(judged[0].outcomes.len(), 3, "every pair judged in both orders");
    assert_eq!(judged[0].prompt.text, "Why is the sky blue?");
    assert_eq!(voted_comparisons(&reader.lab_rows(None, LabScope::Demo).unwrap()).len(), 1);
    assert_eq!(reader.vote_queue(10, LabScope::Demo).unwrap().len(), 2);
    // Made in demo mode: kept out of the real scoreboards.
    assert!(judged_comparisons(&reader.lab_rows(None, LabScope::Real).unwrap()).is_empty());
    assert!(reader.vote_queue(10, LabScope::Real).unwrap().is_empty());
}
