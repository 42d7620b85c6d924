//! The `parts` arm: what the tree's members said before any synthesis. For a tree run it is the
//! leaves' own answers to their sub-tasks, joined in tree order under each member's name. It costs
//! no model calls of its own (it is read out of the tree's run), and "tree vs parts" answers the
//! user's literal question: did combining add anything to what the parts already said?

use crate::config::{Hierarchy, NodeConfig};
use crate::engine::PastTurn;

/// The leaves of `hierarchy` in tree order (depth first, children in the order listed).
pub fn leaves_in_order(hierarchy: &Hierarchy) -> Vec<&NodeConfig> {
    let mut out = Vec::new();
    // A stack of ids, children pushed in reverse so the first child is visited first. `seen` guards
    // against a malformed tree visiting a node twice (the config refuses cycles; this is cheap).
    let mut stack = vec![hierarchy.root().id.as_str()];
    let mut seen = std::collections::HashSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(node) = hierarchy.node(id) else { continue };
        if node.is_parent() {
            stack.extend(node.children.iter().rev().map(String::as_str));
        } else {
            out.push(node);
        }
    }
    out
}

/// The leaves' answers of a tree run joined under their names, or `None` when no leaf answered.
pub fn parts_answer(hierarchy: &Hierarchy, turn: &PastTurn) -> Option<String> {
    let sections: Vec<String> = leaves_in_order(hierarchy)
        .into_iter()
        .filter_map(|leaf| {
            let answer = turn.members.get(&leaf.id)?.answer.as_deref()?.trim();
            (!answer.is_empty()).then(|| format!("{} ({}):\n{answer}", leaf.name, leaf.role))
        })
        .collect();
    (!sections.is_empty()).then(|| sections.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::turn_fixture::{shipped, turn};

    #[test]
    fn the_default_tree_lists_its_leaves_depth_first() {
        let hierarchy = shipped();
        let names: Vec<&str> = leaves_in_order(&hierarchy).iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["Echo", "Pixel", "Quantum"]);
    }

    #[test]
    fn parts_join_the_leaves_answers_in_tree_order_without_the_parents() {
        let hierarchy = shipped();
        let run = turn(&[
            ("quantum", Some("Deep point.")),
            ("atlas", Some("Atlas's synthesis")),
            ("echo", Some("  Build it like this.  ")),
            ("nova", Some("Nova's synthesis")),
            ("pixel", None),
        ]);
        let answer = parts_answer(&hierarchy, &run).unwrap();
        assert!(answer.starts_with("Echo ("), "{answer}");
        assert!(answer.contains("Build it like this.\n\nQuantum ("), "{answer}");
        assert!(answer.ends_with("Deep point."), "{answer}");
        assert!(!answer.contains("synthesis") && !answer.contains("Pixel"), "{answer}");
    }

    #[test]
    fn no_leaf_answer_means_no_parts() {
        let hierarchy = shipped();
        assert_eq!(parts_answer(&hierarchy, &turn(&[("echo", Some("  ")), ("atlas", Some("x"))])), None);
    }
}
