//! The help's Concepts page: what the words on the screen mean, each in two or three plain
//! sentences, for someone who came to watch a team of models work and does not program.

use crate::tui::text::wrap::{Row, Wrapper};
use crate::tui::theme::Role;

/// (heading, explanation) in the order a run meets them.
pub const CONCEPTS: &[(&str, &str)] = &[
    (
        "The tree",
        "ailab runs a small organization of language models. Each member is one model with its own \
         instructions (its role). A member with others under it leads them: it divides its task among \
         them, then combines their replies. Members at the bottom of the tree answer directly.",
    ),
    (
        "Split (dividing the task)",
        "A leading member first asks its model to divide the task into one sub-task per member under \
         it. If the model's answer cannot be read as a list, or a sub-task is unusable (a placeholder, \
         a loop, a copy of the instructions), that member gets the whole task instead, framed by its \
         role: the pane says \"fallback\" and why.",
    ),
    (
        "Delegate",
        "Handing each sub-task to the member it was written for. The members under one leader work at \
         the same time when the server allows it; a member may start while its leader is still writing \
         the other sub-tasks.",
    ),
    (
        "Answer",
        "A member at the bottom of the tree answers its sub-task in its own role. Its answer goes up to \
         the member that asked.",
    ),
    (
        "Synthesize (combining)",
        "A leading member reads the replies of the members under it and writes one answer to its own \
         task, adding its own view. The top member's synthesis is the team's final answer.",
    ),
    (
        "Reflect, critique, revise",
        "Optional steps a member can take before passing its answer on: reflect (re-read its own draft \
         and improve it), critique (a leader points out what its team's replies got wrong) and revise \
         (rewrite with that critique in hand). Each costs one more model call; they are switched on per \
         member in the Prompts tab.",
    ),
    (
        "A member's pane",
        "Each pane tells its member's story in order, one section per step: what it was asked, how it \
         divided its task (each sub-task with the name of the member it went to), then its answer or \
         synthesis, reflections and revisions. The line under the name says in plain words what the \
         member is doing now. Ctrl-O, or a click on a section's header, folds a finished section.",
    ),
    (
        "Degraded",
        "Something failed but the run went on: a member could not answer, so the member above it \
         worked with what it had. The answer is still given; the pane of the member that failed says why.",
    ),
    (
        "Looped",
        "Small models sometimes repeat the same line over and over. ailab stops such a call early and \
         keeps the text up to where the repetition began, so the run goes on without minutes of waste.",
    ),
    (
        "Tokens",
        "Models read and write text in pieces called tokens: a short word is one token, a long word two \
         or three. A model's context window (for Phi-3.1 mini, 4096 tokens) has to hold the question, \
         the instructions and the answer together.",
    ),
    (
        "tok/s",
        "Tokens per second: how fast a model is writing its answer right now. On a laptop a small \
         model writes perhaps 10 to 60; several members writing at once share the computer's speed.",
    ),
    (
        "TTFT (time to first token)",
        "How long a call waited before the first word arrived. The server reads the whole prompt first \
         (longer prompts take longer), loads the model the first time, or waits for a free slot.",
    ),
    (
        "Conversation",
        "After a run, what you type next is a follow-up: every member is reminded of the earlier \
         questions and answers. Ctrl-E asks one member alone; Alt-U sends its reply up so the members \
         above it combine the answers again. Ctrl-N starts a new conversation.",
    ),
    (
        "The Lab: arms",
        "The Lab asks whether the team beats one model. It puts the same question to the tree, to one \
         model alone (solo), and to one model given as many calls as the tree used (same compute), then \
         compares the answers in pairs.",
    ),
    (
        "The judge",
        "A model (ideally a bigger one than the team's) reads two answers without knowing who wrote \
         them and says which is better. It judges every pair twice, with the answers swapped, because \
         models tend to favour whichever they read first; if it disagrees with itself, the pair is a tie.",
    ),
    (
        "Confidence interval",
        "With a handful of questions, a win rate is uncertain. The range shown (for example 33% to 63%) \
         is where the real win rate most likely lies; when it includes 50%, the Lab cannot say which \
         side is better yet, and it says so instead of naming a winner.",
    ),
];

/// The Concepts page wrapped to `width`.
pub fn rows(width: usize) -> Vec<Row> {
    let mut w = Wrapper::new(width);
    for (i, (heading, text)) in CONCEPTS.iter().enumerate() {
        if i > 0 {
            w.newline();
        }
        w.push_str(heading, Role::Heading);
        w.newline();
        w.set_hang(2, Role::Text);
        w.push_unbroken("  ", Role::Text);
        w.push_str(text, Role::Text);
        w.newline();
    }
    w.all_rows()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_concept_is_two_or_three_sentences_of_plain_words() {
        for (heading, text) in CONCEPTS {
            let sentences = text.matches(". ").count() + usize::from(text.ends_with('.'));
            assert!((2..=4).contains(&sentences), "{heading}: {sentences} sentences");
            for jargon in ["SSE", "HTTP", "4xx", "OSC", "$EDITOR", "Wilson", "JSON"] {
                assert!(!text.contains(jargon), "{heading} says {jargon}");
            }
        }
    }

    #[test]
    fn the_page_wraps_to_any_width_without_losing_a_heading() {
        for width in [30, 60, 100] {
            let rows = rows(width);
            let text: String = rows.iter().map(|r| r.text()).collect::<Vec<_>>().join("\n");
            for (heading, _) in CONCEPTS {
                assert!(text.contains(heading) || width < heading.len(), "{heading} at {width}");
            }
        }
    }
}
