use proptest::prelude::*;

use super::*;

/// Feeds `text` in pieces of `chunk` characters, as a stream would; the loop and the bytes fed
/// when it was found.
fn run(text: &str, chunk: usize, repeats: u32) -> Option<(Loop, usize)> {
    let mut guard = LoopGuard::new(repeats);
    let chars: Vec<char> = text.chars().collect();
    let mut fed = 0;
    for piece in chars.chunks(chunk.max(1)) {
        let piece: String = piece.iter().collect();
        fed += piece.len();
        if let Some(found) = guard.feed(&piece) {
            return Some((found, fed));
        }
    }
    None
}

fn kept(text: &str, repeats: u32) -> Option<String> {
    run(text, 3, repeats).map(|(found, _)| text[..found.kept_bytes].to_string())
}

#[test]
fn a_repeated_line_keeps_its_first_copy() {
    let line = "The insight: What are the factors that contribute to a cat's purring?\n";
    let text = format!("Cats purr for many reasons.\n{}", line.repeat(10));
    let kept = kept(&text, 3).expect("a line said ten times is a loop");
    assert_eq!(kept, format!("Cats purr for many reasons.\n{}", line.trim_end()));
}

#[test]
fn a_numbered_list_of_one_item_is_a_loop() {
    let mut text = String::from("How to Learn a New Language: ");
    for i in 1..40 {
        text.push_str(&format!("{i}. The 2014-2015 Study: "));
    }
    let kept = kept(&text, 3).expect("the same item under rising numbers is a loop");
    assert_eq!(kept, "How to Learn a New Language: 1. The 2014-2015 Study:");
}

#[test]
fn a_phrase_repeated_without_line_breaks_is_a_loop() {
    let text = format!("Well, {}", "I hope this helps you. ".repeat(20));
    assert_eq!(kept(&text, 3).as_deref(), Some("Well, I hope this helps you."));
}

#[test]
fn a_single_word_needs_a_long_run() {
    assert_eq!(kept("no, no, no, I said no no no. ", 3), None);
    let text = format!("It said {}", "no ".repeat(30));
    assert_eq!(kept(&text, 3).as_deref(), Some("It said no"));
}

#[test]
fn more_repeats_wait_for_more_copies() {
    let line = "The cat purrs when it is content and calm at home.\n";
    let three = line.repeat(3) + "Next";
    assert!(kept(&three, 3).is_some());
    assert_eq!(kept(&three, 4), None, "three copies are not four");
    assert!(kept(&(line.repeat(4) + "x"), 4).is_some());
    assert!(kept(&(line.repeat(2) + "x"), 2).is_some(), "2 stops at the first repeat");
}

#[test]
fn prose_tables_lists_and_code_are_not_loops() {
    for (name, text) in [
        ("README.md", include_str!("../../README.md")),
        ("ARCHITECTURE.md", include_str!("../../docs/ARCHITECTURE.md")),
    ] {
        assert_eq!(run(text, 7, 2), None, "{name} is not a loop, even at 2 repeats");
    }
    let rows: String = (1..20).map(|i| format!("| Step {i} | ✓ | ✗ | yes |\n")).collect();
    let table = "| Column | Yes | No | Done |\n| --- | --- | --- | --- |\n".to_string()
        + &rows
        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
    assert_eq!(kept(&table, 3), None, "{table}");
    let list: String =
        (1..30).map(|i| format!("{i}. Step {i}: mix item {} with the rest\n", i * 7)).collect();
    assert_eq!(kept(&list, 3), None);
    let code = "```rust\nfn main() {\n    let mut x = 0;\n".to_string()
        + &"    x += 1;\n".repeat(8)
        + "    }\n    }\n    }\n    }\n    }\n}\n```\n";
    assert_eq!(kept(&code, 3), None, "{code}");
    let figures = "1990 1991 1992 1993 1994 1995 1996 1997 1998 1999 2000 2001 2002 2003 2004 ";
    assert_eq!(kept(figures, 3), None, "numbers only are figures, not a loop");
}

