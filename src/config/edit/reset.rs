//! "Reset this node to default": the node's own settings and prompts become exactly what the
//! built-in hierarchy writes for the member with the same id; its place in the tree stays.

use toml_edit::{DocumentMut, Item, Table};

use super::document::{HierarchyDocument, not_a_table, parse_document, remove_prompt, set_prompt_keyed};
use super::fields::{Field, PromptField};
use super::tables::{self, NODE_KEY_ORDER};
use crate::config::{BUILT_IN_SOURCE, ConfigError, DEFAULT_HIERARCHY_TOML};

impl HierarchyDocument {
    /// Gives the node the name, role, settings and prompts the built-in hierarchy writes for the
    /// member with this id (what the built-in leaves out, the node then takes from `[defaults]`).
    /// Its id and children stay. Refused, with the reason, for a member ailab does not ship.
    pub fn reset_node_to_default(&mut self, id: &str) -> Result<(), ConfigError> {
        if self.hierarchy.node(id).is_none() {
            return Err(tables::unknown_node(&self.source, id));
        }
        let shipped = parse_document(DEFAULT_HIERARCHY_TOML, BUILT_IN_SOURCE)?;
        let Some(original) = shipped_node(&shipped, id) else {
            let ids: Vec<&str> = tables::nodes(&shipped)
                .map(|n| n.iter().filter_map(tables::id_of).collect())
                .unwrap_or_default();
            return Err(ConfigError::single(
                &self.source,
                format!(
                    "\"{id}\" is not one of the members ailab comes with ({}), so it has no default to go back to",
                    ids.join(", ")
                ),
                Some("Revert discards all unsaved changes; or change this member's fields one by one".into()),
            ));
        };
        self.apply(|doc, source| {
            let node = tables::node_mut(doc, id, source)?;
            for field in Field::SETTINGS {
                match original.get_key_value(field.key()) {
                    Some((key, Item::Value(value))) => {
                        tables::set_value_keyed(node, key, cleared(value), NODE_KEY_ORDER)
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
