//! Global options resolved into what every command needs: the hierarchy and the backends.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::{Hierarchy, HierarchySource, load_hierarchy, load_preset};
use crate::engine::{Backends, Engine};

/// What the user asked for (flags and environment), before anything is loaded. The command line
/// fills it from its arguments.
#[derive(Debug, Clone, Default)]
pub struct Asked {
    /// The hierarchy file, if one was named.
    pub hierarchy: Option<PathBuf>,
    /// `--preset NAME`: a shipped organization instead of any file.
    pub preset: Option<String>,
    /// `--base-url`, as typed.
    pub base_url: Option<String>,
    pub demo: bool,
    pub db: Option<PathBuf>,
    pub no_record: bool,
    pub judge: Option<String>,
    pub theme: Option<String>,
}

/// The resolved global options.
#[derive(Clone)]
pub struct Settings {
    pub hierarchy: Arc<Hierarchy>,
    pub hierarchy_source: HierarchySource,
    /// The scripted offline backend instead of HTTP.
    pub demo: bool,
    /// `--base-url`, normalized (`http://host:port/v1`), kept so a reloaded hierarchy gets it too.
    pub base_url_override: Option<String>,
    /// `--db`, or `None` for the default in the data dir.
    pub db_path: Option<PathBuf>,
    pub no_record: bool,
    pub theme: Option<String>,
    /// `--judge`: the lab's judge model, if chosen.
    pub judge: Option<String>,
}

#[cfg(test)]
impl Settings {
    /// Settings for a test: `hierarchy` from the built-in source, recorded at `db_path`, over HTTP;
    /// a test changes what it needs with struct update syntax.
    pub(crate) fn for_tests(hierarchy: Arc<Hierarchy>, db_path: Option<PathBuf>) -> Settings {
        Settings {
            hierarchy,
            hierarchy_source: HierarchySource::Embedded,
            demo: false,
            base_url_override: None,
            db_path,
            no_record: false,
            theme: None,
            judge: None,
        }
    }
}

impl Settings {
    /// Loads the hierarchy (lookup order: flag/env, user config, built-in) and applies overrides.
    pub fn resolve(asked: Asked) -> Result<Settings, String> {
        let loaded = match (&asked.preset, &asked.hierarchy) {
            (Some(_), Some(file)) => {
                return Err(format!(
                    "--preset and --hierarchy cannot be used together (the hierarchy file is {}, from \
                     --hierarchy or AILAB_HIERARCHY): choose one organization",
                    file.display()
                ));
            }
            (Some(name), None) => load_preset(name),
            (None, file) => load_hierarchy(file.as_deref()),
        };
        let (mut hierarchy, source) = loaded.map_err(|e| e.to_string())?;
        // Normalized once, here: every hierarchy read or saved later gets this same URL.
        let base_url_override = asked.base_url.as_deref().map(normalize_base_url).transpose()?;
        if let Some(url) = &base_url_override {
            hierarchy.server.base_url = url.clone();
        }
        Ok(Settings {
            hierarchy: Arc::new(hierarchy),
            hierarchy_source: source,
            demo: asked.demo,
            base_url_override,
            db_path: asked.db,
            no_record: asked.no_record,
            theme: asked.theme,
            judge: asked.judge,
        })
    }

    /// The lab's judge model: `--judge`, else the root's model.
    pub fn judge_model(&self) -> String {
        self.judge.clone().unwrap_or_else(|| self.hierarchy.root().model.clone())
    }

    /// An engine over the current hierarchy with HTTP (or demo) backends.
    pub fn engine(&self) -> Result<Engine, String> {
        self.engine_for(self.hierarchy.clone())
    }

    /// An engine for another hierarchy (after the Prompts tab saved one), same backends choice.
    pub fn engine_for(&self, hierarchy: Arc<Hierarchy>) -> Result<Engine, String> {
        let backends = if self.demo {
            Backends::demo(&hierarchy)
        } else {
            Backends::http(&hierarchy).map_err(|e| e.to_string())?
        };
        Ok(Engine::new(hierarchy, backends))
    }
}

/// `--base-url`: accepts `localhost:1234` (http:// is assumed), `http://host:1234` or
/// `http://host:1234/v1`, checked by the same rules as `base_url` in hierarchy.toml.
fn normalize_base_url(url: &str) -> Result<String, String> {
    let trimmed = url.trim();
    let with_scheme = if trimmed.is_empty() || trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("http://{trimmed}")
    };
    crate::config::normalize_base_url(&with_scheme).map_err(|(why, help)| format!("--base-url {why}: {help}"))
}

#[cfg(test)]
mod tests {
    use super::normalize_base_url;

    #[test]
    fn base_urls_are_normalized() {
        assert_eq!(normalize_base_url("localhost:1234").unwrap(), "http://localhost:1234/v1");
        assert_eq!(normalize_base_url("http://h:8080/").unwrap(), "http://h:8080/v1");
        assert_eq!(normalize_base_url("http://h:11434/v1").unwrap(), "http://h:11434/v1");
        assert!(normalize_base_url("ftp://h").is_err());
        assert!(normalize_base_url(" ").is_err());
        assert!(normalize_base_url("http://").is_err(), "no server name");
        let https = normalize_base_url("https://box:8000/v1").unwrap_err();
        assert!(https.contains("write \"http://box:8000/v1\""), "{https}");
    }
}
