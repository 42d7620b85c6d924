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

/// Line breaks made `\n`: Windows' CRLF, and the bare CR that many terminals (and tmux's
/// `paste-buffer -p`) put between pasted lines, which the sanitizer would otherwise drop and so
/// join the lines into one.
pub fn unix_line_breaks(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\r') {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
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
    use super::{one_line, thousands, unix_line_breaks};

    #[test]
    fn pasted_line_breaks_of_every_kind_become_newlines() {
        assert_eq!(unix_line_breaks("one\rtwo\r\nthree\nfour\r"), "one\ntwo\nthree\nfour\n");
        assert_eq!(unix_line_breaks("\r\r"), "\n\n", "empty lines are kept");
        assert!(matches!(unix_line_breaks("plain"), std::borrow::Cow::Borrowed(_)));
    }

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
