//! The architecture, checked: the arrows between the files of `src/` go one way, and no files
//! reach each other in a circle. docs/ARCHITECTURE.md explains the rooms and why the arrows
//! point the way they do; this test keeps them so.
//!
//! An arrow is drawn from a file to every file whose items it names (`use` trees and inline
//! `crate::`/`super::`/`self::` paths, with re-exports followed to the file that defines the
//! item). A module's `mod child;` declaration alone is not an arrow.

#[path = "architecture/graph.rs"]
mod graph;
#[path = "architecture/lexer.rs"]
mod lexer;
#[path = "architecture/modules.rs"]
mod modules;
#[path = "architecture/probes.rs"]
mod probes;

use graph::Graph;
use modules::Crate;
use std::path::Path;
use std::sync::OnceLock;

fn graph() -> &'static Graph {
    static GRAPH: OnceLock<Graph> = OnceLock::new();
    GRAPH.get_or_init(|| Graph::of(&Crate::read(Path::new(env!("CARGO_MANIFEST_DIR")))))
}

/// Every arrow from a file under one of `from` to a file under one of `to`, as `file:line → file`.
fn arrows(from: &[&str], to: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for (file, targets) in &graph().edges {
        if !from.iter().any(|f| file.starts_with(f)) {
            continue;
        }
        for (target, site) in targets {
            if to.iter().any(|t| target.starts_with(t)) {
                out.push(format!("{file}:{} → {target} ({})", site.line, site.path));
            }
        }
    }
    out
}

fn assert_none(what: &str, found: Vec<String>) {
    assert!(found.is_empty(), "{what}:\n  {}", found.join("\n  "));
}

#[test]
fn the_reader_sees_every_file_of_src() {
    let g = graph();
    let listed = g.edges.len();
    let on_disk = walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    // main.rs is the binary's own crate; every other file is a module of the library.
    assert_eq!(listed, on_disk - 1, "files read as modules vs .rs files under src/");
    let arrows: usize = g.edges.values().map(|e| e.len()).sum();
    assert!(arrows > listed, "only {arrows} arrows among {listed} files: the reader is missing paths");
}

fn walk(dir: &Path) -> usize {
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            count += walk(&path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            count += 1;
        }
    }
    count
}

#[test]
fn no_circle_of_files_anywhere_in_src() {
    let g = graph();
    let circles = g.circles();
    let mut report = String::new();
    for circle in &circles {
        report.push_str(&format!("\n{} files reach each other:\n", circle.len()));
        report.push_str(&g.arrows_within(circle).join("\n"));
    }
    assert!(circles.is_empty(), "{} circle(s) of files:{report}", circles.len());
}

/// The rooms under the front ends know nothing of them.
#[test]
fn engine_store_lab_llm_config_and_session_never_name_a_front_end() {
    let below = [
        "src/engine/",
        "src/store/",
        "src/lab/",
        "src/llm/",
        "src/config/",
        "src/session/",
        "src/clock.rs",
        "src/panic.rs",
        "src/paths.rs",
        "src/text/",
    ];
    assert_none(
        "arrows from below the front ends to the TUI or the CLI",
        arrows(&below, &["src/tui/", "src/cli/"]),
    );
}

/// Neither front end imports the other: what both need (settings, the record's start-up, exit
/// codes) lives in `session`; `main.rs` chooses which one runs.
#[test]
fn the_front_ends_never_name_each_other() {
    assert_none("arrows from the TUI to the CLI", arrows(&["src/tui/"], &["src/cli/"]));
    assert_none("arrows from the CLI to the TUI", arrows(&["src/cli/"], &["src/tui/"]));
}

/// `tui/cli → session → engine, store, lab → llm → config`.
#[test]
fn the_layers_below_point_down() {
    assert_none(
        "llm names the engine or above",
        arrows(&["src/llm/"], &["src/engine/", "src/store/", "src/lab/", "src/session/"]),
    );
    assert_none(
        "config names a room above it",
        arrows(&["src/config/"], &["src/llm/", "src/engine/", "src/store/", "src/lab/", "src/session/"]),
    );
    assert_none(
        "the engine names the record, the lab or the session",
        arrows(&["src/engine/"], &["src/store/", "src/lab/", "src/session/"]),
    );
    assert_none(
        "the lab names the record or the session",
        arrows(&["src/lab/"], &["src/store/", "src/session/"]),
    );
    assert_none("the record names the session", arrows(&["src/store/"], &["src/session/"]));
    assert_none(
        "config names a room other than paths",
        arrows(&["src/config/"], &["src/"])
            .into_iter()
            .filter(|a| !a.contains("→ src/config/") && !a.contains("→ src/paths.rs"))
            .collect(),
    );
    assert_none(
        "the clock, panic, paths and text helpers name a room",
        arrows(&["src/clock.rs", "src/panic.rs", "src/paths.rs", "src/text/"], &["src/"])
            .into_iter()
            .filter(|a| !(a.starts_with("src/text/") && a.contains("→ src/text/")))
            .collect(),
    );
}

/// The record stores the lab's results; it does not compute them (pairing, the swap rule,
/// statistics and reports are the lab's).
#[test]
fn the_record_runs_none_of_the_lab_s_scoring() {
    assert_none(
        "the record names the lab's running, scoring or reporting",
        arrows(
            &["src/store/"],
            &[
                "src/lab/eval/",
                "src/lab/report.rs",
                "src/lab/table.rs",
                "src/lab/stats.rs",
                "src/lab/judge_check.rs",
                "src/lab/score",
            ],
        ),
    );
}

/// State holds facts; derived screen data (layouts, wrapped rows) is computed below both the
/// reducer and the views, so state needs neither.
#[test]
fn tui_state_names_no_view_no_reducer_no_shell() {
    assert_none(
        "arrows from tui/state",
        arrows(&["src/tui/state/"], &["src/tui/view/", "src/tui/update/", "src/tui/app/", "src/tui/screen/"]),
    );
    assert_none(
        "arrows from tui/msg",
        arrows(&["src/tui/msg"], &["src/tui/view/", "src/tui/update/", "src/tui/app/"]),
    );
}

#[test]
fn views_never_update_and_the_reducer_never_draws() {
    assert_none(
        "arrows from tui/view to the reducer or the shell",
        arrows(&["src/tui/view/"], &["src/tui/update/", "src/tui/app/"]),
    );
    assert_none(
        "arrows from tui/update to the views or the shell",
        arrows(&["src/tui/update/"], &["src/tui/view/", "src/tui/app/"]),
    );
    assert_none(
        "arrows from tui/screen to the reducer, the views or the shell",
        arrows(&["src/tui/screen/"], &["src/tui/view/", "src/tui/update/", "src/tui/app/"]),
    );
}

/// Prints every arrow (`cargo test --test architecture report_edges -- --ignored --nocapture`),
/// for reading the graph by hand.
#[test]
#[ignore = "a report, not a check"]
fn report_edges() {
    for (file, targets) in &graph().edges {
        for (target, site) in targets {
            println!("EDGE {file}:{} → {target} {}", site.line, site.path);
        }
    }
}
