//! Small text helpers shared by the CLI, the lab and the views, and the one sanitizer that keeps
//! model and server text from driving the terminal ([`sanitize`]).

pub mod sanitize;

/// `text` on one line, its runs of whitespace made single spaces, terminal controls removed
/// (such labels and cells quote prompts, tasks and server errors).
pub fn flatten(text: &str) -> String {
    sanitize::plain(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first `max` characters of `text` [`flatten`]ed, with an ellipsis when cut.
pub fn one_line(text: &str, max: usize) -> String {
    let flat = flatten(text);
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{one_line, thousands};

    #[test]
    fn flattens_and_cuts() {
        assert_eq!(one_line("a\n b   c", 10), "a b c");
        assert_eq!(one_line("abcdefghij", 5), "abcd…");
        assert_eq!(one_line("a\x1b]0;title\x07\tb\x1b[2J", 10), "a b");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
