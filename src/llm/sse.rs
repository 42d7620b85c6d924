//! Server-sent events parsed over a byte buffer, never per network read: a line, a line ending
//! (`\r` + `\n`) or a UTF-8 character may be split across reads. Follows the WHATWG event-stream
//! rules (LF, CRLF and CR line endings, a leading BOM, `:` comments, multi-line `data:`), plus one
//! leniency servers need: at the end of the stream a pending event is dispatched even without the
//! closing blank line.

/// One dispatched event: its `event:` name (if any) and its `data:` lines joined by `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub event: Option<String>,
    pub data: String,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Incremental parser: feed it bytes as they arrive, then call [`SseParser::finish`] at the end.
#[derive(Debug, Default)]
pub struct SseParser {
    /// Bytes of the current, unfinished line.
    line: Vec<u8>,
    /// The last byte seen was a `\r`: a `\n` right after it belongs to the same line ending.
    after_cr: bool,
    /// The start of the stream has been checked for a BOM.
    bom_checked: bool,
    /// Bytes held while deciding whether the stream starts with a BOM.
    head: Vec<u8>,
    event: Option<String>,
    /// Data lines of the pending event, each followed by `\n` (as the spec builds it).
    data: String,
    has_data: bool,
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Consumes the next bytes of the stream and returns every event they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        if self.bom_checked {
            self.scan(bytes, &mut events);
            return events;
        }
        self.head.extend_from_slice(bytes);
        let head_len = self.head.len().min(BOM.len());
        if self.head[..head_len] != BOM[..head_len] {
            self.start_body(0, &mut events);
        } else if self.head.len() >= BOM.len() {
            self.start_body(BOM.len(), &mut events);
        }
        events
    }

    /// Ends the stream: the unfinished line is taken as a line, and a pending event is dispatched.
    pub fn finish(&mut self) -> Vec<SseEvent> {
        let mut events = Vec::new();
        if !self.bom_checked {
            // A stream shorter than a BOM that looked like one's start: it is just bytes.
            self.start_body(0, &mut events);
        }
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, &mut events);
        }
        self.dispatch(&mut events);
        self.after_cr = false;
        events
    }

    fn start_body(&mut self, skip: usize, events: &mut Vec<SseEvent>) {
        self.bom_checked = true;
        let head = std::mem::take(&mut self.head);
        self.scan(&head[skip..], events);
    }

    fn scan(&mut self, bytes: &[u8], events: &mut Vec<SseEvent>) {
        let mut rest = bytes;
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            if let Some(stripped) = rest.strip_prefix(b"\n") {
                rest = stripped;
            }
        }
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            let line_rest = &rest[..end];
            let line = if self.line.is_empty() {
                line_rest.to_vec()
            } else {
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(line_rest);
                line
            };
            self.process_line(&line, events);
            let is_cr = rest[end] == b'\r';
            rest = &rest[end + 1..];
            if is_cr {
                match rest.first() {
                    Some(b'\n') => rest = &rest[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.line.extend_from_slice(rest);
    }

    fn process_line(&mut self, line: &[u8], events: &mut Vec<SseEvent>) {
        if line.is_empty() {
            self.dispatch(events);
            return;
        }
        if line[0] == b':' {
            return;
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => self.event = Some(value.to_string()),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
                self.has_data = true;
            }
            // `id` and `retry` matter to browsers reconnecting, not to one completion.
            _ => {}
        }
    }

    fn dispatch(&mut self, events: &mut Vec<SseEvent>) {
        let event = self.event.take();
        if !self.has_data {
            return;
        }
        self.has_data = false;
        let mut data = std::mem::take(&mut self.data);
        data.pop();
        events.push(SseEvent { event: event.filter(|e| !e.is_empty()), data });
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn parse_whole(input: &[u8]) -> Vec<SseEvent> {
        let mut parser = SseParser::new();
        let mut events = parser.feed(input);
        events.extend(parser.finish());
        events
    }

    fn parse_split(input: &[u8], cuts: &[usize]) -> Vec<SseEvent> {
        let mut parser = SseParser::new();
        let mut events = Vec::new();
        let mut start = 0;
        for &cut in cuts {
            events.extend(parser.feed(&input[start..cut]));
            start = cut;
        }
        events.extend(parser.feed(&input[start..]));
        events.extend(parser.finish());
        events
    }

    fn data(text: &str) -> SseEvent {
        SseEvent { event: None, data: text.to_string() }
    }

    #[test]
    fn lf_crlf_and_cr_endings_all_separate_events() {
        for ending in ["\n", "\r\n", "\r"] {
            let input = format!("data: one{ending}{ending}data: two{ending}{ending}");
            assert_eq!(parse_whole(input.as_bytes()), vec![data("one"), data("two")], "ending {ending:?}");
        }
    }

    #[test]
    fn cr_at_the_end_of_one_read_and_lf_at_the_start_of_the_next_is_one_ending() {
        let mut parser = SseParser::new();
        assert!(parser.feed(b"data: a\r").is_empty());
        // If the LF counted as a second line ending, this would dispatch "a" early.
        assert!(parser.feed(b"\ndata: b\r").is_empty());
        assert_eq!(parser.feed(b"\n\r\n"), vec![data("a\nb")]);
    }

    #[test]
    fn multi_line_data_comments_and_event_names() {
        let input = b": keep-alive\nevent: error\ndata: {\"error\":\ndata:  \"boom\"}\n\ndata:x\n\n";
        assert_eq!(
            parse_whole(input),
            vec![SseEvent { event: Some("error".into()), data: "{\"error\":\n \"boom\"}".into() }, data("x"),]
        );
    }

    #[test]
    fn event_name_without_data_is_not_dispatched_and_does_not_leak() {
        assert_eq!(parse_whole(b"event: error\n\ndata: ok\n\n"), vec![data("ok")]);
    }

    #[test]
    fn empty_data_field_dispatches_an_empty_event() {
        assert_eq!(parse_whole(b"data\n\ndata:\n\n"), vec![data(""), data("")]);
    }

    #[test]
    fn leading_bom_is_stripped_even_when_split() {
        let mut parser = SseParser::new();
        assert!(parser.feed(b"\xEF").is_empty());
        assert!(parser.feed(b"\xBB").is_empty());
        let mut events = parser.feed(b"\xBFdata: hi\n\n");
        events.extend(parser.finish());
        assert_eq!(events, vec![data("hi")]);
        // Only at the very start.
        assert_eq!(parse_whole(b"data: a\xEF\xBB\xBF\n\n"), vec![data("a\u{feff}")]);
    }

    #[test]
    fn utf8_split_across_reads_is_reassembled() {
        let input = "data: héllo 🌍\n\n".as_bytes();
        let cuts: Vec<usize> = (1..input.len()).collect();
        assert_eq!(parse_split(input, &cuts), vec![data("héllo 🌍")]);
    }

    #[test]
    fn a_final_event_without_blank_line_is_flushed_at_the_end() {
        assert_eq!(parse_whole(b"data: a\n\ndata: [DONE]"), vec![data("a"), data("[DONE]")]);
        assert_eq!(parse_whole(b"data: [DONE]\n"), vec![data("[DONE]")]);
    }

    #[test]
    fn a_stream_shorter_than_a_bom_is_still_parsed() {
        assert_eq!(parse_whole(b"\xEF"), vec![]);
        assert_eq!(parse_whole(b"da"), vec![]);
    }

    fn sse_input() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b"data: ".to_vec()),
            Just(b"data:".to_vec()),
            Just(b"event: error".to_vec()),
            Just(b": comment".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\xEF\xBB\xBF".to_vec()),
            Just("é🌍".as_bytes().to_vec()),
            Just(b"{\"choices\":[]}".to_vec()),
            Just(b"[DONE]".to_vec()),
            "[a-z :]{0,6}".prop_map(String::into_bytes),
        ];
        (any::<bool>(), prop::collection::vec(piece, 0..40)).prop_map(|(bom, pieces)| {
            let mut input = if bom { BOM.to_vec() } else { Vec::new() };
            input.extend(pieces.concat());
            input
        })
    }

    proptest! {
        #[test]
        fn any_split_parses_like_the_whole(
            input in sse_input(),
            raw_cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
        ) {
            let mut cuts: Vec<usize> = raw_cuts.iter().map(|i| i.index(input.len() + 1)).collect();
            cuts.sort_unstable();
            prop_assert_eq!(parse_split(&input, &cuts), parse_whole(&input));
        }

        #[test]
        fn byte_by_byte_parses_like_the_whole(input in sse_input()) {
            let cuts: Vec<usize> = (0..=input.len()).collect();
            prop_assert_eq!(parse_split(&input, &cuts), parse_whole(&input));
        }
    }
}
