//! The Lab tab and the blind vote screen on ratatui's TestBackend: insta snapshots at three
//! sizes (the smallest the app draws at, 40×12, included), empty and with data, the high-contrast
//! theme; the vote screen never names an arm before the vote; any size draws without panicking.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;

use super::ui::update;
use ailab::lab::levels::MemberValue;
use ailab::lab::stats::Tally;
use ailab::lab::verdict::Outcome;
use ailab::lab::{Arm, Progress};
use ailab::tui::msg::Msg;
use ailab::tui::msg::lab::{ComparisonEnd, LabMsg};
use ailab::tui::state::State;
use ailab::tui::theme::Role;

use super::lab_support::{data, empty_data, lab_state, organizations_data, organizations_data_with};
use super::support::{T0, feed, full_run};
use crate::screen::{render, screen_problems, screen_text, text};

const SIZES: &[(u16, u16)] = &[(120, 40), (80, 24), (40, 12)];

fn snapshot_sizes(name: &str, state: &mut State) {
    for &(w, h) in SIZES {
        let terminal = render(state, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    }
}

fn press(state: &mut State, c: char) {
    update(state, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
}

#[test]
fn lab_empty_record() {
    let mut s = lab_state(120, 40, Some(empty_data()));
    snapshot_sizes("lab_empty", &mut s);
}

#[test]
fn lab_reading_the_record() {
    let mut s = lab_state(80, 24, None);
    assert!(screen_text(&mut s, 80, 24).contains("Reading the record"));
}

#[test]
fn lab_with_data() {
    let mut s = lab_state(120, 40, Some(data()));
    snapshot_sizes("lab_data", &mut s);
}

#[test]
fn lab_scrolled_to_the_costs() {
    let mut s = lab_state(80, 24, Some(data()));
    update(&mut s, Msg::Resize { width: 80, height: 24 });
    for _ in 0..46 {
        press(&mut s, 'j');
    }
    let terminal = render(&mut s, 80, 24);
    let shown = text(&terminal);
    assert!(shown.contains("Cost and length per arm"), "{shown}");
    insta::assert_snapshot!("lab_data_scrolled_80x24", terminal.backend());
}

#[test]
fn lab_shows_the_value_added_at_each_level_under_the_judges_scores() {
    let mut with_levels = data();
    let value =
        |node: &str, name: &str, tally: Tally| MemberValue { node: node.into(), name: name.into(), tally };
    with_levels.levels = vec![
        value("atlas", "Atlas", Tally { wins: 2, ties: 7, losses: 1 }),
        value("nova", "Nova", Tally { wins: 6, ties: 3, losses: 1 }),
    ];
    let mut s = lab_state(120, 40, Some(with_levels));
    update(&mut s, Msg::Resize { width: 120, height: 40 });
    // Scrolled until the section's last line shows (the judge's table comes first).
    let mut presses = 0;
    while !screen_text(&mut s, 120, 40).contains("Nova: better than its parts in 6 of 10, 3 ties, 1 worse") {
        assert!(presses < 80, "the levels never showed:\n{}", screen_text(&mut s, 120, 40));
        press(&mut s, 'j');
        presses += 1;
    }
    let terminal = render(&mut s, 120, 40);
    let shown = text(&terminal);
    assert!(shown.contains("Value added at each level"), "{shown}");
    assert!(shown.contains("Atlas: better than its parts in 2 of 10, 7 ties, 1 worse"), "{shown}");
    insta::assert_snapshot!("lab_levels_120x40", terminal.backend());
    // Without judged levels the section is not drawn at all.
    let mut plain = lab_state(120, 40, Some(data()));
    for _ in 0..80 {
        assert!(!screen_text(&mut plain, 120, 40).contains("Value added"));
        press(&mut plain, 'j');
    }
}

#[test]
fn lab_names_another_organization_and_keeps_other_judges_apart() {
    let data = organizations_data();
    assert_eq!(data.judges, vec![("phi-judge".to_string(), 4), ("qwen-judge".to_string(), 2)]);
    let mut s = lab_state(120, 40, Some(data));
    update(&mut s, Msg::Resize { width: 120, height: 40 });
    let shown = screen_text(&mut s, 120, 40);
    assert!(shown.contains("Verdicts of other judges are kept apart"), "{shown}");
    assert!(shown.contains("qwen-judge (2 comparisons)"), "{shown}");
    assert!(
        shown.contains("Against the seed's organization (tree@seed#5eed5eed), the lean tree was"),
        "{shown}"
    );
    assert!(shown.contains("• tree@seed#5eed5eed: the seed's organization"), "{shown}");
    // The other judge's verdicts are not in the tally: the tree beat solo in all four.
    let row = shown.lines().find(|l| l.contains("tree vs solo ")).expect("the pair's row");
    assert!(row.contains("  4  0  0"), "{row}");
    let terminal = render(&mut s, 120, 40);
    insta::assert_snapshot!("lab_organizations_120x40", terminal.backend());
    // At 80 columns the table and the chart still name the pair whole.
    let mut s = lab_state(80, 24, Some(organizations_data()));
    update(&mut s, Msg::Resize { width: 80, height: 24 });
    let mut presses = 0;
    while !screen_text(&mut s, 80, 24).contains("├") {
        assert!(presses < 60, "the chart never showed:\n{}", screen_text(&mut s, 80, 24));
        press(&mut s, 'j');
        presses += 1;
    }
    let terminal = render(&mut s, 80, 24);
    let shown = text(&terminal);
    assert!(shown.contains("tree vs tree@seed#5eed5eed "), "{shown}");
    insta::assert_snapshot!("lab_organizations_table_80x24", terminal.backend());
}

/// The judge is no model of the tree loaded now, but a member of the seed's organization ran a
/// second instance of it: the record's calls say so, and the Lab says "self-judged".
#[test]
fn lab_flags_a_judge_that_answered_in_another_organizations_run() {
    let data = organizations_data_with(Some("phi-judge:2"));
    assert!(data.judged.self_judged);
    assert!(data.verdict.join(" ").contains("(self-judged): weak evidence"), "{:?}", data.verdict);
    let mut s = lab_state(120, 40, Some(data));
    update(&mut s, Msg::Resize { width: 120, height: 40 });
    let shown = screen_text(&mut s, 120, 40);
    assert!(shown.contains("SELF-JUDGED · the judge (phi-judge) is a model under test"), "{shown}");
    let terminal = render(&mut s, 120, 40);
    insta::assert_snapshot!("lab_self_judged_by_another_organization_120x40", terminal.backend());

    // The same runs recorded with Sage on another model: nothing to flag.
    let data = organizations_data_with(Some("llama-3.1-8b-instruct"));
    assert!(!data.judged.self_judged);
    let mut s = lab_state(120, 40, Some(data));
    update(&mut s, Msg::Resize { width: 120, height: 40 });
    let shown = screen_text(&mut s, 120, 40);
    assert!(!shown.contains("SELF-JUDGED") && !shown.contains("self-judged"), "{shown}");
}

#[test]
fn lab_high_contrast() {
    let mut s = lab_state(120, 40, Some(data()));
    s.theme_index = 2;
    assert_eq!(s.theme().name, "high-contrast");
    let terminal = render(&mut s, 120, 40);
    insta::assert_snapshot!("lab_data_high_contrast_120x40", terminal.backend());
    let buffer = terminal.backend().buffer();
    let theme = s.theme();
    // The chart's point and the 50% line are drawn in their roles, which the theme keeps apart.
    let point = buffer.content().iter().find(|c| c.symbol() == "●").expect("a chart point is drawn");
    assert_eq!(point.fg, theme.style(Role::Title).fg.unwrap());
    let line =
        buffer.content().iter().find(|c| c.symbol() == "│" && c.fg == theme.style(Role::Rule).fg.unwrap());
    assert!(line.is_some(), "the 50% line is drawn in the rule role");
    for cell in buffer.content() {
        assert!(cell.bg == ratatui::style::Color::Reset || cell.fg != cell.bg, "unreadable cell {cell:?}");
    }
}

#[test]
fn lab_while_comparing_and_after() {
    let mut s = lab_state(120, 40, Some(data()));
    s.run.prompt.set_text("Why is the sky blue?");
    press(&mut s, 'c');
    update(&mut s, Msg::Lab(LabMsg::Started { comparison: 9, repeat: 2, resumed: false }));
    update(
        &mut s,
        Msg::Lab(LabMsg::Progress(Progress { done: 3, total: 9, label: "x".into(), resumed: false })),
    );
    let tree = full_run("20261124-060000-0007");
    feed(&mut s, &tree.until(2_000));
    update(&mut s, Msg::Tick { now_ms: T0 + 2_000 });
    let terminal = render(&mut s, 120, 40);
    insta::assert_snapshot!("lab_comparing_120x40", terminal.backend());

    let end = ComparisonEnd::Finished {
        comparison: 9,
        outcomes: vec![
            ((Arm::Tree, Arm::Solo), Outcome::First),
            ((Arm::Tree, Arm::Compute), Outcome::Tie),
            ((Arm::Solo, Arm::Compute), Outcome::Second),
        ],
        failed_arms: vec![],
    };
    feed(&mut s, &tree.events[tree.until(2_000).len()..]);
    update(&mut s, Msg::Tick { now_ms: T0 + 31_000 });
    update(&mut s, Msg::Lab(LabMsg::Ended(end)));
    let terminal = render(&mut s, 80, 24);
    insta::assert_snapshot!("lab_compared_80x24", terminal.backend());
}

#[test]
fn vote_screen() {
    let mut s = lab_state(120, 40, Some(data()));
    press(&mut s, 'v');
    snapshot_sizes("vote", &mut s);
    // Narrow: the answers stack.
    let terminal = render(&mut s, 56, 20);
    insta::assert_snapshot!("vote_56x20", terminal.backend());
}

#[test]
fn vote_never_names_an_arm_until_the_vote() {
    let mut s = lab_state(120, 40, Some(data()));
    for index in 0..s.lab.queue().len() {
        s.lab.vote = None;
        s.lab.selected = index;
        press(&mut s, 'v');
        for &(w, h) in SIZES.iter().chain(&[(56, 20)]) {
            let text = screen_text(&mut s, w, h).to_lowercase();
            for name in ["tree", "solo", "compute"] {
                assert!(!text.contains(name), "pair {index} at {w}×{h} shows \"{name}\":\n{text}");
            }
        }
    }
    press(&mut s, 'a');
    let text = screen_text(&mut s, 120, 40);
    assert!(text.contains("A was ") && text.contains("B was "), "{text}");
}

#[test]
fn vote_after_the_vote() {
    let mut s = lab_state(80, 24, Some(data()));
    press(&mut s, 'v');
    press(&mut s, 'r');
    for c in "clearer and correct".chars() {
        press(&mut s, c);
    }
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    press(&mut s, 'b');
    let item = s.lab.vote.as_ref().unwrap().item.clone().unwrap();
    let saved =
        LabMsg::VoteSaved { comparison: item.pending.comparison, pair: item.pending.pair, result: Ok(()) };
    update(&mut s, Msg::Lab(saved));
    let terminal = render(&mut s, 80, 24);
    insta::assert_snapshot!("vote_revealed_80x24", terminal.backend());
}

#[test]
fn vote_with_nothing_waiting() {
    let mut s = lab_state(80, 24, Some(empty_data()));
    press(&mut s, 'v');
    let terminal = render(&mut s, 80, 24);
    insta::assert_snapshot!("vote_empty_80x24", terminal.backend());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Any size: the scoreboard, the ask box and the vote screen draw without panicking; the
    /// tab never draws over the tab bar or the status bar, and a screen too small says so.
    #[test]
    fn any_size_draws_the_lab(width in 1u16..160, height in 1u16..60, scroll in 0usize..40) {
        let mut s = lab_state(120, 40, Some(data()));
        let draw = |s: &mut State, what: &str| {
            let terminal = render(s, width, height);
            let problems = screen_problems(s, &terminal);
            prop_assert!(problems.is_empty(), "{what} at {width}×{height}:\n{}", problems.join("\n"));
            Ok(())
        };
        for _ in 0..scroll {
            press(&mut s, 'j');
        }
        draw(&mut s, "the scoreboard")?;
        press(&mut s, 'c');
        draw(&mut s, "the ask box")?;
        update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
        press(&mut s, 'v');
        for _ in 0..scroll {
            press(&mut s, 'j');
        }
        draw(&mut s, "the vote screen")?;
        press(&mut s, 'a');
        draw(&mut s, "the vote revealed")?;
    }
}
