//! A realistic event script for the six-node tree, built by hand so reducer and view tests need
//! no engine, no server and no clock: every event has a fixed time.

use std::sync::Arc;

use super::ui::update;
use ailab::config::{Hierarchy, Phase};
use ailab::engine::testkit;
use ailab::engine::{
    CallId, CallMetrics, EventKind, NodeStatus, RunEvent, RunId, RunStatus, RunTotals, SplitMethod,
};
use ailab::llm::{ChatMessage, ChatRequest};
use ailab::tui::keymap::Keymap;
use ailab::tui::msg::Msg;
use ailab::tui::state::{ServerInfo, State};
use ailab::tui::theme::ThemeSet;

/// When every scripted run starts (2026-11-24 06:00 UTC).
pub const T0: i64 = 1_795_500_000_000;

/// The default tree's shape with its real names and roles.
pub fn hierarchy() -> Arc<Hierarchy> {
    let mut h = testkit::six_node_tree();
    let names = [
        ("atlas", "Atlas", "coordinator"),
        ("nova", "Nova", "technical branch"),
        ("sage", "Sage", "philosophical branch"),
        ("echo", "Echo", "implementation specialist"),
        ("pixel", "Pixel", "patterns specialist"),
        ("quantum", "Quantum", "deep insight specialist"),
    ];
    for (id, name, role) in names {
        if let Some(node) = h.nodes.iter_mut().find(|n| n.id == id) {
            node.name = name.into();
            node.role = role.into();
        }
    }
    Arc::new(h)
}

/// A fresh UI state on the six-node tree at `width` × `height`, built-in themes and keys.
pub fn state(width: u16, height: u16) -> State {
    // Snapshots show times; they must not depend on the zone of the machine running them.
    ailab::clock::force_utc();
    let server = ServerInfo { url: "http://localhost:1234/v1".into(), demo: false };
    let mut state = State::new(hierarchy(), server, ThemeSet::built_in(), 0, Keymap::defaults());
    update(&mut state, Msg::Resize { width, height });
    update(&mut state, Msg::Tick { now_ms: T0 });
    state
}

/// Builds a run's events in time order.
pub struct Script {
    pub run_id: RunId,
    pub events: Vec<RunEvent>,
    next_call: CallId,
    hierarchy: Arc<Hierarchy>,
}

impl Script {
    pub fn new(run_id: &str) -> Self {
        Self { run_id: run_id.into(), events: Vec::new(), next_call: 1, hierarchy: hierarchy() }
    }

    /// Adds any event at `at` ms after the start (events must be added in time order).
    pub fn event(&mut self, at: i64, kind: EventKind) {
        self.push(at, kind);
    }

    fn push(&mut self, at: i64, kind: EventKind) {
        self.events.push(RunEvent { run_id: self.run_id.clone(), at_ms: T0 + at, kind });
    }

    pub fn start(&mut self, prompt: &str) {
        self.push(
            0,
            EventKind::RunStarted {
                prompt: prompt.into(),
                root: "atlas".into(),
                hierarchy: self.hierarchy.clone(),
                hierarchy_hash: "0".repeat(64),
                app_version: "test".into(),
                kind: "tree".into(),
                conversation: Some(ailab::engine::TurnInfo {
                    id: self.run_id.to_string(),
                    turn: 1,
                    kind: Default::default(),
                    parent_run: None,
                }),
            },
        );
        for node in ["atlas", "nova", "echo", "pixel", "sage", "quantum"] {
            self.state(0, node, NodeStatus::Waiting);
        }
        self.task(0, "atlas", prompt, None, None);
    }

    pub fn state(&mut self, at: i64, node: &str, state: NodeStatus) {
        self.push(at, EventKind::NodeState { node: node.into(), state });
    }

    pub fn task(
        &mut self,
        at: i64,
        node: &str,
        task: &str,
        from: Option<CallId>,
        split: Option<SplitMethod>,
    ) {
        self.push(
            at,
            EventKind::TaskAssigned {
                node: node.into(),
                task: task.into(),
                from_call: from,
                split,
                fallback_reason: None,
            },
        );
    }

