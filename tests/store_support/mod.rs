//! Shared pieces of the store tests: a small hierarchy and a builder of synthetic event streams.
#![allow(dead_code)]

use std::sync::Arc;

use ailab::config::{Hierarchy, NodeConfig, Phase, Prompts, ServerConfig};
use ailab::engine::{
    CallId, CallMetrics, EventKind, NodeStatus, RunEvent, RunId, RunStatus, RunTotals, SplitMethod,
};
use ailab::llm::{ChatMessage, ChatRequest};

/// Atlas (root) → Nova, Sage (leaves).
pub fn hierarchy() -> Arc<Hierarchy> {
    let node = |id: &str, name: &str, children: &[&str]| NodeConfig {
        id: id.into(),
        name: name.into(),
        role: format!("{name}'s role"),
        children: children.iter().map(|c| c.to_string()).collect(),
        model: "phi-3.1-mini-4k-instruct".into(),
        endpoint: None,
        temperature: 0.7,
        top_p: 0.95,
        max_tokens: 512,
        seed: None,
        context_tokens: 4096,
        reflect: 0,
        critique: false,
        prompts: Prompts {
            system: format!("You are {name}."),
            split: "Split {task}".into(),
            answer: "Answer {task}".into(),
            synthesize: "Combine {replies}".into(),
            reflect: "Reflect on {draft}".into(),
            revise: "Revise {draft}".into(),
            critique: "Critique {reply}".into(),
        },
        loop_guard: true,
        loop_guard_repeats: 3,
        sampling: Default::default(),
        reflection_levels: Vec::new(),
    };
    Arc::new(Hierarchy {
        server: ServerConfig::default(),
        nodes: vec![
            node("atlas", "Atlas", &["nova", "sage"]),
            node("nova", "Nova", &[]),
            node("sage", "Sage", &[]),
        ],
        root: 0,
        source: "test hierarchy".into(),
    })
}

/// Builds one run's events with a controllable clock.
pub struct Script {
    pub run: RunId,
    pub now: i64,
    pub events: Vec<RunEvent>,
    /// Reasoning streamed per call, repeated in its CallFinished like the engine does.
    reasoning: std::collections::HashMap<CallId, String>,
}

impl Script {
    /// Starts a run at `start_ms`.
    pub fn new(id: &str, prompt: &str, start_ms: i64) -> Script {
        let hierarchy = hierarchy();
        let hash = ailab::engine::hierarchy_hash(&hierarchy);
        let mut s =
            Script { run: Arc::from(id), now: start_ms, events: Vec::new(), reasoning: Default::default() };
        s.push(EventKind::RunStarted {
            prompt: prompt.into(),
            root: "atlas".into(),
            hierarchy,
            hierarchy_hash: hash,
            app_version: "0.1.0-test".into(),
            kind: "tree".into(),
            conversation: Some(ailab::engine::TurnInfo {
                id: id.into(),
                turn: 1,
                kind: Default::default(),
                parent_run: None,
            }),
        });
        s
    }

    pub fn push(&mut self, kind: EventKind) -> RunEvent {
        let event = RunEvent { run_id: self.run.clone(), at_ms: self.now, kind };
        self.events.push(event.clone());
        event
    }

    pub fn wait(&mut self, ms: i64) -> &mut Self {
        self.now += ms;
        self
    }

    pub fn task(&mut self, node: &str, task: &str, from_call: Option<CallId>) -> RunEvent {
        let split = from_call.map(|_| SplitMethod::Json);
        self.push(EventKind::TaskAssigned {
            node: node.into(),
            task: task.into(),
            from_call,
            split,
            fallback_reason: None,
        })
    }

    pub fn state(&mut self, node: &str, state: NodeStatus) -> RunEvent {
        self.push(EventKind::NodeState { node: node.into(), state })
    }

    pub fn start_call(
        &mut self,
        call: CallId,
        node: &str,
        phase: Phase,
        parent_call: Option<CallId>,
    ) -> RunEvent {
        let request = ChatRequest {
            model: "phi-3.1-mini-4k-instruct".into(),
            messages: vec![
                ChatMessage::system(format!("system of {node}")),
                ChatMessage::user(format!("{phase} please")),
            ],
            temperature: 0.7,
            top_p: 0.95,
            max_tokens: 512,
            seed: None,
            response_format: None,
            sampling: Default::default(),
        };
        self.push(EventKind::CallStarted {
            call,
            node: node.into(),
            phase,
            parent_call,
            endpoint: "http://127.0.0.1:1/v1".into(),
            request: Arc::new(request),
            truncated_input: false,
            reflection: None,
        })
    }

    pub fn token(&mut self, call: CallId, node: &str, phase: Phase, text: &str) -> RunEvent {
        self.push(EventKind::Token {
            call,
            node: node.into(),
            phase,
            text: text.into(),
            reasoning: false,
            pieces: 1,
        })
    }

    pub fn thought(&mut self, call: CallId, node: &str, phase: Phase, text: &str) -> RunEvent {
        self.reasoning.entry(call).or_default().push_str(text);
        self.push(EventKind::Token {
            call,
            node: node.into(),
            phase,
            text: text.into(),
            reasoning: true,
            pieces: 1,
        })
    }

    /// Streams `text` word by word, `gap_ms` apart.
    pub fn stream(&mut self, call: CallId, node: &str, phase: Phase, text: &str, gap_ms: i64) {
        for (i, word) in text.split_inclusive(' ').enumerate() {
            if i > 0 {
                self.wait(gap_ms);
            }
            self.token(call, node, phase, word);
        }
    }

