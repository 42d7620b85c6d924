//! The mock's answer when no test scripted one (end-to-end runs of the real binary, benchmarks):
//! a JSON array of exactly `minItems` strings for a json_schema split, otherwise a short answer
//! that names the model and quotes the start of the last user message.

use serde_json::Value;

use super::script::{Step, StreamScript};
use super::{MockConfig, RecordedRequest};

/// Words used to pad an answer to the configured token count.
const FILLER: &[&str] = &[
    "this", "comes", "down", "to", "a", "few", "clear", "points", "worth", "weighing", "with", "care,",
    "and", "each", "one", "builds", "on", "the", "last.",
];

/// A stream answering `request` the way a cooperative model would.
pub fn script_for(request: &RecordedRequest, config: &MockConfig) -> StreamScript {
    let quote = quote_of(request.last_user_message().unwrap_or(""));
    let pieces = match request.split_count() {
        Some(count) => json_array_pieces(count, &quote),
        None => answer_pieces(request.model(), &quote, config.answer_tokens),
    };
    let prompt_chars: usize = messages(request).map(|m| m.len()).sum();
    let mut steps = Vec::with_capacity(pieces.len() + 4);
    if !config.first_token_delay.is_zero() {
        steps.push(Step::Pause(config.first_token_delay));
    }
    let completion_tokens = pieces.len() as u32;
    steps.extend(pieces.into_iter().map(Step::Content));
    steps.push(Step::Finish("stop".into()));
    steps.push(Step::Usage { prompt_tokens: (prompt_chars / 4) as u32, completion_tokens });
    steps.push(Step::Done);
    StreamScript { steps, step_delay: config.token_delay, timings: config.timings, ..StreamScript::default() }
}

fn messages(request: &RecordedRequest) -> impl Iterator<Item = &str> {
    request
        .body
        .get("messages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("content").and_then(Value::as_str))
}

/// The first words of the user's message, on one line.
fn quote_of(message: &str) -> String {
    let words: Vec<&str> = message.split_whitespace().collect();
    let mut quote = words.iter().take(8).copied().collect::<Vec<_>>().join(" ");
    if words.len() > 8 {
        quote.push('…');
    }
    quote
}

/// `["Part 1 of 3: …", …]` streamed in word-sized pieces.
fn json_array_pieces(count: usize, quote: &str) -> Vec<String> {
    let items: Vec<String> = (1..=count).map(|i| format!("Part {i} of {count} of \"{quote}\"")).collect();
    let text = Value::from(items).to_string();
    text.split_inclusive(' ').map(str::to_string).collect()
}

/// "<model> here. On "<quote>": …" padded with filler words to `tokens` pieces.
fn answer_pieces(model: &str, quote: &str, tokens: usize) -> Vec<String> {
    let header = format!("{model} here. On \"{quote}\": ");
    let mut pieces: Vec<String> = header.split_inclusive(' ').map(str::to_string).collect();
    let header_len = pieces.len();
    // Each round of filler is numbered: a cooperative model does not say one sentence over and
    // over, and the loop guard would rightly stop one that did.
    let mut filler = FILLER.iter().enumerate().cycle();
    let mut round = 0;
    while pieces.len() < tokens {
        if let Some((i, word)) = filler.next() {
            if i == 0 && round > 0 {
                pieces.push(format!("({round}) "));
            }
            round += usize::from(i == 0);
            pieces.push(format!("{word} "));
        }
    }
    pieces.truncate(tokens.max(header_len));
    if pieces.len() > header_len
        && let Some(last) = pieces.last_mut()
    {
        *last = format!("{}.", last.trim_end().trim_end_matches(['.', ',']));
    }
    pieces
}
