//! Arrow keys in the org chart: left and right stay on the row of the same depth, up and down
//! go to the parent and a child, at every size the chart is drawn.

use crossterm::event::KeyCode;

use super::ui::update;
use ailab::tui::screen::Screen;
use ailab::tui::screen::layout::TreeLayout;
use ailab::tui::state::{Focus, State};

use super::support::{PROMPT, feed, full_run, key, launch, state, type_keys};

fn focus_on(s: &mut State, id: &str) {
    s.run.focus = Focus::Node(s.run.view.node_index(id).unwrap());
}

fn focused(s: &State) -> String {
    match s.run.focus {
        Focus::Node(i) => s.run.view.nodes[i].id.clone(),
        other => format!("{other:?}"),
    }
}

/// After `arrow` from `from`, the focus is on `to`.
fn check(s: &mut State, from: &str, arrow: KeyCode, to: &str) {
    focus_on(s, from);
    update(s, key(arrow));
    assert_eq!(focused(s), to, "{arrow:?} from {from} at {:?}", s.size);
}

fn states() -> Vec<State> {
    let mut out = Vec::new();
    for (w, h) in [(120, 40), (100, 30), (80, 24)] {
        out.push(state(w, h));
        // A finished run: the answer panel takes room below the chart.
        let mut done = state(w, h);
        type_keys(&mut done, PROMPT);
        update(&mut done, key(KeyCode::Enter));
        launch(&mut done, "r1");
        feed(&mut done, &full_run("r1").events);
        out.push(done);
    }
    // Only the org chart has rows (80×24 with an answer shows the compact list).
    out.retain(|s| matches!(Screen::of(s).layout.tree_layout, TreeLayout::Chart { .. }));
    assert!(out.len() >= 5);
    out
}

#[test]
fn left_and_right_stay_on_the_row() {
    for mut s in states() {
        check(&mut s, "nova", KeyCode::Right, "sage");
        check(&mut s, "sage", KeyCode::Left, "nova");
        check(&mut s, "echo", KeyCode::Right, "pixel");
        check(&mut s, "pixel", KeyCode::Right, "quantum");
        check(&mut s, "quantum", KeyCode::Left, "pixel");
        check(&mut s, "pixel", KeyCode::Left, "echo");
    }
}

#[test]
fn the_ends_of_a_row_stop_there() {
    for mut s in states() {
        check(&mut s, "nova", KeyCode::Left, "nova");
        check(&mut s, "sage", KeyCode::Right, "sage");
        check(&mut s, "echo", KeyCode::Left, "echo");
        check(&mut s, "quantum", KeyCode::Right, "quantum");
        check(&mut s, "atlas", KeyCode::Right, "atlas");
        check(&mut s, "atlas", KeyCode::Left, "atlas");
    }
}

#[test]
fn up_is_the_parent_and_down_a_child() {
    for mut s in states() {
        check(&mut s, "quantum", KeyCode::Up, "sage");
        check(&mut s, "sage", KeyCode::Up, "atlas");
        check(&mut s, "sage", KeyCode::Down, "quantum");
        check(&mut s, "pixel", KeyCode::Up, "nova");
        focus_on(&mut s, "nova");
        update(&mut s, key(KeyCode::Down));
        assert!(["echo", "pixel"].contains(&focused(&s).as_str()), "{}", focused(&s));
    }
}
