//! Exit codes, as documented in the README: the same for every command and the live view.

/// Everything went as asked.
pub const OK: u8 = 0;
/// Something failed (the message says what).
pub const FAILED: u8 = 1;
/// The input was wrong: an unknown id, a bad flag, a broken hierarchy file.
pub const BAD_INPUT: u8 = 2;
/// Cancelled with Ctrl-C (128 + SIGINT, as shells report it).
pub const CANCELLED: u8 = 130;
