//! The words of a text as the checks compare them: lowercase, numbers and list markers dropped,
//! content words lightly stemmed. Deliberately crude: the checks only need to tell "says
//! something about the task" from garbage, never to grade how well.

use std::collections::{HashMap, HashSet};

/// Short words that carry no subject: articles, pronouns, auxiliaries, question words.
const STOPWORDS: &[&str] = &[
    "the", "and", "for", "with", "from", "into", "onto", "about", "this", "that", "these", "those", "are",
    "was", "were", "been", "being", "has", "have", "had", "does", "did", "can", "could", "should", "would",
    "will", "shall", "may", "might", "must", "what", "why", "how", "which", "who", "whom", "whose", "when",
    "where", "than", "then", "there", "their", "they", "them", "you", "your", "yours", "our", "ours", "his",
    "her", "hers", "its", "not", "but", "also", "more", "most", "some", "any", "each", "every", "all",
    "both", "other", "others", "one", "two", "own", "very", "just", "only", "such", "too", "out", "off",
    "over", "under", "again", "once", "here", "way", "ways", "thing", "things", "lot", "lots", "much",
    "many", "get", "gets", "got", "make", "makes", "let", "lets", "like", "well", "even", "still", "yet",
    "via", "per", "upon", "while", "whether", "because", "since", "until", "within", "without", "between",
    "among", "through", "during", "before", "after", "above", "below", "its", "it's", "i'm", "i've",
    "you're", "we're", "they're",
];

/// Every word of `text`, lowercase, numbers and punctuation dropped (`"1. The 2014 Study:"` →
/// `the`, `study`). Apostrophes split words (`user's` → `user`, `s`), as they do in both texts
/// being compared.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().any(char::is_alphabetic))
        .map(str::to_lowercase)
        .collect()
}

/// The stems of the words that say what a text is about (three letters or more, not a stopword).
pub fn content_stems(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| w.chars().count() >= 3 && !STOPWORDS.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect()
}

/// The distinct content stems of a text.
pub fn stem_set(text: &str) -> HashSet<String> {
    content_stems(text).into_iter().collect()
}

/// A light suffix stripper: `purring` → `purr`, `languages` → `languag`, `studies` → `study`.
/// Stems are compared by [`related`], which forgives the rest.
pub fn stem(word: &str) -> String {
    const SUFFIXES: &[(&str, &str)] = &[
        ("ational", "ate"),
        ("ations", ""),
        ("ation", ""),
        ("ings", ""),
        ("ing", ""),
        ("ies", "y"),
        ("ied", "y"),
        ("edly", ""),
        ("ed", ""),
        ("ers", ""),
        ("er", ""),
        ("ly", ""),
        ("es", ""),
        ("s", ""),
    ];
    for (suffix, replacement) in SUFFIXES {
        if let Some(root) = word.strip_suffix(suffix)
            && root.chars().count() >= 3
            && !(suffix == &"s" && root.ends_with('s'))
        {
            return format!("{root}{replacement}");
        }
    }
    word.to_string()
}

/// Two stems of one word family: equal, or one starts the other and the shorter has at least four
/// letters (`languag` and `language`, `vaccin` and `vaccinat`).
pub fn related(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short == long || (short.chars().count() >= 4 && long.starts_with(short))
}

/// True when any stem of `stems` is related to one of `reference`.
pub fn shares_a_stem<'a>(stems: impl IntoIterator<Item = &'a String>, reference: &HashSet<String>) -> bool {
    stems.into_iter().any(|s| reference.contains(s) || reference.iter().any(|r| related(s, r)))
}

/// Word triples in order (`a b c d` → `a b c`, `b c d`).
pub fn trigrams(words: &[String]) -> Vec<String> {
    words.windows(3).map(|w| w.join(" ")).collect()
}

/// The share (0 to 1) of `text`'s word triples found among `source`'s, and how many were found.
pub fn borrowed_share(text: &[String], source: &HashSet<String>) -> (f64, usize) {
    let grams = trigrams(text);
    if grams.is_empty() {
        return (0.0, 0);
    }
    let found = grams.iter().filter(|g| source.contains(*g)).count();
    (found as f64 / grams.len() as f64, found)
}

/// A template's own words (its `{placeholders}` removed) as word triples: what an echo of the
/// instructions reproduces.
pub fn instruction_trigrams(template: &str) -> HashSet<String> {
    let mut plain = String::with_capacity(template.len());
    let mut depth = 0usize;
    for c in template.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            // A placeholder vanishes: "exactly {count} sub-tasks" then reads as a model's
            // "exactly 2 sub-tasks" does once its number is dropped.
            _ if depth > 0 => {}
            c => plain.push(c),
        }
    }
    plain.split(['\n']).flat_map(|line| trigrams(&words(line))).collect()
}

/// True when a run of words loops: a sequence of one to six words said three times back to back
/// ("The 2014 Study: 1. The 2014 Study: 2. The 2014 Study: 3."), some four-word sequence coming
/// back three times anywhere, or one sentence of four words or more said twice.
pub fn loops(text: &str) -> bool {
    let all = words(text);
    for period in 1..=6 {
        // `matched` words in a row equal the word `period` before them: the sequence has then
        // come (matched + period) / period times.
        let mut matched = 0;
        for i in period..all.len() {
            matched = if all[i] == all[i - period] { matched + 1 } else { 0 };
            if (matched + period) / period >= 3 {
                return true;
            }
        }
    }
    let mut fours: HashMap<String, usize> = HashMap::new();
    for window in all.windows(4) {
        let count = fours.entry(window.join(" ")).or_default();
        *count += 1;
        if *count >= 3 {
            return true;
        }
    }
    let mut sentences = HashSet::new();
    text.split(['.', '!', '?', '\n', ';'])
        .map(words)
        .filter(|s| s.len() >= 4)
        .any(|s| !sentences.insert(s.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_drop_numbers_and_punctuation() {
        assert_eq!(words("1. The 2014-2015 Study: cats' purr!"), vec!["the", "study", "cats", "purr"]);
    }

    #[test]
    fn stems_of_one_family_are_related() {
        for (a, b) in [("purring", "purr"), ("languages", "language"), ("studies", "study"), ("cats", "cat")]
        {
            assert!(related(&stem(a), &stem(b)), "{a} ~ {b}: {} {}", stem(a), stem(b));
        }
        assert!(!related(&stem("cat"), &stem("catalogue")), "three letters are not a family");
        assert_eq!(stem("class"), "class");
    }

    #[test]
    fn content_stems_skip_stopwords_and_short_words() {
        assert_eq!(content_stems("Why do cats purr?"), vec!["cat", "purr"]);
    }

    #[test]
    fn loops_are_found_but_lists_are_not() {
        assert!(loops(
            "How to Learn: The 2014-2015 Study: 1. The 2014-2015 Study: 2. The 2014-2015 Study: 3."
        ));
        assert!(loops("Explain the basics of purring. Explain the basics of purring."), "said twice");
        assert!(loops("very good very good very good very good"));
        assert!(!loops("Compare the cost of trains, the cost of buses and the cost of cars"));
        assert!(!loops("Explain how vaccines train the immune system to recognise a pathogen"));
    }

    #[test]
    fn instruction_triples_skip_placeholders() {
        let grams =
            instruction_trigrams("Divide the task below into exactly {count} sub-tasks.\nTask:\n{task}");
        assert!(grams.contains("divide the task"));
        assert!(grams.contains("into exactly sub"), "numbers drop out on both sides");
        assert!(!grams.iter().any(|g| g.contains("count")));
    }
}
