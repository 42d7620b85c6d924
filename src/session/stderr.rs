//! Telling the user something on stderr without ever panicking: when the terminal is gone (its
//! window closed, SIGHUP), `eprintln!` panics on the failed write; a message nobody can read is
//! dropped instead (the log has it).
//!
//! Messages often quote a server or a model (an error's body, a model id), so they pass through
//! the sanitizer: nothing in them reaches the terminal as a control.

/// Writes `ailab: {message}` and a newline to stderr, sanitized; a failed write is ignored.
pub fn tell(message: impl std::fmt::Display) {
    crate::text::sanitize::write_line(&mut std::io::stderr().lock(), format_args!("ailab: {message}"));
}
