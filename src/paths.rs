//! Platform directories (config, data, logs), resolved once through `directories`.

use std::path::PathBuf;

use directories::ProjectDirs;

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "ailab")
}

/// Where the user's `hierarchy.toml`, `keymap.toml` and `themes/` live.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("AILAB_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    project_dirs().map(|d| d.config_dir().to_path_buf())
}

/// Where the SQLite record and the log files live.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("AILAB_DATA_DIR") {
        return Some(PathBuf::from(dir));
    }
    project_dirs().map(|d| d.data_dir().to_path_buf())
}

/// The user's hierarchy file in the config dir (it may not exist).
pub fn user_hierarchy_file() -> Option<PathBuf> {
    config_dir().map(|d| d.join("hierarchy.toml"))
}
