//! The shape of the tree: ids that are present, unique and simple; children that exist and have
//! one parent each; no cycles; exactly one root. Any depth and fan-out is fine.

use std::collections::HashMap;
use std::ops::Range;

use super::error::Found;
use super::raw::RawNode;
use super::suggest::closest;

/// Checks the tree and returns the root's index if the shape is sound.
pub(crate) fn check(nodes: &[RawNode], found: &mut Vec<Found>) -> Option<usize> {
    let before = found.len();
    let index = check_ids(nodes, found);
    let edges = check_children(nodes, &index, found);
    let cycles = report_cycles(nodes, &edges, found);
    let root = find_root(nodes, &index, &edges, cycles, found);
    if found.len() == before { root } else { None }
}

/// The id of a node, if it has a usable one.
fn id_of(node: &RawNode) -> Option<&str> {
    node.id.as_ref().map(|id| id.value.as_str()).filter(|id| is_simple_id(id))
}

/// Letters, digits, `-` and `_`: safe in messages, file names and the record.
pub(crate) fn is_simple_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

fn label(nodes: &[RawNode], i: usize) -> String {
    match id_of(&nodes[i]) {
        Some(id) => format!("\"{id}\""),
        None => format!("#{}", i + 1),
    }
}

/// Validates ids and maps each id to the first node that has it.
fn check_ids<'a>(nodes: &'a [RawNode], found: &mut Vec<Found>) -> HashMap<&'a str, usize> {
    let mut index = HashMap::new();
    for (i, node) in nodes.iter().enumerate() {
        let Some(id) = &node.id else {
            found.push(
                Found::at(node.span.clone(), format!("node #{} has no id", i + 1))
                    .help("add a line like id = \"echo\" (letters, digits, - and _)"),
            );
            continue;
        };
        if id.value.trim().is_empty() {
            found.push(
                Found::at(id.span.clone(), format!("node #{} has an empty id", i + 1))
                    .help("write a short id in the quotes, like id = \"echo\" (letters, digits, - and _)"),
            );
            continue;
        }
        if !is_simple_id(&id.value) {
            let simple: String = id
                .value
                .trim()
                .chars()
                .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
                .collect();
            found.push(
                Found::at(id.span.clone(), format!("the id \"{}\" has characters ids cannot have", id.value))
                    .help(format!("ids use only letters, digits, - and _; for example id = \"{simple}\"")),
            );
            continue;
        }
        if let Some(first) = index.get(id.value.as_str()) {
            found.push(
                Found::at(
                    id.span.clone(),
                    format!("two nodes have the id \"{}\" (#{} and #{})", id.value, first + 1, i + 1),
                )
                .help("give each node its own id"),
            );
            continue;
        }
        index.insert(id.value.as_str(), i);
        if let Some(name) = node.name.as_ref().filter(|n| n.value.trim().is_empty()) {
            found.push(
                Found::at(name.span.clone(), format!("node \"{}\" has an empty name", id.value))
                    .help("write the name shown on screen, like name = \"Echo\", or remove the line"),
            );
        }
    }
    index
}

/// One parent-to-child link: the child's index and where the parent lists it.
struct Edge {
    child: usize,
    span: Range<usize>,
}

/// Resolves every `children` entry to a node; reports unknown, repeated, self and second-parent
/// children. Returns each node's outgoing links (unknown and self links left out).
fn check_children(nodes: &[RawNode], index: &HashMap<&str, usize>, found: &mut Vec<Found>) -> Vec<Vec<Edge>> {
    let mut parent: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut edges: Vec<Vec<Edge>> = (0..nodes.len()).map(|_| Vec::new()).collect();
    for (p, node) in nodes.iter().enumerate() {
        for (k, child) in node.children.iter().enumerate() {
            let name = child.value.as_str();
            let Some(&c) = index.get(name) else {
                let help = match closest(name, index.keys().copied()) {
                    Some(near) => format!("did you mean \"{near}\"?"),
                    None => format!(
                        "the ids in this file are: {}; or add a [[node]] with id = \"{name}\"",
                        ids_in_order(index)
                    ),
                };
                found.push(
                    Found::at(
                        child.span.clone(),
                        format!("node {} lists a child \"{name}\", but no node has that id", label(nodes, p)),
                    )
                    .help(help),
                );
                continue;
            };
            if c == p {
                found.push(
                    Found::at(
                        child.span.clone(),
                        format!("node \"{name}\" lists itself as a child: {name} → {name}"),
                    )
                    .help("a node cannot lead itself; remove it from its own children"),
                );
                continue;
            }
            if node.children[..k].iter().any(|earlier| earlier.value == name) {
                found.push(
                    Found::at(child.span.clone(), format!("node {} lists \"{name}\" twice", label(nodes, p)))
                        .help("list each child once"),
                );
                continue;
            }
            match parent[c] {
                Some(first) => found.push(
                    Found::at(
                        child.span.clone(),
                        format!(
                            "node \"{name}\" is a child of both {} and {}",
                            label(nodes, first),
                            label(nodes, p)
                        ),
                    )
                    .help("a node has exactly one parent; remove it from one of the two children lists"),
                ),
                None => parent[c] = Some(p),
            }
            edges[p].push(Edge { child: c, span: child.span.clone() });
        }
    }
    edges
}

