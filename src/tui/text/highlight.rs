//! A deliberately small code highlighter for Markdown code blocks: keywords, strings, comments
//! and numbers, across the languages small models write most. Good enough to read, cheap to run.

use crate::tui::theme::Role;

const KEYWORDS: &[&str] = &[
    "and",
    "as",
    "async",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "def",
    "defer",
    "do",
    "elif",
    "else",
    "enum",
    "except",
    "export",
    "extends",
    "false",
    "False",
    "finally",
    "fn",
    "for",
    "from",
    "func",
    "function",
    "if",
    "impl",
    "import",
    "in",
    "interface",
    "is",
    "lambda",
    "let",
    "loop",
    "match",
    "mod",
    "mut",
    "new",
    "nil",
    "None",
    "not",
    "null",
    "or",
    "package",
    "pass",
    "pub",
    "raise",
    "return",
    "self",
    "Self",
    "static",
    "struct",
    "switch",
    "this",
    "throw",
    "trait",
    "true",
    "True",
    "try",
    "type",
    "use",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Splits one line of code into highlighted pieces. Deliberately simple: good enough to read.
pub fn highlight<'a>(line: &'a str, lang: &str) -> Vec<(&'a str, Role)> {
    let hash_comments = !matches!(lang, "c" | "cpp" | "c++" | "rust" | "rs" | "css" | "markdown" | "md");
    let mut out = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        let comment = rest.starts_with("//") || (hash_comments && rest.starts_with('#'));
        if comment {
            out.push((rest, Role::CodeComment));
            break;
        }
        let first = rest.chars().next().unwrap_or(' ');
        let len = if first == '"' || first == '\'' || first == '`' {
            string_len(rest, first)
        } else if first.is_ascii_digit() {
            rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')).unwrap_or(rest.len())
        } else if first.is_alphabetic() || first == '_' {
            rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len())
        } else {
            first.len_utf8()
        };
        let (piece, tail) = rest.split_at(len.max(first.len_utf8()).min(rest.len()));
        let role = if first == '"' || first == '\'' || first == '`' {
            Role::CodeString
        } else if first.is_ascii_digit() {
            Role::CodeNumber
        } else if KEYWORDS.contains(&piece) {
            Role::CodeKeyword
        } else {
            Role::CodeBlock
        };
        match out.last_mut() {
            Some((prev, prev_role)) if *prev_role == role && role == Role::CodeBlock => {
                // Merge plain runs so rows carry few segments.
                let start = line.len() - rest.len() - prev.len();
                *prev = &line[start..line.len() - tail.len()];
            }
            _ => out.push((piece, role)),
        }
        rest = tail;
    }
    out
}

/// Length in bytes of a string literal starting at `text` (to the closing quote or line end).
fn string_len(text: &str, quote: char) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == quote {
            return i + c.len_utf8();
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_line_into_roles() {
        let pieces = highlight("let x = \"a\\\"b\"; // done", "rust");
        let roles: Vec<(&str, Role)> = pieces;
        assert_eq!(roles[0], ("let", Role::CodeKeyword));
        assert!(roles.contains(&("\"a\\\"b\"", Role::CodeString)));
        assert_eq!(roles.last(), Some(&("// done", Role::CodeComment)));
        assert!(highlight("x = 1  # py", "python").contains(&("# py", Role::CodeComment)));
        assert!(!highlight("#include <x>", "c").iter().any(|(_, r)| *r == Role::CodeComment));
    }
}
