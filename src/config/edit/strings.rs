//! Prompts written as readable multi-line TOML strings: a `'''` literal when the text allows it
//! (no escapes at all), else a `"""` basic string escaped only where TOML needs it. Every form is
//! checked by parsing it back, so what is written always reads back as exactly the text given.

use std::str::FromStr;

use toml_edit::Value;

/// The text as a multi-line TOML string value that reads back exactly.
pub(crate) fn multiline(text: &str) -> Value {
    let candidates = [literal(text), Some(basic(text))];
    for repr in candidates.into_iter().flatten() {
        if let Ok(value) = Value::from_str(&repr) {
            if value.as_str() == Some(text) {
                return value;
            }
        }
    }
    // toml_edit picks a one-line form that is always valid.
    Value::from(text)
}

/// `'''` + newline + text + `'''`, when the text has no `'''` and no control characters (a
/// literal string cannot escape anything). The newline after the opening quotes is not part of
/// the value, so the text starts on its own line.
fn literal(text: &str) -> Option<String> {
    let allowed = |c: char| c == '\t' || c == '\n' || !(c <= '\u{1f}' || c == '\u{7f}');
    if text.contains("'''") || !text.chars().all(allowed) {
        return None;
    }
    Some(format!("'''\n{text}'''"))
}

/// `"""` + newline + text + `"""` with backslashes, control characters and any quote that would
/// close the string escaped.
fn basic(text: &str) -> String {
    let trailing_quotes = text.len() - text.trim_end_matches('"').len();
    let trailing_from = text.len() - trailing_quotes;
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str("\"\"\"\n");
    let mut quote_run = 0;
    for (i, c) in text.char_indices() {
        if c == '"' {
            // Two quotes in a row are text; a third, or one touching the closing quotes, would end it.
            quote_run += 1;
            if quote_run == 3 || i >= trailing_from {
                out.push_str("\\\"");
                quote_run = 0;
            } else {
                out.push('"');
            }
            continue;
        }
        quote_run = 0;
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("\\r"),
            c if c <= '\u{1f}' || c == '\u{7f}' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push_str("\"\"\"");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn repr(text: &str) -> String {
        multiline(text).to_string()
    }

    #[test]
    fn plain_text_is_a_literal_starting_on_its_own_line() {
        assert_eq!(repr("Be brief.\nUse {task}.\n"), "'''\nBe brief.\nUse {task}.\n'''");
        assert_eq!(repr("a \\ b \"q\""), "'''\na \\ b \"q\"'''");
    }

    #[test]
    fn triple_single_quotes_or_controls_fall_back_to_an_escaped_basic_string() {
        assert_eq!(repr("say '''hi'''\n"), "\"\"\"\nsay '''hi'''\n\"\"\"");
        assert_eq!(repr("a\\b\u{1}\r"), "\"\"\"\na\\\\b\\u0001\\r\"\"\"");
        assert_eq!(repr("''' \"\"\"x\""), "\"\"\"\n''' \"\"\\\"x\\\"\"\"\"");
    }

    #[test]
    fn leading_newlines_survive() {
        assert_eq!(multiline("\n\nx").as_str(), Some("\n\nx"));
    }

    proptest! {
        #[test]
        fn any_text_reads_back_exactly(text in "(?s)(.|'''|\"\"\"|\\\\|\n|\r\n|\u{0}|\u{7f}|é|✓){0,40}") {
            let value = multiline(&text);
            prop_assert_eq!(value.as_str(), Some(text.as_str()));
        }

        #[test]
        fn text_ending_in_quotes_reads_back(body in "[a-z'\"\n]{0,10}", quotes in "['\"]{0,4}") {
            let text = format!("{body}{quotes}");
            let value = multiline(&text);
            prop_assert_eq!(value.as_str(), Some(text.as_str()));
            prop_assert!(value.to_string().contains('\n') || !text.contains('\n'));
        }
    }
}
