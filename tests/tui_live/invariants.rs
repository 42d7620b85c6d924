//! What must hold of the UI state whatever happened before (the screen's rules are in
//! `screen::screen_problems`). Read through the state's public API in this one place, so that
//! when its fields move only this file follows them.

use ailab::tui::state::prompts::{Dialog, FileState};
use ailab::tui::state::{Focus, Overlay, State, Tab};

/// The rules `state` breaks, each said in words (none: it is consistent).
pub fn broken_rules(state: &State) -> Vec<String> {
    let mut broken = Vec::new();
    let mut rule = |holds: bool, what: String| {
        if !holds {
            broken.push(what);
        }
    };
    let nodes = state.run.view.nodes.len();

    rule(Tab::AVAILABLE.contains(&state.tab), format!("the tab {:?} is not one the bar shows", state.tab));
    match state.run.focus {
        Focus::Node(i) => rule(i < nodes, format!("the focus is on node {i} of {nodes}")),
        Focus::Answer => rule(state.run.shows_answer(), "the focus is on an answer panel not shown".into()),
        Focus::Prompt => {}
    }

    let kinds: Vec<&str> = state.overlays.iter().map(overlay_kind).collect();
    for kind in ["help", "messages", "health", "zoom", "flow"] {
        let open = kinds.iter().filter(|k| **k == kind).count();
        rule(open <= 1, format!("{open} {kind} overlays are open at once"));
    }
    if let Some(zoom) = state.zoom() {
        rule(zoom.node < nodes, format!("the zoom view shows node {} of {nodes}", zoom.node));
    }
    rule(
        state.flow().is_none() || state.tab == Tab::Run,
        format!("the flow view is open on the {:?} tab", state.tab),
    );

    let history = &state.history;
    let listed = history.runs.len();
    if listed == 0 {
        rule(history.selected == 0, format!("run {} is selected in an empty list", history.selected));
    } else {
        rule(history.selected < listed, format!("run {} is selected of {listed}", history.selected));
    }
    rule(
        history.offset <= history.selected,
        format!("the list starts at row {} below the selection {}", history.offset, history.selected),
    );
    // A question only while there is something it asks about.
    if let Some(confirm) = &history.confirm {
        rule(
            history.runs.iter().any(|r| r.row.id == confirm.id),
            format!("deleting run {} is asked, but the list does not hold it", confirm.id),
        );
    }
    if let Some(past) = &history.past
        && let Some(replay) = &past.replay
    {
        let events = past.events.len();
        rule(replay.next <= events, format!("the replay is at event {} of {events}", replay.next));
    }

    let lab = &state.lab;
    let queued = lab.queue().len();
    rule(
        lab.selected < queued.max(1),
        format!("pair {} of the vote queue is selected, of {queued}", lab.selected),
    );
    rule(
        lab.ask.is_none() || lab.vote.is_none(),
        "the Lab's ask box and its vote screen are open at once".into(),
    );

    let prompts = &state.prompts;
    if let Some(dialog) = &prompts.dialog {
        let draft = prompts.draft();
        let member = |id: &str| draft.is_some_and(|d| d.hierarchy().node(id).is_some());
        let about = match dialog {
            Dialog::ConfirmRemove { id, .. } | Dialog::ConfirmReset { id, .. } => member(id),
            Dialog::ConfirmRevert { .. } | Dialog::Unsaved { .. } => prompts.is_dirty(),
            // The picker can open from another tab while the file is still being read.
            Dialog::Models(_) => matches!(prompts.file, FileState::Loading | FileState::Ready(_)),
            _ => draft.is_some(),
        };
        rule(about, format!("the Prompts tab asks {dialog:?} with nothing to ask about"));
    }
    broken
}

/// Panics, naming the rules broken and `after` (what was done last), unless `state` is consistent.
pub fn assert_consistent(state: &State, after: &str) {
    let broken = broken_rules(state);
    assert!(broken.is_empty(), "after {after}:\n  {}", broken.join("\n  "));
}

fn overlay_kind(overlay: &Overlay) -> &'static str {
    match overlay {
        Overlay::Help { .. } => "help",
        Overlay::Messages { .. } => "messages",
        Overlay::Health(_) => "health",
        Overlay::Zoom(_) => "zoom",
        Overlay::Welcome(_) => "welcome",
        Overlay::Flow(_) => "flow",
    }
}
