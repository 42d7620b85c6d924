//! Where the Prompts tab saves and what it starts from, and the atomic write: a temporary file
//! in the same folder, flushed to disk, then renamed over the old file, so a crash or a full disk
//! never leaves a half-written hierarchy.toml.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::document::HierarchyDocument;
use crate::config::{ConfigError, HierarchySource};

/// The document to edit and the file saving writes.
#[derive(Debug, Clone)]
pub struct EditSession {
    pub document: HierarchyDocument,
    /// The `--hierarchy` file, or the user's hierarchy.toml in the config folder.
    pub save_path: PathBuf,
    /// False when saving will create the file (the built-in hierarchy was in use).
    pub file_exists: bool,
}

/// Opens the hierarchy in use for editing. With the built-in one in use, editing starts from the
/// built-in text and saving creates the user's file in the config folder (`AILAB_CONFIG_DIR`
/// honoured); the compiled-in default is never a save target.
pub fn open_for_editing(source: &HierarchySource) -> Result<EditSession, ConfigError> {
    let path = match source {
        HierarchySource::Explicit(path) | HierarchySource::UserConfig(path) => path.clone(),
        HierarchySource::Embedded | HierarchySource::Preset(_) => crate::paths::user_hierarchy_file()
            .ok_or_else(|| {
                ConfigError::single(
                    crate::config::BUILT_IN_SOURCE,
                    "ailab cannot find your config folder, so it has nowhere to save your hierarchy",
                    Some("set AILAB_CONFIG_DIR to a folder, or start ailab with --hierarchy FILE".into()),
                )
            })?,
    };
    let shown = path.display().to_string();
    // With --preset, the preset runs and is what the tab shows; saving it writes the user's file
    // (asking first if one is there: the save finds it is not what the tab read).
    if let HierarchySource::Preset(name) = source {
        let text =
            super::super::presets::find(name).map_or(crate::config::DEFAULT_HIERARCHY_TOML, |p| p.text);
        let document = HierarchyDocument::parse(text, &shown)?;
        return Ok(EditSession {
            document,
            save_path: path.clone(),
            file_exists: fs::symlink_metadata(&path).is_ok(),
        });
    }
    // A file made since ailab started is the user's: edit it rather than write over it.
    if fs::symlink_metadata(&path).is_ok() {
        let text = fs::read_to_string(&path).map_err(|e| {
            ConfigError::single(&shown, format!("cannot read {shown}: {e}"), Some(read_help(&e).into()))
        })?;
        let document = HierarchyDocument::parse(&text, &shown)?;
        return Ok(EditSession { document, save_path: path, file_exists: true });
    }
    if matches!(source, HierarchySource::Explicit(_)) {
        return Err(ConfigError::single(
            &shown,
            format!("the hierarchy file {shown} no longer exists"),
            Some("restore it, or restart ailab without --hierarchy to edit your own hierarchy.toml".into()),
        ));
    }
    let document = HierarchyDocument::built_in(&shown)?;
    Ok(EditSession { document, save_path: path, file_exists: false })
}

/// A fingerprint of a file's bytes (SHA-256, hex), to notice when it was changed by someone else.
pub fn content_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Why [`save_unless_changed`] did not write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveRefused {
    /// The file is not what the editor last read or wrote: `now` is its text (`None`: it is gone).
    ChangedOnDisk { now: Option<String> },
    /// Writing (or reading to check) failed; the message says why and what to do.
    Failed(String),
}

/// Writes `text` to `path` atomically, but only if the file still is what the editor last read or
/// wrote: `expected` is its [`content_hash`], or `None` when there was no file. Anything else
/// means someone changed it outside ailab, and writing now would silently lose their change.
pub fn save_unless_changed(path: &Path, text: &str, expected: Option<&str>) -> Result<(), SaveRefused> {
    let shown = path.display();
    let now = match fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        // A folder in the way is explained by the write itself.
        Err(_) if path.is_dir() => None,
        Err(e) => {
            return Err(SaveRefused::Failed(format!(
                "cannot read {shown} to check whether it changed: {}; the file was not changed",
                reason(&e)
            )));
        }
    };
    if now.as_deref().map(content_hash).as_deref() != expected {
        let now = match now {
            Some(bytes) => Some(String::from_utf8(bytes).map_err(|_| {
                SaveRefused::Failed(format!(
                    "{shown} was changed outside ailab and is no longer UTF-8 text; the file was not \
                     changed: fix its encoding in your editor, then save again"
                ))
            })?),
            None => None,
        };
        return Err(SaveRefused::ChangedOnDisk { now });
    }
    save_atomically(path, text).map_err(SaveRefused::Failed)
}

fn read_help(e: &std::io::Error) -> &'static str {
    match e.kind() {
        ErrorKind::PermissionDenied => "make the file readable for your user",
        ErrorKind::InvalidData => "save the file as UTF-8 text in your editor",
        _ => "check that the file exists and is readable",
    }
}

/// Writes `text` to `path` atomically, creating the folder if needed and keeping the file's
/// permissions. A symbolic link is followed, so the file it points to is the one replaced. The
/// error says what went wrong and what to do.
pub fn save_atomically(path: &Path, text: &str) -> Result<(), String> {
    let shown = path.display();
    let path = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path)
            .map_err(|e| format!("cannot save {shown}: it is a link that cannot be followed ({e})"))?,
        Ok(meta) if meta.is_dir() => return Err(format!("cannot save {shown}: it is a folder, not a file")),
        _ => path.to_path_buf(),
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(|e| {
        format!(
            "cannot create the folder {} to save {shown}: {}; check that you may write there, or set \
             AILAB_CONFIG_DIR to a folder you can write",
            dir.display(),
            reason(&e)
        )
    })?;
    let permissions = fs::metadata(&path).ok().map(|m| m.permissions());
    let (temp_path, mut file) = create_temp(&dir, &path).map_err(|e| match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => format!(
            "cannot save {shown}: the folder {} is not writable; make it writable, or start ailab with \
             --hierarchy FILE in a folder you can write",
            dir.display()
        ),
        _ => format!("cannot save {shown}: {}", reason(&e)),
    })?;
    let written = (|| {
        file.write_all(text.as_bytes())?;
        if let Some(permissions) = permissions {
            file.set_permissions(permissions)?;
        }
        file.sync_all()?;
        drop(file);
        fs::rename(&temp_path, &path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp_path);
        return Err(format!("cannot save {shown}: {}; the file was not changed", reason(&e)));
    }
    sync_dir(&dir);
    Ok(())
}

/// A new file next to the target, named so it is obviously ailab's if a crash leaves it behind.
fn create_temp(dir: &Path, target: &Path) -> std::io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name =
        target.file_name().map_or_else(|| "hierarchy.toml".into(), |n| n.to_string_lossy().into_owned());
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.ailab-{}-{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Makes the rename itself durable (a no-op where folders cannot be opened).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::StorageFull => "the disk is full".into(),
        ErrorKind::ReadOnlyFilesystem => "the disk is read-only".into(),
        _ => e.to_string(),
    }
}
