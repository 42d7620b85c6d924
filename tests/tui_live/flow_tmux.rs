//! The flow view in the real binary and a real terminal: tmux runs `ailab` against the
//! in-process mock server, a prompt runs through the whole tree, F6 shows its messages as a
//! sequence diagram, Enter opens one (the exact request its call sent), Esc goes back twice.
//! Fails under CI where tmux is not installed, and skips (loudly) elsewhere.

use std::time::Duration;

use crate::mock_support::{MockConfig, MockServer};
use crate::tmux_driver::{Tmux, ailab_command, seen_welcome};

#[test]
fn f6_shows_the_runs_messages_and_enter_opens_one_against_the_mock_server() {
    let Some(tmux) = Tmux::start("flow") else { return };
    let mock = MockServer::start_in_thread(MockConfig::default());
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    seen_welcome(data.path());
    let args = format!("--base-url {} --no-record", mock.base_url());
    tmux.open(120, 40, &ailab_command(data.path(), config.path(), &[], &args));

    tmux.send(&["-l", "Why is the sky blue?"]);
    tmux.send(&["Enter"]);
    tmux.wait_for("Answer · done", Duration::from_secs(60));
    tmux.send(&["F6"]);
    // The frame's foot is drawn last.
    let flow = tmux.wait_for("following the newest", Duration::from_secs(10));
    for text in ["you      Atlas", "QUERY", "DELEGATION", "RESPONSE", "SYNTHESIS", "following the newest"] {
        assert!(flow.contains(text), "{text} missing:\n{flow}");
    }
    assert!(flow.contains("◀────────●"), "the final answer's arrow back to you:\n{flow}");

    // The newest message is the root's synthesis: its call's exact request.
    tmux.send(&["Enter"]);
    tmux.wait_for("▌system", Duration::from_secs(10));
    let message = tmux.wait_for("Atlas → you · SYNTHESIS", Duration::from_secs(10));
    assert!(message.contains("synthesize ──"), "the call's header:\n{message}");
    assert_eq!(mock.chat_requests().len(), 9, "opening a message sends nothing");

    tmux.send(&["Escape"]);
    tmux.wait_until_gone("▌system", Duration::from_secs(10));
    tmux.wait_for("following the newest", Duration::from_secs(10));
    tmux.send(&["Escape"]);
    tmux.wait_until_gone("Message flow ·", Duration::from_secs(10));
    // A capture can fall between two writes of one frame: wait for the Run tab, do not read one capture.
    tmux.wait_for("Answer · done", Duration::from_secs(10));

    tmux.send(&["C-q"]);
    assert_eq!(tmux.exit_status(Duration::from_secs(10)), "0", "ailab quit cleanly");
}
