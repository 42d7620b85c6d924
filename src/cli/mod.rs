//! The command line: `ailab` (live view), `ailab ask`, `ailab check`, `ailab history …`.

/// `println!` that cannot panic: when the reader has gone away (`ailab check | head -1`), the rest
/// of the output is dropped instead of crashing with "Broken pipe"; the record keeps everything.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

pub mod args;
mod ask;
mod check;
mod eval;
pub mod history;
mod interrupt;
pub mod logging;
mod printer;
pub(crate) mod record;
pub mod settings;

use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command, GlobalArgs};
pub use settings::Settings;

/// Exit codes, as documented in the README.
pub mod exit {
    pub const OK: u8 = 0;
    pub const FAILED: u8 = 1;
    pub const BAD_INPUT: u8 = 2;
    pub const CANCELLED: u8 = 130;
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("ailab: cannot start the async runtime: {err}");
            return ExitCode::from(exit::FAILED);
        }
    };
    let _log_guard = logging::init(cli.command.is_none());
    if let Some(Command::History(cmd)) = cli.command {
        let code = runtime.block_on(history::run(cli.global.db, cmd));
        return ExitCode::from(code);
    }
    let settings = match Settings::resolve(&cli.global) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("ailab: {message}");
            return ExitCode::from(exit::BAD_INPUT);
        }
    };
    let code = runtime.block_on(async move {
        match cli.command {
            None => crate::tui::run(settings).await,
            Some(Command::Ask(args)) => ask::run(settings, args).await,
            Some(Command::Check) => check::run(settings).await,
            // Dispatched above, before the hierarchy is loaded.
            Some(Command::History(_)) => exit::OK,
            Some(Command::Eval(args)) => eval::run(settings, args).await,
        }
    });
    // Engine tasks may still be closing sockets; do not wait for them on the way out.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    ExitCode::from(code)
}
