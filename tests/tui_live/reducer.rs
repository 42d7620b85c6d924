//! The reducer: messages in, state and effects out. No terminal, no network, no clock.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::ui::update;
use ailab::engine::{EventKind, NodeStatus, RunStatus, RunSummary, RunTotals};
use ailab::tui::msg::{CopyOutcome, Effect, Msg};
use ailab::tui::screen::Screen;
use ailab::tui::state::health::{EndpointHealth, HealthReport, MissingModel, Problem};
use ailab::tui::state::scroll::Scroll;
use ailab::tui::state::{Focus, Lifecycle, Overlay, State};

use super::support::{self, ANSWER, PROMPT, T0, feed, full_run, launch, state};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        update(state, key(KeyCode::Char(c)));
    }
}

/// Sends the prompt and launches its run the way the shell would.
fn send(state: &mut State, text: &str, run_id: &str) {
    type_text(state, text);
    let effects = update(state, key(KeyCode::Enter));
    assert_eq!(effects, vec![Effect::StartRun { prompt: text.into(), conversation: Default::default() }]);
    launch(state, run_id);
}

#[test]
fn enter_sends_the_prompt_and_events_build_the_picture() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    assert!(s.run.prompt.text().is_empty(), "the prompt box clears after sending");
    let script = full_run("r1");
    feed(&mut s, &script.events);
    assert_eq!(s.run.view.status, Some(RunStatus::Done));
    assert_eq!(s.run.view.answer.as_deref(), Some(ANSWER));
    assert!(s.run.view.nodes.iter().all(|n| n.status == Some(NodeStatus::Done)));
    assert_eq!(s.run.view.calls.len(), 9);
    assert_eq!(s.run.lifecycle, Lifecycle::Idle);
    assert!(s.run.shows_answer() && Screen::of(&s).layout.answer.is_some());
    let echo = s.run.view.node_index("echo").unwrap();
    assert_eq!(s.run.view.nodes[echo].task.as_deref(), Some("Give the step-by-step mechanism with numbers."));
    let figures = s.run.view.figures(echo, T0 + 60_000);
    assert!(figures.tokens > 40 && figures.tokens_per_sec.is_some() && figures.ttft_ms == Some(300));
}

#[test]
fn a_second_send_while_running_is_refused_with_a_hint() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    type_text(&mut s, "another");
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(s.notice.as_ref().unwrap().text.contains("Esc cancels"));
    assert_eq!(s.run.prompt.text(), "another", "the draft is kept");
}

#[test]
fn events_of_other_runs_are_ignored() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "mine");
    feed(&mut s, &full_run("stale").events);
    assert_eq!(s.run.view.run_id, None, "a run that was not launched here never shows");
    let mine = full_run("mine");
    feed(&mut s, &mine.until(3_000));
    feed(&mut s, &full_run("stale").events);
    assert_eq!(s.run.view.run_id.as_deref(), Some("mine"));
    assert_eq!(s.run.view.status, Some(RunStatus::Running));
}

#[test]
fn esc_cancels_the_run_in_flight() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    feed(&mut s, &full_run("r1").until(3_000));
    assert_eq!(update(&mut s, key(KeyCode::Esc)), vec![Effect::CancelRun]);
    assert!(matches!(s.run.lifecycle, Lifecycle::Running { cancelling: true, .. }));
    assert!(update(&mut s, key(KeyCode::Esc)).is_empty(), "a second Esc does nothing more");
}

#[test]
fn ctrl_c_cancels_then_quits() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    assert_eq!(update(&mut s, ctrl('c')), vec![Effect::CancelRun]);
    assert_eq!(update(&mut s, ctrl('c')), vec![Effect::CancelRun, Effect::Quit]);
}

#[test]
fn ctrl_c_when_idle_quits() {
    let mut s = state(120, 40);
    assert_eq!(update(&mut s, ctrl('c')), vec![Effect::Quit]);
}

#[test]
fn a_signal_cancels_and_quits() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    assert_eq!(update(&mut s, Msg::Signal("SIGTERM")), vec![Effect::CancelRun, Effect::Quit]);
}

#[test]
fn up_and_down_recall_earlier_prompts() {
    let mut s = state(120, 40);
    send(&mut s, "first question", "r1");
    feed(&mut s, &full_run("r1").events);
    type_text(&mut s, "draft");
    update(&mut s, key(KeyCode::Up));
    assert_eq!(s.run.prompt.text(), "first question");
    update(&mut s, key(KeyCode::Down));
    assert_eq!(s.run.prompt.text(), "draft");
}