    /// A call that streams `text` word by word from `at` (first token 300 ms later, 40 ms a word)
    /// and finishes (unless `open`). Returns its id and when it ended.
    pub fn call(
        &mut self,
        at: i64,
        node: &str,
        phase: Phase,
        parent: Option<CallId>,
        text: &str,
    ) -> (CallId, i64) {
        let call = self.start_call(at, node, phase, parent);
        let end = self.stream(call, at + 300, node, phase, text);
        self.finish_call(end, call, node, phase, text, None, at);
        (call, end)
    }

    pub fn start_call(&mut self, at: i64, node: &str, phase: Phase, parent: Option<CallId>) -> CallId {
        let call = self.next_call;
        self.next_call += 1;
        let request = ChatRequest {
            model: "phi-3.1-mini-4k-instruct".into(),
            messages: vec![
                ChatMessage::system(format!("You are {node}.")),
                ChatMessage::user(format!("Do the {phase} for your part.")),
            ],
            temperature: 0.7,
            top_p: 0.9,
            max_tokens: 512,
            seed: None,
            response_format: None,
            sampling: Default::default(),
        };
        self.push(
            at,
            EventKind::CallStarted {
                call,
                node: node.into(),
                phase,
                parent_call: parent,
                endpoint: "http://localhost:1234/v1".into(),
                request: Arc::new(request),
                truncated_input: false,
                reflection: None,
            },
        );
        call
    }

    /// Streams `text` word by word from `at`, 40 ms apart; returns the time of the last word.
    pub fn stream(&mut self, call: CallId, at: i64, node: &str, phase: Phase, text: &str) -> i64 {
        let mut t = at;
        for word in text.split_inclusive(' ') {
            self.push(
                t,
                EventKind::Token {
                    call,
                    node: node.into(),
                    phase,
                    text: word.into(),
                    reasoning: false,
                    pieces: 1,
                },
            );
            t += 40;
        }
        t
    }

    #[allow(clippy::too_many_arguments)]
    pub fn finish_call(
        &mut self,
        at: i64,
        call: CallId,
        node: &str,
        phase: Phase,
        text: &str,
        error: Option<&str>,
        started: i64,
    ) {
        let words = text.split_inclusive(' ').count() as u32;
        let metrics = CallMetrics {
            started_ms: T0 + started,
            first_token_ms: (words > 0).then_some(T0 + started + 300),
            ended_ms: T0 + at,
            prompt_tokens: Some(120),
            completion_tokens: words,
            usage_from_server: true,
            tokens_per_sec: (words > 1)
                .then(|| f64::from(words - 1) / ((at - started - 300).max(1) as f64 / 1000.0)),
            finish_reason: error.is_none().then(|| "stop".into()),
            requested_model: "phi-3.1-mini-4k-instruct".into(),
            answering_model: Some("phi-3.1-mini-4k-instruct".into()),
            retries: 0,
        };
        let split = (phase == Phase::Split && error.is_none()).then_some(SplitMethod::Json);
        self.push(
            at,
            EventKind::CallFinished {
                call,
                node: node.into(),
                phase,
                metrics,
                text: if error.is_some() { String::new() } else { text.into() },
                reasoning: String::new(),
                split,
                error: error.map(str::to_string),
                next: None,
            },
        );
    }

    pub fn fail(&mut self, at: i64, node: &str, reason: &str) {
        self.push(at, EventKind::NodeFailed { node: node.into(), reason: reason.into() });
        self.state(at, node, NodeStatus::Failed { reason: reason.into() });
    }

    pub fn finish(&mut self, at: i64, status: RunStatus, answer: Option<&str>) {
        let calls = self.next_call - 1;
        let totals = RunTotals {
            calls,
            failed_calls: 0,
            prompt_tokens: 120 * u64::from(calls),
            completion_tokens: 640,
            wall_ms: at,
            flagged_answers: 0,
            looped_calls: 0,
        };
        self.push(at, EventKind::RunFinished { status, answer: answer.map(str::to_string), totals });
    }

    /// The events up to and including `at` ms after the start.
    pub fn until(&self, at: i64) -> Vec<RunEvent> {
        self.events.iter().filter(|e| e.at_ms <= T0 + at).cloned().collect()
    }
}

pub const PROMPT: &str = "Why is the sky blue?";
const ATLAS_SPLIT: &str = r#"["Explain the physics: how does Rayleigh scattering make the sky blue?", "Reflect: what has the blue sky meant to people?"]"#;
const NOVA_SPLIT: &str =
    r#"["Give the step-by-step mechanism with numbers.", "Name the common misconceptions."]"#;
