//! The live view at every layer without a terminal: reducer tests, view snapshots at several
//! sizes, the headless loop fed with keys and stream events, and the real binary in tmux.

#[path = "tui_live/conversation.rs"]
mod conversation;
#[path = "tui_live/flow.rs"]
mod flow;
#[path = "tui_live/flow_tmux.rs"]
mod flow_tmux;
#[path = "tui_live/harness.rs"]
mod harness;
#[path = "tui_live/history.rs"]
mod history;
#[path = "tui_live/history_harness.rs"]
mod history_harness;
#[path = "tui_live/history_lab.rs"]
mod history_lab;
#[path = "tui_live/history_runs.rs"]
mod history_runs;
#[path = "tui_live/history_support.rs"]
mod history_support;
#[path = "tui_live/history_views.rs"]
mod history_views;
#[path = "tui_live/invariants.rs"]
mod invariants;
#[path = "tui_live/lab.rs"]
mod lab;
#[path = "tui_live/lab_support.rs"]
mod lab_support;
#[path = "tui_live/lab_tmux.rs"]
mod lab_tmux;
#[path = "tui_live/lab_views.rs"]
mod lab_views;
#[path = "tui_live/navigation.rs"]
mod navigation;
#[path = "tui_live/reducer.rs"]
mod reducer;
#[path = "tui_live/screen_sync.rs"]
mod screen_sync;
#[path = "tui_live/sections.rs"]
mod sections;
#[path = "tui_live/status.rs"]
mod status;
#[path = "tui_live/styles.rs"]
mod styles;
#[path = "tui_live/support.rs"]
mod support;
#[path = "tui_live/tmux.rs"]
mod tmux;
#[path = "tui_live/typing.rs"]
mod typing;
#[path = "support/ui.rs"]
mod ui;
#[path = "tui_live/views.rs"]
mod views;
#[path = "tui_live/waits.rs"]
mod waits;
#[path = "tui_live/welcome.rs"]
mod welcome;
#[path = "tui_live/welcome_tmux.rs"]
mod welcome_tmux;
#[path = "tui_live/zoom_details.rs"]
mod zoom_details;
#[path = "tui_live/zoom_levels.rs"]
mod zoom_levels;

// Shared with the other suites.
#[path = "support/mod.rs"]
mod mock_support;
#[path = "support/screen.rs"]
mod screen;
#[path = "support/tmux.rs"]
mod tmux_driver;
