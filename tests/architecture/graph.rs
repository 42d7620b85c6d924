//! The file graph of a crate: an arrow from a file to every file whose items it names, with
//! re-exports followed to the file that defines the item (so `use crate::engine::RunEvent`
//! points at `engine/events.rs`, not at the `engine/mod.rs` facade), and its circles.

use super::modules::{Crate, ModPath, Module};
use std::collections::{BTreeMap, BTreeSet};

/// Where an arrow was first written: file and line, and the path it names.
#[derive(Debug, Clone)]
pub struct Site {
    pub line: usize,
    pub path: String,
}

/// Files and the arrows between them, each arrow with the first place that draws it.
#[derive(Debug, Default)]
pub struct Graph {
    pub edges: BTreeMap<String, BTreeMap<String, Site>>,
}

impl Graph {
    pub fn of(krate: &Crate) -> Graph {
        let mut graph = Graph::default();
        for module in krate.modules.values() {
            graph.edges.entry(module.file.clone()).or_default();
        }
        for reference in &krate.references {
            let Some(target) = resolve(krate, &reference.path, 0) else { continue };
            if target == reference.file {
                continue;
            }
            graph
                .edges
                .entry(reference.file.clone())
                .or_default()
                .entry(target)
                .or_insert_with(|| Site { line: reference.line, path: reference.path.join("::") });
        }
        for (file, line, name) in &krate.macro_calls {
            let Some(defined) = krate.macros.get(name) else { continue };
            if defined != file {
                graph
                    .edges
                    .entry(file.clone())
                    .or_default()
                    .entry(defined.clone())
                    .or_insert_with(|| Site { line: *line, path: format!("{name}!") });
            }
        }
        graph
    }

    /// Every set of files that reach each other (strongly connected, more than one file).
    pub fn circles(&self) -> Vec<Vec<String>> {
        let nodes: Vec<&String> = self.edges.keys().collect();
        let index: BTreeMap<&String, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let adjacency: Vec<Vec<usize>> = nodes
            .iter()
            .map(|n| self.edges[*n].keys().filter_map(|t| index.get(t).copied()).collect())
            .collect();
        let mut out: Vec<Vec<String>> = tarjan(&adjacency)
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|c| {
                let mut files: Vec<String> = c.into_iter().map(|i| nodes[i].clone()).collect();
                files.sort();
                files
            })
            .collect();
        out.sort();
        out
    }

    /// The arrows inside one circle, for a message that says where to cut.
    pub fn arrows_within(&self, circle: &[String]) -> Vec<String> {
        let members: BTreeSet<&String> = circle.iter().collect();
        let mut out = Vec::new();
        for from in circle {
            for (to, site) in &self.edges[from] {
                if members.contains(to) {
                    out.push(format!("  {from}:{} → {to} ({})", site.line, site.path));
                }
            }
        }
        out
    }
}

/// The file that defines what `path` names, following `use` re-exports and globs.
fn resolve(krate: &Crate, path: &ModPath, hops: usize) -> Option<String> {
    let split = (0..=path.len()).rev().find(|&k| krate.modules.contains_key(&path[..k]))?;
    let module: &Module = &krate.modules[&path[..split]];
    let Some(name) = path.get(split) else { return Some(module.file.clone()) };
    if hops > 16 || module.items.contains(name) {
        return Some(module.file.clone());
    }
    if let Some(target) = module.imports.get(name) {
        let mut next = target.clone();
        next.extend(path[split + 1..].iter().cloned());
        return resolve(krate, &next, hops + 1).or_else(|| Some(module.file.clone()));
    }
    for glob in &module.globs {
        if names(krate, glob, name, hops + 1) {
            let mut next = glob.clone();
            next.extend(path[split..].iter().cloned());
            return resolve(krate, &next, hops + 1);
        }
    }
    Some(module.file.clone())
}

/// Whether module `at` has `name`: defined there, brought in by a `use`, a child module, or
/// through one of its own glob imports.
fn names(krate: &Crate, at: &ModPath, name: &str, hops: usize) -> bool {
    let Some(module) = krate.modules.get(at) else { return false };
    hops <= 16
        && (module.items.contains(name)
            || module.imports.contains_key(name)
            || module.children.contains(name)
            || module.globs.iter().any(|glob| names(krate, glob, name, hops + 1)))
}

/// Tarjan's strongly connected components, iterative so deep graphs cannot overflow the stack.
fn tarjan(adjacency: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = adjacency.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&(v, next)) = work.last() {
            if next == 0 {
                index[v] = counter;
                low[v] = counter;
                counter += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = adjacency[v].get(next) {
                if let Some(top) = work.last_mut() {
                    top.1 += 1;
                }
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}
