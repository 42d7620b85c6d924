//! Applying a preset from the Prompts tab: keep a copy of the user's file when asked, write the
//! preset over it (only if it is still what the tab read), then run it as a save does.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Shell;
use crate::config::edit::{SaveRefused, content_hash, save_atomically, save_unless_changed};
use crate::config::{Hierarchy, HierarchySource};
use crate::tui::msg::{PresetWritten, SaveOutcome};

/// What the Prompts tab asked to write.
pub(super) struct PresetWrite {
    pub path: PathBuf,
    pub text: String,
    pub expected: Option<String>,
    pub backup: Option<PathBuf>,
    pub hierarchy: Arc<Hierarchy>,
}

impl Shell {
    /// Writes the preset, then makes it the next run's hierarchy; the error says what was not done.
    pub(super) fn apply_preset(&mut self, write: PresetWrite) -> Result<PresetWritten, String> {
        let PresetWrite { path, text, expected, backup, hierarchy } = write;
        if let Some(backup) = &backup {
            keep_copy(&path, backup, expected.as_deref())?;
        }
        match save_unless_changed(&path, &text, expected.as_deref()) {
            Ok(()) => {}
            Err(SaveRefused::Failed(message)) => return Err(message),
            Err(SaveRefused::ChangedOnDisk { .. }) => return Err(changed_outside(&path)),
        }
        if matches!(self.settings.hierarchy_source, HierarchySource::Embedded | HierarchySource::Preset(_)) {
            self.settings.hierarchy_source = HierarchySource::UserConfig(path.clone());
        }
        let mut written = (*hierarchy).clone();
        written.source = path.display().to_string();
        let outcome = match self.adopt(written) {
            Ok(info) => SaveOutcome::InUse(info),
            Err(why) => SaveOutcome::NotInUse(why),
        };
        Ok(PresetWritten { backup, outcome })
    }
}

/// Copies the file as it is on disk to `backup`, if it still is what the tab read.
fn keep_copy(path: &Path, backup: &Path, expected: Option<&str>) -> Result<(), String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read {} to keep a copy: {e}", path.display()))?;
    if Some(content_hash(&bytes).as_str()) != expected {
        return Err(changed_outside(path));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        format!("{} is not UTF-8 text, so no copy was made and nothing was written", path.display())
    })?;
    save_atomically(backup, &text).map_err(|e| format!("no copy was made, so nothing was written: {e}"))
}

fn changed_outside(path: &Path) -> String {
    format!(
        "{} was changed outside ailab since the Prompts tab read it, so nothing was written; leave the \
         tab and come back to read it again, then choose the preset again",
        path.display()
    )
}