#[test]
fn alt_enter_and_ctrl_j_insert_newlines() {
    let mut s = state(120, 40);
    type_text(&mut s, "a");
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)));
    type_text(&mut s, "b");
    update(&mut s, ctrl('j'));
    type_text(&mut s, "c");
    assert_eq!(s.run.prompt.text(), "a\nb\nc");
}

#[test]
fn tab_cycles_and_arrows_move_through_the_tree() {
    let mut s = state(120, 40);
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.run.focus, Focus::Node(0));
    let id = |s: &State| match s.run.focus {
        Focus::Node(i) => s.run.view.nodes[i].id.clone(),
        other => format!("{other:?}"),
    };
    update(&mut s, key(KeyCode::Down));
    assert_eq!(id(&s), "nova");
    update(&mut s, key(KeyCode::Right));
    assert_eq!(id(&s), "sage");
    update(&mut s, key(KeyCode::Down));
    assert_eq!(id(&s), "quantum");
    update(&mut s, key(KeyCode::Left));
    assert_eq!(id(&s), "pixel");
    update(&mut s, key(KeyCode::Up));
    assert_eq!(id(&s), "nova");
    update(&mut s, key(KeyCode::Up));
    assert_eq!(id(&s), "atlas");
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
    assert_eq!(s.run.focus, Focus::Prompt);
}

#[test]
fn panes_follow_new_text_until_scrolled_and_resume_at_the_bottom() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    let mut script = full_run("r1");
    let events = script.until(2_700);
    feed(&mut s, &events);
    let echo = s.run.view.node_index("echo").unwrap();
    let call = s.run.view.current_call(echo).unwrap().id;
    // A long answer, far taller than the pane.
    let long: String = (0..200).map(|i| format!("word{i} ")).collect();
    script.events.clear();
    script.stream(call, 2_800, "echo", ailab::config::Phase::Answer, &long);
    feed(&mut s, &script.events);
    let pane = &Screen::of(&s).panes[echo];
    assert!(pane.len() > pane.height);
    s.run.focus = Focus::Node(echo);
    update(&mut s, key(KeyCode::PageUp));
    let held = s.run.panes[echo];
    assert!(matches!(held, Scroll::At(_)));
    script.events.clear();
    script.stream(call, 20_000, "echo", ailab::config::Phase::Answer, "more text arriving ");
    feed(&mut s, &script.events);
    assert_eq!(s.run.panes[echo], held, "new text does not move a pane the user scrolled");
    update(&mut s, key(KeyCode::End));
    assert!(s.run.panes[echo].is_following());
}

#[test]
fn zoom_opens_on_the_focused_node_and_moves_between_nodes() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    feed(&mut s, &full_run("r1").events);
    s.run.focus = Focus::Node(s.run.view.node_index("nova").unwrap());
    update(&mut s, key(KeyCode::Enter));
    let zoom = s.zoom().expect("zoom is open");
    assert_eq!(s.run.view.nodes[zoom.node].id, "nova");
    let text = Screen::of(&s).zoom.expect("its document").plain_text();
    assert!(text.contains("Task") && text.contains("▌system") && text.contains("#2 split"), "{text}");
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.run.view.nodes[s.zoom().unwrap().node].id, "echo");
    update(&mut s, key(KeyCode::Esc));
    assert!(s.zoom().is_none());
}

#[test]
fn copy_sends_the_focused_text_and_falls_back_to_osc52() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    feed(&mut s, &full_run("r1").events);
    s.run.focus = Focus::Answer;
    let effects = update(&mut s, ctrl('y'));
    assert_eq!(effects, vec![Effect::Copy { text: ANSWER.into() }]);
    let effects = update(
        &mut s,
        Msg::Copied(CopyOutcome::NoClipboard { text: "hi".into(), reason: "no display".into() }),
    );
    assert_eq!(effects, vec![Effect::Osc52 { text: "hi".into() }]);
    // Short enough for an 80-column status bar, in plain words; the why is in the log (F5).
    let notice = &s.notice.as_ref().unwrap().text;
    assert_eq!(notice, "Copied 2 characters through the terminal (more: F5).");
    let why = &s.notices[s.notices.len() - 2].text;
    assert!(
        why.contains("no system clipboard here (no display)") && why.contains("select the text"),
        "{why}"
    );
    update(&mut s, Msg::Copied(CopyOutcome::Clipboard { chars: 2 }));
    assert!(s.notice.as_ref().unwrap().text.contains("system clipboard"));
}

