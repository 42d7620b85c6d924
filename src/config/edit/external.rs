//! `$EDITOR` for the long fields: the text goes to a temporary file, the user's editor opens it,
//! and what they saved comes back. The caller suspends the TUI around the call (the editor
//! needs the terminal).

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::atomic::{AtomicU64, Ordering};

/// Opens `text` in `$VISUAL`, else `$EDITOR`, else `vi` (`notepad` on Windows), waits for it to
/// close, and returns the saved text. A trailing newline the editor added is dropped again.
pub fn edit_in_external_editor(text: &str) -> Result<String, String> {
    edit_with(&editor_command(), text)
}

/// The editor command line the user asked for.
pub fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .map(|cmd| cmd.trim().to_string())
        .find(|cmd| !cmd.is_empty())
        .unwrap_or_else(|| if cfg!(windows) { "notepad" } else { "vi" }.to_string())
}

/// Runs `command` (a command line, arguments allowed: "code --wait") on a temporary file holding `text`.
pub fn edit_with(command: &str, text: &str) -> Result<String, String> {
    let path = write_temp(text).map_err(|e| {
        format!("cannot make a temporary file for the editor: {e}; check that the temp folder is writable")
    })?;
    let outcome = run(command, &path)
        .and_then(|()| fs::read(&path).map_err(|e| format!("cannot read back what the editor saved: {e}")));
    let _ = fs::remove_file(&path);
    let edited = String::from_utf8(outcome?)
        .map_err(|_| "the editor saved text that is not UTF-8; nothing was changed".to_string())?;
    Ok(without_added_newline(text, edited))
}

fn run(command: &str, path: &Path) -> Result<(), String> {
    let status = spawn(command, path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => not_found(command),
        _ => format!("cannot start the editor \"{command}\": {e}"),
    })?;
    check_status(command, status)
}

#[cfg(unix)]
fn spawn(command: &str, path: &Path) -> std::io::Result<ExitStatus> {
    // Through the shell, like git: "$EDITOR" may hold arguments and quotes.
    Command::new("sh").arg("-c").arg(format!("{command} \"$@\"")).arg("ailab-editor").arg(path).status()
}

#[cfg(not(unix))]
fn spawn(command: &str, path: &Path) -> std::io::Result<ExitStatus> {
    let mut words = command.split_whitespace();
    let program = words.next().unwrap_or("notepad");
    Command::new(program).args(words).arg(path).status()
}

fn check_status(command: &str, status: ExitStatus) -> Result<(), String> {
    match status.code() {
        Some(0) => Ok(()),
        // The shell's "command not found".
        Some(127) if cfg!(unix) => Err(not_found(command)),
        Some(code) => Err(format!(
            "the editor \"{command}\" stopped with an error (exit code {code}); the text was not changed"
        )),
        None => Err(format!("the editor \"{command}\" was stopped; the text was not changed")),
    }
}

fn not_found(command: &str) -> String {
    format!(
        "the editor \"{command}\" was not found; set the EDITOR environment variable to an editor you have \
         (nano, vim, \"code --wait\"), then try again"
    )
}

fn write_temp(text: &str) -> std::io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir();
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("ailab-prompt-{}-{n}.md", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                file.write_all(text.as_bytes())?;
                file.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Editors like vi end every file with a newline; give back the text's own ending.
fn without_added_newline(original: &str, mut edited: String) -> String {
    if !original.ends_with('\n') {
        if edited.ends_with("\r\n") {
            edited.truncate(edited.len() - 2);
        } else if edited.ends_with('\n') {
            edited.truncate(edited.len() - 1);
        }
    }
    edited
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn the_editor_changes_come_back_without_its_added_newline() {
        let edited = edit_with(
            "sh -c 'sed s/old/new/ \"$1\" > \"$1.x\" && mv \"$1.x\" \"$1\"' editor",
            "the old text",
        );
        assert_eq!(edited.as_deref(), Ok("the new text"));
        let kept = edit_with("true", "line\n");
        assert_eq!(kept.as_deref(), Ok("line\n"));
    }

    #[test]
    fn editor_arguments_and_failures_are_explained() {
        let appended = edit_with("sh -c 'printf \"more\" >> \"$1\"' editor", "text ");
        assert_eq!(appended.as_deref(), Ok("text more"));
        let missing = edit_with("no-such-editor-ailab", "x").unwrap_err();
        assert!(missing.contains("\"no-such-editor-ailab\" was not found; set the EDITOR"), "{missing}");
        let failed = edit_with("false", "x").unwrap_err();
        assert!(failed.contains("stopped with an error (exit code 1); the text was not changed"), "{failed}");
    }
}
