//! The hierarchy: `hierarchy.toml` parsed, validated and resolved over embedded defaults.

pub mod defaults;
pub mod diff;
pub mod edit;
mod error;
mod export;
mod knobs;
mod levels;
pub mod load;
pub mod model;
pub mod presets;
mod range;
mod raw;
mod resolve;
mod suggest;
pub mod template;
mod template_check;
mod tree;

pub use error::{ConfigError, Location, Problem};
pub use export::to_toml_string;
pub use knobs::setting_line;
pub use load::{BUILT_IN_SOURCE, DEFAULT_HIERARCHY_TOML, HierarchySource, load_hierarchy, parse_hierarchy};
pub use model::{
    DEFAULT_BASE_URL, DEFAULT_MODEL, Hierarchy, NodeConfig, Phase, Prompts, ReflectionLevel, Sampling,
    ServerConfig,
};
pub use presets::load_preset;
pub use resolve::normalize_base_url;
