//! Reading `hierarchy.toml`: lookup order, parsing with positions, validation, defaults.
//! (Being written: see issue 2.)

use std::path::{Path, PathBuf};

use super::model::Hierarchy;

/// Where the hierarchy in use came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HierarchySource {
    /// `--hierarchy FILE` or `AILAB_HIERARCHY`.
    Explicit(PathBuf),
    /// The user's file in the platform config dir.
    UserConfig(PathBuf),
    /// The compiled-in default.
    Embedded,
}

/// A hierarchy that cannot be used, with where and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
}

/// Parses and validates hierarchy TOML. `source` names it in messages (a path or "built-in default").
pub fn parse_hierarchy(_text: &str, source: &str) -> Result<Hierarchy, ConfigError> {
    Err(ConfigError { message: format!("{source}: not implemented yet") })
}

/// Finds and loads the hierarchy: `explicit` > the user's config dir file > the embedded default.
pub fn load_hierarchy(_explicit: Option<&Path>) -> Result<(Hierarchy, HierarchySource), ConfigError> {
    Err(ConfigError { message: "not implemented yet".into() })
}
