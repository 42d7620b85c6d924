use super::Settings;

pub async fn run(_settings: Settings) -> u8 {
    1
}
