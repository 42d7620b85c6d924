//! Separating inline `<think>…</think>` reasoning from the answer in streamed content. The tags
//! can be split across deltas ("<thi" + "nk>"), so a possible tag start is held back until the
//! next piece shows whether it is one.

use super::Delta;

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

/// Stateful splitter of streamed content into answer and reasoning.
#[derive(Debug, Default)]
pub struct ThinkSplitter {
    thinking: bool,
    /// Text held back because it may be the start of a tag.
    held: String,
    /// Just left a think block: the blank lines models put after `</think>` are not answer.
    trim_answer_start: bool,
}

impl ThinkSplitter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Splits the next piece of content; adjacent pieces of the same kind are merged.
    pub fn push(&mut self, piece: &str) -> Vec<Delta> {
        let mut text = std::mem::take(&mut self.held);
        text.push_str(piece);
        let mut out = Vec::new();
        let mut rest = text.as_str();
        loop {
            let tag = if self.thinking { CLOSE } else { OPEN };
            if let Some(at) = rest.find(tag) {
                self.emit(&rest[..at], &mut out);
                rest = &rest[at + tag.len()..];
                self.thinking = !self.thinking;
                self.trim_answer_start = !self.thinking;
                continue;
            }
            let keep = partial_tag_suffix(rest, tag);
            self.emit(&rest[..rest.len() - keep], &mut out);
            self.held = rest[rest.len() - keep..].to_string();
            return out;
        }
    }

    /// Ends the stream: anything held back was not a tag after all.
    pub fn finish(&mut self) -> Vec<Delta> {
        let held = std::mem::take(&mut self.held);
        let mut out = Vec::new();
        self.emit(&held, &mut out);
        out
    }

    fn emit(&mut self, text: &str, out: &mut Vec<Delta>) {
        let text = if self.trim_answer_start && !self.thinking {
            let trimmed = text.trim_start();
            if !trimmed.is_empty() {
                self.trim_answer_start = false;
            }
            trimmed
        } else {
            text
        };
        if text.is_empty() {
            return;
        }
        match (out.last_mut(), self.thinking) {
            (Some(Delta::Reasoning(last)), true) | (Some(Delta::Content(last)), false) => last.push_str(text),
            (_, true) => out.push(Delta::Reasoning(text.to_string())),
            (_, false) => out.push(Delta::Content(text.to_string())),
        }
    }
}

/// Length of the longest suffix of `text` that is a proper prefix of `tag` (a tag maybe cut off).
fn partial_tag_suffix(text: &str, tag: &str) -> usize {
    (1..tag.len().min(text.len() + 1))
        .rev()
        .find(|&n| text.is_char_boundary(text.len() - n) && text.ends_with(&tag[..n]))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn split_all(pieces: &[&str]) -> (String, String) {
        let mut splitter = ThinkSplitter::new();
        let mut deltas: Vec<Delta> = pieces.iter().flat_map(|p| splitter.push(p)).collect();
        deltas.extend(splitter.finish());
        let mut content = String::new();
        let mut reasoning = String::new();
        for delta in deltas {
            match delta {
                Delta::Content(t) => content.push_str(&t),
                Delta::Reasoning(t) => reasoning.push_str(&t),
            }
        }
        (content, reasoning)
    }

    #[test]
    fn think_block_is_kept_apart_from_the_answer() {
        assert_eq!(
            split_all(&["<think>Let me see.</think>\n\nThe answer is 4."]),
            ("The answer is 4.".into(), "Let me see.".into())
        );
    }

    #[test]
    fn tags_split_across_deltas_are_recognised() {
        assert_eq!(
            split_all(&["<thi", "nk>hm", "m</th", "ink", ">", "\n", "Yes"]),
            ("Yes".into(), "hmm".into())
        );
    }

    #[test]
    fn a_lone_angle_bracket_is_answer_text() {
        assert_eq!(split_all(&["a <", " b"]), ("a < b".into(), String::new()));
        assert_eq!(split_all(&["ends with <th"]), ("ends with <th".into(), String::new()));
    }

    #[test]
    fn unclosed_think_block_stays_reasoning() {
        assert_eq!(split_all(&["<think>still thinking"]), (String::new(), "still thinking".into()));
    }

    #[test]
    fn pieces_stream_as_they_come_when_no_tag_is_possible() {
        let mut splitter = ThinkSplitter::new();
        assert_eq!(splitter.push("Hello"), vec![Delta::Content("Hello".into())]);
        assert_eq!(splitter.push(" wor<"), vec![Delta::Content(" wor".into())]);
        assert_eq!(splitter.push("ld"), vec![Delta::Content("<ld".into())]);
    }

    proptest! {
        #[test]
        fn any_split_of_content_gives_the_same_answer_and_reasoning(
            text in "(<think>|</think>|[a-z <>/é]){0,30}",
            raw_cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        ) {
            let mut cuts: Vec<usize> = raw_cuts
                .iter()
                .map(|i| i.index(text.len() + 1))
                .filter(|&c| text.is_char_boundary(c))
                .collect();
            cuts.sort_unstable();
            let mut pieces = Vec::new();
            let mut start = 0;
            for cut in cuts {
                pieces.push(&text[start..cut]);
                start = cut;
            }
            pieces.push(&text[start..]);
            prop_assert_eq!(split_all(&pieces), split_all(&[text.as_str()]));
        }
    }
}
