//! The proof on screen that streaming delegation works: a recorded run's events fed into the real
//! reducer and views up to the moment just before a parent's split finishes, while a child it
//! started early is already answering, rendered as text.

use std::path::PathBuf;

use ailab::engine::{EventKind, RunEvent};
use ailab::tui::keymap::Keymap;
use ailab::tui::msg::Msg;
use ailab::tui::screen::Screen;
use ailab::tui::state::{ServerInfo, State};
use ailab::tui::theme::ThemeSet;
use ailab::tui::update::update;
use ailab::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::runs::RunMeasure;

/// Where the suite writes files (next to the build, under `target/ailab-bench`).
pub fn out_dir() -> PathBuf {
    let from_exe = std::env::current_exe().ok().and_then(|exe| {
        // target/release/deps/ailab-HASH → target
        exe.ancestors().nth(3).map(|target| target.join("ailab-bench"))
    });
    from_exe.unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/ailab-bench")))
}

/// Renders the moment and writes it to `delegation-frame.txt`; returns the path.
pub fn write(run: &RunMeasure) -> std::io::Result<PathBuf> {
    let frame = render(&run.events).ok_or_else(|| std::io::Error::other("no child started early"))?;
    let dir = out_dir();
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("delegation-frame.txt");
    std::fs::write(&path, frame)?;
    Ok(path)
}

/// The frame just before the first split that has an early child finishes.
fn render(events: &[RunEvent]) -> Option<String> {
    let early = run_spans_with_early_child(events)?;
    let cut = events
        .iter()
        .position(|e| matches!(&e.kind, EventKind::CallFinished { call, .. } if *call == early))?;
    let first = events.first()?;
    let hierarchy = match &first.kind {
        EventKind::RunStarted { hierarchy, .. } => hierarchy.clone(),
        _ => return None,
    };
    let server = ServerInfo { url: "mock".into(), demo: false };
    let mut state = State::new(hierarchy, server, ThemeSet::built_in(), 0, Keymap::defaults());
    let mut messages =
        vec![Msg::Resize { width: 120, height: 40 }, Msg::RunLaunched { run_id: first.run_id.clone() }];
    for event in &events[..cut] {
        messages.push(Msg::Tick { now_ms: event.at_ms });
        messages.push(Msg::Engine(event.clone()));
    }
    let mut screen = Screen::of(&state);
    for msg in messages {
        let _ = update(&mut state, &screen, msg);
        screen.sync(&state);
    }
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).ok()?;
    terminal.draw(|frame| view::draw(frame, &state, &screen)).ok()?;
    // TestBackend shows each row quoted; the file keeps the screen as a user would see it.
    let screen = terminal.backend().to_string();
    let rows: Vec<&str> =
        screen.lines().map(|l| l.strip_prefix('"').and_then(|l| l.strip_suffix('"')).unwrap_or(l)).collect();
    Some(rows.join("\n") + "\n")
}

/// The first split call that a child call started from before it ended.
fn run_spans_with_early_child(events: &[RunEvent]) -> Option<u32> {
    let spans = ailab::engine::timeline::spans(events);
    spans.iter().filter(|s| s.phase == ailab::config::Phase::Split).map(|s| s.call).find(|split| {
        let ended = spans.iter().find(|s| s.call == *split).map(|s| s.ended_ms);
        spans.iter().any(|c| c.parent_call == Some(*split) && ended.is_some_and(|end| c.started_ms < end))
    })
}
