//! The hierarchy: `hierarchy.toml` parsed, validated and resolved over embedded defaults.

pub mod load;
pub mod model;
pub mod template;

pub use load::{ConfigError, HierarchySource, load_hierarchy, parse_hierarchy};
pub use model::{DEFAULT_BASE_URL, DEFAULT_MODEL, Hierarchy, NodeConfig, Phase, Prompts, ServerConfig};

/// The repository's `hierarchy.toml`, compiled in: the tree used when the user has none.
pub const DEFAULT_HIERARCHY_TOML: &str = include_str!("../../hierarchy.toml");
