//! The streaming pace of a call, kept so a past run can be replayed as it streamed.
//!
//! Text is stored once, in the call's `text` and `reasoning` columns. The pace is a list of marks,
//! "by `dt` ms after the call started, `text_len` bytes of text and `reasoning_len` bytes of reasoning
//! had arrived", appended as `dt,text_len,reasoning_len;` to the call's `marks` column. One mark per
//! [`MARK_EVERY_MS`] at most keeps this small (a few bytes per tenth of a second of streaming).

use std::fmt::Write;

/// Finest replay granularity: tokens closer together than this share a mark.
pub const MARK_EVERY_MS: i64 = 100;

/// One point of a call's streaming pace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// Milliseconds after the call's CallStarted event.
    pub dt_ms: i64,
    /// Bytes of answer text received so far.
    pub text_len: usize,
    /// Bytes of reasoning text received so far.
    pub reasoning_len: usize,
}

/// Appends one mark in the stored format.
pub fn push(out: &mut String, mark: Mark) {
    let _ = write!(out, "{},{},{};", mark.dt_ms, mark.text_len, mark.reasoning_len);
}

/// Reads marks back, skipping anything malformed (a record is read, never rejected, for a bad mark).
pub fn parse(stored: &str) -> Vec<Mark> {
    stored
        .split(';')
        .filter_map(|entry| {
            let mut parts = entry.split(',');
            let dt_ms = parts.next()?.trim().parse().ok()?;
            let text_len = parts.next()?.trim().parse().ok()?;
            let reasoning_len = parts.next()?.trim().parse().ok()?;
            Some(Mark { dt_ms, text_len, reasoning_len })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_round_trip_and_tolerate_garbage() {
        let mut s = String::new();
        push(&mut s, Mark { dt_ms: 12, text_len: 5, reasoning_len: 0 });
        push(&mut s, Mark { dt_ms: 130, text_len: 9, reasoning_len: 3 });
        assert_eq!(s, "12,5,0;130,9,3;");
        s.push_str("junk;1,2;");
        let marks = parse(&s);
        assert_eq!(marks.len(), 2);
        assert_eq!(marks[1], Mark { dt_ms: 130, text_len: 9, reasoning_len: 3 });
    }
}
