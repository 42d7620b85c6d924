//! The file a preset writes over the user's hierarchy.toml: the preset's text, with the user's own
//! `[server]` table kept. Where the models run (the address, the key's variable, how many calls at
//! once) is about the user's machine, not the organization, so choosing a team never moves it.

use toml_edit::{DocumentMut, Item};

use super::Preset;
use crate::config::load::parse_hierarchy;

/// What applying a preset writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresetFile {
    pub text: String,
    /// True when the user's `[server]` replaced the preset's (it differed).
    pub kept_server: bool,
}

/// The preset's file over `current` (the user's file as it is, if any): the preset's text byte
/// for byte when the servers agree or `current` has no usable `[server]`, else the preset's text
/// with the user's `[server]` table (its comments too) in place of the preset's.
pub fn preset_file_text(preset: &Preset, current: Option<&str>) -> PresetFile {
    let plain = PresetFile { text: preset.text.to_string(), kept_server: false };
    let Some(current) = current.map(|text| text.strip_prefix('\u{feff}').unwrap_or(text)) else {
        return plain;
    };
    let (Ok(theirs), Ok(ours)) = (parse_hierarchy(current, "yours"), preset.hierarchy()) else {
        return plain;
    };
    if theirs.server == ours.server {
        return plain;
    }
    let (Ok(their_doc), Ok(mut doc)) = (current.parse::<DocumentMut>(), preset.text.parse::<DocumentMut>())
    else {
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
    let text = doc.to_string();
    match parse_hierarchy(&text, &preset.source()) {
        Ok(applied) if applied.server == theirs.server && applied.nodes == ours.nodes => {
            PresetFile { text, kept_server: true }
        }
        _ => plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::presets::find;

    fn seed() -> &'static Preset {
        find("seed").unwrap()
    }

    #[test]
    fn without_a_file_or_with_the_same_server_the_preset_is_written_as_shipped() {
        assert_eq!(preset_file_text(seed(), None).text, seed().text);
        let lean = find("lean").unwrap().text;
        let applied = preset_file_text(seed(), Some(lean));
        assert_eq!(applied, PresetFile { text: seed().text.to_string(), kept_server: false });
    }

    #[test]
    fn the_users_server_is_kept_and_the_team_is_the_presets() {
        let mine = find("lean").unwrap().text.replace(
            "base_url = \"http://localhost:1234/v1\"",
            "# my box\nbase_url = \"http://192.168.1.9:1234/v1\"\napi_key_env = \"MY_KEY\"",
        );
        let applied = preset_file_text(seed(), Some(&mine));
        assert!(applied.kept_server);
        let h = parse_hierarchy(&applied.text, "applied").unwrap();
        assert_eq!(h.server.base_url, "http://192.168.1.9:1234/v1");
        assert_eq!(h.server.api_key_env.as_deref(), Some("MY_KEY"));
        assert_eq!(h.nodes, seed().hierarchy().unwrap().nodes);
        assert!(applied.text.contains("# my box\n"), "the user's comments stay with their server");
        // The preset's teaching comments and layout stay where they were.
        assert!(applied.text.starts_with("# ailab preset \"seed\""));
        let server_at = applied.text.find("\n[server]\n").unwrap();
        assert!(server_at < applied.text.find("\n[defaults]\n").unwrap());
        assert_eq!(super::super::matching(&h).map(|p| p.name), Some("seed"));
    }

    #[test]
    fn a_file_that_does_not_load_gets_the_preset_as_shipped() {
        let applied = preset_file_text(seed(), Some("[server]\nbase_url = 3\n"));
        assert_eq!(applied.text, seed().text);
    }
}
