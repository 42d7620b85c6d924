//! Changing the tree: add a child, remove a branch, change an id, move a node under another
//! parent, reorder siblings. Each change is refused with a plain reason when it cannot work, and
//! is then checked by the engine's loader like every other edit.

use toml_edit::{Array, Item, Table, Value};

use super::document::HierarchyDocument;
use super::tables;
use crate::config::raw::NODE_KEYS;
use crate::config::tree::is_simple_id;
use crate::config::{ConfigError, Hierarchy, defaults};

impl HierarchyDocument {
    /// Adds a leaf under `parent` (named `name`, or "New member"), written after the parent's
    /// branch in the file. Returns the new node's id, made unique from the name.
    pub fn add_child(&mut self, parent: &str, name: Option<&str>) -> Result<String, ConfigError> {
        let h = &self.hierarchy;
        if h.node(parent).is_none() {
            return Err(tables::unknown_node(&self.source, parent));
        }
        let (id, name) = fresh_member(h, name.map(str::trim).filter(|n| !n.is_empty()));
        let branch = subtree_ids(h, parent);
        self.apply(|doc, source| {
            let nodes = tables::nodes_mut(doc, source)?;
            let last = nodes
                .iter()
                .enumerate()
                .filter(|(_, t)| tables::id_of(t).is_some_and(|i| branch.iter().any(|b| b == i)))
                .map(|(index, _)| index)
                .last()
                .unwrap_or(nodes.len().saturating_sub(1));
            let mut table = Table::new();
            table.insert("id", toml_edit::value(id.as_str()));
            table.insert("name", toml_edit::value(name.as_str()));
            table.insert("role", toml_edit::value(defaults::LEAF_ROLE));
            nodes.insert((last + 1).min(nodes.len()), table);
            push_child(tables::node_mut(doc, parent, source)?, &id);
            Ok(id.clone())
        })
    }

    /// Removes a node and its whole branch (and its id from its parent's children). Returns the
    /// removed ids, the node first. The root cannot be removed.
    pub fn remove_node(&mut self, id: &str) -> Result<Vec<String>, ConfigError> {
        let h = &self.hierarchy;
        let node = h.node(id).ok_or_else(|| tables::unknown_node(&self.source, id))?;
        let Some(parent) = h.parent_of(id).map(|p| p.id.clone()) else {
            return Err(ConfigError::single(
                &self.source,
                format!("{} is the top of the tree and cannot be removed", node.name),
                Some(
                    "every question starts at the top member; rename it or change its prompts instead".into(),
                ),
            ));
        };
        let removed = subtree_ids(h, id);
        self.apply(|doc, source| {
            remove_child(tables::node_mut(doc, &parent, source)?, id);
            let nodes = tables::nodes_mut(doc, source)?;
            let is_removed = |t: &Table| tables::id_of(t).is_some_and(|i| removed.iter().any(|r| r == i));
            // The first [[node]] usually carries the comment that introduces the team: keep it.
            let intro = nodes
                .get(0)
                .filter(|t| is_removed(t))
                .and_then(|t| t.decor().prefix().and_then(|p| p.as_str()).map(str::to_string))
                .filter(|p| p.contains('#'));
            nodes.retain(|t| !is_removed(t));
            if let (Some(intro), Some(first)) = (intro, nodes.get_mut(0)) {
                let own = first.decor().prefix().and_then(|p| p.as_str()).unwrap_or_default().to_string();
                let prefix = if own.contains('#') {
                    format!("{}\n{own}", intro.trim_end_matches('\n'))
                } else {
                    intro
                };
                first.decor_mut().set_prefix(prefix);
            }
            Ok(removed.clone())
        })
    }

    /// Changes a node's id, and the id in every `children` list that names it.
    pub fn change_id(&mut self, id: &str, new_id: &str) -> Result<(), ConfigError> {
        let new_id = new_id.trim();
        if self.hierarchy.node(id).is_none() {
            return Err(tables::unknown_node(&self.source, id));
        }
        if new_id == id {
            return Ok(());
        }
        if !is_simple_id(new_id) {
            return Err(ConfigError::single(
                &self.source,
                format!("\"{new_id}\" cannot be an id"),
                Some(format!("ids use only letters, digits, - and _; for example \"{}\"", slug(new_id))),
            ));
        }
        if let Some(other) = self.hierarchy.node(new_id) {
            return Err(ConfigError::single(
                &self.source,
                format!("{} already has the id \"{new_id}\"", other.name),
                Some("every member needs its own id; pick another one".into()),
            ));
        }
        self.apply(|doc, source| {
            tables::set_value(tables::node_mut(doc, id, source)?, "id", Value::from(new_id), NODE_KEYS);
            for node in tables::nodes_mut(doc, source)?.iter_mut() {
                let Some(list) = node.get_mut("children").and_then(Item::as_array_mut) else { continue };
                for entry in list.iter_mut().filter(|v| v.as_str() == Some(id)) {
                    replace_keeping_decor(entry, new_id);
                }
            }
            Ok(())
        })
    }

