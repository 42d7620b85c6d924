//! Styles that must hold whatever the terminal: with `NO_COLOR` every selection and focus stays
//! visible, and the light theme paints its own background.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::ui::update;
use ailab::tui::msg::Msg;
use ailab::tui::state::{Focus, State};
use ailab::tui::theme::{Role, ThemeSet};

use super::support::{ctrl, key, state};
use super::views::pixel_missing;
use crate::screen::render;

fn no_color(width: u16, height: u16) -> State {
    let mut s = state(width, height);
    s.themes = ThemeSet::built_in().without_color();
    s
}

/// The (x, y) of the first cell of `needle` on screen.
fn find(buffer: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let area = buffer.area;
    (area.y..area.bottom()).find_map(|y| {
        let cells: Vec<&str> = (area.x..area.right()).map(|x| buffer[(x, y)].symbol()).collect();
        let line = cells.concat();
        let at = line.find(needle)?;
        // Cells hold one symbol each: count the symbols before the byte offset.
        let mut bytes = 0;
        let x = cells.iter().take_while(|c| {
            bytes += c.len();
            bytes <= at
        });
        Some((x.count() as u16, y))
    })
}

#[test]
fn without_colour_every_theme_marks_selection_tabs_and_the_status_bar_in_reverse() {
    let set = ThemeSet::built_in().without_color();
    for name in set.names() {
        let theme = set.get(name).unwrap();
        for role in [Role::Selection, Role::TabActive, Role::StatusBar, Role::Notice] {
            let style = theme.style(role);
            assert!(style.add_modifier.contains(Modifier::REVERSED), "{name}: {role:?} {style:?}");
            assert!(
                matches!(style.fg, None | Some(Color::Reset))
                    && matches!(style.bg, None | Some(Color::Reset))
            );
        }
        assert!(!theme.style(Role::Background).add_modifier.contains(Modifier::REVERSED), "{name}");
        assert!(theme.style(Role::BorderFocused).add_modifier.contains(Modifier::BOLD), "{name}");
    }
}

#[test]
fn without_colour_the_selected_served_model_is_reversed() {
    let mut s = no_color(100, 30);
    update(&mut s, Msg::Health(pixel_missing(&["phi-3.1-mini-4k-instruct", "qwen2.5-7b-instruct"])));
    update(&mut s, key(KeyCode::Down));
    let terminal = render(&mut s, 100, 30);
    let buffer = terminal.backend().buffer();
    let (x, y) = find(buffer, "▶ qwen2.5").expect("the selected model is drawn");
    assert!(buffer[(x + 3, y)].modifier.contains(Modifier::REVERSED), "{:?}", buffer[(x + 3, y)]);
    let (x, y) = find(buffer, "  phi-3.1-mini-4k-instruct").unwrap();
    assert!(!buffer[(x + 3, y)].modifier.contains(Modifier::REVERSED), "only the selection is reversed");
}

#[test]
fn without_colour_the_focused_row_of_the_compact_tree_is_reversed() {
    let mut s = no_color(50, 16);
    s.run.focus = Focus::Node(2);
    let terminal = render(&mut s, 50, 16);
    let buffer = terminal.backend().buffer();
    let name = s.run.view.nodes[2].name.clone();
    let (x, y) = find(buffer, &name).expect("the focused node's row");
    assert!(buffer[(x, y)].modifier.contains(Modifier::REVERSED));
    let (x, y) = find(buffer, "Atlas").unwrap();
    assert!(!buffer[(x, y)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn the_light_theme_paints_every_cell_of_the_screen() {
    let mut s = state(120, 40);
    update(&mut s, ctrl('t'));
    assert_eq!(s.theme().name, "light");
    for overlay in [None, Some(KeyCode::F(1))] {
        if let Some(code) = overlay {
            update(&mut s, key(code));
        }
        let terminal = render(&mut s, 120, 40);
        let unpainted = terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .filter(|c| c.bg == Color::Reset || c.fg == Color::Reset);
        assert_eq!(unpainted.count(), 0, "with overlay {overlay:?}");
    }
    let terminal = render(&mut s, 120, 40);
    assert_eq!(terminal.backend().buffer()[(60, 20)].bg, Color::Rgb(255, 255, 255));
}

#[test]
fn the_dark_theme_keeps_the_terminals_own_background() {
    let mut s = state(120, 40);
    let terminal = render(&mut s, 120, 40);
    assert_eq!(terminal.backend().buffer()[(60, 5)].bg, Color::Reset);
}

#[test]
fn the_theme_key_asks_to_keep_the_theme_for_next_time() {
    let mut s = state(120, 40);
    let effects = update(&mut s, ctrl('t'));
    assert_eq!(effects, vec![ailab::tui::msg::Effect::SaveTheme { name: "light".into() }]);
    assert!(s.notice.as_ref().unwrap().text.contains("kept for next time"));
}

#[test]
fn signals_leave_with_the_exit_code_shells_expect() {
    let mut s = state(120, 40);
    update(&mut s, Msg::Signal("SIGHUP"));
    assert_eq!(s.exit_signal.and_then(ailab::tui::app::signal_exit_code), Some(129));
    assert_eq!(ailab::tui::app::signal_exit_code("SIGTERM"), Some(143));
    assert_eq!(ailab::tui::app::signal_exit_code("SIGINT"), Some(130));
}
