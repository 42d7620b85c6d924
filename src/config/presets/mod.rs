//! Presets: whole organizations shipped inside ailab, each a commented `hierarchy.toml` kept in
//! this folder. One is chosen with `--preset NAME` (run with it, nothing written) or in the
//! Prompts tab (written to the user's hierarchy.toml). `lean` is the repository's own
//! `hierarchy.toml`, the tree used when the user has none, so the two cannot drift apart.

mod apply;

use super::error::ConfigError;
use super::load::{DEFAULT_HIERARCHY_TOML, HierarchySource, parse_hierarchy};
use super::model::Hierarchy;

pub use apply::PresetFile;

/// One shipped organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// What `--preset` takes and the chooser lists.
    pub name: &'static str,
    /// One line: what the organization is and what it is for.
    pub description: &'static str,
    /// The whole file, comments included.
    pub text: &'static str,
}

/// Every preset, in the order they are listed (the cheapest last).
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "lean",
        description: "the default: six members in two branches, no reflection",
        text: DEFAULT_HIERARCHY_TOML,
    },
    Preset {
        name: "seed",
        description: "the original design: everyone reflects, Atlas reviews its branches, Quantum reflects in 3 levels",
        text: include_str!("seed.toml"),
    },
    Preset {
        name: "flat",
        description: "Atlas with five direct reports and no middle managers",
        text: include_str!("flat.toml"),
    },
    Preset {
        name: "duo",
        description: "the cheapest team: Atlas with two members, to test whether a team helps at all",
        text: include_str!("duo.toml"),
    },
];

/// The preset called `name` (case and surrounding spaces ignored).
pub fn find(name: &str) -> Option<&'static Preset> {
    let name = name.trim();
    PRESETS.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// The names, comma-separated, for messages.
pub fn names() -> String {
    PRESETS.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
}

/// What to tell someone who asked for a preset that does not exist.
pub fn unknown(name: &str) -> String {
    format!(
        "there is no preset called \"{}\"; the presets are: {}. `ailab presets` describes each one",
        name.trim(),
        names()
    )
}

impl Preset {
    /// How the preset is named where a file's path would be ("preset seed").
    pub fn source(&self) -> String {
        format!("preset {}", self.name)
    }

    /// The organization, validated. Every shipped preset loads (a test keeps it so).
    pub fn hierarchy(&self) -> Result<Hierarchy, ConfigError> {
        parse_hierarchy(self.text, &self.source())
    }

    /// What applying the preset writes over the user's file (`current`, if there is one): the
    /// preset's text, with the user's `[server]` kept when it differs.
    pub fn file_over(&self, current: Option<&str>) -> PresetFile {
        apply::over(self.text, &self.source(), current)
    }

    /// Model calls one question costs with this preset when nothing fails.
    pub fn calls_per_question(&self) -> usize {
        self.hierarchy().map_or(0, |h| h.calls_per_question())
    }
}

/// Loads the preset called `name` (`--preset`); an unknown name is an error listing the presets.
pub fn load_preset(name: &str) -> Result<(Hierarchy, HierarchySource), ConfigError> {
    let preset = find(name)
        .ok_or_else(|| ConfigError::single(format!("--preset {}", name.trim()), unknown(name), None))?;
    Ok((preset.hierarchy()?, HierarchySource::Preset(preset.name)))
}

