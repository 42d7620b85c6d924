//! What changed between two versions of the hierarchy (a run's snapshot and the current one),
//! node by node: members added, removed or moved, settings changed, and each changed prompt as a
//! line diff (Myers, from the `similar` crate).

use std::fmt;

use similar::{ChangeTag, TextDiff};

use super::edit::{Field, PromptField};
use super::model::{Hierarchy, NodeConfig, ServerConfig};

/// Every difference between two hierarchies; empty when they would run the same.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HierarchyDiff {
    /// `[server]` settings that changed.
    pub server: Vec<SettingChange>,
    /// Nodes added or changed (in the new tree's order), then nodes removed.
    pub nodes: Vec<NodeChange>,
}

/// What happened to one member.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeChange {
    Added { id: String, name: String, parent: Option<String> },
    Removed { id: String, name: String },
    Changed(NodeDiff),
}

/// The changes of a member present in both versions.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeDiff {
    pub id: String,
    /// The name now.
    pub name: String,
    /// Its parent's id before and after, when it moved.
    pub moved: Option<(Option<String>, Option<String>)>,
    pub settings: Vec<SettingChange>,
    pub prompts: Vec<PromptChange>,
}

/// One setting's value before and after, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingChange {
    /// The key as `hierarchy.toml` writes it.
    pub key: &'static str,
    pub before: String,
    pub after: String,
}

/// One prompt's text before and after, line by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptChange {
    pub prompt: PromptField,
    pub lines: Vec<DiffLine>,
}

/// A line of a line diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub kind: LineKind,
    /// The line without its newline.
    pub text: String,
}

/// Whether a line is in both versions, only the new one, or only the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Same,
    Added,
    Removed,
}

impl HierarchyDiff {
    /// True when nothing a run uses differs.
    pub fn is_empty(&self) -> bool {
        self.server.is_empty() && self.nodes.is_empty()
    }
}

/// Compares two hierarchies node by node (nodes are matched by id).
pub fn diff_hierarchies(before: &Hierarchy, after: &Hierarchy) -> HierarchyDiff {
    let parent = |h: &Hierarchy, id: &str| h.parent_of(id).map(|p| p.id.clone());
    let mut nodes = Vec::new();
    for node in after.preorder() {
        let Some(old) = before.node(&node.id) else {
            nodes.push(NodeChange::Added {
                id: node.id.clone(),
                name: node.name.clone(),
                parent: parent(after, &node.id),
            });
            continue;
        };
        let (was, is) = (parent(before, &node.id), parent(after, &node.id));
        let diff = NodeDiff {
            id: node.id.clone(),
            name: node.name.clone(),
            moved: (was != is).then_some((was, is)),
            settings: node_settings(old, node),
            prompts: PromptField::ALL
                .into_iter()
                .filter(|p| p.of(&old.prompts) != p.of(&node.prompts))
                .map(|p| PromptChange {
                    prompt: p,
                    lines: line_diff(p.of(&old.prompts), p.of(&node.prompts)),
                })
                .collect(),
        };
        if diff.moved.is_some() || !diff.settings.is_empty() || !diff.prompts.is_empty() {
            nodes.push(NodeChange::Changed(diff));
        }
    }
    for node in before.preorder() {
        if after.node(&node.id).is_none() {
            nodes.push(NodeChange::Removed { id: node.id.clone(), name: node.name.clone() });
        }
    }
    HierarchyDiff { server: server_settings(&before.server, &after.server), nodes }
}

fn node_settings(old: &NodeConfig, new: &NodeConfig) -> Vec<SettingChange> {
    let mut out: Vec<SettingChange> = Field::SETTINGS
        .into_iter()
        .map(|f| SettingChange { key: f.key(), before: f.value_text(old), after: f.value_text(new) })
        .filter(|c| c.before != c.after)
        .collect();
    if old.children != new.children {
        out.push(SettingChange {
            key: "children",
            before: old.children.join(", "),
            after: new.children.join(", "),
        });
    }
    out
}

fn server_settings(old: &ServerConfig, new: &ServerConfig) -> Vec<SettingChange> {
    let values = |s: &ServerConfig| {
        [
            ("base_url", s.base_url.clone()),
            ("api_key_env", s.api_key_env.clone().unwrap_or_default()),
            ("max_concurrent", s.max_concurrent.to_string()),
            ("connect_timeout_secs", s.connect_timeout_secs.to_string()),
            ("first_token_timeout_secs", s.first_token_timeout_secs.to_string()),
            ("idle_timeout_secs", s.idle_timeout_secs.to_string()),
        ]
    };
    values(old)
        .into_iter()
        .zip(values(new))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((key, before), (_, after))| SettingChange { key, before, after })
        .collect()
}

/// The lines of `before` and `after`, each marked as kept, removed or added.
pub fn line_diff(before: &str, after: &str) -> Vec<DiffLine> {
    // A missing final newline is not a change of the last line.
    let ended = |t: &str| if t.is_empty() || t.ends_with('\n') { t.to_string() } else { format!("{t}\n") };
    let (before, after) = (ended(before), ended(after));
    TextDiff::from_lines(&before, &after)
        .iter_all_changes()
        .map(|change| DiffLine {
            kind: match change.tag() {
                ChangeTag::Equal => LineKind::Same,
                ChangeTag::Insert => LineKind::Added,
                ChangeTag::Delete => LineKind::Removed,
            },
            text: change.value().trim_end_matches(['\n', '\r']).to_string(),
        })
        .collect()
}

