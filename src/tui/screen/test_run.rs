//! A run told event by event, for the screen's unit tests: the six-node tree (Atlas → Nova, Sage;
//! Nova → Echo, Pixel; Sage → Quantum), with reflection rounds where a test asks for them.

use std::sync::Arc;

use crate::config::{Hierarchy, Phase};
use crate::engine::{
    AfterFailure, CallId, CallMetrics, EventKind, NodeStatus, RunEvent, SplitMethod, testkit,
};
use crate::llm::ChatRequest;
use crate::tui::state::run_view::RunView;

pub struct TestRun {
    pub view: RunView,
    next_call: CallId,
}

impl TestRun {
    /// The six-node tree, started on `prompt`; `reflect` sets each node's reflection rounds.
    pub fn new(prompt: &str, reflect: &[(&str, u32)]) -> TestRun {
        let mut hierarchy: Hierarchy = testkit::six_node_tree();
        for node in &mut hierarchy.nodes {
            if let Some((_, rounds)) = reflect.iter().find(|(id, _)| *id == node.id) {
                node.reflect = *rounds;
            }
        }
        let hierarchy = Arc::new(hierarchy);
        let mut run = TestRun { view: RunView::idle(hierarchy.clone()), next_call: 1 };
        run.send(EventKind::RunStarted {
            prompt: prompt.into(),
            root: "atlas".into(),
            hierarchy,
            hierarchy_hash: String::new(),
            app_version: String::new(),
            kind: "tree".into(),
            conversation: None,
        });
        run.task("atlas", prompt, None);
        run
    }

    pub fn send(&mut self, kind: EventKind) {
        self.view.apply(&RunEvent { run_id: "r".into(), at_ms: 0, kind });
    }

    pub fn index(&self, node: &str) -> usize {
        self.view.node_index(node).unwrap_or(usize::MAX)
    }

    pub fn state(&mut self, node: &str, state: NodeStatus) {
        self.send(EventKind::NodeState { node: node.into(), state });
    }

    /// `node` gets `task`, read from its parent's split as `split`.
    pub fn task(&mut self, node: &str, task: &str, split: Option<SplitMethod>) {
        self.send(EventKind::TaskAssigned {
            node: node.into(),
            task: task.into(),
            from_call: None,
            split,
            fallback_reason: None,
        });
    }

    /// A call of `node` starts (after `parent_call`); returns its id.
    pub fn call(&mut self, node: &str, phase: Phase, parent_call: Option<CallId>) -> CallId {
        let call = self.next_call;
        self.next_call += 1;
        let request = ChatRequest {
            model: "m".into(),
            messages: Vec::new(),
            temperature: 0.0,
            top_p: 1.0,
            max_tokens: 10,
            seed: None,
            response_format: None,
            sampling: Default::default(),
        };
        self.send(EventKind::CallStarted {
            call,
            node: node.into(),
            phase,
            parent_call,
            endpoint: "e".into(),
            request: Arc::new(request),
            truncated_input: false,
            reflection: None,
        });
        call
    }

    pub fn token(&mut self, call: CallId, text: &str) {
        let (node, phase) = self.who(call);
        self.send(EventKind::Token { call, node, phase, text: text.into(), reasoning: false, pieces: 1 });
    }

    /// The call ends with `text`, or fails with `error`; `finish` is its finish reason.
    pub fn finish(&mut self, call: CallId, text: &str, error: Option<&str>, finish: Option<&str>) {
        self.finish_then(call, text, error, finish, None);
    }

    /// As [`Self::finish`], with what the engine does after a failure (asks again, …).
    pub fn finish_then(
        &mut self,
        call: CallId,
        text: &str,
        error: Option<&str>,
        finish: Option<&str>,
        next: Option<AfterFailure>,
    ) {
        let (node, phase) = self.who(call);
        let metrics = CallMetrics { finish_reason: finish.map(str::to_string), ..CallMetrics::default() };
        self.send(EventKind::CallFinished {
            call,
            node,
            phase,
            metrics,
            text: text.into(),
            reasoning: String::new(),
            split: (phase == Phase::Split).then_some(SplitMethod::Json),
            error: error.map(str::to_string),
            next,
        });
    }

    /// A whole call: started, streamed and finished with `text`.
    pub fn answer(&mut self, node: &str, phase: Phase, parent_call: Option<CallId>, text: &str) -> CallId {
        let call = self.call(node, phase, parent_call);
        self.token(call, text);
        self.finish(call, text, None, None);
        call
    }

    fn who(&self, call: CallId) -> (String, Phase) {
        let c = self.view.call(call).expect("a started call");
        (self.view.nodes[c.node].id.clone(), c.phase)
    }
}
