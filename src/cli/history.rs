//! `ailab history …`. (Being written: see issue 4.)

use super::Settings;
use super::args::HistoryCommand;

pub async fn run(_settings: Settings, _cmd: HistoryCommand) -> u8 {
    eprintln!("ailab: history is not available yet");
    super::exit::FAILED
}
