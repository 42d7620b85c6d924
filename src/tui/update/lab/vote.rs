//! The blind vote: open a pair from the queue, choose (the names are revealed at once), store
//! the vote with the order shown, and move on through the queue.

use crate::lab::Arm;
use crate::tui::action::{Action, Context, Lab};
use crate::tui::msg::lab::QueuedVote;
use crate::tui::msg::{Effect, LabEffect};
use crate::tui::screen::Screen;
use crate::tui::state::lab::{Choice, Saving, VotePhase, VoteScreen};
use crate::tui::state::{Level, State, Tab};

fn same(item: &QueuedVote, comparison: i64, pair: &(Arm, Arm)) -> bool {
    item.pending.comparison == comparison && item.pending.pair == *pair
}

/// Shows the queue's pair at `index` (or the empty state).
fn open(state: &mut State, index: usize) {
    let queue = state.lab.queue();
    let index = index.min(queue.len().saturating_sub(1));
    let item = queue.get(index).cloned();
    let waiting = queue.len();
    state.lab.selected = index;
    state.lab.ask = None;
    state.tab = Tab::Lab;
    state.lab.vote = Some(Box::new(VoteScreen::new(item, index + 1, waiting)));
}

/// `vote`: from the board, vote on the selected pair; after a vote, the next pair (or, when the
/// vote was not stored, send it again).
pub fn open_or_next(state: &mut State) -> Vec<Effect> {
    let Some(screen) = &state.lab.vote else {
        open(state, state.lab.selected);
        return Vec::new();
    };
    match &screen.phase {
        VotePhase::Choosing if screen.item.is_some() => {
            let keys: Vec<String> = [
                Action::Lab(Lab::VoteA),
                Action::Lab(Lab::VoteB),
                Action::Lab(Lab::VoteTie),
                Action::Lab(Lab::VoteBothBad),
            ]
            .iter()
            .filter_map(|a| state.keymap.hint(Context::Vote, *a))
            .collect();
            state.notify(format!("Vote first ({}), or skip this pair.", keys.join(" ")), Level::Info);
            Vec::new()
        }
        VotePhase::Choosing => Vec::new(),
        VotePhase::Revealed { choice, saving: Saving::Failed(_) } => {
            let choice = *choice;
            if let Some(screen) = &mut state.lab.vote {
                screen.phase = VotePhase::Choosing;
            }
            choose(state, choice)
        }
        VotePhase::Revealed { .. } => {
            next(state);
            Vec::new()
        }
    }
}

/// The pair after the one on screen (wrapping around), or the empty state.
fn next(state: &mut State) {
    let current = state.lab.vote.as_ref().and_then(|s| s.item.clone());
    let queue = state.lab.queue();
    let start = current
        .and_then(|c| queue.iter().position(|q| same(q, c.pending.comparison, &c.pending.pair)))
        .map_or(state.lab.selected, |at| at + 1);
    let index = if start < queue.len() { start } else { 0 };
    open(state, index);
}

/// `vote_skip`: leave this pair in the queue and show the next.
pub fn skip(state: &mut State) -> Vec<Effect> {
    if state.lab.vote.as_ref().is_some_and(|s| s.item.is_some()) {
        if state.lab.queue().len() <= 1 {
            state.notify("This is the only pair waiting for a vote.", Level::Info);
            return Vec::new();
        }
        next(state);
    }
    Vec::new()
}

/// `vote_reason`: type a one-line reason before voting.
pub fn edit_reason(state: &mut State) -> Vec<Effect> {
    if let Some(screen) = &mut state.lab.vote
        && screen.item.is_some()
        && !screen.is_revealed()
    {
        screen.editing_reason = true;
    }
    Vec::new()
}

/// A vote: reveal the names and store it with the order shown.
pub fn choose(state: &mut State, choice: Choice) -> Vec<Effect> {
    let Some(screen) = &mut state.lab.vote else { return Vec::new() };
    let Some(item) = &screen.item else { return Vec::new() };
    if screen.is_revealed() {
        return Vec::new();
    }
    let pending = &item.pending;
    let effect = LabEffect::CastVote {
        comparison: pending.comparison,
        pair: pending.pair.clone(),
        shown_first: item.shown_first.clone(),
        outcome: choice.outcome(&pending.pair, &item.shown_first),
        reason: screen.reason_text(),
    };
    screen.editing_reason = false;
    screen.phase = VotePhase::Revealed { choice, saving: Saving::Pending };
    vec![Effect::Lab(effect)]
}

/// The record stored the vote (or could not).
pub fn saved(
    state: &mut State,
    comparison: i64,
    pair: (Arm, Arm),
    result: Result<(), String>,
) -> Vec<Effect> {
    if let Some(screen) = &mut state.lab.vote
        && screen.item.as_ref().is_some_and(|i| same(i, comparison, &pair))
        && let VotePhase::Revealed { saving, .. } = &mut screen.phase
    {
        *saving = match &result {
            Ok(()) => Saving::Saved,
            Err(message) => Saving::Failed(crate::text::sanitize::one_line(message)),
        };
    }
    match result {
        Ok(()) => {
            if let Some(data) = &mut state.lab.data {
                data.queue.retain(|q| !same(q, comparison, &pair));
                state.lab.selected = state.lab.selected.min(data.queue.len().saturating_sub(1));
                state.lab.data_generation += 1;
            }
            super::load(state)
        }
        Err(message) => {
            state.notify(format!("The vote was not saved: {message}"), Level::Error);
            Vec::new()
        }
    }
}

/// The queue was read again: an empty vote screen shows the first pair now waiting.
pub fn queue_changed(state: &mut State) {
    let empty_screen = state.lab.vote.as_ref().is_some_and(|s| s.item.is_none());
    if empty_screen && !state.lab.queue().is_empty() {
        open(state, 0);
    }
}

/// Scrolls both answers together.
pub fn scroll(state: &mut State, screen: &Screen, action: Action) {
    let Some(vote) = &mut state.lab.vote else { return };
    let text = &screen.lab.vote;
    let top = vote.scroll.min(text.max_scroll);
    vote.scroll = match super::scroll::scroll_delta(action, text.pane_height) {
        Some(delta) => top.saturating_add_signed(delta).min(text.max_scroll),
        None => text.max_scroll,
    };
}
