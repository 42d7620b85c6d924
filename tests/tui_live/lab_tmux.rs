//! The Lab end to end in a real terminal: tmux runs `ailab --demo` on a fresh record, a prompt
//! is compared from the Lab tab (the demo's scripted arms and judge, through the real engine,
//! event stream and recorder), voted on blind, and the record then holds the judged comparison
//! and the vote. Fails under CI where tmux is not installed, and skips (loudly) elsewhere.

use std::time::Duration;

use ailab::lab::{judged_comparisons, voted_comparisons};
use ailab::store::{LabScope, Reader};

use crate::tmux_driver::{Tmux, ailab_command};

#[test]
fn a_comparison_from_the_lab_tab_is_judged_voted_on_and_recorded() {
    let Some(tmux) = Tmux::start("lab") else { return };
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    tmux.open(120, 40, &ailab_command(data.path(), config.path(), &[], "--demo"));

    tmux.send(&["-l", "Why is the sky blue?"]);
    tmux.send(&["F4"]);
    tmux.wait_for("No comparisons in the record yet", Duration::from_secs(10));
    tmux.send(&["c"]);
    tmux.wait_for("Comparing “Why is the sky blue?”", Duration::from_secs(10));
    tmux.wait_for("✔ Compared", Duration::from_secs(120));
    // The scores are read again once the comparison ends: a moment later on a busy machine.
    let done = tmux.wait_for("Waiting for your vote · 3", Duration::from_secs(20));
    assert!(done.contains("LLM judge · 1 comparison"), "{done}");

    tmux.send(&["Enter"]);
    tmux.wait_for("Blind vote · 1 of 3 waiting", Duration::from_secs(10));
    tmux.send(&["r"]);
    tmux.send(&["-l", "more direct"]);
    tmux.send(&["Enter"]);
    tmux.send(&["a"]);
    let revealed = tmux.wait_for("✔ Saved", Duration::from_secs(10));
    assert!(revealed.contains("A was ") && revealed.contains("Reason: more direct"), "{revealed}");
    tmux.send(&["Escape"]);
    tmux.wait_for("Waiting for your vote · 2", Duration::from_secs(10));
    // The verdict and the judge's table come first: scroll down to the votes.
    for _ in 0..12 {
        tmux.send(&["j"]);
    }
    tmux.wait_for("Your blind votes · 1 vote", Duration::from_secs(10));

    // The record is read once ailab has quit.
    tmux.send(&["C-q"]);
    assert_eq!(tmux.exit_status(Duration::from_secs(10)), "0", "ailab quit cleanly");

    let reader = Reader::open(&data.path().join("ailab.db")).unwrap();
    let judged = judged_comparisons(&reader.lab_rows(None, LabScope::Demo).unwrap());
    assert_eq!(judged.len(), 1, "one comparison, judged");
    assert_eq!(judged[0].outcomes.len(), 3, "every pair judged in both orders");
    assert_eq!(judged[0].prompt.text, "Why is the sky blue?");
    assert_eq!(voted_comparisons(&reader.lab_rows(None, LabScope::Demo).unwrap()).len(), 1);
    assert_eq!(ailab::lab::vote_queue(&reader.lab_rows(None, LabScope::Demo).unwrap(), 10).len(), 2);
    // Made in demo mode: kept out of the real scoreboards.
    assert!(judged_comparisons(&reader.lab_rows(None, LabScope::Real).unwrap()).is_empty());
    assert!(ailab::lab::vote_queue(&reader.lab_rows(None, LabScope::Real).unwrap(), 10).is_empty());
}
