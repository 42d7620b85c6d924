//! Reference answers. A prompt may carry the known right answer; the judge then compares the two
//! answers against it (as MT-Bench does for maths, reasoning and coding), and where the reference
//! is short (a number, a word, yes or no) each arm's answer is also graded without any model: does
//! it state the reference? That gives an accuracy per arm that no judge's taste can sway.
//!
//! A short reference may list alternatives separated by `|` ("5 cents|0.05"). The check is simple
//! on purpose, so a person can predict it: a yes/no reference must open the answer (its first
//! twelve words say yes and not no, or the reverse); any other must appear in the answer as whole
//! words, numbers compared as numbers (0.50 = .5).

/// At most this many words in each alternative for a reference to be graded without a model.
const SHORT_WORDS: usize = 5;

/// The alternatives of a short reference, or `None` when it is a long one (judge-only).
pub fn short_alternatives(reference: &str) -> Option<Vec<Vec<String>>> {
    let alternatives: Vec<Vec<String>> = reference.split('|').map(words).filter(|w| !w.is_empty()).collect();
    let short = !alternatives.is_empty() && alternatives.iter().all(|w| w.len() <= SHORT_WORDS);
    short.then_some(alternatives)
}

/// The reference as the judge reads it: a short one's alternatives spelled out ("5 cents, or 0.05"),
/// a long one as written.
pub fn for_the_judge(reference: &str) -> String {
    if short_alternatives(reference).is_none() {
        return reference.trim().to_string();
    }
    let alternatives: Vec<&str> = reference.split('|').map(str::trim).filter(|a| !a.is_empty()).collect();
    alternatives.join(", or ")
}

/// True when `answer` states the short `reference` (see the module's rule), `None` when the
/// reference is not short enough to grade this way.
pub fn states(answer: &str, reference: &str) -> Option<bool> {
    let alternatives = short_alternatives(reference)?;
    let said = words(answer);
    Some(alternatives.iter().any(|wanted| match wanted.as_slice() {
        [only] if only == "yes" || only == "no" => opens_with(&said, only),
        _ => said.windows(wanted.len()).any(|w| w.iter().zip(wanted).all(|(a, b)| same_word(a, b))),
    }))
}

/// The first twelve words say `yes_or_no` and not its opposite.
fn opens_with(said: &[String], yes_or_no: &str) -> bool {
    let opening = &said[..said.len().min(12)];
    let other = if yes_or_no == "yes" { "no" } else { "yes" };
    opening.iter().any(|w| w == yes_or_no) && !opening.iter().any(|w| w == other)
}

fn same_word(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

/// Lowercase words; a number keeps its decimal point ("$1.10," → "1.10"), a sentence's full stop
/// does not.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '.'))
        // A full stop after a word goes; a point before digits stays (".05").
        .map(|w| w.trim_end_matches('.'))
        .map(|w| {
            if w.starts_with('.') && !w[1..].starts_with(|c: char| c.is_ascii_digit()) {
                w.trim_start_matches('.')
            } else {
                w
            }
        })
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_as_numbers_and_whole_words_only() {
        let reference = "5 cents|0.05";
        assert_eq!(states("The ball costs $0.05, so the bat costs $1.05.", reference), Some(true));
        assert_eq!(states("So the ball is 5 cents.", reference), Some(true));
        assert_eq!(states("The ball costs 10 cents.", reference), Some(false));
        assert_eq!(states("It costs .050 dollars", "0.05"), Some(true));
        assert_eq!(states("about 15 cents", "5 cents"), Some(false), "15 is not 5");
        assert_eq!(states("3 hours 15 minutes", "3 hours 15 minutes"), Some(true));
    }

    #[test]
    fn yes_and_no_must_open_the_answer() {
        assert_eq!(states("Yes. Since every bloop is a razzie…", "yes"), Some(true));
        assert_eq!(states("No, not necessarily; yes would be wrong", "yes"), Some(false));
        assert_eq!(
            states("Let us think step by step about it carefully and then decide on it. Yes.", "yes"),
            Some(false),
            "past the opening"
        );
        assert_eq!(states("No. A 20% rise then a 20% cut leaves 96%.", "no"), Some(true));
    }

    #[test]
    fn the_judge_reads_the_alternatives_spelled_out() {
        assert_eq!(for_the_judge("5 cents|0.05"), "5 cents, or 0.05");
        assert_eq!(for_the_judge(" yes "), "yes");
        assert_eq!(
            for_the_judge("A | B is long, with more than five words here"),
            "A | B is long, with more than five words here"
        );
    }

    #[test]
    fn a_long_reference_is_for_the_judge_only() {
        let long = "The final price is 96% of the original, because the cut applies to the raised price.";
        assert_eq!(states("96%", long), None);
        assert!(short_alternatives("2 weighings|two").is_some());
        assert!(short_alternatives("  |  ").is_none());
    }
}
