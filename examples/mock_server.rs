//! The test suite's mock OpenAI-compatible server, standalone, for trying ailab by hand without
//! LM Studio: `cargo run --example mock_server -- --port 8089 [--pace-ms 30] [--tokens 60]
//! [--first-token-ms 400] [--timings]`, then `ailab --base-url http://127.0.0.1:8089/v1 ask "…"`.
//! Serves until killed (Ctrl-C).

#[path = "../tests/support/mod.rs"]
mod support;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use support::{MockConfig, MockServer};

const USAGE: &str = "usage: mock_server [--port N (default 8089)] [--pace-ms MS] [--tokens N] [--first-token-ms MS] [--timings]";

fn parse_args() -> Result<(u16, MockConfig), String> {
    let mut port = 8089;
    let mut config = MockConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let value = args.next().ok_or_else(|| format!("{name} needs a number"))?;
            value.parse().map_err(|_| format!("{name}: \"{value}\" is not a whole number"))
        };
        match arg.as_str() {
            "--port" => port = u16::try_from(number("--port")?).map_err(|_| "--port: at most 65535")?,
            "--pace-ms" => config.token_delay = Duration::from_millis(number("--pace-ms")?),
            "--tokens" => config.answer_tokens = number("--tokens")? as usize,
            "--first-token-ms" => {
                config.first_token_delay = Duration::from_millis(number("--first-token-ms")?)
            }
            "--timings" => config.timings = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok((port, config))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let (port, config) = match parse_args() {
        Ok(parsed) => parsed,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("mock_server: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match MockServer::bind(SocketAddr::from(([127, 0, 0, 1], port)), config).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("mock_server: cannot listen on 127.0.0.1:{port}: {error} (try another --port)");
            return ExitCode::FAILURE;
        }
    };
    println!("Mock OpenAI-compatible server at {} (Ctrl-C to stop)", server.base_url());
    let _ = tokio::signal::ctrl_c().await;
    println!("Served {} chat request(s).", server.chat_count());
    ExitCode::SUCCESS
}
