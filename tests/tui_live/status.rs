//! What the bars and panels say about the run and the server: a failing endpoint is named with
//! the nodes that use it, long notices can be read in full, and a cancelled run reads as
//! cancelled with the tokens it streamed.

use std::sync::Arc;

use crossterm::event::KeyCode;

use super::ui::update;
use ailab::engine::{EventKind, NodeStatus, RunEvent, RunStatus, RunTotals};
use ailab::tui::msg::Msg;
use ailab::tui::state::health::{EndpointHealth, HealthReport, Problem};
use ailab::tui::state::{Level, Overlay, State};

use super::support::{PROMPT, Script, T0, feed, full_run, key, launch, state, type_keys};
use crate::screen::screen_rows as screen;

/// Echo has its own endpoint, which is down; the server everyone else uses works.
fn echo_on_a_dead_endpoint() -> State {
    let mut s = state(120, 40);
    let mut hierarchy = (*s.hierarchy).clone();
    let echo = hierarchy.nodes.iter_mut().find(|n| n.id == "echo").unwrap();
    echo.endpoint = Some("http://127.0.0.1:9/v1".into());
    s.hierarchy = Arc::new(hierarchy);
    let report = HealthReport {
        answers: Vec::new(),
        demo: false,
        endpoints: vec![
            EndpointHealth {
                url: "http://127.0.0.1:9/v1".into(),
                models: Err(Problem {
                    message: "cannot reach the server at http://127.0.0.1:9/v1: connection refused".into(),
                    hint: Some("Echo takes this address from `endpoint` in hierarchy.toml.".into()),
                }),
            },
            EndpointHealth {
                url: "http://localhost:1234/v1".into(),
                models: Ok(vec!["phi-3.1-mini-4k-instruct".into()]),
            },
        ],
        missing: Vec::new(),
    };
    update(&mut s, Msg::Health(report));
    s
}

#[test]
fn the_status_bar_names_the_failing_endpoint_and_who_uses_it() {
    let mut s = echo_on_a_dead_endpoint();
    let rows = screen(&mut s, 120, 40);
    let bar = rows.last().unwrap();
    assert!(bar.contains("✖ 127.0.0.1:9 unreachable (Echo)"), "{bar}");
    assert!(!bar.contains("1234 unreachable"), "{bar}");
    let panel = rows.join("\n");
    assert!(panel.contains("Cannot use the server at http://127.0.0.1:9/v1"), "{panel}");
    assert!(panel.contains("Used by Echo."), "{panel}");
}

#[test]
fn a_server_everyone_uses_is_named_alone() {
    let mut s = state(120, 40);
    let report = HealthReport {
        answers: Vec::new(),
        demo: false,
        endpoints: vec![EndpointHealth {
            url: "http://localhost:1234/v1".into(),
            models: Err(Problem { message: "connection refused".into(), hint: None }),
        }],
        missing: Vec::new(),
    };
    update(&mut s, Msg::Health(report));
    let rows = screen(&mut s, 120, 40);
    assert!(rows.last().unwrap().contains("✖ localhost:1234 unreachable │"), "{}", rows.last().unwrap());
    assert!(rows.join("\n").contains("Used by every node."));
}

const LONG: &str = "Cannot save yet: Echo's model is empty and Sage's split template has no {count}; fix \
                    them in the form (each shows its problem in red), or press u to discard every unsaved edit.";

#[test]
fn a_long_notice_shows_in_full_above_the_status_bar() {
    let mut s = state(100, 30);
    s.notify(LONG, Level::Warn);
    let rows = screen(&mut s, 100, 30);
    let all = rows.join("\n");
    assert!(rows.last().unwrap().contains('…'), "the bar cuts it: {}", rows.last().unwrap());
    let boxed: String =
        rows.iter().map(|r| r.trim_matches(|c: char| c == '│' || c == ' ')).collect::<Vec<_>>().join(" ");
    assert!(boxed.contains("press u to discard every unsaved edit."), "{all}");
    let prompt_top = rows.iter().position(|r| r.starts_with("┏ Prompt")).unwrap();
    let last_words = rows.iter().position(|r| r.contains("every unsaved edit.")).unwrap();
    assert!(last_words < prompt_top, "the box sits above the prompt box:\n{all}");
}

#[test]
fn a_short_notice_stays_in_the_status_bar_only() {
    let mut s = state(100, 30);
    s.notify("Theme: light", Level::Info);
    let rows = screen(&mut s, 100, 30);
    assert!(rows.last().unwrap().contains("Theme: light"));
    assert_eq!(rows.iter().filter(|r| r.contains("Theme: light")).count(), 1);
}

