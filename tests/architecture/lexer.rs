//! Just enough of a Rust lexer to read module paths: comments and literals are blanked out
//! (so a `crate::` inside a doc comment or a string is not an import), the rest is split into
//! identifiers and punctuation.

/// One token of source: an identifier (or keyword), or one punctuation character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Ident(String),
    /// `::`, kept as one token because paths are what we read.
    PathSep,
    Punct(char),
    /// A string literal, kept only for `#[path = "…"]`.
    Str(String),
}

/// Splits `source` into tokens with their 1-based line, dropping comments, whitespace, and the
/// contents of char literals.
pub fn tokens(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let mut counted = 0;
    while i < chars.len() {
        line += chars[counted..i].iter().filter(|&&c| c == '\n').count();
        counted = i;
        let out_len = out.len();
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i = skip_block_comment(&chars, i);
        } else if c == 'r' && matches!(next, Some('"') | Some('#')) && raw_string_at(&chars, i) {
            let (text, end) = raw_string(&chars, i + 1);
            out.push((Token::Str(text), 0));
            i = end;
        } else if c == 'b' && next == Some('"') {
            let (text, end) = quoted_string(&chars, i + 1);
            out.push((Token::Str(text), 0));
            i = end;
        } else if c == 'b' && next == Some('r') && raw_string_at(&chars, i + 1) {
            let (text, end) = raw_string(&chars, i + 2);
            out.push((Token::Str(text), 0));
            i = end;
        } else if c == '"' {
            let (text, end) = quoted_string(&chars, i);
            out.push((Token::Str(text), 0));
            i = end;
        } else if c == '\'' {
            i = skip_char_or_lifetime(&chars, i);
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Token::Ident(chars[start..i].iter().collect()), 0));
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else if c == ':' && next == Some(':') {
            out.push((Token::PathSep, 0));
            i += 2;
        } else {
            out.push((Token::Punct(c), 0));
            i += 1;
        }
        if let Some(token) = out.get_mut(out_len) {
            token.1 = line;
        }
    }
    out
}

fn skip_block_comment(chars: &[char], mut i: usize) -> usize {
    let mut depth = 0;
    while i < chars.len() {
        if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
            depth += 1;
            i += 2;
        } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// Whether `r` at `i` starts a raw string (`r"`, `r#"`), not an identifier such as `return`.
fn raw_string_at(chars: &[char], i: usize) -> bool {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return false;
    }
    let mut j = i + 1;
    while chars.get(j) == Some(&'#') {
        j += 1;
    }
    chars.get(j) == Some(&'"')
}

/// Reads a raw string whose `#`s start at `i`; returns its text and the index after it.
fn raw_string(chars: &[char], mut i: usize) -> (String, usize) {
    let mut hashes = 0;
    while chars.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    i += 1; // the opening quote
    let start = i;
    while i < chars.len() {
        if chars[i] == '"' && (0..hashes).all(|k| chars.get(i + 1 + k) == Some(&'#')) {
            return (chars[start..i].iter().collect(), i + 1 + hashes);
        }
        i += 1;
    }
    (chars[start..].iter().collect(), i)
}

/// Reads a quoted string starting at the quote `i`; returns its text and the index after it.
fn quoted_string(chars: &[char], mut i: usize) -> (String, usize) {
    i += 1;
    let start = i;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return (chars[start..i].iter().collect(), i + 1),
            _ => i += 1,
        }
    }
    (chars[start..].iter().collect(), i)
}

/// Skips `'x'`, `'\n'`, `'\u{..}'`, or the quote of a lifetime `'a`.
fn skip_char_or_lifetime(chars: &[char], i: usize) -> usize {
    if chars.get(i + 1) == Some(&'\\') {
        let mut j = i + 2;
        while j < chars.len() && chars[j] != '\'' {
            j += 1;
        }
        return j + 1;
    }
    if chars.get(i + 2) == Some(&'\'') {
        return i + 3;
    }
    i + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(source: &str) -> Vec<String> {
        tokens(source)
            .into_iter()
            .filter_map(|(t, _)| match t {
                Token::Ident(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn comments_and_strings_hide_their_paths() {
        let source = r##"
            /// [`crate::tui::State`]
            // use crate::cli;
            /* crate::x /* nested */ crate::y */
            let s = "crate::tui::view";
            let r = r#"crate::z"#;
            let c = '"'; let l: &'static str = "";
            use crate::engine;
        "##;
        let found = idents(source);
        assert!(!found.iter().any(|s| s == "tui" || s == "cli" || s == "x" || s == "y" || s == "z"));
        assert!(found.iter().any(|s| s == "engine"));
    }
}
