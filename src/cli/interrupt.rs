//! Ctrl-C for the headless commands: the first press cancels (every call in flight stops and
//! finished work is kept), a second one quits at once.

use std::io::Write as _;

use tokio_util::sync::CancellationToken;

use crate::session::exit;
use crate::session::stderr::tell;

/// Waits for Ctrl-C, says `what` is happening, cancels; a second Ctrl-C exits with 130.
pub async fn cancel_on_ctrl_c(cancel: CancellationToken, what: &str) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    // On a line of its own: the progress line may be half written.
    let _ = writeln!(std::io::stderr().lock());
    tell(format_args!("{what} (Ctrl-C again to quit at once)"));
    cancel.cancel();
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(i32::from(exit::CANCELLED));
    }
}