    /// Moves a node (with its branch) to the end of `new_parent`'s children. Refused for the root
    /// and for a parent inside the node's own branch, which would make a cycle.
    pub fn move_node(&mut self, id: &str, new_parent: &str) -> Result<(), ConfigError> {
        let h = &self.hierarchy;
        let source = &self.source;
        let node = h.node(id).ok_or_else(|| tables::unknown_node(source, id))?;
        let target = h.node(new_parent).ok_or_else(|| tables::unknown_node(source, new_parent))?;
        let Some(old_parent) = h.parent_of(id).map(|p| p.id.clone()) else {
            return Err(ConfigError::single(
                source,
                format!("{} is the top of the tree and cannot be moved under another member", node.name),
                Some("move the other members instead".into()),
            ));
        };
        if subtree_ids(h, id).iter().any(|m| m == new_parent) {
            let why = if new_parent == id {
                format!("{} cannot be placed under itself", node.name)
            } else {
                format!(
                    "{} cannot be moved under {}: {} is in {}'s own branch, so {} would end up below itself",
                    node.name, target.name, target.name, node.name, node.name
                )
            };
            return Err(ConfigError::single(source, why, Some("pick a member outside this branch".into())));
        }
        if old_parent == new_parent {
            return Ok(());
        }
        self.apply(|doc, source| {
            remove_child(tables::node_mut(doc, &old_parent, source)?, id);
            push_child(tables::node_mut(doc, new_parent, source)?, id);
            Ok(())
        })
    }

    /// Moves a node `offset` places among its siblings (negative: earlier). The order decides
    /// which sub-task each child gets. Stops at either end.
    pub fn shift_among_siblings(&mut self, id: &str, offset: isize) -> Result<(), ConfigError> {
        let h = &self.hierarchy;
        if h.node(id).is_none() {
            return Err(tables::unknown_node(&self.source, id));
        }
        let Some(parent) = h.parent_of(id) else { return Ok(()) };
        let mut order = parent.children.clone();
        let Some(from) = order.iter().position(|c| c == id) else { return Ok(()) };
        let to = from.saturating_add_signed(offset).min(order.len() - 1);
        if from == to {
            return Ok(());
        }
        let moved = order.remove(from);
        order.insert(to, moved);
        let parent = parent.id.clone();
        self.apply(|doc, source| {
            let table = tables::node_mut(doc, &parent, source)?;
            if let Some(list) = table.get_mut("children").and_then(Item::as_array_mut) {
                for (entry, child) in list.iter_mut().zip(&order) {
                    replace_keeping_decor(entry, child);
                }
            }
            Ok(())
        })
    }
}

/// The node and everything below it, in pre-order.
pub(crate) fn subtree_ids(h: &Hierarchy, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![id.to_string()];
    while let Some(next) = stack.pop() {
        if out.contains(&next) {
            continue;
        }
        if let Some(node) = h.node(&next) {
            stack.extend(node.children.iter().rev().cloned());
        }
        out.push(next);
    }
    out
}

/// A name and an unused id for a new member.
fn fresh_member(h: &Hierarchy, name: Option<&str>) -> (String, String) {
    let base_name = name.unwrap_or("New member");
    let base_id = slug(base_name);
    let mut n = 1;
    loop {
        let (id, name) = match n {
            1 => (base_id.clone(), base_name.to_string()),
            n if name.is_some() => (format!("{base_id}-{n}"), base_name.to_string()),
            n => (format!("{base_id}-{n}"), format!("{base_name} {n}")),
        };
        if h.node(&id).is_none() {
            return (id, name);
        }
        n += 1;
    }
}

/// An id made from a name: lowercase letters and digits, words joined by `-`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() { "member".to_string() } else { out.to_string() }
}

/// Appends a child id, creating the `children` list when the node had none.
fn push_child(table: &mut Table, id: &str) {
    match table.get_mut("children").and_then(Item::as_array_mut) {
        Some(list) => list.push(id),
        None => {
            let list: Array = [id].into_iter().collect();
            tables::set_value(table, "children", Value::Array(list), NODE_KEYS);
        }
    }
}

/// Removes a child id. A node left without children loses the empty list, and its own
/// `critique = true` (a leaf has nobody to critique, and the engine refuses it).
fn remove_child(table: &mut Table, id: &str) {
    let Some(list) = table.get_mut("children").and_then(Item::as_array_mut) else { return };
    let Some(index) = list.iter().position(|v| v.as_str() == Some(id)) else { return };
    let removed = list.remove(index);
    if index == 0 {
        // `["a", "b"]` without "a" is `["b"]`, not `[ "b"]`.
        if let Some(first) = list.get_mut(0) {
            *first.decor_mut() = removed.decor().clone();
        }
    }
    if list.is_empty() {
        table.remove("children");
        if table.get("critique").and_then(Item::as_bool) == Some(true) {
            table.remove("critique");
        }
    }
}

/// Replaces a string value, keeping the spaces and comments around it.
fn replace_keeping_decor(entry: &mut Value, text: &str) {
    let decor = entry.decor().clone();
    *entry = Value::from(text);
    *entry.decor_mut() = decor;
}
