//! Streaming delegation: reads sub-tasks out of a split *while it streams*, so a child can start
//! as soon as its own element of the JSON array is closed instead of waiting for the whole split.
//!
//! Only a reply that starts as a JSON array (what a grammar-constrained server produces) is read
//! early. The final parse stays the authority: the caller restarts any child whose early task
//! differs from it, so an early start can never leave a child with the wrong task.

/// Watches a split's text and yields each top-level string element of the array once it closes.
#[derive(Debug, Default)]
pub struct SplitWatcher {
    state: State,
    /// Text seen before the array began (only whitespace or a code fence is allowed there).
    lead: String,
    /// The raw JSON of the string element being read, quotes included.
    element: String,
    escaped: bool,
    found: usize,
}

#[derive(Debug, Default, PartialEq, Eq)]
enum State {
    #[default]
    BeforeArray,
    BetweenElements,
    InString,
    /// The array closed, or the text is not a plain array of strings: nothing more to read early.
    Stopped,
}

impl SplitWatcher {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds more text; returns the elements completed by it, as (index, task).
    pub fn push(&mut self, text: &str) -> Vec<(usize, String)> {
        let mut completed = Vec::new();
        for c in text.chars() {
            match self.state {
                State::Stopped => break,
                State::BeforeArray => self.before_array(c),
                State::BetweenElements => match c {
                    '"' => {
                        self.element.clear();
                        self.element.push('"');
                        self.state = State::InString;
                    }
                    ',' => {}
                    c if c.is_whitespace() => {}
                    _ => self.state = State::Stopped,
                },
                State::InString => {
                    self.element.push(c);
                    if self.escaped {
                        self.escaped = false;
                    } else if c == '\\' {
                        self.escaped = true;
                    } else if c == '"' {
                        self.state = State::BetweenElements;
                        match serde_json::from_str::<String>(&escape_raw_controls(&self.element)) {
                            Ok(task) if !task.trim().is_empty() => {
                                completed.push((self.found, task.trim().to_string()));
                                self.found += 1;
                            }
                            _ => self.state = State::Stopped,
                        }
                    }
                }
            }
        }
        completed
    }

    fn before_array(&mut self, c: char) {
        if c == '[' {
            let lead = self.lead.trim();
            let fenced = lead.is_empty() || lead == "```json" || lead == "```";
            self.state = if fenced { State::BetweenElements } else { State::Stopped };
        } else {
            self.lead.push(c);
            if self.lead.len() > 16 {
                self.state = State::Stopped;
            }
        }
    }
}

/// `json` with the control characters written raw inside its strings escaped (a newline as `\n`),
/// so it parses. llama-cpp-python's JSON grammar lets a model write them (its string character is
/// `[^"\\]`), and strict JSON forbids them: without this, its grammar-constrained splits would not
/// be read. Text outside strings is left as it is.
pub fn escape_raw_controls(json: &str) -> std::borrow::Cow<'_, str> {
    if !json.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        match c {
            _ if escaped => {
                escaped = false;
                out.push(c);
            }
            '\\' if in_string => {
                escaped = true;
                out.push(c);
            }
            '"' => {
                in_string = !in_string;
                out.push(c);
            }
            '\n' if in_string => out.push_str("\\n"),
            '\r' if in_string => out.push_str("\\r"),
            '\t' if in_string => out.push_str("\\t"),
            c if in_string && c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn all(chunks: &[&str]) -> Vec<(usize, String)> {
        let mut watcher = SplitWatcher::new();
        chunks.iter().flat_map(|c| watcher.push(c)).collect()
    }

    #[test]
    fn elements_come_out_as_they_close() {
        let mut watcher = SplitWatcher::new();
        assert_eq!(watcher.push("[\"first ta"), vec![]);
        assert_eq!(watcher.push("sk\", \"sec"), vec![(0, "first task".to_string())]);
        assert_eq!(watcher.push("ond\"]"), vec![(1, "second".to_string())]);
    }

    #[test]
    fn escapes_and_fences_are_understood() {
        assert_eq!(all(&["```json\n[\"say \\\"hi\\\" \\u00e9\"]"]), vec![(0, "say \"hi\" é".to_string())]);
    }

    #[test]
    fn raw_newlines_inside_strings_are_read_as_escaped() {
        // What llama-cpp-python's grammar let SmolLM2 write.
        assert_eq!(
            all(&["[ \"first\nline\", \"tab\there\" ]"]),
            vec![(0, "first\nline".to_string()), (1, "tab\there".to_string())]
        );
        assert_eq!(escape_raw_controls("[\n \"a\nb\"\n]"), "[\n \"a\\nb\"\n]", "only inside strings");
        assert_eq!(escape_raw_controls("[\"a\\\"\nb\"]"), "[\"a\\\"\\nb\"]", "an escaped quote stays inside");
    }

    #[test]
    fn prose_or_objects_are_not_read_early() {
        assert_eq!(all(&["Sure! Here are the tasks: [\"a\", \"b\"]"]), vec![]);
        assert_eq!(all(&["[{\"task\": \"a\"}]"]), vec![]);
    }

    proptest! {
        #[test]
        fn any_chunking_gives_the_same_elements(cuts in proptest::collection::vec(0usize..60, 0..8)) {
            let text = "[\"Explain the \\\"code\\\" path\", \"Reflect: ünïcödé ✓\", \"third\"]";
            let whole = all(&[text]);
            let mut bounds: Vec<usize> = cuts.into_iter().map(|c| c.min(text.len())).collect();
            bounds.retain(|b| text.is_char_boundary(*b));
            bounds.sort_unstable();
            let mut chunks = Vec::new();
            let mut start = 0;
            for b in bounds {
                chunks.push(&text[start..b]);
                start = b;
            }
            chunks.push(&text[start..]);
            prop_assert_eq!(all(&chunks), whole);
        }
    }
}
