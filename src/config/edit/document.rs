//! `hierarchy.toml` as an editable document: the user's text, edited in place with `toml_edit` so
//! that comments, ordering and formatting of everything not edited stay byte for byte. Every
//! change is checked by the engine's own loader before it is kept: a change the engine would
//! refuse returns its `ConfigError` and leaves the document as it was.

use std::str::FromStr;

use toml_edit::{DocumentMut, Item, Key, Table, Value};

use super::fields::{Field, PromptField, Setting};
use super::strings::multiline;
use super::tables;
use crate::config::raw::NODE_KEYS;
use crate::config::raw::PROMPT_KEYS;
use crate::config::{ConfigError, DEFAULT_HIERARCHY_TOML, Hierarchy, defaults, parse_hierarchy};

const BOM: &str = "\u{feff}";

/// A valid `hierarchy.toml` being edited: its text, its `toml_edit` tree and what it resolves to.
#[derive(Debug, Clone)]
pub struct HierarchyDocument {
    /// Always the parse of `text` (without a byte-order mark), so positions and order are the file's.
    pub(super) doc: DocumentMut,
    pub(super) text: String,
    pub(super) hierarchy: Hierarchy,
    /// The file's name (or "built-in default") for messages.
    pub(super) source: String,
}

impl PartialEq for HierarchyDocument {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.source == other.source
    }
}

impl HierarchyDocument {
    /// Opens hierarchy text for editing; it must be a valid hierarchy (the loader's errors otherwise).
    pub fn parse(text: &str, source: &str) -> Result<Self, ConfigError> {
        let hierarchy = parse_hierarchy(text, source)?;
        let doc = parse_document(text, source)?;
        if tables::nodes(&doc).is_none() {
            return Err(ConfigError::single(
                source,
                "this file writes its members as an inline list (node = [...]); ailab can edit members \
                 only when each one is a [[node]] section",
                Some(
                    "rewrite each member as its own [[node]] section, as in the built-in hierarchy.toml"
                        .into(),
                ),
            ));
        }
        Ok(Self { doc, text: text.to_string(), hierarchy, source: source.to_string() })
    }

    /// The built-in hierarchy, for a user who has no file yet; `source` names where it will be saved.
    pub fn built_in(source: &str) -> Result<Self, ConfigError> {
        Self::parse(DEFAULT_HIERARCHY_TOML, source)
    }

    /// The file's text as it would be saved.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What the text resolves to: the tree a run would use.
    pub fn hierarchy(&self) -> &Hierarchy {
        &self.hierarchy
    }

    /// The name used in messages (the file's path, or "built-in default").
    pub fn source(&self) -> &str {
        &self.source
    }

    /// True if the node's own table sets this field (false: it comes from `[defaults]` or built-ins).
    pub fn sets_own(&self, id: &str, field: Field) -> bool {
        let Some(node) = self.node_table(id) else { return false };
        match field {
            Field::Prompt(prompt) => node
                .get("prompts")
                .and_then(Item::as_table_like)
                .is_some_and(|p| p.contains_key(prompt.key())),
            other => node.contains_key(other.key()),
        }
    }

    /// The prompt text the node's own table writes (not resolved: untrimmed, placeholders as written).
    pub fn own_prompt(&self, id: &str, prompt: PromptField) -> Option<&str> {
        self.node_table(id)?.get("prompts")?.as_table_like()?.get(prompt.key())?.as_str()
    }

    /// The text an editor shows for a field: a setting's resolved value, or a prompt's template as
    /// written (trimmed as the engine trims it; a system prompt keeps its `{name}` and `{role}`).
    pub fn field_text(&self, id: &str, field: Field) -> Option<String> {
        let node = self.hierarchy.node(id)?;
        let Field::Prompt(PromptField::System) = field else { return Some(field.value_text(node)) };
        let shared = || self.doc.get("defaults")?.get("prompts")?.get("system")?.as_str();
        let raw = self.own_prompt(id, PromptField::System).or_else(shared).unwrap_or(defaults::SYSTEM);
        Some(raw.trim().to_string())
    }

    /// Writes one of a node's prompts as a multi-line string in its `[node.prompts]` table.
    pub fn set_prompt(&mut self, id: &str, prompt: PromptField, text: &str) -> Result<(), ConfigError> {
        self.apply(|doc, source| {
            let node = tables::node_mut(doc, id, source)?;
            set_prompt_value(node, prompt, multiline(text)).map_err(|()| not_a_table(source, id))
        })
    }

    /// Sets one of a node's settings (`Seed(None)` and `Endpoint(None)` remove the line).
    pub fn set_setting(&mut self, id: &str, setting: &Setting) -> Result<(), ConfigError> {
        self.apply(|doc, source| {
            let node = tables::node_mut(doc, id, source)?;
            let key = setting.field().key();
            match setting.to_value() {
                Some(value) => tables::set_value(node, key, value, NODE_KEYS),
                None => {
                    node.remove(key);
                }
            }
            Ok(())
        })
    }

    /// Changes a node's display name (its id stays; see `change_id`).
    pub fn rename(&mut self, id: &str, name: &str) -> Result<(), ConfigError> {
        self.set_setting(id, &Setting::Name(name.trim().to_string()))
    }

