//! The loop guard: notices, while a reply streams, that the model has fallen into degenerate
//! repetition (the same sentence again and again, a numbered list whose items are all one item, a
//! phrase repeated without line breaks), so its call can be stopped early.
//!
//! Pure: it sees text and answers where the loop began. Small local models loop until their token
//! cap; each repeat costs the user seconds of CPU, so detection is bounded: a loop whose unit is
//! `p` words is found at most `(copies - 1) * p` words after it began (see [`LoopGuard::feed`]).
//!
//! Words, not characters, are compared, after normalizing what varies between the copies of a
//! loop without making it a different sentence: case, the punctuation around a word, and numbers
//! in list markers ("1. The Study: 2. The Study:" is one unit repeated). Punctuation-only tokens (table rules,
//! bullets, closing braces) are not words, so a table or a block of code does not look like a loop.

/// The longest repeated unit looked for, in words. Longer loops are rare in small models and
/// would cost more than they save before they are found.
pub const MAX_UNIT_WORDS: usize = 200;
/// The fewest words the repeated region must span: a word or two said three times ("no, no,
/// no") is prose; twelve "no"s in a row are not.
const MIN_SPAN_WORDS: usize = 12;
/// Inside a fenced code block, lines legitimately repeat (`}` aside, `x += 1;`): it takes twice
/// the copies to call it a loop there.
const CODE_FACTOR: usize = 2;

use crate::config::defaults::LOOP_GUARD_REPEATS_RANGE as REPEATS_RANGE;

/// A loop found in a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loop {
    /// Bytes of the reply to keep: everything up to the end of the loop's first copy.
    pub kept_bytes: usize,
    /// The repeated unit as written (its first copy), for messages.
    pub unit: String,
    /// Words in one copy of the unit.
    pub unit_words: usize,
}

#[derive(Debug, Clone, Copy)]
struct Word {
    key: u64,
    /// Byte range of the token as written (its punctuation included).
    start: usize,
    end: usize,
    /// True when the word has a letter (a unit of numbers only is a table of figures, not a loop).
    alphabetic: bool,
    in_code: bool,
}

/// Watches one reply as it streams. Feed it every piece of answer text in order.
#[derive(Debug)]
pub struct LoopGuard {
    repeats: usize,
    text: String,
    words: Vec<Word>,
    /// Where the token being read began (`None` between tokens).
    token_start: Option<usize>,
    line_start: usize,
    in_code: bool,
    found: Option<Loop>,
    /// The prompt's words, to tell a reply quoting a repetition it was given from one looping.
    prompt: Vec<u64>,
}

impl LoopGuard {
    /// A guard that calls `repeats` copies of a unit a loop (clamped to [`REPEATS_RANGE`]).
    pub fn new(repeats: u32) -> Self {
        let (low, high) = (*REPEATS_RANGE.start() as usize, *REPEATS_RANGE.end() as usize);
        Self {
            repeats: (repeats as usize).clamp(low, high),
            text: String::new(),
            words: Vec::new(),
            token_start: None,
            line_start: 0,
            in_code: false,
            found: None,
            prompt: Vec::new(),
        }
    }

    /// The same guard, told what the model was asked: a repetition the prompt holds (a question
    /// that repeats a sentence, a task quoted into the split) is the model quoting, and only
    /// copies beyond the prompt's own make a loop.
    pub fn with_prompt(mut self, prompt: &str) -> Self {
        self.prompt = prompt.split_whitespace().filter_map(word_key).map(|(key, _)| key).collect();
        self
    }

    /// Takes the next piece of the reply; returns the loop the first time one is found (and
    /// `None` afterwards: the caller stops the call at the first answer).
    pub fn feed(&mut self, piece: &str) -> Option<Loop> {
        if self.found.is_some() {
            return None;
        }
        let base = self.text.len();
        self.text.push_str(piece);
        for (offset, c) in piece.char_indices() {
            let at = base + offset;
            if !c.is_whitespace() {
                self.token_start.get_or_insert(at);
                continue;
            }
            if let Some(start) = self.token_start.take() {
                if let Some(found) = self.end_token(start, at) {
                    self.found = Some(found.clone());
                    return Some(found);
                }
            }
            if c == '\n' {
                self.end_line(at);
            }
        }
        None
    }