#[test]
fn model_text_is_sanitized_on_the_way_in() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    let mut script = full_run("r1");
    let events = script.until(700);
    feed(&mut s, &events);
    let call = s.run.view.current_call(0).unwrap().id;
    script.events.clear();
    for piece in ["safe \x1b]0;pwned", "\x07text \x1b[2", "J\x1b[31mred\tx\r\n"] {
        script.stream(call, 800, "atlas", ailab::config::Phase::Split, piece);
    }
    feed(&mut s, &script.events);
    let text = &s.run.view.current_call(0).unwrap().text;
    assert!(text.contains("safe text red ") && text.ends_with(" x\n"), "{text:?}");
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
}

#[test]
fn a_panic_in_the_run_task_becomes_an_error_on_screen() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    feed(&mut s, &full_run("r1").until(1_000));
    update(&mut s, Msg::RunTaskEnded { run_id: "r1".into(), outcome: Err("index out of bounds".into()) });
    assert_eq!(s.run.view.status, Some(RunStatus::Failed));
    assert!(s.run.view.error.as_ref().unwrap().contains("index out of bounds"));
    assert_eq!(s.run.lifecycle, Lifecycle::Idle);
}

#[test]
fn the_summary_can_overtake_the_last_events() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    let script = full_run("r1");
    let (last, rest) = script.events.split_last().unwrap();
    feed(&mut s, rest);
    let summary = RunSummary {
        run_id: "r1".into(),
        status: RunStatus::Done,
        answer: Some(ANSWER.into()),
        totals: RunTotals::default(),
        error: None,
        turn: None,
    };
    update(&mut s, Msg::RunTaskEnded { run_id: "r1".into(), outcome: Ok(summary) });
    assert_eq!(s.run.lifecycle, Lifecycle::Idle);
    assert_eq!(s.run.view.status, Some(RunStatus::Done));
    assert!(matches!(last.kind, EventKind::RunFinished { .. }));
    feed(&mut s, std::slice::from_ref(last));
    assert_eq!(s.run.view.answer.as_deref(), Some(ANSWER));
}

fn unhealthy() -> HealthReport {
    HealthReport {
        answers: Vec::new(),
        demo: false,
        endpoints: vec![EndpointHealth {
            url: "http://localhost:1234/v1".into(),
            models: Ok(vec!["phi-3.1-mini-4k-instruct".into(), "qwen2.5-7b-instruct".into()]),
        }],
        missing: ["echo", "pixel"]
            .iter()
            .map(|id| MissingModel {
                node_id: id.to_string(),
                node_name: id.to_string(),
                model: "phi-3.1-mini-4k-instruct:2".into(),
                endpoint: "http://localhost:1234/v1".into(),
            })
            .collect(),
    }
}

#[test]
fn health_problems_open_the_panel_with_ways_out() {
    let mut s = state(120, 40);
    update(&mut s, Msg::Health(unhealthy()));
    assert!(matches!(s.overlays.last(), Some(Overlay::Health(_))));
    update(&mut s, key(KeyCode::Down));
    let effects = update(&mut s, key(KeyCode::Char('a')));
    assert_eq!(
        effects,
        vec![Effect::AssignModel {
            model: "qwen2.5-7b-instruct".into(),
            nodes: vec!["echo".into(), "pixel".into()]
        }]
    );
    assert_eq!(update(&mut s, key(KeyCode::Char('r'))), vec![Effect::CheckHealth { deep: true }]);
    assert_eq!(update(&mut s, key(KeyCode::Char('d'))), vec![Effect::UseDemo]);
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlays.is_empty());
}

