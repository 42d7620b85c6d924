//! An answer that mostly writes its own prompt's instructions back ("3. Where replies disagree,
//! decide which is right…", "I hope this helps.") is no answer: small models do this when the
//! prompt is long for them. The cascade flags such an answer and does not pass it up as one.

use std::collections::HashSet;

use super::words::{instruction_trigrams, trigrams, words};

/// Sign-offs that say nothing either way; left out before measuring an answer.
const PLEASANTRIES: &[&str] =
    &["i hope this helps", "hope this helps", "let me know if", "feel free to", "happy to help", "good luck"];

/// Share of an answer's word triples that, found in its instructions, make it an echo.
const ECHO_SHARE: f64 = 0.5;
/// Fewest echoed triples that count: a short answer quoting three words of its prompt is fine.
const ECHO_MIN: usize = 4;

/// Why an answer is flagged, as the record and the pane give it.
pub const ECHOED_INSTRUCTIONS: &str = "the answer mostly repeated its own instructions";

/// True when at least half of `answer`'s word triples (sign-offs aside, within sentences) come from
/// the prompt's own instructions: `template` with its placeholders skipped, and `system`, the
/// member's system prompt. The task, the question and the children's replies are placeholders'
/// values, not instructions, so an answer may quote them freely.
pub fn echoes_instructions(answer: &str, template: &str, system: &str) -> bool {
    let mut instructions: HashSet<String> = instruction_trigrams(template);
    instructions.extend(instruction_trigrams(system));
    let said: Vec<String> = answer
        .split(['.', '!', '?', '\n'])
        .filter(|sentence| {
            let lower = sentence.trim().to_lowercase();
            !PLEASANTRIES.iter().any(|p| lower.starts_with(p))
        })
        .flat_map(|sentence| trigrams(&words(sentence)))
        .collect();
    let echoed = said.iter().filter(|t| instructions.contains(*t)).count();
    echoed >= ECHO_MIN && echoed as f64 >= ECHO_SHARE * said.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DEFAULT_HIERARCHY_TOML, parse_hierarchy};

    #[test]
    fn an_answer_that_writes_its_instructions_back_is_flagged_and_a_real_one_is_not() {
        let tree = parse_hierarchy(DEFAULT_HIERARCHY_TOML, "default").unwrap_or_else(|e| panic!("{e}"));
        let atlas = tree.root();
        let (template, system) = (&atlas.prompts.synthesize, &atlas.prompts.system);
        let echo = "Write the final answer to the user's question, using these replies:\n\
                    1. Start with a direct answer in one or two sentences.\n\
                    2. Then give the key points, combining the replies and dropping repetition.\n\
                    3. Where replies disagree, decide which is right and say why in one sentence.\n\
                    Adults learn languages well.\nI hope this helps.";
        assert!(echoes_instructions(echo, template, system));
        let real = "The best way for an adult to learn a language is daily practice with spaced repetition \
                    and real conversations. Start with the 1,000 most common words, speak from the first week, \
                    and accept mistakes: adults learn grammar faster than children when they study it \
                    explicitly. Where the replies disagree, the evidence favours immersion. I hope this helps.";
        assert!(!echoes_instructions(real, template, system));
        assert!(!echoes_instructions("Yes.", template, system), "too short to judge");
    }
}
