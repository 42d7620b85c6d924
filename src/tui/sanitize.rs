//! Model text is untrusted: a model (or a server) can emit escape sequences that would move the
//! cursor, retitle the window or write to the clipboard. Everything shown on screen passes through
//! here first: escape sequences and control characters are removed, tabs are expanded, `\r` dropped.
//!
//! The sanitizer keeps state between pieces, so a sequence split across two streamed tokens
//! (`"\x1b["` then `"31m"`) is still removed whole.

use unicode_width::UnicodeWidthChar;

/// Columns between tab stops.
const TAB_STOP: usize = 4;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Mode {
    #[default]
    Text,
    /// After ESC: the next character decides the kind of sequence.
    Escape,
    /// Control Sequence (`ESC [` or U+009B): parameters until a final byte 0x40..=0x7E.
    Csi,
    /// A string sequence (OSC, DCS, SOS, PM, APC): until BEL or String Terminator.
    Str,
    /// ESC seen inside a string sequence: `\` ends it.
    StrEscape,
}

/// A streaming sanitizer: feed it pieces of text in order, get clean text out.
#[derive(Debug, Clone, Default)]
pub struct Sanitizer {
    mode: Mode,
    /// Display column since the last newline, for tab stops.
    column: usize,
}

impl Sanitizer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the clean form of `input` to `out`.
    pub fn push(&mut self, input: &str, out: &mut String) {
        out.reserve(input.len());
        for ch in input.chars() {
            self.push_char(ch, out);
        }
    }

    fn push_char(&mut self, ch: char, out: &mut String) {
        match self.mode {
            Mode::Text => self.text_char(ch, out),
            Mode::Escape => {
                self.mode = match ch {
                    '[' => Mode::Csi,
                    ']' | 'P' | 'X' | '^' | '_' => Mode::Str,
                    // Two-character sequences (ESC 7, ESC c, …) end here; so does garbage.
                    _ => Mode::Text,
                };
            }
            Mode::Csi => {
                if ('\u{40}'..='\u{7e}').contains(&ch) {
                    self.mode = Mode::Text;
                } else if !('\u{20}'..='\u{3f}').contains(&ch) {
                    // Not a valid CSI byte: the sequence is broken; treat the char as text.
                    self.mode = Mode::Text;
                    self.text_char(ch, out);
                }
            }
            Mode::Str => match ch {
                '\u{07}' | '\u{9c}' => self.mode = Mode::Text,
                '\u{1b}' => self.mode = Mode::StrEscape,
                _ => {}
            },
            Mode::StrEscape => self.mode = if ch == '\\' { Mode::Text } else { Mode::Str },
        }
    }

    fn text_char(&mut self, ch: char, out: &mut String) {
        match ch {
            '\n' => {
                out.push('\n');
                self.column = 0;
            }
            '\t' => {
                let spaces = TAB_STOP - self.column % TAB_STOP;
                out.extend(std::iter::repeat_n(' ', spaces));
                self.column += spaces;
            }
            '\u{1b}' => self.mode = Mode::Escape,
            '\u{9b}' => self.mode = Mode::Csi,
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => self.mode = Mode::Str,
            c if is_forbidden(c) => {}
            c => {
                out.push(c);
                self.column += c.width().unwrap_or(0);
            }
        }
    }
}

/// Characters never shown: C0/C1 controls (but `\n`), DEL, bidirectional overrides (which can make
/// text read differently from what it is), and the byte-order mark.
fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// Sanitizes a whole string at once.
pub fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    Sanitizer::new().push(input, &mut out);
    out
}

/// Sanitizes a label for a single line: newlines become spaces.
pub fn one_line(input: &str) -> String {
    sanitize(input).replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_csi_osc_and_controls() {
        assert_eq!(sanitize("a\x1b[31mred\x1b[0m b"), "ared b");
        assert_eq!(sanitize("x\x1b]0;evil title\x07y"), "xy");
        assert_eq!(sanitize("x\x1b]52;c;aGVsbG8=\x1b\\y"), "xy");
        assert_eq!(sanitize("bell\x07 back\x08 nul\0"), "bell back nul");
        assert_eq!(sanitize("c1\u{9b}2Jz"), "c1z");
        assert_eq!(sanitize("crlf\r\nline"), "crlf\nline");
        assert_eq!(sanitize("bidi \u{202e}txet"), "bidi txet");
    }

    #[test]
    fn sequences_split_across_pieces_are_removed_whole() {
        let mut s = Sanitizer::new();
        let mut out = String::new();
        for piece in ["ok \x1b", "[3", "1m", "red", "\x1b]0;t", "itle", "\x07 done"] {
            s.push(piece, &mut out);
        }
        assert_eq!(out, "ok red done");
    }

    #[test]
    fn tabs_expand_to_stops() {
        assert_eq!(sanitize("\tx"), "    x");
        assert_eq!(sanitize("ab\tx\ny\tz"), "ab  x\ny   z");
    }

    #[test]
    fn keeps_unicode_text() {
        assert_eq!(sanitize("héllo 世界 👩‍🔬"), "héllo 世界 👩‍🔬");
    }
}
