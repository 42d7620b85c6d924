//! The prompt box.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType};

use crate::tui::action::{Action, Context, Run};
use crate::tui::screen::layout::inner;
use crate::tui::state::{Focus, Lifecycle, State};
use crate::tui::theme::Role;
use crate::tui::view::paint::span;

pub fn draw(frame: &mut Frame, rect: Rect, state: &State) {
    let theme = state.theme();
    let focused = state.run.focus == Focus::Prompt && state.overlays.is_empty();
    let key = |action| state.keymap.hint(Context::Prompt, action).unwrap_or_default();
    let hint = match &state.run.lifecycle {
        Lifecycle::Running { cancelling: true, .. } => " cancelling… ".to_string(),
        Lifecycle::Running { .. } | Lifecycle::Launching => {
            format!(" running · {} cancels ", key(Action::Run(Run::CancelOrBack)))
        }
        // The member's new reply can go up the tree to a new final answer.
        Lifecycle::Idle if state.run.conversation.sendable().is_ok() && state.run.ask.is_none() => format!(
            " {} follow-up · {} send up · {} new conversation ",
            key(Action::Run(Run::Send)),
            key(Action::Run(Run::SendUp)),
            key(Action::Run(Run::NewConversation))
        ),
        Lifecycle::Idle if state.run.next_turn() > 1 => format!(
            " {} send · {} new line · {} new conversation ",
            key(Action::Run(Run::Send)),
            key(Action::Run(Run::Newline)),
            key(Action::Run(Run::NewConversation))
        ),
        Lifecycle::Idle => {
            format!(" {} send · {} new line ", key(Action::Run(Run::Send)), key(Action::Run(Run::Newline)))
        }
    };
    // What the next prompt is: a follow-up the whole team reads in context, or a fresh start.
    let title = match (&state.run.ask, state.run.next_turn()) {
        (Some(member), _) => format!(" Ask {} alone · Esc: the whole team ", member.name),
        (None, 1) => " Prompt ".to_string(),
        (None, turn) => format!(" Follow-up · turn {turn} "),
    };
    let block = Block::bordered()
        .border_type(if focused { BorderType::Thick } else { BorderType::Rounded })
        .border_style(if focused { theme.style(Role::BorderFocused) } else { theme.style(Role::Border) })
        .title_top(Line::from(span(title, theme.style(Role::Title))))
        .title_top(Line::from(span(hint, theme.style(Role::Dim))).right_aligned());
    frame.render_widget(block, rect);
    // The editor keeps the text; how it looks (the cursor where the keys go) is the view's.
    let mut editor = state.run.prompt.editor.clone();
    let cursor = if focused { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
    editor.set_cursor_style(cursor);
    editor.set_cursor_line_style(Style::new());
    editor.set_placeholder_style(theme.style(Role::Dim));
    if let Some(member) = &state.run.ask {
        editor.set_placeholder_text(format!(
            "Ask {} something about its part… (Enter sends, Esc: back to the whole team)",
            member.name
        ));
    }
    frame.render_widget(&editor, inner(rect));
}