/// The preset whose team is `hierarchy`'s: the same members, settings and prompts. The server is
/// left out (applying a preset keeps the user's `[server]`), and so is where the file lives.
pub fn matching(hierarchy: &Hierarchy) -> Option<&'static Preset> {
    PRESETS.iter().find(|preset| {
        preset.hierarchy().is_ok_and(|p| p.root == hierarchy.root && p.nodes == hierarchy.nodes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str) -> Hierarchy {
        match find(name).map(Preset::hierarchy) {
            Some(Ok(h)) => h,
            Some(Err(e)) => panic!("preset {name} must load:\n{e}"),
            None => panic!("no preset {name}"),
        }
    }

    #[test]
    fn every_preset_loads_describes_itself_and_teaches_in_comments() {
        for preset in PRESETS {
            let h = load(preset.name);
            assert!(!preset.description.is_empty() && !preset.description.contains('\n'));
            assert!(preset.text.lines().filter(|l| l.starts_with('#')).count() > 40, "{}", preset.name);
            assert_eq!(matching(&h).map(|p| p.name), Some(preset.name), "each preset is its own");
        }
        let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
        assert_eq!(names, ["lean", "seed", "flat", "duo"]);
    }

    #[test]
    fn lean_is_the_shipped_hierarchy_itself() {
        assert_eq!(find("lean").map(|p| p.text), Some(DEFAULT_HIERARCHY_TOML));
        assert_eq!(find(" LEAN ").map(|p| p.name), Some("lean"));
        assert_eq!(find("lean").map(Preset::calls_per_question), Some(9));
    }

    #[test]
    fn seed_is_the_original_design() {
        let h = load("seed");
        for id in ["atlas", "nova", "sage", "echo", "pixel"] {
            let node = h.node(id).unwrap();
            assert_eq!((node.reflect, node.reflection_levels.len()), (1, 0), "{id} reflects once");
        }
        let critics: Vec<&str> = h.nodes.iter().filter(|n| n.critique).map(|n| n.id.as_str()).collect();
        assert_eq!(critics, ["atlas"], "Atlas critiques its branches");
        let quantum = h.node("quantum").unwrap();
        let levels: Vec<&str> = quantum.reflection_levels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(levels, ["check the facts", "draw out implications", "the single deepest insight"]);
        let revises: std::collections::HashSet<&str> =
            quantum.reflection_levels.iter().map(|l| l.revise.as_str()).collect();
        assert_eq!(revises.len(), 3, "each level rewrites in its own way");
        // Atlas 2 + 2 reflecting + 4 reviewing; Nova, Sage 4; Echo, Pixel 3; Quantum 1 + 6.
        assert_eq!(h.calls_per_question(), 29);
    }

    #[test]
    fn flat_and_duo_have_the_shapes_they_promise() {
        let flat = load("flat");
        assert_eq!(flat.root().children, ["nova", "sage", "echo", "pixel", "quantum"]);
        assert!(flat.nodes.iter().filter(|n| n.id != "atlas").all(|n| !n.is_parent()));
        assert_eq!(flat.calls_per_question(), 7);
        let duo = load("duo");
        assert_eq!(duo.root().children, ["nova", "sage"]);
        assert_eq!(duo.nodes.len(), 3);
        assert_eq!(duo.calls_per_question(), 4);
    }

    #[test]
    fn an_unknown_name_lists_the_presets() {
        assert_eq!(find("seeds"), None);
        let message = unknown("seeds");
        assert!(message.contains("\"seeds\"") && message.contains("lean, seed, flat, duo"), "{message}");
    }

    fn seed() -> &'static Preset {
        find("seed").unwrap()
    }

    #[test]
    fn without_a_file_or_with_the_same_server_the_preset_is_written_as_shipped() {
        assert_eq!(seed().file_over(None).text, seed().text);
        let lean = find("lean").unwrap().text;
        let applied = seed().file_over(Some(lean));
        assert_eq!(applied, PresetFile { text: seed().text.to_string(), kept_server: false });
    }

    #[test]
    fn the_users_server_is_kept_and_the_team_is_the_presets() {
        let mine = find("lean").unwrap().text.replace(
            "base_url = \"http://localhost:1234/v1\"",
            "# my box\nbase_url = \"http://192.168.1.9:1234/v1\"\napi_key_env = \"MY_KEY\"",
        );
        let applied = seed().file_over(Some(&mine));
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
        assert_eq!(matching(&h).map(|p| p.name), Some("seed"));
    }

    #[test]
    fn a_file_that_does_not_load_gets_the_preset_as_shipped() {
        let applied = seed().file_over(Some("[server]\nbase_url = 3\n"));
        assert_eq!(applied.text, seed().text);
    }
}
