//! Printing to stdout for the commands: never panicking on a closed pipe, and never letting text
//! from a model, a server or the record drive the terminal.

/// `println!` for people. The line goes through the sanitizer, since so much of what the commands
/// print quotes a model, a server or the record (answers, model ids, server errors); and it cannot
/// panic: when the reader has gone away (`ailab check | head -1`), the rest of the output is
/// dropped instead of crashing with "Broken pipe"; the record keeps everything.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::text::sanitize::write_line(&mut std::io::stdout().lock(), format_args!($($arg)*))
    };
}

/// `value` as JSON for `--json`: the exact text, never sanitized. JSON escapes the C0 controls
/// (ESC among them) itself; DEL and C1 are escaped here too, so the output on a terminal drives
/// nothing, and a reader gets every character back.
pub fn json(value: &impl serde::Serialize, pretty: bool) -> serde_json::Result<String> {
    let json = if pretty { serde_json::to_string_pretty(value)? } else { serde_json::to_string(value)? };
    Ok(crate::text::sanitize::json_escape_c1(json))
}
