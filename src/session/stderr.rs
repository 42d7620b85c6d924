//! Telling the user something on stderr without ever panicking: when the terminal is gone (its
//! window closed, SIGHUP), `eprintln!` panics on the failed write; a message nobody can read is
//! dropped instead (the log has it).

use std::io::Write as _;

/// Writes `ailab: {message}` and a newline to stderr; a failed write is ignored.
pub fn tell(message: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr().lock(), "ailab: {message}");
}