const SAGE_SPLIT: &str = r#"["What does the blue sky mean to people, and why does it matter?"]"#;
const ECHO: &str = "Sunlight holds every colour. Air molecules scatter short wavelengths far more than long ones: scattering goes as 1/λ⁴, so blue (450 nm) scatters about 5.5 times more than red (700 nm). That scattered blue reaches your eyes from every direction, so the whole sky glows blue.";
const PIXEL: &str = "Common mistakes:\n\n- The sky reflects the ocean: it does not.\n- Violet should win: it scatters more, but the Sun emits less of it and our eyes are less sensitive to it.";
const QUANTUM: &str = "The blue sky is the first physics lesson everyone gets for free: an everyday sight that hides a law of nature.";
const NOVA_SYNTH: &str = "## The mechanism\n\nRayleigh scattering favours **short wavelengths**, so blue light is scattered across the sky. The ocean is not the cause.";
const SAGE_SYNTH: &str = "People have always read meaning into the sky; knowing *why* it is blue adds wonder rather than removing it.";
/// The final answer of the scripted run.
pub const ANSWER: &str = "## Why the sky is blue\n\nSunlight is scattered by air molecules, and **blue light scatters most** (Rayleigh scattering, ~1/λ⁴).\n\n- Blue comes from every direction, so the sky looks blue.\n- Violet is scattered even more, but the Sun sends less of it and our eyes favour blue.\n\nKnowing the physics adds to the *wonder*.";

/// A whole run: split down, three leaves in parallel, synthesis up. Ends at 12 s.
pub fn full_run(run_id: &str) -> Script {
    let mut s = Script::new(run_id);
    s.start(PROMPT);
    s.state(10, "atlas", NodeStatus::Splitting);
    let (split, t) = s.call(10, "atlas", Phase::Split, None, ATLAS_SPLIT);
    s.task(
        t,
        "nova",
        "Explain the physics: how does Rayleigh scattering make the sky blue?",
        Some(split),
        Some(SplitMethod::Json),
    );
    s.task(
        t,
        "sage",
        "Reflect: what has the blue sky meant to people?",
        Some(split),
        Some(SplitMethod::Json),
    );
    s.state(t, "atlas", NodeStatus::Delegated);
    s.state(t, "nova", NodeStatus::Splitting);
    s.state(t, "sage", NodeStatus::Splitting);
    let (nova_split, tn) = s.call(t + 5, "nova", Phase::Split, Some(split), NOVA_SPLIT);
    let (sage_split, ts) = s.call(t + 5, "sage", Phase::Split, Some(split), SAGE_SPLIT);
    s.task(
        tn,
        "echo",
        "Give the step-by-step mechanism with numbers.",
        Some(nova_split),
        Some(SplitMethod::Json),
    );
    s.task(tn, "pixel", "Name the common misconceptions.", Some(nova_split), Some(SplitMethod::Json));
    s.state(tn, "nova", NodeStatus::Delegated);
    s.task(
        ts,
        "quantum",
        "What does the blue sky mean to people, and why does it matter?",
        Some(sage_split),
        Some(SplitMethod::Json),
    );
    s.state(ts, "sage", NodeStatus::Delegated);
    s.state(tn, "echo", NodeStatus::Answering);
    s.state(tn, "pixel", NodeStatus::Answering);
    s.state(ts, "quantum", NodeStatus::Answering);
    // Leaves stream concurrently: interleave their events in time order at the end.
    let (echo, te) = s.call(tn + 5, "echo", Phase::Answer, Some(nova_split), ECHO);
    let (_pixel, tp) = s.call(tn + 5, "pixel", Phase::Answer, Some(nova_split), PIXEL);
    let (quantum, tq) = s.call(ts + 5, "quantum", Phase::Answer, Some(sage_split), QUANTUM);
    s.state(te, "echo", NodeStatus::Done);
    s.state(tp, "pixel", NodeStatus::Done);
    s.state(tq, "quantum", NodeStatus::Done);
    let t_sage = tq + 10;
    s.state(t_sage, "sage", NodeStatus::Synthesizing);
    let (_, t_sage_end) = s.call(t_sage, "sage", Phase::Synthesize, Some(quantum), SAGE_SYNTH);
    s.state(t_sage_end, "sage", NodeStatus::Done);
    let t_nova = te.max(tp) + 10;
    s.state(t_nova, "nova", NodeStatus::Synthesizing);
    let (nova_synth, t_nova_end) = s.call(t_nova, "nova", Phase::Synthesize, Some(echo), NOVA_SYNTH);
    s.state(t_nova_end, "nova", NodeStatus::Done);
    let t_atlas = t_nova_end.max(t_sage_end) + 10;
    s.state(t_atlas, "atlas", NodeStatus::Synthesizing);
    let (_, t_end) = s.call(t_atlas, "atlas", Phase::Synthesize, Some(nova_synth), ANSWER);
    s.state(t_end, "atlas", NodeStatus::Done);
    s.finish(t_end + 5, RunStatus::Done, Some(ANSWER));
    s.events.sort_by_key(|e| e.at_ms);
    s
}