impl fmt::Display for HierarchyDiff {
    /// A plain-text summary: one block per changed member, changed prompt lines marked + and -.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(f, "no changes");
        }
        if !self.server.is_empty() {
            writeln!(f, "~ [server]")?;
            write_settings(f, &self.server)?;
        }
        for node in &self.nodes {
            match node {
                NodeChange::Added { id, name, parent } => match parent {
                    Some(parent) => writeln!(f, "+ {name} ({id}), under {parent}")?,
                    None => writeln!(f, "+ {name} ({id}), at the top")?,
                },
                NodeChange::Removed { id, name } => writeln!(f, "- {name} ({id})")?,
                NodeChange::Changed(diff) => {
                    writeln!(f, "~ {} ({})", diff.name, diff.id)?;
                    if let Some((was, is)) = &diff.moved {
                        let under = |p: &Option<String>| {
                            p.as_deref().map_or("the top".into(), |p| format!("under {p}"))
                        };
                        writeln!(f, "    moved: {} -> {}", under(was), under(is))?;
                    }
                    write_settings(f, &diff.settings)?;
                    for prompt in &diff.prompts {
                        writeln!(f, "    {} prompt:", prompt.prompt.key())?;
                        for line in prompt.lines.iter().filter(|l| l.kind != LineKind::Same) {
                            let mark = if line.kind == LineKind::Added { '+' } else { '-' };
                            writeln!(f, "      {mark} {}", line.text)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

fn write_settings(f: &mut fmt::Formatter<'_>, settings: &[SettingChange]) -> fmt::Result {
    let shown = |v: &str| if v.is_empty() { "(not set)".to_string() } else { v.to_string() };
    for s in settings {
        writeln!(f, "    {}: {} -> {}", s.key, shown(&s.before), shown(&s.after))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::edit::{HierarchyDocument, Setting};
    use crate::config::{DEFAULT_HIERARCHY_TOML, parse_hierarchy};

    fn shipped() -> Hierarchy {
        parse_hierarchy(DEFAULT_HIERARCHY_TOML, "t").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_same_tree_has_no_differences() {
        let diff = diff_hierarchies(&shipped(), &shipped());
        assert!(diff.is_empty());
        assert_eq!(diff.to_string(), "no changes\n");
    }

    #[test]
    fn every_kind_of_change_is_reported_node_by_node() {
        let mut doc = HierarchyDocument::parse(DEFAULT_HIERARCHY_TOML, "t").unwrap_or_else(|e| panic!("{e}"));
        let edits: [Result<(), crate::config::ConfigError>; 4] = [
            doc.set_setting("echo", &Setting::Temperature(0.2)),
            doc.set_prompt("echo", PromptField::System, "You are Echo.\nYou build things.\n"),
            doc.move_node("pixel", "sage"),
            doc.remove_node("quantum").map(|_| ()),
        ];
        assert!(edits.iter().all(Result::is_ok), "{edits:?}");
        doc.add_child("nova", Some("Iris")).unwrap_or_else(|e| panic!("{e}"));
        let diff = diff_hierarchies(&shipped(), doc.hierarchy());
        let ids: Vec<String> = diff
            .nodes
            .iter()
            .map(|n| match n {
                NodeChange::Added { id, .. } => format!("+{id}"),
                NodeChange::Removed { id, .. } => format!("-{id}"),
                NodeChange::Changed(d) => format!("~{}", d.id),
            })
            .collect();
        assert_eq!(ids, ["~nova", "~echo", "+iris", "~sage", "~pixel", "-quantum"]);
        let shown = diff.to_string();
        assert!(
            shown.contains("~ Echo (echo)\n    temperature: 0.4 -> 0.2\n    system prompt:\n"),
            "{shown}"
        );
        assert!(shown.contains("      + You are Echo.\n      + You build things.\n"), "{shown}");
        assert!(
            shown.contains("      - You are Echo, the implementation specialist of a small AI team."),
            "{shown}"
        );
        assert!(shown.contains("~ Nova (nova)\n    children: echo, pixel -> echo, iris\n"), "{shown}");
        assert!(shown.contains("~ Pixel (pixel)\n    moved: under nova -> under sage\n"), "{shown}");
        assert!(shown.contains("+ Iris (iris), under nova\n"), "{shown}");
        assert!(shown.ends_with("- Quantum (quantum)\n"), "{shown}");
    }

    #[test]
    fn line_diff_keeps_common_lines() {
        let lines = line_diff("a\nb\nc\n", "a\nB\nc");
        let kinds: Vec<(LineKind, &str)> = lines.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(
            kinds,
            [(LineKind::Same, "a"), (LineKind::Removed, "b"), (LineKind::Added, "B"), (LineKind::Same, "c")]
        );
    }

    #[test]
    fn server_changes_are_listed() {
        let text = DEFAULT_HIERARCHY_TOML.replace("max_concurrent = 4", "max_concurrent = 1");
        let diff =
            diff_hierarchies(&shipped(), &parse_hierarchy(&text, "t").unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(
            diff.server,
            [SettingChange { key: "max_concurrent", before: "4".into(), after: "1".into() }]
        );
        assert!(diff.to_string().starts_with("~ [server]\n    max_concurrent: 4 -> 1\n"));
    }
}
