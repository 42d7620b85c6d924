use super::Settings;
use super::args::AskArgs;

pub async fn run(_settings: Settings, _args: AskArgs) -> u8 {
    1
}