    /// Removes the node's own value so it takes the one from `[defaults]` (or the built-in one).
    pub fn unset(&mut self, id: &str, field: Field) -> Result<(), ConfigError> {
        self.apply(|doc, source| {
            let node = tables::node_mut(doc, id, source)?;
            match field {
                Field::Prompt(prompt) => remove_prompt(node, prompt),
                other => {
                    node.remove(other.key());
                }
            }
            Ok(())
        })
    }

    /// Makes the node's own value of `field` what `other` writes for it (or removes it, if `other`
    /// does not set it), keeping `other`'s exact spelling of the value.
    pub(super) fn copy_field_from(
        &mut self,
        other: &HierarchyDocument,
        id: &str,
        field: Field,
    ) -> Result<(), ConfigError> {
        let written = other.node_table(id).and_then(|node| match field {
            Field::Prompt(prompt) => node.get("prompts")?.get(prompt.key())?.as_value().cloned(),
            setting => node.get(setting.key())?.as_value().cloned(),
        });
        self.apply(|doc, source| {
            let node = tables::node_mut(doc, id, source)?;
            match (field, written) {
                (Field::Prompt(prompt), Some(value)) => {
                    set_prompt_value(node, prompt, value).map_err(|()| not_a_table(source, id))?
                }
                (Field::Prompt(prompt), None) => remove_prompt(node, prompt),
                (setting, Some(value)) => tables::set_value(node, setting.key(), value, NODE_KEYS),
                (setting, None) => {
                    node.remove(setting.key());
                }
            }
            Ok(())
        })
    }

    /// The node's own value of `field` as the file writes it (spacing and comments aside), or
    /// `None` when the node does not set it.
    pub(super) fn written(&self, id: &str, field: Field) -> Option<String> {
        let node = self.node_table(id)?;
        let value = match field {
            Field::Prompt(prompt) => node.get("prompts")?.get(prompt.key())?.as_value()?,
            setting => node.get(setting.key())?.as_value()?,
        };
        let mut value = value.clone();
        value.decor_mut().clear();
        Some(value.to_string())
    }

    /// The node's table in the document, if any.
    pub(super) fn node_table(&self, id: &str) -> Option<&Table> {
        let nodes = tables::nodes(&self.doc)?;
        nodes.get(tables::node_index(nodes, id)?)
    }

    /// Runs `change` on a copy of the document and keeps the result only if the engine accepts it.
    pub(super) fn apply<T>(
        &mut self,
        change: impl FnOnce(&mut DocumentMut, &str) -> Result<T, ConfigError>,
    ) -> Result<T, ConfigError> {
        let mut doc = self.doc.clone();
        let out = change(&mut doc, &self.source)?;
        let bom = if self.text.starts_with(BOM) { BOM } else { "" };
        let text = format!("{bom}{doc}");
        let hierarchy = parse_hierarchy(&text, &self.source)?;
        // Parsed again so that new tables get their place in the file like every other one.
        self.doc = parse_document(&text, &self.source)?;
        self.text = text;
        self.hierarchy = hierarchy;
        Ok(out)
    }
}

/// Sets a prompt in the node's `prompts` table (created when missing); `Err` if `prompts` is not a table.
pub(super) fn set_prompt_value(node: &mut Table, prompt: PromptField, value: Value) -> Result<(), ()> {
    set_prompt_keyed(node, &Key::new(prompt.key()), value)
}

/// [`set_prompt_value`] with the key's own formatting used when the key is new.
pub(super) fn set_prompt_keyed(node: &mut Table, key: &Key, value: Value) -> Result<(), ()> {
    match node.get_mut("prompts") {
        Some(Item::Table(table)) => tables::set_value_keyed(table, key, value, PROMPT_KEYS),
        Some(Item::Value(Value::InlineTable(table))) => {
            tables::set_value_keyed(table, key, value, PROMPT_KEYS)
        }
        Some(_) => return Err(()),
        None => {
            let mut table = Table::new();
            table.entry_format(key).or_insert(Item::Value(value));
            node.insert("prompts", Item::Table(table));
        }
    }
    Ok(())
}

/// Removes a prompt from a node, and the node's `prompts` table when nothing is left in it.
pub(super) fn remove_prompt(node: &mut Table, prompt: PromptField) {
    let now_empty = match node.get_mut("prompts") {
        Some(Item::Table(table)) => {
            table.remove(prompt.key());
            table.is_empty()
        }
        Some(Item::Value(Value::InlineTable(table))) => {
            table.remove(prompt.key());
            table.is_empty()
        }
        _ => false,
    };
    if now_empty {
        node.remove("prompts");
    }
}

pub(super) fn parse_document(text: &str, source: &str) -> Result<DocumentMut, ConfigError> {
    let body = text.strip_prefix(BOM).unwrap_or(text);
    DocumentMut::from_str(body).map_err(|e| {
        ConfigError::single(
            source,
            format!("ailab could not read this file for editing: {}", e.message()),
            Some("the file loads, but its layout is unusual; please report this with the file".into()),
        )
    })
}

pub(super) fn not_a_table(source: &str, id: &str) -> ConfigError {
    ConfigError::single(
        source,
        format!("the prompts of node \"{id}\" are not written as a table"),
        Some("write them in a [node.prompts] section after the node's [[node]] section".into()),
    )
}