#[test]
fn a_loop_inside_code_is_still_found_with_more_copies() {
    let text = "```\n".to_string() + &"print(\"the cat purrs again and again\")\n".repeat(40);
    assert!(kept(&text, 3).is_some());
}

#[test]
fn a_repetition_quoted_from_the_prompt_is_not_a_loop_until_it_goes_on() {
    let sentence = "Tell me everything about light and air. ";
    let prompt = format!("Why is the sky blue? {}", sentence.repeat(20));
    let quoting = |copies: usize| {
        let mut guard = LoopGuard::new(3).with_prompt(&prompt);
        guard.feed(&format!("[\"Explain the physics of: Why is the sky blue? {}x", sentence.repeat(copies)))
    };
    assert_eq!(quoting(20), None, "the task quoted whole");
    assert_eq!(quoting(21), None);
    let found = quoting(22).expect("two copies beyond the prompt's own are a loop");
    assert_eq!(found.unit, sentence.trim_end());
    // A sentence the prompt says once is no excuse.
    let mut guard =
        LoopGuard::new(3).with_prompt("Why do cats purr? Tell me everything about light and air.");
    assert!(guard.feed(&sentence.repeat(3)).is_some());
}

#[test]
fn it_answers_once() {
    let mut guard = LoopGuard::new(2);
    let text = "one two three four five six seven. ".repeat(3);
    assert!(guard.feed(&text).is_some());
    assert_eq!(guard.feed(&text), None);
}

/// Distinct sentences from a vocabulary, with numbering and markdown around them.
fn prose() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec![
        "the",
        "cat",
        "purrs",
        "when",
        "it",
        "is",
        "calm",
        "and",
        "vibrates",
        "its",
        "larynx",
        "muscles",
        "at",
        "a",
        "rate",
        "of",
        "hertz",
        "which",
        "may",
        "help",
        "heal",
        "bones",
        "mother",
        "kittens",
        "signal",
        "hunger",
        "or",
        "stress",
        "too",
        "so",
        "not",
        "every",
        "means",
        "content",
        "|",
        "-",
        "**",
        "1.",
        "2.",
        "```",
        "}",
        "{",
        "42",
        "2014-2015",
    ]);
    prop::collection::vec(prop::collection::vec(word, 3..16), 1..40).prop_map(|sentences| {
        let mut seen = std::collections::HashSet::new();
        sentences
            .into_iter()
            .map(|words| words.join(" "))
            .filter(|s| seen.insert(s.clone()))
            .map(|s| s + ".\n")
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn distinct_sentences_never_loop(text in prose(), chunk in 1usize..12) {
        // Random words can repeat by chance; a run that long from a vocabulary of 44 would be a
        // one-in-billions draw, so any hit here is a false positive of the rule.
        prop_assert_eq!(run(&text, chunk, 3).map(|(l, _)| l.unit), None);
    }

    #[test]
    fn any_loop_is_found_within_its_bound(
        prefix in prose(),
        unit in prop::collection::vec("[a-z]{1,8}", 1..60),
        repeats in 2u32..6,
        chunk in 1usize..12,
    ) {
        let unit = unit.join(" ") + ". ";
        let text = format!("{prefix}{}", unit.repeat(60));
        let (found, fed) = run(&text, chunk, repeats).expect("a unit said 60 times is a loop");
        let loop_start = prefix.len() + unit.trim_end().len();
        // What is kept is the text before the loop and (at most) one copy: never a repeat.
        prop_assert!(found.kept_bytes <= loop_start, "kept {} > {}", found.kept_bytes, loop_start);
        prop_assert!(text.is_char_boundary(found.kept_bytes));
        // Found within (copies - 1) units after the loop began, plus the piece being fed.
        let words = unit.split_whitespace().count();
        let mut copies = (repeats as usize).max(12usize.div_ceil(words));
        // A prefix that leaves a code fence open puts the loop inside code: twice the copies.
        if prefix.lines().filter(|l| l.trim_start().starts_with("```")).count() % 2 == 1 {
            copies *= 2;
        }
        let bound = loop_start + (copies - 1) * unit.len() + chunk * 4;
        prop_assert!(fed <= bound, "found after {} bytes, bound {}", fed, bound);
    }
}