/// A run where Pixel's server call fails: the answer is built without it.
pub fn degraded_run(run_id: &str) -> Script {
    let mut s = full_run(run_id);
    let pixel_calls: Vec<CallId> = s
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CallStarted { call, node, .. } if node == "pixel" => Some(*call),
            _ => None,
        })
        .collect();
    let reason = "cannot reach the server at http://localhost:1234/v1: connection refused. In LM Studio: open the Developer tab and press Start server (port 1234), or pass --base-url.";
    let mut cut_at = 0;
    s.events.retain(|e| match &e.kind {
        EventKind::Token { call, .. } if pixel_calls.contains(call) => e.at_ms < T0 + 2_600,
        EventKind::CallFinished { call, .. } if pixel_calls.contains(call) => {
            cut_at = e.at_ms;
            false
        }
        EventKind::NodeState { node, state: NodeStatus::Done } if node == "pixel" => false,
        EventKind::RunFinished { .. } => false,
        _ => true,
    });
    let call = pixel_calls[0];
    let at = cut_at - T0;
    s.finish_call(at, call, "pixel", Phase::Answer, "", Some(reason), 2_000);
    s.fail(at, "pixel", reason);
    let end = s.events.iter().map(|e| e.at_ms).max().unwrap_or(T0) - T0;
    s.finish(end + 5, RunStatus::Degraded, Some(ANSWER));
    s.events.sort_by_key(|e| e.at_ms);
    s
}

/// A run whose root cannot split: the server is down from the start.
pub fn failed_run(run_id: &str) -> Script {
    let mut s = Script::new(run_id);
    s.start(PROMPT);
    s.state(10, "atlas", NodeStatus::Splitting);
    let call = s.start_call(10, "atlas", Phase::Split, None);
    let error = "cannot reach the server at http://localhost:1234/v1: connection refused. In LM Studio: open the Developer tab and press Start server (port 1234), or pass --base-url.";
    s.finish_call(5_010, call, "atlas", Phase::Split, "", Some(error), 10);
    s.fail(5_010, "atlas", &format!("could not split the task: {error}"));
    for node in ["nova", "echo", "pixel", "sage", "quantum"] {
        s.state(5_010, node, NodeStatus::Cancelled);
    }
    s.finish(5_020, RunStatus::Failed, None);
    s
}

/// Feeds events into the state as engine messages.
pub fn feed(state: &mut State, events: &[RunEvent]) {
    for event in events {
        update(state, Msg::Engine(event.clone()));
    }
}

/// Starts a run in the reducer the way the shell does (launch, then events).
pub fn launch(state: &mut State, run_id: &str) {
    update(state, Msg::RunLaunched { run_id: run_id.into() });
}

/// A key press without modifiers.
pub fn key(code: crossterm::event::KeyCode) -> Msg {
    Msg::Key(crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE))
}

/// Ctrl and a letter.
pub fn ctrl(c: char) -> Msg {
    Msg::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::CONTROL,
    ))
}

/// Types `text` a character at a time; returns every effect the keys asked for.
pub fn type_keys(state: &mut State, text: &str) -> Vec<ailab::tui::msg::Effect> {
    text.chars().flat_map(|c| update(state, key(crossterm::event::KeyCode::Char(c)))).collect()
}
