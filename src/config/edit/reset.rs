//! "Reset this node to default": for a member ailab ships, its own settings and prompts become
//! exactly what the built-in hierarchy writes for the member with the same id; for any other
//! member, its own settings and prompts are removed, so it takes them from `[defaults]`. Its
//! place in the tree stays.

use toml_edit::{DocumentMut, Item, Table};

use super::document::{HierarchyDocument, not_a_table, parse_document, remove_prompt, set_prompt_keyed};
use super::fields::{Field, PromptField};
use super::tables;
use crate::config::raw::NODE_KEYS;
use crate::config::{BUILT_IN_SOURCE, ConfigError, DEFAULT_HIERARCHY_TOML};

impl HierarchyDocument {
    /// True if ailab ships a member with this id (resetting it gives the shipped values back;
    /// resetting any other member makes it take everything from `[defaults]`).
    pub fn ships_member(id: &str) -> bool {
        parse_document(DEFAULT_HIERARCHY_TOML, BUILT_IN_SOURCE).is_ok_and(|d| shipped_node(&d, id).is_some())
    }

    /// For a member ailab ships: gives the node the name, role, settings and prompts the built-in
    /// hierarchy writes for it (what the built-in leaves out, the node then takes from
    /// `[defaults]`). For any other member: removes its own settings and prompts, so it takes
    /// them from `[defaults]`; its name and role stay. Its id and children stay either way.
    pub fn reset_node_to_default(&mut self, id: &str) -> Result<(), ConfigError> {
        if self.hierarchy.node(id).is_none() {
            return Err(tables::unknown_node(&self.source, id));
        }
        let shipped = parse_document(DEFAULT_HIERARCHY_TOML, BUILT_IN_SOURCE)?;
        let Some(original) = shipped_node(&shipped, id) else {
            return self.apply(|doc, source| {
                let node = tables::node_mut(doc, id, source)?;
                for field in Field::SETTINGS.into_iter().filter(|f| !matches!(f, Field::Name | Field::Role)) {
                    node.remove(field.key());
                }
                for prompt in PromptField::ALL {
                    remove_prompt(node, prompt);
                }
                Ok(())
            });
        };
        self.apply(|doc, source| {
            let node = tables::node_mut(doc, id, source)?;
            for field in Field::SETTINGS {
                match original.get_key_value(field.key()) {
                    Some((key, Item::Value(value))) => {
                        tables::set_value_keyed(node, key, cleared(value), NODE_KEYS)
                    }
                    _ => {
                        node.remove(field.key());
                    }
                }
            }
            let prompts = original.get("prompts").and_then(Item::as_table_like);
            for prompt in PromptField::ALL {
                match prompts.and_then(|p| p.get_key_value(prompt.key())) {
                    Some((key, Item::Value(value))) => {
                        set_prompt_keyed(node, key, cleared(value)).map_err(|()| not_a_table(source, id))?
                    }
                    _ => remove_prompt(node, prompt),
                }
            }
            Ok(())
        })
    }
}

fn shipped_node<'d>(shipped: &'d DocumentMut, id: &str) -> Option<&'d Table> {
    let nodes = tables::nodes(shipped)?;
    nodes.get(tables::node_index(nodes, id)?)
}

/// The value as the built-in file writes it, without the built-in file's spacing.
fn cleared(value: &toml_edit::Value) -> toml_edit::Value {
    let mut value = value.clone();
    value.decor_mut().clear();
    value
}
