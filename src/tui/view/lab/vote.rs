//! The blind vote screen: the prompt, two answers as "A" and "B" (no node or arm names until the
//! vote), the optional reason, and the keys; after the vote, which arm was which.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType};

use crate::lab::Arm;
use crate::tui::action::{Action, App, Context, Lab, Move};
use crate::tui::screen::lab::{VoteKey, VoteText, layout};
use crate::tui::state::State;
use crate::tui::state::lab::{Choice, Saving, VotePhase, VoteScreen};
use crate::tui::text::cached::Memo;
use crate::tui::text::cells::{RowBuilder, paragraph};
use crate::tui::text::wrap::{Row, truncate};
use crate::tui::theme::Role;
use crate::tui::view::paint::{centered, draw_rows, key_hint as key, span};

/// One answer pane's rows, as the screen wrapped them.
type VoteRows = Memo<VoteKey>;

pub fn draw(frame: &mut Frame, body: Rect, state: &State, screen: &VoteScreen, text: &VoteText) {
    let theme = state.theme();
    let Some(item) = &screen.item else {
        empty(frame, body, state);
        return;
    };
    let regions = layout::vote(body, screen);
    let width = body.width as usize;

    let mut header = RowBuilder::new(width);
    header.push(" Blind vote", Role::Heading);
    let place =
        format!(" · {} of {} waiting · {}", screen.position, screen.waiting, item.pending.prompt.category);
    header.push(&place, Role::Dim);
    let back = format!("{} back ", key(state, Context::Vote, Action::App(App::Close)));
    let pad = width.saturating_sub(header.width() + back.chars().count());
    header.push(&" ".repeat(pad), Role::Text).push(&back, Role::Dim);
    draw_rows(frame.buffer_mut(), regions.header, &[header.build()], theme);

    let mut prompt = paragraph(
        &[(" Prompt: ", Role::Dim), (&item.pending.prompt.text, Role::Text)],
        width.saturating_sub(1),
        9,
    );
    let shown = regions.prompt.height as usize;
    if prompt.len() > shown && shown > 0 {
        prompt.truncate(shown);
        if let Some(last) = prompt.last_mut() {
            *last = Row::plain(truncate(&format!("{}…", last.text()), width), Role::Text);
        }
    }
    draw_rows(frame.buffer_mut(), regions.prompt, &prompt, theme);

    let revealed = match &screen.phase {
        VotePhase::Revealed { choice, .. } => Some(*choice),
        VotePhase::Choosing => None,
    };
    let sides = [
        ("A", item.shown_first.clone(), regions.a, regions.a_text, &text.a_rows, Choice::A),
        ("B", item.shown_second(), regions.b, regions.b_text, &text.b_rows, Choice::B),
    ];
    for (letter, arm, rect, text, rows, choice) in sides {
        pane(
            frame,
            state,
            screen,
            Pane { letter, arm, rect, text, rows, chosen: revealed.map(|c| c == choice) },
        );
    }

    reason(frame, regions.reason, state, screen);
    keys(frame, regions.keys, state, screen, &item.shown_first, &item.shown_second());
}

struct Pane<'a> {
    letter: &'a str,
    arm: Arm,
    rect: Rect,
    text: Rect,
    rows: &'a VoteRows,
    /// After the vote: whether this side was chosen.
    chosen: Option<bool>,
}

fn pane(frame: &mut Frame, state: &State, screen: &VoteScreen, pane: Pane) {
    if pane.rect.height < 2 || pane.rect.width < 4 {
        return;
    }
    let theme = state.theme();
    let mut title = vec![span(format!(" {} ", pane.letter), theme.style(Role::Title))];
    if let Some(chosen) = pane.chosen {
        title.push(span(format!("· {} ", pane.arm), theme.style(Role::Accent)));
        if chosen {
            title.push(span("✔ your pick ", theme.style(Role::NodeDone)));
        }
    }
    let highlighted = pane.chosen == Some(true);
    let mut block = Block::bordered()
        .border_type(if highlighted { BorderType::Thick } else { BorderType::Rounded })
        .border_style(theme.style(if highlighted { Role::BorderFocused } else { Role::Border }))
        .title_top(Line::from(title));
    let height = pane.text.height as usize;
    let top = screen.scroll.min(pane.rows.len().saturating_sub(height));
    let below = pane.rows.len().saturating_sub(top + height);
    if below > 0 {
        let more =
            format!(" ↓ {below} more ({}) ", key(state, Context::Vote, Action::Move(Move::ScrollDown)));
        block = block.title_bottom(Line::from(span(more, theme.style(Role::KeyHint))).right_aligned());
    }
    frame.render_widget(block, pane.rect);
    draw_rows(frame.buffer_mut(), pane.text, &pane.rows.rows(top, height), theme);
}