#[test]
fn an_unreachable_server_says_what_to_do() {
    let mut s = state(120, 40);
    let report = HealthReport {
        answers: Vec::new(),
        demo: false,
        endpoints: vec![EndpointHealth {
            url: "http://localhost:1234/v1".into(),
            models: Err(Problem { message: "connection refused".into(), hint: Some("Start server".into()) }),
        }],
        missing: Vec::new(),
    };
    update(&mut s, Msg::Health(report));
    assert!(matches!(s.overlays.last(), Some(Overlay::Health(_))));
    let healthy = HealthReport { missing: Vec::new(), ..unhealthy() };
    update(&mut s, Msg::Health(healthy));
    assert!(s.overlays.is_empty(), "a healthy re-check closes the panel");
}

#[test]
fn typing_on_a_pane_starts_a_prompt() {
    let mut s = state(120, 40);
    s.run.focus = Focus::Node(2);
    type_text(&mut s, "wh");
    assert_eq!(s.run.focus, Focus::Prompt);
    assert_eq!(s.run.prompt.text(), "wh");
}

/// Tabs are clicked where the bar draws them, from every tab.
#[test]
fn clicking_a_tab_on_the_bar_shows_it() {
    use ailab::tui::state::Tab;
    let mut s = state(120, 40);
    let click = |column| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row: 0,
            modifiers: KeyModifiers::NONE,
        })
    };
    let bar = crate::screen::screen_text(&mut s, 120, 40).lines().next().unwrap().to_string();
    let column_of = |title: &str| bar.find(title).map(|byte| bar[..byte].chars().count() as u16).unwrap();
    for (title, tab) in
        [("History", Tab::History), ("Lab", Tab::Lab), ("Prompts", Tab::Prompts), ("Run", Tab::Run)]
    {
        let column = column_of(title);
        update(&mut s, click(column));
        assert_eq!(s.tab, tab, "clicked {title} at column {column} of {bar:?}");
    }
    update(&mut s, click(1));
    assert_eq!(s.tab, Tab::Run, "a click on the app's name changes nothing");
}

#[test]
fn mouse_clicks_focus_and_the_wheel_scrolls_the_pane_under_it() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    feed(&mut s, &full_run("r1").events);
    let quantum = s.run.view.node_index("quantum").unwrap();
    let rect = Screen::of(&s).layout.pane_text_area(quantum).unwrap();
    let at = |kind| {
        Msg::Mouse(MouseEvent { kind, column: rect.x + 2, row: rect.y + 1, modifiers: KeyModifiers::NONE })
    };
    update(&mut s, at(MouseEventKind::Down(MouseButton::Left)));
    assert_eq!(s.run.focus, Focus::Node(quantum));
    s.run.focus = Focus::Prompt;
    update(&mut s, at(MouseEventKind::ScrollUp));
    assert_eq!(s.run.focus, Focus::Prompt, "the wheel does not steal focus");
}

#[test]
fn paste_goes_to_the_prompt_without_control_characters() {
    let mut s = state(120, 40);
    s.run.focus = Focus::Node(1);
    update(&mut s, Msg::Paste("line one\x1b[31m\nline two".into()));
    assert_eq!(s.run.focus, Focus::Prompt);
    assert_eq!(s.run.prompt.text(), "line one\nline two");
}

#[test]
fn themes_cycle_and_help_toggles() {
    let mut s = state(120, 40);
    s.run.focus = Focus::Node(0);
    update(&mut s, ctrl('t'));
    assert_eq!(s.theme().name, "light");
    update(&mut s, key(KeyCode::F(1)));
    assert!(matches!(s.overlays.last(), Some(Overlay::Help { .. })));
    update(&mut s, key(KeyCode::Char('?')));
    assert!(s.overlays.is_empty());
}

#[test]
fn a_failed_run_explains_itself_in_the_answer_panel() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    feed(&mut s, &support::failed_run("r1").events);
    assert_eq!(s.run.view.status, Some(RunStatus::Failed));
    let rows: Vec<String> = Screen::of(&s).answer.wrapper().all_rows().iter().map(|r| r.text()).collect();
    let text = rows.join(" ");
    assert!(text.contains("could not split the task") && text.contains("Start server"), "{text}");
}

#[test]
fn resizing_to_tiny_and_back_keeps_working() {
    let mut s = state(120, 40);
    send(&mut s, PROMPT, "r1");
    feed(&mut s, &full_run("r1").until(4_000));
    for (w, h) in [(10, 3), (1, 1), (45, 14), (0, 0), (200, 60)] {
        update(&mut s, Msg::Resize { width: w, height: h });
    }
    assert!(!Screen::of(&s).layout.too_small);
}
