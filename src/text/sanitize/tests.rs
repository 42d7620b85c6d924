use proptest::prelude::*;

use super::*;

#[test]
fn strips_csi_osc_and_controls() {
    assert_eq!(sanitize("a\x1b[31mred\x1b[0m b"), "ared b");
    assert_eq!(sanitize("x\x1b]0;evil title\x07y"), "xy");
    assert_eq!(sanitize("x\x1b]52;c;aGVsbG8=\x1b\\y"), "xy");
    assert_eq!(sanitize("x\x1bP1$qm\x1b\\y"), "xy");
    assert_eq!(sanitize("bell\x07 back\x08 nul\0 del\x7f"), "bell back nul del");
    assert_eq!(sanitize("c1\u{9b}2Jz"), "c1z");
    assert_eq!(sanitize("c1\u{9d}0;title\u{9c}z"), "c1z");
    assert_eq!(sanitize("crlf\r\nline"), "crlf\nline");
    assert_eq!(sanitize("bidi \u{202e}txet"), "bidi txet");
}

#[test]
fn escapes_with_intermediates_end_at_their_final_byte() {
    // Designate a character set (`ESC ( B`): the `B` is part of the sequence, not text.
    assert_eq!(plain("a\x1b(Bb"), "ab");
    assert_eq!(plain("a\x1b#8b"), "ab");
}

#[test]
fn a_line_break_ends_a_broken_escape() {
    assert_eq!(plain("a\x1b\nb"), "a\nb");
    assert_eq!(plain("a\x1b\x1b[2Jb"), "ab");
    // CAN aborts a string sequence, as terminals do.
    assert_eq!(plain("a\x1b]0;t\x18b"), "ab");
}

#[test]
fn sequences_split_across_pieces_are_removed_whole() {
    let mut s = Sanitizer::new(Tabs::Expand);
    let mut out = String::new();
    for piece in ["ok \x1b", "[3", "1m", "red", "\x1b]0;t", "itle", "\x07 done"] {
        s.push(piece, &mut out);
    }
    assert_eq!(out, "ok red done");
}

#[test]
fn tabs_expand_to_stops_for_the_live_view() {
    assert_eq!(sanitize("\tx"), "    x");
    assert_eq!(sanitize("ab\tx\ny\tz"), "ab  x\ny   z");
}

#[test]
fn tabs_stay_in_plain_output() {
    assert_eq!(plain("all:\n\tcc -o x x.c\x1b[2J"), "all:\n\tcc -o x x.c");
}

#[test]
fn keeps_unicode_text() {
    assert_eq!(sanitize("héllo 世界 👩‍🔬"), "héllo 世界 👩‍🔬");
}

#[test]
fn json_keeps_the_value_but_spells_c1_as_escapes() {
    let text = "a\u{9b}2J\u{7f}\x1b[31mb";
    let json = serde_json::to_string(&text).unwrap_or_default();
    assert!(json.contains('\u{9b}'), "serde_json leaves C1 raw: {json:?}");
    let escaped = json_escape_c1(json);
    assert!(!escaped.chars().any(|c| c.is_control()), "{escaped:?}");
    assert_eq!(serde_json::from_str::<String>(&escaped).ok().as_deref(), Some(text));
}

/// Characters that start sequences or are otherwise controls, over-represented so that random
/// strings are full of half and whole escape sequences.
fn nasty_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        2 => prop::sample::select(vec![
            '\x1b', '\u{9b}', '\u{9c}', '\u{9d}', '\u{90}', '\u{98}', '\u{9e}', '\u{9f}', '\x07', '\x18',
            '\x1a', '\x7f', '\r', '\n', '\t', '\0', '\x08', '\u{85}', '\u{202e}', '\u{feff}',
        ]),
        3 => prop::sample::select(vec!['[', ']', 'P', 'X', '^', '_', '\\', '(', '#', ';', '0', '2', 'J', 'm', 'a']),
    ]
}

fn nasty_string() -> impl Strategy<Value = String> {
    prop::collection::vec(nasty_char(), 0..64).prop_map(|chars| chars.into_iter().collect())
}

/// What no output may hold: ESC, a C1 control, DEL, a C0 control other than `\n` and `\t`.
fn starts_nothing(out: &str, tabs: Tabs) -> Result<(), TestCaseError> {
    prop_assert!(!out.as_bytes().contains(&0x1b), "ESC in {out:?}");
    for c in out.chars() {
        let allowed = c == '\n' || (c == '\t' && tabs == Tabs::Keep);
        prop_assert!(allowed || !c.is_control(), "control {c:?} in {out:?}");
    }
    Ok(())
}

/// Not a control, nor a character the sanitizer hides on purpose (bidi overrides, BOM).
fn printable(c: char) -> bool {
    !c.is_control()
        && !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

proptest! {
    #[test]
    fn no_output_can_start_an_escape(input in nasty_string(), any_input in any::<String>()) {
        for text in [&input, &any_input] {
            starts_nothing(&plain(text), Tabs::Keep)?;
            starts_nothing(&sanitize(text), Tabs::Expand)?;
            starts_nothing(&one_line(text), Tabs::Expand)?;
            prop_assert!(!one_line(text).contains('\n'));
        }
    }

    #[test]
    fn text_without_controls_passes_unchanged(input in any::<String>()) {
        let clean: String = input.chars().filter(|&c| printable(c) || c == '\n' || c == '\t').collect();
        prop_assert_eq!(plain(&clean), clean.clone());
        let no_tabs = clean.replace('\t', " ");
        prop_assert_eq!(sanitize(&no_tabs), no_tabs);
    }

    #[test]
    fn pieces_give_what_the_whole_gives(input in nasty_string(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6)) {
        let chars: Vec<char> = input.chars().collect();
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(chars.len() + 1)).collect();
        at.sort_unstable();
        let mut s = Sanitizer::new(Tabs::Keep);
        let mut out = String::new();
        let mut from = 0;
        for to in at.into_iter().chain([chars.len()]) {
            s.push(&chars[from..to].iter().collect::<String>(), &mut out);
            from = to;
        }
        prop_assert_eq!(out, plain(&input));
    }

    #[test]
    fn sanitizing_twice_changes_nothing(input in nasty_string()) {
        let once = plain(&input);
        prop_assert_eq!(plain(&once), once.clone());
        let once = sanitize(&input);
        prop_assert_eq!(sanitize(&once), once);
    }

    #[test]
    fn json_read_back_is_exact(input in nasty_string()) {
        let json = serde_json::to_string(&input).unwrap_or_default();
        let escaped = json_escape_c1(json);
        prop_assert!(!escaped.chars().any(|c| c.is_control()), "{escaped:?}");
        prop_assert_eq!(serde_json::from_str::<String>(&escaped).ok(), Some(input));
    }
}