fn reason(frame: &mut Frame, rect: Rect, state: &State, screen: &VoteScreen) {
    if rect.height == 0 {
        return;
    }
    let theme = state.theme();
    let label = " Reason: ";
    draw_rows(frame.buffer_mut(), rect, &[Row::plain(label, Role::Dim)], theme);
    let field =
        Rect::new(rect.x + label.len() as u16, rect.y, rect.width.saturating_sub(label.len() as u16), 1);
    if screen.editing_reason {
        frame.render_widget(&screen.reason, field);
        return;
    }
    let typed = screen.reason_text();
    let row = if typed.is_empty() && !screen.is_revealed() {
        let hint =
            format!("optional · {} to write one", key(state, Context::Vote, Action::Lab(Lab::VoteReason)));
        Row::plain(truncate(&hint, field.width as usize), Role::Dim)
    } else if typed.is_empty() {
        Row::plain("none", Role::Dim)
    } else {
        Row::plain(truncate(&typed, field.width as usize), Role::Text)
    };
    draw_rows(frame.buffer_mut(), field, &[row], theme);
}

fn keys(frame: &mut Frame, rect: Rect, state: &State, screen: &VoteScreen, a: &Arm, b: &Arm) {
    let theme = state.theme();
    let width = rect.width.saturating_sub(1) as usize;
    let k = |action| key(state, Context::Vote, action);
    let rows = match &screen.phase {
        VotePhase::Choosing => {
            let parts = [
                format!("{} A is better", k(Action::Lab(Lab::VoteA))),
                format!("{} B is better", k(Action::Lab(Lab::VoteB))),
                format!("{} tie", k(Action::Lab(Lab::VoteTie))),
                format!("{} both bad", k(Action::Lab(Lab::VoteBothBad))),
                format!("{} reason", k(Action::Lab(Lab::VoteReason))),
                format!("{} scroll", k(Action::Move(Move::ScrollDown))),
                format!("{} skip", k(Action::Lab(Lab::VoteSkip))),
            ];
            paragraph(&[(&parts.join(" · "), Role::KeyHint)], width, 0)
        }
        VotePhase::Revealed { choice, saving } => {
            let sentence =
                format!("You voted: {}. A was {}, B was {}. ", choice.label(), a.describe(), b.describe());
            let (saved, role) = match saving {
                Saving::Pending => ("Saving…".to_string(), Role::Dim),
                Saving::Saved => ("✔ Saved.".to_string(), Role::NodeDone),
                Saving::Failed(why) => (
                    format!("✖ Not saved: {why}. {} tries again.", k(Action::Lab(Lab::Vote))),
                    Role::NodeFailed,
                ),
            };
            let next = format!("  {} next · {} back", k(Action::Lab(Lab::Vote)), k(Action::App(App::Close)));
            paragraph(&[(&sentence, Role::Strong), (&saved, role), (&next, Role::KeyHint)], width, 0)
        }
    };
    let area = Rect::new(rect.x + 1, rect.y, rect.width.saturating_sub(1), rect.height);
    let shown: Vec<Row> = rows.into_iter().take(rect.height as usize).collect();
    draw_rows(frame.buffer_mut(), area, &shown, theme);
}

fn empty(frame: &mut Frame, body: Rect, state: &State) {
    let theme = state.theme();
    let text = format!(
        "Nothing waits for your vote. Each comparison ({} in the Lab tab, or `ailab eval`) adds its \
         pairs of answers here, to judge blind. {} goes back.",
        key(state, Context::Lab, Action::Lab(Lab::Compare)),
        key(state, Context::Vote, Action::App(App::Close))
    );
    let width = body.width.saturating_sub(4).min(70);
    let rows = paragraph(&[(&text, Role::Dim)], width as usize, 0);
    let rect = centered(body, width, rows.len() as u16);
    let block = Block::bordered().border_type(BorderType::Rounded).border_style(theme.style(Role::Border));
    let frame_rect =
        Rect::new(rect.x.saturating_sub(2), rect.y.saturating_sub(1), rect.width + 4, rect.height + 2)
            .intersection(body);
    frame.render_widget(
        block.title_top(Line::from(span(" Blind vote ", theme.style(Role::Title)))),
        frame_rect,
    );
    draw_rows(frame.buffer_mut(), rect, &rows, theme);
}
