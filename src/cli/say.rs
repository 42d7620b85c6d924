//! Printing to stdout for the commands, without ever panicking on a closed pipe.

/// `println!` that cannot panic: when the reader has gone away (`ailab check | head -1`), the rest
/// of the output is dropped instead of crashing with "Broken pipe"; the record keeps everything.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}
