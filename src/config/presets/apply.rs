//! The file a preset writes over the user's hierarchy.toml: the preset's text, with the user's own
//! `[server]` table kept. Where the models run (the address, the key's variable, how many calls at
//! once) is about the user's machine, not the organization, so choosing a team never moves it.

use toml_edit::{DocumentMut, Item};

use crate::config::load::parse_hierarchy;

/// What applying a preset writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresetFile {
    pub text: String,
    /// True when the user's `[server]` replaced the preset's (it differed).
    pub kept_server: bool,
}

/// The preset's file (`text`, named `source`) over `current` (the user's file as it is, if any):
/// the preset's text byte for byte when the servers agree or `current` has no usable `[server]`,
/// else the preset's text with the user's `[server]` table (its comments too) in place of its own.
pub(super) fn over(text: &str, source: &str, current: Option<&str>) -> PresetFile {
    let plain = PresetFile { text: text.to_string(), kept_server: false };
    let Some(current) = current.map(|text| text.strip_prefix('\u{feff}').unwrap_or(text)) else {
        return plain;
    };
    let (Ok(theirs), Ok(ours)) = (parse_hierarchy(current, "yours"), parse_hierarchy(text, source)) else {
        return plain;
    };
    if theirs.server == ours.server {
        return plain;
    }
    let (Ok(their_doc), Ok(mut doc)) = (current.parse::<DocumentMut>(), text.parse::<DocumentMut>()) else {
        return plain;
    };
    let Some(mut server) = their_doc.get("server").and_then(Item::as_table).cloned() else { return plain };
    // Where the preset writes its [server], after the preset's own opening comments (the first
    // table's prefix holds them), not the user's file's.
    if let Some(theirs) = doc.get("server").and_then(Item::as_table) {
        server.set_position(theirs.position());
        if let Some(prefix) = theirs.decor().prefix() {
            server.decor_mut().set_prefix(prefix.clone());
        }
    }
    doc.insert("server", Item::Table(server));
    let written = doc.to_string();
    match parse_hierarchy(&written, source) {
        Ok(applied) if applied.server == theirs.server && applied.nodes == ours.nodes => {
            PresetFile { text: written, kept_server: true }
        }
        _ => plain,
    }
}
