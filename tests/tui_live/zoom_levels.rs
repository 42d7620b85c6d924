//! A past run the lab judged with `ailab eval --levels`: opening it asks the record for the
//! judge's verdicts on its parents, and its zoom says for each parent what its synthesis added over
//! its children's replies.

use std::sync::Arc;

use crossterm::event::KeyCode;

use super::history_support::{history_with, key, sample};
use super::support::{full_run, state};
use super::ui::update;
use crate::screen::render;
use ailab::lab::levels::{LevelJudgement, LevelSide};
use ailab::lab::verdict::Pick;
use ailab::tui::msg::{Effect, HistoryEffect, HistoryMsg, Msg};
use ailab::tui::state::{Focus, State};

fn verdict(run: &str, node: &str, shown_first: LevelSide, pick: Pick) -> LevelJudgement {
    LevelJudgement {
        run_id: run.into(),
        node: node.into(),
        shown_first,
        judge_model: "phi-judge".into(),
        judge_run: format!("j-{node}-{}", shown_first.as_str()),
        pick: Some(pick),
        reason: "r".into(),
    }
}

/// The History tab's first run opened; the effects its events brought, and its id.
fn opened(s: &mut State) -> (Vec<Effect>, String) {
    history_with(s, sample());
    let effects = update(s, key(KeyCode::Enter));
    let Some(Effect::History(HistoryEffect::Open { request, id, .. })) = effects.first().cloned() else {
        panic!("no Open in {effects:?}");
    };
    let events = Arc::new(full_run(&id).events);
    let msg = HistoryMsg::Opened { request, id: id.clone(), replay: false, result: Ok(events) };
    (update(s, Msg::History(msg)), id)
}

fn zoom_text(s: &State) -> String {
    ailab::tui::screen::Screen::of(s).zoom.map(|z| z.plain_text()).unwrap_or_default()
}

#[test]
fn a_judged_runs_zoom_says_what_each_parent_added_over_its_parts() {
    let mut s = state(120, 40);
    let (effects, id) = opened(&mut s);
    assert_eq!(effects, vec![Effect::History(HistoryEffect::LoadLevels { id: id.clone() })]);
    let levels = vec![
        verdict(&id, "atlas", LevelSide::Synthesis, Pick::A),
        verdict(&id, "atlas", LevelSide::Parts, Pick::A),
        verdict(&id, "nova", LevelSide::Synthesis, Pick::A),
        verdict(&id, "nova", LevelSide::Parts, Pick::B),
        verdict(&id, "sage", LevelSide::Parts, Pick::A),
        verdict(&id, "sage", LevelSide::Synthesis, Pick::B),
    ];
    // An answer for another run (the user opened a second one meanwhile) is dropped.
    update(&mut s, Msg::History(HistoryMsg::Levels { id: "other".into(), result: Ok(levels.clone()) }));
    assert!(s.run_levels().is_empty());
    update(&mut s, Msg::History(HistoryMsg::Levels { id: id.clone(), result: Ok(levels) }));
    assert_eq!(s.run_levels().len(), 3);

    s.run.focus = Focus::Node(1);
    update(&mut s, key(KeyCode::Enter));
    let text = zoom_text(&s);
    assert!(text.contains("Value added at each level"), "{text}");
    for line in [
        "  Atlas: no winner over its parts (judge: the orders disagree, counted as a tie)",
        "▸ Nova: better than its parts (judge: both orders agree)",
        "  Sage: worse than its parts (judge: both orders agree)",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}\n{text}");
    }
    let terminal = render(&mut s, 120, 40);
    insta::assert_snapshot!("zoom_levels_120x40", terminal.backend());
}

#[test]
fn a_run_never_judged_so_has_no_such_section_and_a_failed_read_is_said() {
    let mut s = state(120, 40);
    let (_, id) = opened(&mut s);
    update(&mut s, Msg::History(HistoryMsg::Levels { id: id.clone(), result: Ok(Vec::new()) }));
    s.run.focus = Focus::Node(1);
    update(&mut s, key(KeyCode::Enter));
    assert!(!zoom_text(&s).contains("Value added"), "{}", zoom_text(&s));
    let failed = HistoryMsg::Levels { id, result: Err("database is locked".into()) };
    update(&mut s, Msg::History(failed));
    let notice = s.notice.as_ref().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("Could not read what the judge said of run"), "{notice}");
    assert!(notice.contains("database is locked"), "{notice}");
}
