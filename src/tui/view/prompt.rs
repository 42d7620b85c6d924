//! The prompt box.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType};

use crate::tui::screen::layout::inner;
use super::span;
use crate::tui::action::{Action, Context};
use crate::tui::state::{Focus, Lifecycle, State};
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, rect: Rect, state: &State) {
    let theme = state.theme();
    let focused = state.focus == Focus::Prompt && state.overlays.is_empty();
    let key = |action| state.keymap.hint(Context::Prompt, action).unwrap_or_default();
    let hint = match &state.lifecycle {
        Lifecycle::Running { cancelling: true, .. } => " cancelling… ".to_string(),
        Lifecycle::Running { .. } | Lifecycle::Launching => {
            format!(" running · {} cancels ", key(Action::CancelOrBack))
        }
        Lifecycle::Idle => format!(" {} send · {} new line ", key(Action::Send), key(Action::Newline)),
    };
    let block = Block::bordered()
        .border_type(if focused { BorderType::Thick } else { BorderType::Rounded })
        .border_style(if focused { theme.style(Role::BorderFocused) } else { theme.style(Role::Border) })
        .title_top(Line::from(span(" Prompt ", theme.style(Role::Title))))
        .title_top(Line::from(span(hint, theme.style(Role::Dim))).right_aligned());
    frame.render_widget(block, rect);
    frame.render_widget(&state.prompt.editor, inner(rect));
}