    /// The reply so far, as fed.
    pub fn text(&self) -> &str {
        &self.text
    }

    fn end_line(&mut self, at: usize) {
        let line = self.text.get(self.line_start..at).unwrap_or_default().trim_start();
        if line.starts_with("```") || line.starts_with("~~~") {
            self.in_code = !self.in_code;
        }
        self.line_start = at + 1;
    }

    fn end_token(&mut self, start: usize, end: usize) -> Option<Loop> {
        let raw = self.text.get(start..end).unwrap_or_default();
        let (key, alphabetic) = word_key(raw)?;
        self.words.push(Word { key, start, end, alphabetic, in_code: self.in_code });
        self.check()
    }

    /// Looks for the shortest unit whose last copies end at the newest word.
    fn check(&self) -> Option<Loop> {
        let words = &self.words;
        let n = words.len();
        let code = words.last().is_some_and(|w| w.in_code);
        for unit in 1..=MAX_UNIT_WORDS.min(n / 2) {
            let mut copies = self.repeats.max(MIN_SPAN_WORDS.div_ceil(unit));
            if code {
                copies *= CODE_FACTOR;
            }
            let span = copies * unit;
            if span > n || words[n - 1].key != words[n - 1 - unit].key {
                continue;
            }
            let first = n - span;
            if !(first..n - unit).all(|i| words[i].key == words[i + unit].key) {
                continue;
            }
            if !words[first..first + unit].iter().any(|w| w.alphabetic) {
                continue;
            }
            // The loop may have begun before the copies just counted, mid-unit: walk back while
            // the text keeps the same period, so the first copy kept is the first one written.
            let mut begin = first;
            while begin > 0 && words[begin - 1].key == words[begin - 1 + unit].key {
                begin -= 1;
            }
            let quoted = self.quoted_copies(&words[begin..begin + unit]);
            if quoted >= 2 && (n - begin) / unit < quoted + copies - 1 {
                continue;
            }
            let kept_bytes = words[begin + unit - 1].end;
            let unit_text = self.text.get(words[begin].start..kept_bytes).unwrap_or_default();
            return Some(Loop { kept_bytes, unit: unit_text.to_string(), unit_words: unit });
        }
        None
    }
}

impl LoopGuard {
    /// The most copies of `unit` in a row in the prompt.
    fn quoted_copies(&self, unit: &[Word]) -> usize {
        let (p, u) = (&self.prompt, unit.len());
        let mut best = 0;
        let mut i = 0;
        while i + u <= p.len() {
            let mut copies = 0;
            while i + (copies + 1) * u <= p.len() && (0..u).all(|j| p[i + copies * u + j] == unit[j].key) {
                copies += 1;
            }
            best = best.max(copies);
            i += if copies > 0 { copies * u } else { 1 };
        }
        best
    }
}

/// A token's key and whether it has a letter; `None` for punctuation alone (not a word).
fn word_key(raw: &str) -> Option<(u64, bool)> {
    let core = raw.trim_matches(|c: char| !c.is_alphanumeric());
    if core.is_empty() {
        return None;
    }
    let key = if is_list_number(raw) { LIST_NUMBER_KEY } else { hash_lowercase(core) };
    Some((key, core.chars().any(char::is_alphabetic)))
}

/// Every list number reads alike: they count up between the copies of a loop. Other numbers
/// keep their value, so a table of "Step 1", "Step 2" rows is not one row repeated.
const LIST_NUMBER_KEY: u64 = 0x9e37_79b9_7f4a_7c15;

/// `1.`, `12)`, `3:`: digits closed by a list's punctuation.
fn is_list_number(raw: &str) -> bool {
    let digits = raw.trim_end_matches(['.', ')', ':']);
    digits.len() < raw.len() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// FNV-1a over the lowercased word: cheap, and collisions only matter if whole units collide.
fn hash_lowercase(word: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for c in word.chars().flat_map(char::to_lowercase) {
        let mut buf = [0u8; 4];
        for byte in c.encode_utf8(&mut buf).bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
#[path = "loop_guard_tests.rs"]
mod tests;
