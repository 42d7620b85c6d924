//! Small operations on the `toml_edit` tree that keep the user's formatting: values replaced in
//! place keep their surrounding spaces and comments, new keys land where a person would put them.

use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Key, Table, TableLike, Value};

use crate::config::ConfigError;

/// `[[node]]`, when the file writes nodes that way (the only way the editor can add and remove them).
pub(crate) fn nodes(doc: &DocumentMut) -> Option<&ArrayOfTables> {
    doc.get("node").and_then(Item::as_array_of_tables)
}

/// `[[node]]` for editing; an error a person can act on otherwise.
pub(crate) fn nodes_mut<'d>(
    doc: &'d mut DocumentMut,
    source: &str,
) -> Result<&'d mut ArrayOfTables, ConfigError> {
    doc.get_mut("node").and_then(Item::as_array_of_tables_mut).ok_or_else(|| {
        ConfigError::single(
            source,
            "this file does not write its members as [[node]] tables, so ailab cannot edit them",
            Some("write each member as its own [[node]] section, as in the built-in hierarchy.toml".into()),
        )
    })
}

/// The id written in a node table.
pub(crate) fn id_of(table: &Table) -> Option<&str> {
    table.get("id").and_then(Item::as_str)
}

/// Index of the node with this id in `[[node]]`.
pub(crate) fn node_index(nodes: &ArrayOfTables, id: &str) -> Option<usize> {
    nodes.iter().position(|t| id_of(t) == Some(id))
}

/// The node table with this id, for editing.
pub(crate) fn node_mut<'d>(
    doc: &'d mut DocumentMut,
    id: &str,
    source: &str,
) -> Result<&'d mut Table, ConfigError> {
    let nodes = nodes_mut(doc, source)?;
    let index = node_index(nodes, id).ok_or_else(|| unknown_node(source, id))?;
    nodes.get_mut(index).ok_or_else(|| unknown_node(source, id))
}

/// The error for an id that no member has.
pub(crate) fn unknown_node(source: &str, id: &str) -> ConfigError {
    ConfigError::single(
        source,
        format!("no member has the id \"{id}\""),
        Some("pick a member from the tree; it may have been removed or renamed".into()),
    )
}

/// A table whose keys the editor may reorder: a `[section]` or an inline `{ ... }` table.
pub(crate) trait KeyTable: TableLike {
    /// Sorts the keys by rank, keeping equal ranks in their order.
    fn reorder(&mut self, rank: &dyn Fn(&str) -> usize);
}

impl KeyTable for Table {
    fn reorder(&mut self, rank: &dyn Fn(&str) -> usize) {
        self.sort_values_by(|a, _, b, _| rank(a.get()).cmp(&rank(b.get())));
    }
}

impl KeyTable for InlineTable {
    fn reorder(&mut self, rank: &dyn Fn(&str) -> usize) {
        self.sort_values_by(|a, _, b, _| rank(a.get()).cmp(&rank(b.get())));
        // The space before `}` belonged to the old last value: let each value take the default
        // spacing for its new place.
        for (_, value) in self.iter_mut() {
            let decor = value.decor();
            let blank = |s: Option<&toml_edit::RawString>| {
                s.and_then(|s| s.as_str()).is_none_or(|s| s.trim().is_empty())
            };
            if blank(decor.prefix()) && blank(decor.suffix()) {
                value.decor_mut().clear();
            }
        }
    }
}

/// Sets `key` to `value`: an existing value keeps its spacing and trailing comment; a new key is
/// placed after the last key that comes before it in `order`.
pub(crate) fn set_value<T: KeyTable + ?Sized>(table: &mut T, key: &str, value: Value, order: &[&str]) {
    set_value_keyed(table, &Key::new(key), value, order);
}

/// [`set_value`] with the key's own formatting (the comment above it) used when the key is new.
pub(crate) fn set_value_keyed<T: KeyTable + ?Sized>(
    table: &mut T,
    key: &Key,
    mut value: Value,
    order: &[&str],
) {
    match table.get_mut(key.get()) {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        Some(item) => *item = Item::Value(value),
        None => {
            table.entry_format(key).or_insert(Item::Value(value));
            place_in_order(table, key.get(), order);
        }
    }
}

/// Moves a just-inserted key after the last existing key that precedes it in `order`, leaving
/// every other key where it was.
pub(crate) fn place_in_order<T: KeyTable + ?Sized>(table: &mut T, key: &str, order: &[&str]) {
    let Some(position) = order.iter().position(|k| *k == key) else { return };
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).filter(|k| k != key).collect();
    let anchor = keys.iter().rposition(|k| order[..position].contains(&k.as_str()));
    let rank = |k: &str| -> usize {
        if k == key {
            // After its anchor; with nothing before it in the order, first.
            return anchor.map_or(0, |a| a * 2 + 2);
        }
        keys.iter().position(|x| x == k).map_or(usize::MAX, |i| i * 2 + 1)
    };
    table.reorder(&rank);
}
