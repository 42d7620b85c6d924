//! The command line: `ailab ask`, `ailab check`, `ailab eval`, `ailab history …`, and the choice of
//! the live view when no command is given (the view itself is handed in by `main.rs`, so the
//! command line never names the TUI).

// Declared first: its macro is for the modules below (macros are in scope in file order).
#[macro_use]
mod say;

pub mod args;
mod ask;
mod check;
mod eval;
mod follow_up;
pub mod history;
mod interrupt;
pub mod logging;
mod presets;
mod printer;

use std::future::Future;
use std::process::ExitCode;

use clap::Parser;

use crate::session::stderr::tell;
use crate::session::{Settings, exit};
pub use args::{Cli, Command, GlobalArgs};

/// Entry point of the binary: parses the arguments and runs the command, or `live_view` when
/// there is none (`main.rs` passes the TUI's entry).
pub fn main<Live, Running>(live_view: Live) -> ExitCode
where
    Live: FnOnce(Settings) -> Running,
    Running: Future<Output = u8>,
{
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            tell(format_args!("cannot start the async runtime: {err}"));
            return ExitCode::from(exit::FAILED);
        }
    };
    let _log_guard = logging::init(cli.command.is_none());
    if let Some(Command::History(cmd)) = cli.command {
        let code = runtime.block_on(history::run(cli.global.db, cli.global.no_record, cmd));
        return ExitCode::from(code);
    }
    if let Some(Command::Presets) = cli.command {
        return ExitCode::from(presets::run(cli.global.asked()));
    }
    let settings = match Settings::resolve(cli.global.asked()) {
        Ok(settings) => settings,
        Err(message) => {
            tell(message);
            return ExitCode::from(exit::BAD_INPUT);
        }
    };
    let code = runtime.block_on(async move {
        match cli.command {
            None => live_view(settings).await,
            Some(Command::Ask(args)) => ask::run(settings, args).await,
            Some(Command::Check(args)) => check::run(settings, args.deep).await,
            // Dispatched above, before the hierarchy is loaded.
            Some(Command::History(_) | Command::Presets) => exit::OK,
            Some(Command::Eval(args)) => eval::run(settings, args).await,
        }
    });
    // Engine tasks may still be closing sockets; do not wait for them on the way out.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    ExitCode::from(code)
}
