//! Item 3: the live view under a token flood. Six panes streaming 2000 tokens/s in total through
//! the real event loop at the real frame cap onto a TestBackend (UI thread CPU per 1000 tokens,
//! frames drawn), and the cost of one frame with 1k vs 100k tokens in one pane.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ailab::clock::now_ms;
use ailab::config::{Hierarchy, Phase};
use ailab::engine::testkit::six_node_tree;
use ailab::engine::{EventKind, NodeStatus, RunEvent};
use ailab::llm::{ChatMessage, ChatRequest};
use ailab::tui::app::event_loop::{self, FRAME, Performer};
use ailab::tui::keymap::Keymap;
use ailab::tui::msg::{Effect, Msg};
use ailab::tui::screen::Screen;
use ailab::tui::state::{ServerInfo, State};
use ailab::tui::theme::ThemeSet;
use ailab::tui::tty_backend::TtyBackend;
use ailab::tui::update::update;
use ailab::tui::view;
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};

use crate::Options;
use crate::measure::{median, ms, thread_cpu};
use crate::report::{Bar, Report};
use crate::screen::counting;

const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;
const NODES: [&str; 6] = ["atlas", "nova", "sage", "echo", "pixel", "quantum"];

/// Effects go nowhere: no run is started from the keyboard here.
struct NoShell;

impl Performer for NoShell {
    fn perform(&mut self, _effect: Effect) {}
}

fn fresh_state(hierarchy: Arc<Hierarchy>) -> State {
    let server = ServerInfo { url: "http://127.0.0.1:1234/v1".into(), demo: false };
    let mut state = State::new(hierarchy, server, ThemeSet::built_in(), 0, Keymap::defaults());
    state.size = (WIDTH, HEIGHT);
    state
}

/// One message as the loop folds it: the reducer, then the screen brought up to date.
fn step(state: &mut State, screen: &mut Screen, msg: Msg) {
    let _ = update(state, screen, msg);
    screen.sync(state);
}

/// Events of a run where each of the six nodes has one call open (call i+1 for node i).
fn opening(run_id: &str, hierarchy: &Arc<Hierarchy>) -> Vec<RunEvent> {
    let at = now_ms();
    let event = |kind| RunEvent { run_id: run_id.into(), at_ms: at, kind };
    let mut events = vec![event(EventKind::RunStarted {
        prompt: crate::runs::PROMPT.into(),
        root: "atlas".into(),
        hierarchy: hierarchy.clone(),
        hierarchy_hash: "0".repeat(64),
        app_version: "bench".into(),
        kind: "tree".into(),
        conversation: None,
    })];
    for (i, node) in NODES.iter().enumerate() {
        events.push(event(EventKind::TaskAssigned {
            node: node.to_string(),
            task: format!("Sub-task for {node}: explain one side of the question in depth."),
            from_call: None,
            split: None,
            fallback_reason: None,
        }));
        events.push(event(EventKind::NodeState { node: node.to_string(), state: NodeStatus::Answering }));
        let request = ChatRequest {
            model: "phi-3.1-mini-4k-instruct".into(),
            messages: vec![ChatMessage::system("You are a node."), ChatMessage::user("Answer.")],
            temperature: 0.7,
            top_p: 0.95,
            max_tokens: 512,
            seed: None,
            response_format: None,
            sampling: Default::default(),
        };
        events.push(event(EventKind::CallStarted {
            call: i as u32 + 1,
            node: node.to_string(),
            phase: Phase::Answer,
            parent_call: None,
            endpoint: "http://127.0.0.1:1234/v1".into(),
            request: Arc::new(request),
            truncated_input: false,
            reflection: None,
        }));
    }
    events
}

