//! Model and server text is untrusted: a model (or a server, or a record written from them) can
//! emit escape sequences that would clear the screen, move the cursor, retitle the window or write
//! the clipboard (OSC 52). Everything shown to a person passes through here first, in the live view
//! and on the command line alike: escape sequences (ESC, CSI, OSC, DCS, SOS, PM, APC, in their
//! 7-bit and C1 forms) and control characters are removed, `\r` is dropped, and a tab is kept or
//! expanded (see [`Tabs`]).
//!
//! The sanitizer keeps state between pieces, so a sequence split across two streamed tokens
//! (`"\x1b["` then `"31m"`) is still removed whole.

use std::fmt::Write as _;
use std::io;

use unicode_width::UnicodeWidthChar;

#[cfg(test)]
mod tests;

/// Columns between tab stops when tabs are expanded.
const TAB_STOP: usize = 4;

/// What a tab becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tabs {
    /// Spaces to the next stop: for text laid out in cells (the live view), where a tab would take
    /// one cell in the layout but move the terminal's cursor further and break the columns.
    Expand,
    /// Kept as it is: for a stream of text (stdout, stderr, a file), where a tab only moves the
    /// cursor right and may carry meaning (a Makefile's recipe lines, Go code, a pasted table).
    Keep,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Mode {
    #[default]
    Text,
    /// After ESC: the next character decides the kind of sequence.
    Escape,
    /// `ESC` then intermediates (0x20..=0x2F, as in `ESC ( B`): until a final byte.
    EscapeIntermediate,
    /// Control Sequence (`ESC [` or U+009B): parameters until a final byte 0x40..=0x7E.
    Csi,
    /// A string sequence (OSC, DCS, SOS, PM, APC): until BEL or String Terminator.
    Str,
    /// ESC seen inside a string sequence: `\` ends it.
    StrEscape,
}

/// A streaming sanitizer: feed it pieces of text in order, get clean text out.
#[derive(Debug, Clone)]
pub struct Sanitizer {
    mode: Mode,
    tabs: Tabs,
    /// Display column since the last newline, for tab stops.
    column: usize,
}

impl Sanitizer {
    /// A sanitizer that treats tabs as `tabs` says.
    pub fn new(tabs: Tabs) -> Self {
        Self { mode: Mode::Text, tabs, column: 0 }
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
            Mode::Escape => match ch {
                '[' => self.mode = Mode::Csi,
                ']' | 'P' | 'X' | '^' | '_' => self.mode = Mode::Str,
                '\u{20}'..='\u{2f}' => self.mode = Mode::EscapeIntermediate,
                // ESC ESC: the first one is abandoned, the second starts again.
                '\u{1b}' => {}
                // A line break or another control ends the sequence and counts as text again.
                c if c.is_control() => {
                    self.mode = Mode::Text;
                    self.text_char(c, out);
                }
                // Two-character sequences (ESC 7, ESC c, …) end here; so does garbage.
                _ => self.mode = Mode::Text,
            },
            Mode::EscapeIntermediate => match ch {
                '\u{20}'..='\u{2f}' => {}
                '\u{30}'..='\u{7e}' => self.mode = Mode::Text,
                c => {
                    self.mode = Mode::Text;
                    self.text_char(c, out);
                }
            },
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
                // BEL or ST ends the string; CAN and SUB abort it, as terminals do.
                '\u{07}' | '\u{9c}' | '\u{18}' | '\u{1a}' => self.mode = Mode::Text,
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
            '\t' => match self.tabs {
                Tabs::Expand => {
                    let spaces = TAB_STOP - self.column % TAB_STOP;
                    out.extend(std::iter::repeat_n(' ', spaces));
                    self.column += spaces;
                }
                Tabs::Keep => {
                    out.push('\t');
                    self.column += TAB_STOP - self.column % TAB_STOP;
                }
            },
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

/// Characters never shown: C0/C1 controls (but `\n`; `\t` is handled before), DEL, bidirectional
/// overrides (which can make text read differently from what it is), and the byte-order mark.
fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

fn with(tabs: Tabs, input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    Sanitizer::new(tabs).push(input, &mut out);
    out
}

/// Sanitizes a whole string for the live view: tabs expanded to stops, so columns hold.
pub fn sanitize(input: &str) -> String {
    with(Tabs::Expand, input)
}

/// Sanitizes a whole string for plain output (stdout, stderr, a file): tabs kept.
pub fn plain(input: &str) -> String {
    with(Tabs::Keep, input)
}

/// Writes `text` to a stream a person reads (stdout, stderr), [`plain`]: tabs are kept, since a
/// stream has no columns of ours for a tab to break, and a tab in an answer may matter once it is
/// redirected to a file (a Makefile's recipe lines, Go code). A failed write (a closed pipe, a
/// terminal gone) is dropped rather than panicking: the record and the log keep everything.
pub fn write_plain(to: &mut dyn io::Write, text: &str) {
    let _ = to.write_all(plain(text).as_bytes());
}

/// [`write_plain`] for one line: `text` and a newline.
pub fn write_line(to: &mut dyn io::Write, text: impl std::fmt::Display) {
    write_plain(to, &format!("{text}\n"));
}

/// Sanitizes a label for a single line of the live view: newlines become spaces.
pub fn one_line(input: &str) -> String {
    sanitize(input).replace('\n', " ")
}

/// JSON as serde_json writes it, with DEL and the C1 controls (U+007F..=U+009F) written as `\u`
/// escapes too: serde_json escapes only C0, and a terminal may act on a raw U+009B as CSI. The
/// value read back is exactly the same (`--json` and the record keep the text as it was); only its
/// spelling changes. Sound because serde_json writes non-ASCII characters only inside strings.
/// Takes the JSON by value: `ask --json` writes one per event, and nearly all have nothing to
/// escape, so they pass through without a copy.
pub fn json_escape_c1(json: String) -> String {
    if !json.chars().any(is_c1_or_del) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_c1_or_del(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_c1_or_del(c: char) -> bool {
    ('\u{7f}'..='\u{9f}').contains(&c)
}
