//! The Prompts tab at every layer: reducer tests of editing, validation and structure changes;
//! snapshots of the tab; and the real shell and loop against the mock server, proving that a
//! saved system prompt is what the next run sends (and a run in flight keeps its own).

mod support;

#[path = "tui_prompts/disk.rs"]
mod disk;
#[path = "tui_prompts/e2e.rs"]
mod e2e;
#[path = "tui_prompts/fixture.rs"]
mod fixture;
#[path = "tui_prompts/form.rs"]
mod form;
#[path = "tui_prompts/models.rs"]
mod models;
#[path = "tui_prompts/models_e2e.rs"]
mod models_e2e;
#[path = "tui_prompts/presets.rs"]
mod presets;
#[path = "tui_prompts/reducer.rs"]
mod reducer;
#[path = "tui_prompts/structure.rs"]
mod structure;
#[path = "tui_prompts/tmux.rs"]
mod tmux;
#[path = "support/ui.rs"]
mod ui;
#[path = "tui_prompts/views.rs"]
mod views;

// Shared with the other suites.
#[path = "support/screen.rs"]
mod screen;
#[path = "support/tmux.rs"]
mod tmux_driver;