fn ids_in_order(index: &HashMap<&str, usize>) -> String {
    let mut ids: Vec<(&usize, &&str)> = index.iter().map(|(id, i)| (i, id)).collect();
    ids.sort();
    ids.iter().map(|(_, id)| **id).collect::<Vec<_>>().join(", ")
}

/// Finds every cycle by depth-first search and prints its path. Returns how many it reported.
fn report_cycles(nodes: &[RawNode], edges: &[Vec<Edge>], found: &mut Vec<Found>) -> usize {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut mark = vec![Mark::New; nodes.len()];
    let mut seen_cycles: Vec<Vec<usize>> = Vec::new();
    for start in 0..nodes.len() {
        if mark[start] != Mark::New {
            continue;
        }
        // The current path, each entry with the index of the next edge to follow.
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        mark[start] = Mark::OnPath;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            let Some(edge) = edges[node].get(*next) else {
                mark[node] = Mark::Done;
                path.pop();
                continue;
            };
            *next += 1;
            match mark[edge.child] {
                Mark::New => {
                    mark[edge.child] = Mark::OnPath;
                    path.push((edge.child, 0));
                }
                Mark::OnPath => {
                    let from = path.iter().position(|(n, _)| *n == edge.child).unwrap_or(0);
                    let members: Vec<usize> = path[from..].iter().map(|(n, _)| *n).collect();
                    let mut key = members.clone();
                    key.sort_unstable();
                    if !seen_cycles.contains(&key) {
                        seen_cycles.push(key);
                        let names: Vec<String> = members
                            .iter()
                            .chain(std::iter::once(&edge.child))
                            .map(|&n| label(nodes, n).trim_matches('"').to_string())
                            .collect();
                        found.push(
                            Found::at(
                                edge.span.clone(),
                                format!("the tree has a cycle: {}", names.join(" → ")),
                            )
                            .help("a node cannot be below itself; remove one of these children entries"),
                        );
                    }
                }
                Mark::Done => {}
            }
        }
    }
    seen_cycles.len()
}

/// The one node nobody lists as a child.
fn find_root(
    nodes: &[RawNode],
    index: &HashMap<&str, usize>,
    edges: &[Vec<Edge>],
    cycles: usize,
    found: &mut Vec<Found>,
) -> Option<usize> {
    let mut has_parent = vec![false; nodes.len()];
    for edge in edges.iter().flatten() {
        has_parent[edge.child] = true;
    }
    let mut roots: Vec<usize> = index.values().copied().filter(|&i| !has_parent[i]).collect();
    roots.sort_unstable();
    match roots.as_slice() {
        [root] => Some(*root),
        [] => {
            // A cycle already explains a missing root; an empty file is reported by the reader.
            if cycles == 0 && !index.is_empty() {
                found.push(
                    Found::nowhere("the tree has no root: every node is listed as someone's child")
                        .help("the root is the one node no other node lists in its children"),
                );
            }
            None
        }
        [_, extra @ ..] => {
            let names: Vec<String> = roots.iter().map(|&i| label(nodes, i)).collect();
            let at = nodes[extra[0]].id.as_ref().map_or(nodes[extra[0]].span.clone(), |id| id.span.clone());
            found.push(
                Found::at(
                    at,
                    format!(
                        "the tree has {} roots (nodes nobody lists as a child): {}",
                        roots.len(),
                        names.join(", ")
                    ),
                )
                .help(format!(
                    "exactly one node may be at the top; add {} to some node's children, or remove {}",
                    names[1..].join(" and "),
                    if roots.len() > 2 { "them" } else { "it" }
                )),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::raw::{At, RawPrompts, RawSettings};

    fn node(id: &str, children: &[&str]) -> RawNode {
        let at = |s: &str| At { value: s.to_string(), span: 0..1 };
        RawNode {
            span: 0..1,
            id: Some(at(id)),
            name: None,
            role: None,
            children: children.iter().map(|c| at(c)).collect(),
            settings: RawSettings::default(),
            prompts: RawPrompts::default(),
            levels: None,
        }
    }

    #[test]
    fn finds_the_root_wherever_it_is() {
        let nodes = [node("b", &[]), node("a", &["b", "c"]), node("c", &[])];
        let mut found = Vec::new();
        assert_eq!(check(&nodes, &mut found), Some(1));
        assert!(found.is_empty());
    }

    #[test]
    fn reports_each_cycle_once_with_its_path() {
        let nodes =
            [node("r", &["a"]), node("a", &["b"]), node("b", &["a"]), node("x", &["y"]), node("y", &["x"])];
        let mut found = Vec::new();
        assert_eq!(check(&nodes, &mut found), None);
        let messages: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "node \"a\" is a child of both \"r\" and \"b\"",
                "the tree has a cycle: a → b → a",
                "the tree has a cycle: x → y → x"
            ]
        );
    }
}
