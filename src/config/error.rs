//! What is wrong with a hierarchy file, said so a person can fix it: every problem found, each
//! with `file:line:col`, the offending line and a caret under the spot, and a hint.

use std::fmt;
use std::ops::Range;

use unicode_width::UnicodeWidthStr;

/// A hierarchy that cannot be used: every problem found in one pass.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    /// The file (or "built-in default") the problems are in.
    pub source: String,
    pub problems: Vec<Problem>,
    /// A closing hint that applies to the whole file (how to fall back to the built-in tree).
    pub hint: Option<String>,
}

/// One thing wrong, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub location: Option<Location>,
    /// What to do about it.
    pub help: Option<String>,
}

/// A spot in the file: 1-based line and column, the line's text, and how wide to underline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The line as shown (tabs expanded).
    pub line_text: String,
    /// Display columns before the caret.
    pub caret_offset: usize,
    /// Display columns to underline (at least 1).
    pub caret_width: usize,
}

impl ConfigError {
    /// One problem with no position (a file that cannot be read, say).
    pub fn single(source: impl Into<String>, message: impl Into<String>, help: Option<String>) -> Self {
        Self {
            source: source.into(),
            problems: vec![Problem { message: message.into(), location: None, help }],
            hint: None,
        }
    }

    /// Adds a closing hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl std::error::Error for ConfigError {}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write_problem(f, &self.source, problem)?;
        }
        let count = self.problems.len();
        if count > 1 {
            write!(f, "\n{count} problems in {}; fix them and try again.", self.source)?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n{hint}")?;
        }
        Ok(())
    }
}

fn write_problem(f: &mut fmt::Formatter<'_>, source: &str, problem: &Problem) -> fmt::Result {
    writeln!(f, "error: {}", problem.message)?;
    if let Some(loc) = &problem.location {
        let number = loc.line.to_string();
        let gutter = " ".repeat(number.len());
        writeln!(f, "{gutter}--> {source}:{}:{}", loc.line, loc.column)?;
        writeln!(f, "{gutter} |")?;
        writeln!(f, "{number} | {}", loc.line_text)?;
        writeln!(f, "{gutter} | {}{}", " ".repeat(loc.caret_offset), "^".repeat(loc.caret_width.max(1)))?;
        if let Some(help) = &problem.help {
            writeln!(f, "{gutter} = help: {help}")?;
        }
    } else if let Some(help) = &problem.help {
        writeln!(f, "  help: {help}")?;
    }
    Ok(())
}

/// A problem found while reading: a message, the byte span it is about, and a hint.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub message: String,
    pub span: Option<Range<usize>>,
    pub help: Option<String>,
}

impl Found {
    pub fn at(span: Range<usize>, message: impl Into<String>) -> Self {
        Self { message: message.into(), span: Some(span), help: None }
    }

    pub fn nowhere(message: impl Into<String>) -> Self {
        Self { message: message.into(), span: None, help: None }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

/// Turns found problems into a [`ConfigError`], ordered as they appear in the file.
pub(crate) fn into_error(source: &str, text: &str, found: Vec<Found>) -> ConfigError {
    // A template in [defaults.prompts] is checked for every node that uses it: say it once.
    let mut unique: Vec<Found> = Vec::with_capacity(found.len());
    for f in found {
        if !unique.contains(&f) {
            unique.push(f);
        }
    }
    let mut problems: Vec<Problem> = unique
        .into_iter()
        .map(|f| Problem {
            location: f.span.map(|span| locate(text, span)),
            message: f.message,
            help: f.help,
        })
        .collect();
    // File order by line; on one line, the order they were found in (most specific first).
    problems.sort_by_key(|p| p.location.as_ref().map_or(usize::MAX, |l| l.line));
    ConfigError { source: source.to_string(), problems, hint: None }
}

const TAB: &str = "    ";

/// Converts a byte span into a line, a column and a caret for the line's display.
pub(crate) fn locate(text: &str, span: Range<usize>) -> Location {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let raw_line = text[line_start..line_end].trim_end_matches('\r');
    let line = text[..start].matches('\n').count() + 1;
    let before = &text[line_start..start];
    let column = before.chars().count() + 1;
    // Underline to the span's end, but never past the end of this line.
    let end = floor_char_boundary(text, span.end.clamp(start, line_start + raw_line.len()));
    let underlined = &text[start..end];
    Location {
        line,
        column,
        line_text: raw_line.replace('\t', TAB),
        caret_offset: display_width(before),
        caret_width: display_width(underlined).max(1),
    }
}

fn display_width(s: &str) -> usize {
    s.replace('\t', TAB).width()
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_column_and_caret() {
        let text = "a = 1\nbé = 2\n";
        let at = locate(text, 12..13);
        assert_eq!((at.line, at.column), (2, 6));
        assert_eq!(at.line_text, "bé = 2");
        assert_eq!((at.caret_offset, at.caret_width), (5, 1));
    }

    #[test]
    fn caret_stops_at_end_of_line_and_handles_crlf_and_eof() {
        let text = "x = '''\r\nlong\r\n'''";
        let at = locate(text, 4..text.len());
        assert_eq!(at.line_text, "x = '''");
        assert_eq!(at.caret_width, 3);
        let eof = locate("x = ", 4..4);
        assert_eq!((eof.line, eof.column, eof.caret_width), (1, 5, 1));
    }

    #[test]
    fn display_shows_every_problem_with_position() {
        let text = "[server]\nmax_concurrent = 0\n";
        let err = into_error(
            "h.toml",
            text,
            vec![
                Found::nowhere("no nodes"),
                Found::at(26..27, "max_concurrent must be at least 1").help("use 4"),
            ],
        );
        let shown = err.to_string();
        assert!(shown.starts_with("error: max_concurrent must be at least 1\n --> h.toml:2:18\n"), "{shown}");
        assert!(shown.contains("2 | max_concurrent = 0\n  |                  ^\n  = help: use 4"), "{shown}");
        assert!(shown.contains("error: no nodes"), "{shown}");
        assert!(shown.ends_with("2 problems in h.toml; fix them and try again."), "{shown}");
    }
}