#[test]
fn long_notices_last_long_enough_to_read() {
    let mut s = state(100, 30);
    s.notify(LONG, Level::Warn);
    let shown_for = s.notice.as_ref().unwrap().until_ms - T0;
    assert!((8_000..=20_000).contains(&shown_for) && shown_for > LONG.len() as i64 * 30, "{shown_for}");
}

#[test]
fn the_messages_log_keeps_every_notice_in_full() {
    let mut s = state(100, 30);
    s.notify(LONG, Level::Warn);
    update(&mut s, Msg::Tick { now_ms: T0 + 60_000 });
    assert!(s.notice.is_none(), "the bar has moved on");
    s.notify("Copied 120 characters to the system clipboard.", Level::Info);
    update(&mut s, key(KeyCode::F(5)));
    assert!(matches!(s.overlays.last(), Some(Overlay::Messages { .. })));
    let rows = screen(&mut s, 100, 30);
    assert!(rows[0].contains("Messages"), "{}", rows.join("\n"));
    let log: Vec<String> = ailab::tui::screen::messages::rows(&s, 90).iter().map(|r| r.text()).collect();
    let text = log.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
    let long = LONG.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&long), "the log has it in full:\n{}", log.join("\n"));
    assert!(text.contains("06:00:00 ▲ Cannot save yet") && text.contains("· Copied 120"), "{text}");
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlays.is_empty());
    assert_eq!(s.notices.len(), 2);
}

#[test]
fn help_lists_the_messages_key() {
    let s = state(100, 30);
    let help: Vec<String> = ailab::tui::screen::help::rows(&s, 100, ailab::tui::state::HelpPage::Keys)
        .iter()
        .map(|r| r.text())
        .collect();
    assert!(help.iter().any(|r| r.contains("F5") && r.contains("last messages in full")), "{help:?}");
}

/// A run cancelled after Atlas split: the three calls in flight end "cancelled", with the
/// engine's old totals counting them as failed and none of their streamed tokens.
fn cancelled(s: &mut State) {
    type_keys(s, PROMPT);
    update(s, key(KeyCode::Enter));
    launch(s, "r1");
    let script = full_run("r1");
    feed(s, &script.until(3_000));
    update(s, key(KeyCode::Esc));
    let open: Vec<_> =
        s.run.view.calls.iter().filter(|c| !c.is_finished()).map(|c| (c.id, c.node, c.phase)).collect();
    assert_eq!((s.run.view.calls.len(), open.len()), (6, 3));
    let mut end = Script::new("r1");
    for (call, node, phase) in &open {
        let id = s.run.view.nodes[*node].id.clone();
        end.finish_call(3_100, *call, &id, *phase, "", Some("cancelled"), 2_000);
        end.state(3_100, &id, NodeStatus::Cancelled);
    }
    feed(s, &end.events);
    let totals = RunTotals {
        calls: 6,
        failed_calls: 3,
        prompt_tokens: 720,
        completion_tokens: 30,
        wall_ms: 3_200,
        flagged_answers: 0,
        looped_calls: 0,
    };
    let finished = EventKind::RunFinished { status: RunStatus::Cancelled, answer: None, totals };
    feed(s, &[RunEvent { run_id: "r1".into(), at_ms: T0 + 3_200, kind: finished }]);
}

#[test]
fn a_cancelled_run_reads_as_cancelled_with_its_streamed_tokens() {
    let mut s = state(120, 40);
    cancelled(&mut s);
    assert_eq!(s.run.view.status, Some(RunStatus::Cancelled));
    let counts = s.run.view.call_counts();
    assert_eq!((counts.calls, counts.failed, counts.cancelled), (6, 0, 3));
    let streamed: u64 = s.run.view.calls.iter().map(|c| u64::from(c.streamed)).sum();
    assert!(counts.tokens > 720 + 30 && streamed > 30, "{counts:?} streamed {streamed}");
    let rows = screen(&mut s, 120, 40);
    let title = rows.iter().find(|r| r.contains("╔ Answer ·")).unwrap();
    assert!(title.contains("cancelled · 6 calls · 3 cancelled ·"), "{title}");
    assert!(!title.contains("failed"), "{title}");
    assert!(!title.contains(" 0 tokens"), "{title}");
}

#[test]
fn a_long_message_says_where_to_read_it_in_full() {
    let mut s = state(100, 30);
    s.notify(
        "Exported to /home/someone/a/rather/deep/folder/of/theirs/run-20261124-060000-0001.md",
        Level::Info,
    );
    let rows = screen(&mut s, 100, 30);
    assert!(rows.last().unwrap().trim_end().ends_with("… (F5 full)"), "{}", rows.last().unwrap());
    assert_eq!(rows.iter().filter(|r| r.contains("Exported")).count(), 1, "no box for a plain message");
}
