//! A pane keeps its node's whole story as sections in call order; finished ones fold; a synced
//! pane equals one built from scratch.

use ratatui::layout::Rect;

use super::*;
use crate::config::Phase;
use crate::engine::{NodeStatus, SplitMethod};
use crate::tui::screen::layout;
use crate::tui::screen::test_run::TestRun;

/// The panes of `tab` at 120×40, synced from scratch.
fn panes(tab: &RunTab) -> Vec<PaneText> {
    let layout = layout::compute(Rect::new(0, 0, 120, 40), &tab.view, None, 1);
    let mut panes = Vec::new();
    sync(&mut panes, tab, &layout);
    panes
}

/// A pane's rows as text, header rules trimmed.
fn texts(pane: &PaneText) -> Vec<String> {
    pane.rows(0, pane.len()).iter().map(|r| r.text().trim_end_matches(['─', ' ']).to_string()).collect()
}

/// The sky question: Atlas splits, Nova splits for Echo and Pixel, Echo answers, Nova synthesizes.
fn nova_synthesized() -> TestRun {
    let mut run = TestRun::new("Why is the sky blue?", &[]);
    let split = run.answer("atlas", Phase::Split, None, r#"["physics", "meaning"]"#);
    run.task("nova", "Explain the physics.", Some(SplitMethod::Json));
    run.task("sage", "Say what it means.", Some(SplitMethod::Json));
    let nova = run.answer("nova", Phase::Split, Some(split), r#"["Give the mechanism.", "Name the myths."]"#);
    run.task("echo", "Give the mechanism.", Some(SplitMethod::Json));
    run.task("pixel", "Name the myths.", Some(SplitMethod::List));
    let echo = run.answer("echo", Phase::Answer, Some(nova), "Short waves scatter most.");
    run.answer("pixel", Phase::Answer, Some(nova), "The ocean is not the cause.");
    run.answer("nova", Phase::Synthesize, Some(echo), "Rayleigh scattering makes it blue.");
    run.state("nova", NodeStatus::Done);
    run
}

#[test]
fn a_parent_after_its_synthesis_still_shows_what_it_was_asked_and_its_split() {
    let tab = RunTab::new(nova_synthesized().view);
    let nova = tab.view.node_index("nova").unwrap_or(0);
    assert_eq!(
        texts(&panes(&tab)[nova]),
        [
            "▾ Asked by Atlas",
            "Explain the physics.",
            "from Atlas's split, read as json",
            "▾ Split → Echo, Pixel",
            "1. Echo: Give the mechanism.",
            "2. Pixel: Name the myths.",
            "▾ Synthesis",
            "Rayleigh scattering makes it blue.",
        ]
    );
}

#[test]
fn a_leaf_shows_its_sub_task_first_and_how_it_was_read() {
    let tab = RunTab::new(nova_synthesized().view);
    let pixel = tab.view.node_index("pixel").unwrap_or(0);
    assert_eq!(
        texts(&panes(&tab)[pixel]),
        [
            "▾ Asked by Nova",
            "Name the myths.",
            "from Nova's split, read as list",
            "▾ Answer",
            "The ocean is not the cause.",
        ]
    );
    let root = &panes(&tab)[0];
    assert_eq!(
        texts(root)[..2],
        ["▾ Asked by you", "Why is the sky blue?"],
        "the root was asked by the user"
    );
}

#[test]
fn a_split_streams_as_its_raw_text_until_it_ends() {
    let mut run = TestRun::new("Why?", &[]);
    let split = run.call("atlas", Phase::Split, None);
    run.token(split, r#"["phys"#);
    let tab = RunTab::new(run.view.clone());
    assert_eq!(texts(&panes(&tab)[0])[2..], ["▾ Split → Nova, Sage", r#"["phys"#]);
}

#[test]
fn reflections_and_revisions_are_numbered_and_a_failed_or_looped_call_says_so() {
    // Atlas's pane is the widest: no header is cut.
    let mut run = TestRun::new("Why?", &[("atlas", 2)]);
    let draft = run.answer("atlas", Phase::Synthesize, None, "draft");
    let review = run.answer("atlas", Phase::Reflect, Some(draft), "too short");
    let revised = run.call("atlas", Phase::Revise, Some(review));
    run.finish(revised, "again again", None, Some(crate::engine::LOOPED));
    let second = run.call("atlas", Phase::Reflect, Some(revised));
    run.finish(second, "", Some("the server went away"), None);
    let tab = RunTab::new(run.view.clone());
    let rows = texts(&panes(&tab)[0]);
    let headers: Vec<&String> = rows.iter().filter(|t| t.starts_with('▾')).collect();
    assert_eq!(
        headers,
        [
            "▾ Asked by you",
            "▾ Synthesis",
            "▾ Reflection 1 of 2",
            "▾ Revision 1 · stopped: repeating itself",
            "▾ Reflection 2 of 2 · failed",
        ]
    );
    assert_eq!(rows.last().map(String::as_str), Some("✖ the server went away"), "and why");
}

#[test]
fn a_finished_section_folds_to_its_header_and_the_streaming_one_stays_open() {
    let mut run = nova_synthesized();
    let echo = run.index("echo");
    let review = run.call("echo", Phase::Reflect, None);
    run.token(review, "still thinking");
    let mut tab = RunTab::new(run.view.clone());
    tab.toggle_fold(echo, SectionId::Asked);
    tab.toggle_fold(echo, SectionId::Call(review));
    let pane = &panes(&tab)[echo];
    assert_eq!(
        texts(pane),
        [
            "▸ Asked by Nova · 2 rows folded",
            "▾ Answer",
            "Short waves scatter most.",
            "▾ Reflection 1",
            "still thinking"
        ]
    );
    let spot = pane.section_at(0).map(|s| (s.foldable, s.folded, s.body));
    assert_eq!(spot, Some((true, true, 2)));
    assert_eq!(pane.section_at(4).map(|s| (s.start, s.foldable)), Some((3, false)), "still streaming");
    tab.toggle_fold(echo, SectionId::Asked);
    assert_eq!(texts(&panes(&tab)[echo])[..2], ["▾ Asked by Nova", "Give the mechanism."], "unfolded");
}

#[test]
fn only_the_streaming_section_grows_and_a_synced_pane_equals_a_fresh_one() {
    let mut run = nova_synthesized();
    let mut tab = RunTab::new(run.view.clone());
    let layout = layout::compute(Rect::new(0, 0, 120, 40), &tab.view, None, 1);
    let mut kept = Vec::new();
    sync(&mut kept, &tab, &layout);
    let echo = run.index("echo");
    tab.toggle_fold(echo, SectionId::Asked);
    let call = run.call("echo", Phase::Reflect, None);
    for word in (0..60).map(|i| format!("word{i} ")) {
        run.token(call, &word);
        tab.view = run.view.clone();
        sync(&mut kept, &tab, &layout);
        let fresh = panes(&tab);
        assert_eq!(texts(&kept[echo]), texts(&fresh[echo]));
    }
    run.finish(call, "A review in **bold**.", None, None);
    tab.view = run.view.clone();
    sync(&mut kept, &tab, &layout);
    let rows = texts(&kept[echo]);
    assert_eq!(rows.last().map(String::as_str), Some("A review in bold."), "rendered once finished");
    for (i, pane) in panes(&tab).iter().enumerate() {
        assert_eq!(texts(&kept[i]), texts(pane), "pane {i}");
    }
}

#[test]
fn a_caption_takes_two_rows_in_a_tall_pane_and_follows_the_run_not_each_token() {
    let mut run = nova_synthesized();
    let call = run.call("quantum", Phase::Answer, None);
    run.state("quantum", NodeStatus::Answering);
    run.send(crate::engine::EventKind::CallSilent { call, node: "quantum".into(), secs: 20 });
    let quantum = run.index("quantum");
    let layout = layout::compute(Rect::new(0, 0, 120, 40), &run.view, None, 1);
    let mut tab = RunTab::new(run.view.clone());
    let mut kept = Vec::new();
    sync(&mut kept, &tab, &layout);
    let caption = |p: &PaneText| p.caption.iter().map(Row::text).collect::<Vec<_>>();
    assert_eq!(caption(&kept[quantum]), ["Quantum has said nothing for 20 s"]);
    assert!(kept[quantum].caption_whole);
    // A token ends the silence: the caption changes with it.
    run.token(call, "At last ");
    tab.view = run.view.clone();
    sync(&mut kept, &tab, &layout);
    assert_eq!(caption(&kept[quantum]), ["Quantum is answering its part"]);
    // A sentence wider than the pane wraps to a second row.
    run.state("pixel", NodeStatus::Revising);
    tab.view = run.view.clone();
    sync(&mut kept, &tab, &layout);
    let pixel = run.index("pixel");
    assert_eq!(caption(&kept[pixel]), ["Pixel is rewriting its answer after", "its own review"]);
    for (i, pane) in panes(&tab).iter().enumerate() {
        assert_eq!((caption(&kept[i]), kept[i].height), (caption(pane), pane.height), "pane {i}");
    }
}