    pub fn finish_call(
        &mut self,
        call: CallId,
        node: &str,
        phase: Phase,
        text: &str,
        started_ms: i64,
        error: Option<&str>,
    ) -> RunEvent {
        let metrics = CallMetrics {
            started_ms,
            first_token_ms: Some(started_ms + 40),
            ended_ms: self.now,
            prompt_tokens: Some(100 + call),
            completion_tokens: 10 * call,
            usage_from_server: true,
            tokens_per_sec: Some(25.5),
            finish_reason: Some(if error.is_some() { "error" } else { "stop" }.into()),
            requested_model: "phi-3.1-mini-4k-instruct".into(),
            answering_model: Some("phi-3.1-mini-4k-instruct".into()),
            retries: 0,
        };
        let split = (phase == Phase::Split && error.is_none()).then_some(SplitMethod::Json);
        let reasoning = self.reasoning.remove(&call).unwrap_or_default();
        self.push(EventKind::CallFinished {
            call,
            node: node.into(),
            phase,
            metrics,
            text: text.into(),
            reasoning,
            split,
            error: error.map(str::to_string),
            next: None,
        })
    }

    pub fn finish_run(&mut self, status: RunStatus, answer: Option<&str>, totals: RunTotals) -> RunEvent {
        self.push(EventKind::RunFinished { status, answer: answer.map(str::to_string), totals })
    }

    /// Makes `node`'s calls ask for (and be answered by) `model`, as a member configured with it.
    pub fn set_model(&mut self, node: &str, model: &str) {
        for event in &mut self.events {
            match &mut event.kind {
                EventKind::CallStarted { node: n, request, .. } if n == node => {
                    Arc::make_mut(request).model = model.into();
                }
                EventKind::CallFinished { node: n, metrics, .. } if n == node => {
                    metrics.requested_model = model.into();
                    metrics.answering_model = Some(model.into());
                }
                _ => {}
            }
        }
    }
}

/// The texts of the calls in [`tree_run`].
pub const SPLIT_TEXT: &str = "[\"Explain the tunnelling physics\", \"Give a real-world example\"]";
pub const NOVA_TEXT: &str = "Particles can cross barriers because their wave function leaks through them.";
pub const SAGE_TEXT: &str = "Flash memory and scanning tunnelling microscopes rely on it.";
pub const ANSWER_TEXT: &str = "Quantum tunnelling lets particles cross barriers; flash memory uses it.";

/// A complete run of the small tree: Atlas splits (call 1), Nova and Sage answer (2, 3),
/// Atlas synthesizes (4). Returns the script so tests can compare the events.
pub fn tree_run(id: &str, prompt: &str, start_ms: i64) -> Script {
    let mut s = Script::new(id, prompt, start_ms);
    s.task("atlas", prompt, None);
    s.state("atlas", NodeStatus::Splitting);
    s.wait(5);
    let t1 = s.now;
    s.start_call(1, "atlas", Phase::Split, None);
    s.wait(40);
    s.stream(1, "atlas", Phase::Split, SPLIT_TEXT, 30);
    s.wait(10);
    s.finish_call(1, "atlas", Phase::Split, SPLIT_TEXT, t1, None);
    s.state("atlas", NodeStatus::Delegated);
    s.task("nova", "Explain the tunnelling physics", Some(1));
    s.task("sage", "Give a real-world example", Some(1));
    s.state("nova", NodeStatus::Answering);
    s.state("sage", NodeStatus::Answering);
    let t2 = s.now;
    s.start_call(2, "nova", Phase::Answer, Some(1));
    s.start_call(3, "sage", Phase::Answer, Some(1));
    s.wait(40);
    // Nova and Sage stream at the same time.
    let nova: Vec<&str> = NOVA_TEXT.split_inclusive(' ').collect();
    let sage: Vec<&str> = SAGE_TEXT.split_inclusive(' ').collect();
    for i in 0..nova.len().max(sage.len()) {
        if let Some(w) = nova.get(i) {
            s.token(2, "nova", Phase::Answer, w);
        }
        if let Some(w) = sage.get(i) {
            s.token(3, "sage", Phase::Answer, w);
        }
        s.wait(35);
    }
    s.finish_call(3, "sage", Phase::Answer, SAGE_TEXT, t2, None);
    s.state("sage", NodeStatus::Done);
    s.wait(20);
    s.finish_call(2, "nova", Phase::Answer, NOVA_TEXT, t2, None);
    s.state("nova", NodeStatus::Done);
    s.state("atlas", NodeStatus::Synthesizing);
    let t4 = s.now;
    s.start_call(4, "atlas", Phase::Synthesize, Some(2));
    s.wait(40);
    s.thought(4, "atlas", Phase::Synthesize, "Let me combine. ");
    s.wait(20);
    s.stream(4, "atlas", Phase::Synthesize, ANSWER_TEXT, 25);
    s.finish_call(4, "atlas", Phase::Synthesize, ANSWER_TEXT, t4, None);
    s.state("atlas", NodeStatus::Done);
    let wall_ms = s.now - start_ms;
    s.finish_run(
        RunStatus::Done,
        Some(ANSWER_TEXT),
        RunTotals {
            calls: 4,
            failed_calls: 0,
            prompt_tokens: 410,
            completion_tokens: 100,
            wall_ms,
            flagged_answers: 0,
            looped_calls: 0,
        },
    );
    s
}

/// A temporary folder holding `ailab.db`.
pub fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ailab.db");
    (dir, path)
}

/// A raw connection for checks the public API does not offer.
pub fn raw(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("open raw connection")
}
