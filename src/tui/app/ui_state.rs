//! What the live view remembers between sessions: the theme last chosen with the theme key, and
//! whether the welcome was shown, in a small file in the data dir (next to the record, which
//! keeps the prompt history). `--theme` still wins for one session.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The file's name in the data dir.
const FILE: &str = "ui-state.toml";

/// The remembered choices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UiState {
    pub theme: Option<String>,
    /// The welcome was shown once: later starts go straight to work (F1 then w shows it again).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub welcomed: bool,
}

/// Where the file lives.
pub fn path() -> Option<PathBuf> {
    crate::paths::data_dir().map(|d| d.join(FILE))
}

/// True on the very first start: the welcome was never shown and there is no record yet (someone
/// with a record has used ailab before this welcome existed). `--demo` is a choice of where to
/// start already, so it starts without the welcome. A file that cannot be read counts as shown.
pub fn first_start(settings: &crate::session::Settings) -> bool {
    if settings.demo {
        return false;
    }
    let welcomed = path().is_none_or(|p| load(&p).map_or(true, |s| s.welcomed));
    let recorded = crate::store::db_path(settings.db_path.as_deref()).is_ok_and(|p| p.exists());
    !welcomed && !recorded
}

/// Reads the file; a missing one is the default, a damaged one says why (and is then ignored).
pub fn load(path: &Path) -> Result<UiState, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| {
            format!("{}: cannot read it ({}); delete it to start afresh", path.display(), e.message())
        }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(UiState::default()),
        Err(err) => Err(format!("{}: cannot read it: {err}", path.display())),
    }
}

/// Writes the file (creating the data dir if needed), replacing it whole.
pub fn save(path: &Path, state: &UiState) -> Result<(), String> {
    let text = toml::to_string(state).map_err(|e| format!("cannot write the UI state: {e}"))?;
    let text = format!(
        "# ailab remembers the theme you last chose (Ctrl-T) here, and that it welcomed you.\n\
         # `ailab --theme NAME` overrides the theme.\n{text}"
    );
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_theme_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deeper").join(FILE);
        assert_eq!(load(&path), Ok(UiState::default()), "no file yet");
        save(&path, &UiState { theme: Some("light".into()), welcomed: false }).unwrap();
        assert_eq!(load(&path).unwrap().theme.as_deref(), Some("light"));
        assert!(!std::fs::read_to_string(&path).unwrap().contains("welcomed ="), "left out until shown");
        save(&path, &UiState { theme: None, welcomed: true }).unwrap();
        assert_eq!(load(&path).unwrap(), UiState { theme: None, welcomed: true });
    }

    #[test]
    fn a_damaged_file_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        std::fs::write(&path, "theme = [").unwrap();
        let err = load(&path).unwrap_err();
        assert!(err.contains(FILE) && err.contains("delete it"), "{err}");
    }
}