/// The `n`th streamed piece of a pane (and of the live row's answers): words, with a paragraph
/// break now and then and some Markdown. The words are drawn from a fixed pseudo-random sequence,
/// not cycled: a cycled text is a loop, which the loop guard rightly stops after three copies, and
/// the benchmarks would then measure calls cut short.
pub fn piece(n: usize) -> String {
    const WORDS: &[&str] = &[
        "tunnelling ",
        "lets ",
        "an ",
        "electron ",
        "cross ",
        "a ",
        "barrier ",
        "it ",
        "could ",
        "not ",
        "climb; ",
        "flash ",
        "cells ",
        "store ",
        "charge ",
        "this ",
        "way, ",
        "and ",
        "**wear** ",
        "out. ",
    ];
    if n % 80 == 79 {
        return "\n\n".to_string();
    }
    // splitmix64: a well-mixed, repeatable draw per position.
    let mut z = (n as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    WORDS[(z % WORDS.len() as u64) as usize].to_string()
}

fn token(run_id: &str, node_index: usize, n: usize) -> RunEvent {
    RunEvent {
        run_id: run_id.into(),
        at_ms: now_ms(),
        kind: EventKind::Token {
            call: node_index as u32 + 1,
            node: NODES[node_index].to_string(),
            phase: Phase::Answer,
            text: piece(n),
            reasoning: false,
            pieces: 1,
        },
    }
}

pub fn run(options: &Options, report: &mut Report) {
    flood(options, report);
    frame_cost(options, report);
    streaming_frame_cost(options, report);
}

/// Six panes at 2000 tokens/s for a few seconds through the real loop.
fn flood(options: &Options, report: &mut Report) {
    const RATE: usize = 2000;
    let seconds = if options.quick { 2 } else { 5 };
    let hierarchy = Arc::new(six_node_tree());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (terminal, frames) = counting(WIDTH, HEIGHT);
    let ui = {
        let hierarchy = hierarchy.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap_or_else(|err| panic!("bench: cannot build the UI runtime: {err}"));
            runtime.block_on(async move {
                let mut state = fresh_state(hierarchy);
                let mut terminal = terminal;
                let cpu_before = thread_cpu();
                let exit = event_loop::run(&mut terminal, &mut state, &mut rx, &mut NoShell, FRAME).await;
                let cpu = thread_cpu().saturating_sub(cpu_before);
                if let Err(err) = exit {
                    panic!("bench: the loop failed: {err}");
                }
                cpu
            })
        })
    };
    let run_id = "bench-flood";
    let send = |msg: Msg| {
        let _ = tx.send(msg);
    };
    send(Msg::RunLaunched { run_id: run_id.into() });
    for event in opening(run_id, &hierarchy) {
        send(Msg::Engine(event));
    }
    // Every 5 ms, ten tokens spread over the six panes; the app's 100 ms tick alongside.
    let total = RATE * seconds;
    let started = Instant::now();
    let mut sent = 0;
    let mut tick = 0;
    while sent < total {
        let due = started + Duration::from_micros((sent as u64) * 1_000_000 / RATE as u64);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        for _ in 0..10 {
            send(Msg::Engine(token(run_id, sent % 6, sent / 6)));
            sent += 1;
        }
        if started.elapsed() >= Duration::from_millis(100 * tick) {
            send(Msg::Tick { now_ms: now_ms() });
            tick += 1;
        }
    }
    let feed = started.elapsed();
    // Let the last frame happen, then leave.
    std::thread::sleep(FRAME * 2);
    send(Msg::Signal("SIGTERM"));
    let cpu = ui.join().unwrap_or_else(|_| panic!("bench: the UI thread panicked"));
    let drawn = frames.load(Ordering::Relaxed);
    report.info("3", "tokens fed to six panes", total as f64, "");
    report.note(format!(
        "at {RATE}/s for {:.1} s, {WIDTH}×{HEIGHT} TestBackend, frame cap {} ms",
        feed.as_secs_f64(),
        FRAME.as_millis()
    ));
    report.info("3", "UI thread CPU per 1000 tokens (update + draw)", ms(cpu) * 1000.0 / total as f64, "ms");
    report.note(format!("{:.0}% of one core", ms(cpu) / ms(feed) * 100.0));
    report.push(
        "3",
        "frames drawn",
        drawn as f64,
        "",
        Some(Bar::AtMost((feed.as_secs_f64() * 1000.0 / FRAME.as_millis() as f64).ceil() + 3.0)),
        "bar: at most one per frame interval",
    );
}

/// One frame (a new token folded in, then the screen drawn) with 1k and with 100k tokens in one pane.
fn frame_cost(options: &Options, report: &mut Report) {
    let frames = if options.quick { 150 } else { 400 };
    let small = pane_frame_cost(1_000, frames);
    let large = pane_frame_cost(100_000, frames);
    report.info("3", "frame cost, 1k tokens in one pane (median)", small * 1000.0, "µs");
    report.info("3", "frame cost, 100k tokens in one pane (median)", large * 1000.0, "µs");
    report.bar("3", "frame cost 100k ÷ 1k", large / small, "×", Bar::AtMost(1.2));
}

