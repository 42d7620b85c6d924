//! A hierarchy diff as screen rows, member by member: added and removed members, moves,
//! settings before → after, and each changed prompt as a line diff with a little context.
//! Public so any view (the History tab too) can show what changed between two versions.

use crate::config::diff::{DiffLine, HierarchyDiff, LineKind, NodeChange, SettingChange};
use crate::tui::text::wrap::{Row, Wrapper};
use crate::tui::theme::Role;

/// Unchanged lines kept around each change.
const CONTEXT: usize = 2;

/// The diff wrapped to `width` columns.
pub fn rows(diff: &HierarchyDiff, width: usize) -> Vec<Row> {
    let mut w = Wrapper::new(width);
    if diff.is_empty() {
        w.push_str("No differences: that run used the same prompts and settings as these.", Role::Dim);
        w.newline();
        return w.all_rows();
    }
    if !diff.server.is_empty() {
        heading(&mut w, "~ ", "[server]", Role::Heading);
        settings(&mut w, &diff.server);
    }
    for change in &diff.nodes {
        match change {
            NodeChange::Added { id, name, parent } => {
                let under = parent.as_deref().map_or("at the top".to_string(), |p| format!("under {p}"));
                heading(&mut w, "+ ", &format!("{name} ({id}): added, {under}"), Role::DiffAdded);
            }
            NodeChange::Removed { id, name } => {
                heading(&mut w, "- ", &format!("{name} ({id}): removed"), Role::DiffRemoved);
            }
            NodeChange::Changed(node) => {
                heading(&mut w, "~ ", &format!("{} ({})", node.name, node.id), Role::Heading);
                if let Some((was, is)) = &node.moved {
                    let under =
                        |p: &Option<String>| p.as_deref().map_or("the top".into(), |p| format!("under {p}"));
                    line(
                        &mut w,
                        4,
                        &[
                            ("moved: ", Role::Dim),
                            (&under(was), Role::DiffRemoved),
                            (" → ", Role::Dim),
                            (&under(is), Role::DiffAdded),
                        ],
                    );
                }
                settings(&mut w, &node.settings);
                for prompt in &node.prompts {
                    line(&mut w, 4, &[(&format!("{} prompt:", prompt.prompt.key()), Role::Dim)]);
                    prompt_lines(&mut w, &prompt.lines);
                }
            }
        }
        w.newline();
    }
    w.all_rows()
}

fn heading(w: &mut Wrapper, mark: &str, text: &str, role: Role) {
    w.push_unbroken(mark, role);
    w.set_hang(2, role);
    w.push_str(text, role);
    w.newline();
}

/// One logical line of pieces, indented by `indent`, continuation rows under its text.
fn line(w: &mut Wrapper, indent: usize, pieces: &[(&str, Role)]) {
    w.push_unbroken(&" ".repeat(indent), Role::Dim);
    w.set_hang(indent + 2, Role::Dim);
    for (text, role) in pieces {
        w.push_str(text, *role);
    }
    w.newline();
}

fn settings(w: &mut Wrapper, changes: &[SettingChange]) {
    for s in changes {
        let empty = if s.key == "children" { "(none)" } else { "(not set)" };
        let shown = |v: &str| if v.is_empty() { empty.to_string() } else { v.to_string() };
        let (before, after) = (shown(&s.before), shown(&s.after));
        line(
            w,
            4,
            &[
                (&format!("{}: ", s.key), Role::Dim),
                (&before, Role::DiffRemoved),
                (" → ", Role::Dim),
                (&after, Role::DiffAdded),
            ],
        );
    }
}

/// Changed lines with `CONTEXT` unchanged lines around them; longer unchanged runs fold.
fn prompt_lines(w: &mut Wrapper, lines: &[DiffLine]) {
    let near_change = |i: usize| {
        let from = i.saturating_sub(CONTEXT);
        let to = (i + CONTEXT + 1).min(lines.len());
        lines[from..to].iter().any(|l| l.kind != LineKind::Same)
    };
    let mut folded = 0;
    for (i, l) in lines.iter().enumerate() {
        if l.kind == LineKind::Same && !near_change(i) {
            folded += 1;
            continue;
        }
        if folded > 0 {
            line(w, 6, &[(&format!("⋯ {folded} unchanged line(s)"), Role::Dim)]);
            folded = 0;
        }
        let (mark, role) = match l.kind {
            LineKind::Added => ("+ ", Role::DiffAdded),
            LineKind::Removed => ("- ", Role::DiffRemoved),
            LineKind::Same => ("  ", Role::Dim),
        };
        line(w, 6, &[(mark, role), (&l.text, role)]);
    }
    if folded > 0 {
        line(w, 6, &[(&format!("⋯ {folded} unchanged line(s)"), Role::Dim)]);
    }
}
