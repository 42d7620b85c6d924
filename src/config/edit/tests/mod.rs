//! Tests of the editor on the shipped `hierarchy.toml` (comments, blank lines, `'''` prompts)
//! and on small files made for one case.

mod document;
mod draft;
mod rebase;
mod save;
mod structure;

use super::HierarchyDocument;
use crate::config::DEFAULT_HIERARCHY_TOML;

/// The shipped hierarchy, open for editing.
fn shipped() -> HierarchyDocument {
    open(DEFAULT_HIERARCHY_TOML)
}

/// Text that must open for editing.
fn open(text: &str) -> HierarchyDocument {
    HierarchyDocument::parse(text, "test.toml").unwrap_or_else(|e| panic!("must open:\n{e}"))
}

/// The `'''…'''` value that follows `key = ` in the block starting at `anchor`.
fn literal_after(text: &str, anchor: &str, key: &str) -> String {
    let from = text.find(anchor).unwrap_or_else(|| panic!("{anchor} not in the text"));
    let start = from
        + text[from..].find(&format!("{key} = '''")).unwrap_or_else(|| panic!("no {key}"))
        + key.len()
        + 3;
    let end = start + 3 + text[start + 3..].find("'''").unwrap_or_else(|| panic!("unclosed")) + 3;
    text[start..end].to_string()
}

/// The ids of a node's children in the current tree.
fn children(doc: &HierarchyDocument, id: &str) -> Vec<String> {
    doc.hierarchy().node(id).map(|n| n.children.clone()).unwrap_or_else(|| panic!("no node {id}"))
}
