//! Reading a judge's reply, and the swap rule: each pair is judged twice with the order swapped,
//! and only agreement counts; disagreement or a tie is a tie (judges favour the first answer).

use serde::{Deserialize, Serialize};

/// Which shown answer the judge preferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    A,
    B,
    Tie,
}

/// The outcome for the two arms compared, after the swap rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The first arm of the pair won.
    First,
    /// The second arm of the pair won.
    Second,
    Tie,
    /// Human votes only: neither answer is acceptable (counted as a tie in win rates).
    BothBad,
}

/// A judge's pick and reason, read leniently from its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgeReading {
    pub pick: Option<Pick>,
    pub reason: String,
}

/// Reads `{"winner": "A"|"B"|"tie", "reason": …}`, or failing that a clear "A"/"B"/"tie" in prose.
/// `pick` is `None` when the text says nothing usable (counted as a tie by the swap rule).
pub fn read_judgement(text: &str) -> JudgeReading {
    #[derive(Deserialize)]
    struct Json {
        winner: String,
        #[serde(default)]
        reason: String,
    }
    if let Some(start) = text.find('{') {
        let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Json>();
        if let Some(Ok(json)) = stream.next() {
            return JudgeReading { pick: pick_word(&json.winner), reason: json.reason.trim().to_string() };
        }
    }
    JudgeReading { pick: pick_in_prose(text), reason: text.trim().chars().take(300).collect() }
}

fn pick_word(word: &str) -> Option<Pick> {
    match word.trim().trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase().as_str() {
        "a" | "answer a" => Some(Pick::A),
        "b" | "answer b" => Some(Pick::B),
        "tie" | "draw" | "equal" | "both" => Some(Pick::Tie),
        _ => None,
    }
}

/// "Answer A is better", "Winner: B", "It's a tie": only when exactly one choice is named.
/// Phrases match whole words, so "tie" is not found in "properties" nor "answer a" in "answer about".
fn pick_in_prose(text: &str) -> Option<Pick> {
    // "Winner: B" reads as the words "winner b".
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let says = |phrases: &[&str]| phrases.iter().any(|p| contains_phrase(&words, p));
    let says_a = says(&["answer a", "winner a", "winner is a", "a is better"]);
    let says_b = says(&["answer b", "winner b", "winner is b", "b is better"]);
    let says_tie = says(&["tie", "equally good"]);
    match (says_a, says_b, says_tie) {
        (true, false, false) => Some(Pick::A),
        (false, true, false) => Some(Pick::B),
        (false, false, true) => Some(Pick::Tie),
        _ => None,
    }
}

/// True when `phrase` (words separated by single spaces) occurs as consecutive whole words.
fn contains_phrase(words: &[String], phrase: &str) -> bool {
    let wanted: Vec<&str> = phrase.split(' ').collect();
    words.windows(wanted.len()).any(|w| w.iter().zip(&wanted).all(|(a, b)| a == b))
}

/// Why the swap rule gave a tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieKind {
    /// The judge called it a tie in both orders.
    Explicit,
    /// The judge's picks did not agree across the two orders (often: whichever was shown first).
    Disagreed,
    /// At least one reply said nothing the lab could read as A, B or tie.
    Unreadable,
}

/// What kind of tie two picks make, or `None` when they agree on a winner.
pub fn tie_kind(first_order: Option<Pick>, swapped: Option<Pick>) -> Option<TieKind> {
    match (first_order, swapped) {
        (Some(Pick::A), Some(Pick::B)) | (Some(Pick::B), Some(Pick::A)) => None,
        (None, _) | (_, None) => Some(TieKind::Unreadable),
        (Some(Pick::Tie), Some(Pick::Tie)) => Some(TieKind::Explicit),
        _ => Some(TieKind::Disagreed),
    }
}

/// The swap rule. `first_order` showed the pair's first arm as A; `swapped` showed it as B.
pub fn combine(first_order: Option<Pick>, swapped: Option<Pick>) -> Outcome {
    match (first_order, swapped) {
        (Some(Pick::A), Some(Pick::B)) => Outcome::First,
        (Some(Pick::B), Some(Pick::A)) => Outcome::Second,
        _ => Outcome::Tie,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_and_prose() {
        let r = read_judgement("{\"winner\": \"B\", \"reason\": \"more accurate\"}");
        assert_eq!(r.pick, Some(Pick::B));
        assert_eq!(r.reason, "more accurate");
        assert_eq!(read_judgement("Sure: {\"winner\":\"tie\",\"reason\":\"same\"}").pick, Some(Pick::Tie));
        assert_eq!(read_judgement("I think Answer A is clearer.").pick, Some(Pick::A));
        assert_eq!(read_judgement("Answer A is good but answer B is better").pick, None);
        assert_eq!(read_judgement("The weather is nice").pick, None);
        assert_eq!(read_judgement("Winner: B, clearly.").pick, Some(Pick::B));
        assert_eq!(read_judgement("It's a tie.").pick, Some(Pick::Tie));
    }

    #[test]
    fn prose_matches_whole_words_only() {
        // "tie" inside "properties" and "entities" is not a tie.
        let text = "Answer B lists the properties of both entities more precisely.";
        assert_eq!(read_judgement(text).pick, Some(Pick::B));
        assert_eq!(read_judgement("Both cover its properties well.").pick, None);
        assert_eq!(read_judgement("The answer about tides is fine").pick, None);
        assert_eq!(read_judgement("Answer A, although it ties loosely.").pick, Some(Pick::A));
    }

    #[test]
    fn ties_say_why() {
        assert_eq!(tie_kind(Some(Pick::A), Some(Pick::B)), None);
        assert_eq!(tie_kind(Some(Pick::Tie), Some(Pick::Tie)), Some(TieKind::Explicit));
        assert_eq!(tie_kind(Some(Pick::A), Some(Pick::A)), Some(TieKind::Disagreed));
        assert_eq!(tie_kind(Some(Pick::Tie), Some(Pick::B)), Some(TieKind::Disagreed));
        assert_eq!(tie_kind(None, Some(Pick::B)), Some(TieKind::Unreadable));
    }

    #[test]
    fn swap_rule_counts_only_agreement() {
        assert_eq!(combine(Some(Pick::A), Some(Pick::B)), Outcome::First);
        assert_eq!(combine(Some(Pick::B), Some(Pick::A)), Outcome::Second);
        // Position bias: "A" both times means the judge preferred whatever came first.
        assert_eq!(combine(Some(Pick::A), Some(Pick::A)), Outcome::Tie);
        assert_eq!(combine(Some(Pick::Tie), Some(Pick::B)), Outcome::Tie);
        assert_eq!(combine(None, Some(Pick::B)), Outcome::Tie);
    }
}