/// Median CPU ms of one frame after `tokens` tokens streamed into one pane (echo).
fn pane_frame_cost(tokens: usize, frames: usize) -> f64 {
    let hierarchy = Arc::new(six_node_tree());
    let mut state = fresh_state(hierarchy.clone());
    let mut screen = Screen::of(&state);
    let run_id = "bench-pane";
    step(&mut state, &mut screen, Msg::RunLaunched { run_id: run_id.into() });
    for event in opening(run_id, &hierarchy) {
        step(&mut state, &mut screen, Msg::Engine(event));
    }
    let echo = NODES.iter().position(|n| *n == "echo").unwrap_or(3);
    for n in 0..tokens {
        step(&mut state, &mut screen, Msg::Engine(token(run_id, echo, n)));
    }
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT))
        .unwrap_or_else(|err| panic!("bench: no terminal: {err}"));
    let draw = |terminal: &mut Terminal<TestBackend>, state: &State, screen: &Screen| {
        terminal
            .draw(|frame| view::draw(frame, state, screen))
            .unwrap_or_else(|err| panic!("bench: draw: {err}"));
    };
    draw(&mut terminal, &state, &screen);
    let mut samples = Vec::with_capacity(frames);
    for n in tokens..tokens + frames {
        let before = thread_cpu();
        step(&mut state, &mut screen, Msg::Engine(token(run_id, echo, n)));
        draw(&mut terminal, &state, &screen);
        samples.push(ms(thread_cpu().saturating_sub(before)));
    }
    median(&samples)
}

/// One frame as the live view pays it while a run streams: each of the six panes got a read's
/// worth of words since the last frame (the reducer and the screen's update are counted), then
/// the frame is drawn and written (to memory, not to a terminal). Drawn twice per frame, the
/// app's way (its painter and backend) and through ratatui's `Terminal::draw` and crossterm's
/// backend, each keeping its own last frame, so the two see the same changes; median CPU µs per
/// frame of each.
fn streaming_frame_cost(options: &Options, report: &mut Report) {
    let frames = std::env::var("AILAB_BENCH_FRAMES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if options.quick { 300 } else { 1000 });
    let hierarchy = Arc::new(six_node_tree());
    let mut state = fresh_state(hierarchy.clone());
    let mut screen = Screen::of(&state);
    let run_id = "bench-streaming";
    step(&mut state, &mut screen, Msg::RunLaunched { run_id: run_id.into() });
    for event in opening(run_id, &hierarchy) {
        step(&mut state, &mut screen, Msg::Engine(event));
    }
    // Fixed viewports: there is no terminal to ask for its size.
    let area = ratatui::layout::Rect::new(0, 0, WIDTH, HEIGHT);
    let fixed = || ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(area) };
    let written = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut ours = Terminal::with_options(TtyBackend::new(CountingSink(written.clone())), fixed())
        .unwrap_or_else(|err| panic!("bench: no terminal: {err}"));
    let mut theirs = Terminal::with_options(CrosstermBackend::new(CountingSink(Arc::default())), fixed())
        .unwrap_or_else(|err| panic!("bench: no terminal: {err}"));
    let mut painter = ailab::tui::painter::Painter::default();
    let (mut updates, mut ours_ms, mut theirs_ms) = (Vec::new(), Vec::new(), Vec::new());
    for frame in 0..frames {
        let before = thread_cpu();
        for (pane, _) in NODES.iter().enumerate() {
            let words: String = (0..8).map(|k| piece(frame * 8 + k)).collect();
            let mut event = token(run_id, pane, frame);
            if let EventKind::Token { text, pieces, .. } = &mut event.kind {
                *text = words;
                *pieces = 8;
            }
            step(&mut state, &mut screen, Msg::Engine(event));
        }
        updates.push(ms(thread_cpu().saturating_sub(before)));
        let before = thread_cpu();
        painter
            .draw(&mut ours, |f| view::draw(f, &state, &screen))
            .unwrap_or_else(|err| panic!("bench: draw: {err}"));
        ours_ms.push(ms(thread_cpu().saturating_sub(before)));
        let before = thread_cpu();
        theirs.draw(|f| view::draw(f, &state, &screen)).unwrap_or_else(|err| panic!("bench: draw: {err}"));
        theirs_ms.push(ms(thread_cpu().saturating_sub(before)));
    }
    let (update, ours, theirs) = (median(&updates), median(&ours_ms), median(&theirs_ms));
    report.info("3", "frame while six panes stream: update + draw (median)", (update + ours) * 1000.0, "µs");
    report.note(format!(
        "{WIDTH}×{HEIGHT}, 8 words per pane per frame, {} bytes written per frame; update {:.0} µs, draw {:.0} µs",
        written.load(Ordering::Relaxed) / frames.max(1),
        update * 1000.0,
        ours * 1000.0
    ));
    report.info(
        "3",
        "the same draw through ratatui's Terminal::draw and crossterm (median)",
        theirs * 1000.0,
        "µs",
    );
    report.info("3", "draw: the app's ÷ ratatui's and crossterm's", ours / theirs, "×");
}

/// A terminal that only counts the bytes written to it.
struct CountingSink(Arc<std::sync::atomic::AtomicUsize>);

impl std::io::Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len(), Ordering::Relaxed);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
