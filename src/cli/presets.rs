//! `ailab presets`: the shipped organizations, each with its calls per question and what it is
//! for, and which one the hierarchy in use is (if it is one).

use crate::config::presets::{self, PRESETS};
use crate::session::{Asked, Settings, exit};

pub fn run(asked: Asked) -> u8 {
    // The list is useful even when the hierarchy in use does not load: then nothing is marked.
    let in_use = Settings::resolve(asked).ok().and_then(|s| presets::matching(&s.hierarchy)).map(|p| p.name);
    say!("The shipped organizations. Run one with --preset NAME (nothing is written), or write one");
    say!("to your hierarchy.toml from the Prompts tab (F3, then p).");
    say!("");
    let width = PRESETS.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for preset in PRESETS {
        let calls = preset.calls_per_question();
        let mark = if in_use == Some(preset.name) { "  (in use)" } else { "" };
        say!("  {:<width$}  {calls:>2} calls per question  {}{mark}", preset.name, preset.description);
    }
    exit::OK
}
