//! Shared support for integration tests and benchmarks: the in-process OpenAI-compatible mock
//! server. Included by each test crate with `mod support;` and by benches and examples with
//! `#[path = "../tests/support/mod.rs"] mod support;`.
//!
//! Beside it, and included on their own by the suites that use them (`#[path]`): `screen.rs`
//! (a state drawn on a `TestBackend` and read back, the recording backend, the screen's rules)
//! and `tmux.rs` (the one tmux driver of the end-to-end tests).

// Every crate that includes this module uses a different part of it; what one crate leaves
// unused is used by another, so it is not dead code.
#![allow(dead_code, unused_imports)]

pub mod mock_server;

pub use mock_server::{LineEnding, MockConfig, MockServer, RecordedRequest, Reply, Step, StreamScript};

/// Runs `cmd` with no input and waits for its output.
pub fn run(cmd: &mut std::process::Command) -> std::process::Output {
    cmd.stdin(std::process::Stdio::null()).output().expect("the binary runs")
}

/// A stream's bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The real binary (`env!("CARGO_BIN_EXE_ailab")`, which only test crates have) with a private
/// config and data folder under `dirs`, pointed at `base_url`, without the `AILAB_*` settings of
/// the shell around the tests.
pub fn ailab_at(binary: &str, base_url: &str, dirs: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(binary);
    cmd.env("AILAB_CONFIG_DIR", dirs.join("config")).env("AILAB_DATA_DIR", dirs.join("data"));
    for setting in
        ["AILAB_HIERARCHY", "AILAB_DB", "AILAB_JUDGE", "AILAB_BASE_URL", "AILAB_THEME", "AILAB_LOG"]
    {
        cmd.env_remove(setting);
    }
    cmd.arg("--base-url").arg(base_url);
    cmd
}
