//! Finding and reading `hierarchy.toml`: the lookup order, then parse → check → resolve, with
//! every problem of the file reported together.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

pub use super::error::ConfigError;
use super::error::{Found, into_error};
use super::model::Hierarchy;
use super::{raw, resolve, tree};

/// The repository's `hierarchy.toml`, compiled in: the tree used when the user has none.
pub const DEFAULT_HIERARCHY_TOML: &str = include_str!("../../hierarchy.toml");

/// What `Hierarchy::source` says for the compiled-in tree.
pub const BUILT_IN_SOURCE: &str = "built-in default";

/// Where the hierarchy in use came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HierarchySource {
    /// `--hierarchy FILE` or `AILAB_HIERARCHY`.
    Explicit(PathBuf),
    /// The user's file in the platform config dir.
    UserConfig(PathBuf),
    /// The compiled-in default.
    Embedded,
    /// A shipped preset chosen with `--preset NAME`: run as it is, no file read or written.
    Preset(&'static str),
}

impl std::fmt::Display for HierarchySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HierarchySource::Explicit(path) | HierarchySource::UserConfig(path) => path.display().fmt(f),
            HierarchySource::Embedded => f.write_str(BUILT_IN_SOURCE),
            HierarchySource::Preset(name) => write!(f, "preset {name}"),
        }
    }
}

/// Parses and validates hierarchy TOML. `source` names it in messages (a path or "built-in default").
pub fn parse_hierarchy(text: &str, source: &str) -> Result<Hierarchy, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut found: Vec<Found> = Vec::new();
    let Some(file) = raw::read(text, &mut found) else {
        return Err(into_error(source, text, found));
    };
    let root = tree::check(&file.nodes, &mut found);
    let server = resolve::server(&file.server, &mut found);
    resolve::check_settings(&file.defaults, "[defaults]", &mut found);
    let nodes: Vec<_> = file.nodes.iter().map(|node| resolve::node(node, &file, text, &mut found)).collect();
    match root {
        Some(root) if found.is_empty() => Ok(Hierarchy { server, nodes, root, source: source.to_string() }),
        _ => Err(into_error(source, text, found)),
    }
}

/// Finds and loads the hierarchy: `explicit` > the user's config dir file > the embedded default.
pub fn load_hierarchy(explicit: Option<&Path>) -> Result<(Hierarchy, HierarchySource), ConfigError> {
    if let Some(path) = explicit {
        let hierarchy = load_file(path, Origin::Explicit)?;
        return Ok((hierarchy, HierarchySource::Explicit(path.to_path_buf())));
    }
    if let Some(path) = crate::paths::user_hierarchy_file() {
        // Anything at that path is the user's intent: a broken file is an error, never skipped.
        if std::fs::symlink_metadata(&path).is_ok() {
            let hierarchy = load_file(&path, Origin::UserConfig)?;
            return Ok((hierarchy, HierarchySource::UserConfig(path)));
        }
    }
    Ok((parse_hierarchy(DEFAULT_HIERARCHY_TOML, BUILT_IN_SOURCE)?, HierarchySource::Embedded))
}

#[derive(Clone, Copy, PartialEq)]
enum Origin {
    Explicit,
    UserConfig,
}

fn load_file(path: &Path, origin: Origin) -> Result<Hierarchy, ConfigError> {
    let shown = path.display().to_string();
    let fallback_hint = match origin {
        Origin::Explicit => {
            "(This file was chosen with --hierarchy or AILAB_HIERARCHY; leave both out to use your own \
             hierarchy.toml or the built-in one.)"
                .to_string()
        }
        Origin::UserConfig => format!(
            "(This is your own hierarchy.toml. To go back to the built-in hierarchy, rename or remove {shown}.)"
        ),
    };
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                return Err(ConfigError::single(
                    &shown,
                    format!("{shown} is not plain UTF-8 text (unreadable byte at offset {at})"),
                    Some("save the file as UTF-8 text in your editor".into()),
                )
                .with_hint(fallback_hint));
            }
        },
        Err(e) => return Err(read_error(path, &shown, origin, &e).with_hint(fallback_hint)),
    };
    parse_hierarchy(&text, &shown).map_err(|e| e.with_hint(fallback_hint))
}

fn read_error(path: &Path, shown: &str, origin: Origin, e: &std::io::Error) -> ConfigError {
    let (message, help) = match e.kind() {
        ErrorKind::NotFound if origin == Origin::Explicit => (
            format!("the hierarchy file {shown} does not exist"),
            "check the path given to --hierarchy (or in AILAB_HIERARCHY); a relative path starts from the current folder"
                .to_string(),
        ),
        ErrorKind::NotFound => (
            format!("the hierarchy file {shown} cannot be opened (is it a broken link?)"),
            "fix or remove the link".to_string(),
        ),
        ErrorKind::PermissionDenied => {
            (format!("no permission to read {shown}"), "make the file readable for your user".to_string())
        }
        _ if path.is_dir() => (
            format!("{shown} is a folder, not a file"),
            "point to the hierarchy.toml file inside it".to_string(),
        ),
        _ => (format!("cannot read {shown}: {e}"), "check that the file exists and is readable".to_string()),
    };
    ConfigError::single(shown, message, Some(help))
}
