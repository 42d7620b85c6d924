//! The terminal UI. (Being written: see issue 3.)

use crate::cli::Settings;

/// Opens the live view. (Being written: see issue 3.)
pub async fn run(_settings: Settings) -> u8 {
    eprintln!("ailab: the live view is not available yet; try `ailab ask --help`");
    crate::cli::exit::FAILED
}
