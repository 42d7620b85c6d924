//! Stamps the version that `ailab --version` prints: `0.1.0 (abc1234 2026-12-06)` when built from
//! a git checkout (the commit and its date), just `0.1.0` when built without one (a crates.io
//! package, a source archive, or no `git` on the machine): nothing is made up.
//!
//! It runs again only when the commit changes (`.git/HEAD` or the branch it points to), not on
//! every edit of the sources.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo:rerun-if-changed=build.rs");
    // Only the package's own repository: a copy of ailab vendored inside another project's
    // repository must not print that project's commit.
    let stamp = git_dirs(&root).and_then(|dirs| {
        watch(&dirs);
        commit(&root)
    });
    let full = match stamp {
        Some(stamp) => format!("{version} ({stamp})"),
        None => version,
    };
    println!("cargo:rustc-env=AILAB_VERSION={full}");
}

/// The repository's own folder (HEAD) and its common folder (refs), where `.git` is a folder or,
/// in a worktree or submodule, a file naming the folder.
struct GitDirs {
    git: PathBuf,
    common: PathBuf,
}

fn git_dirs(root: &Path) -> Option<GitDirs> {
    let dot_git = root.join(".git");
    let git = if dot_git.is_dir() {
        dot_git
    } else {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        root.join(text.strip_prefix("gitdir:")?.trim())
    };
    let common = match std::fs::read_to_string(git.join("commondir")) {
        Ok(rel) => git.join(rel.trim()),
        Err(_) => git.clone(),
    };
    git.join("HEAD").is_file().then_some(GitDirs { git, common })
}

/// Asks cargo to run this again when HEAD moves: a checkout changes HEAD, a commit changes the
/// branch's ref (a loose file, or `packed-refs` once git has packed it).
fn watch(dirs: &GitDirs) {
    let head = dirs.git.join("HEAD");
    println!("cargo:rerun-if-changed={}", head.display());
    let Ok(text) = std::fs::read_to_string(&head) else { return };
    if let Some(name) = text.strip_prefix("ref:") {
        let loose = dirs.common.join(name.trim());
        // Watching a file that does not exist would make cargo run this on every build; a packed
        // branch gets its loose file back at its next commit, in the folder watched instead.
        if loose.is_file() {
            println!("cargo:rerun-if-changed={}", loose.display());
        } else if let Some(folder) = loose.parent().filter(|f| f.is_dir()) {
            println!("cargo:rerun-if-changed={}", folder.display());
        }
    }
    let packed = dirs.common.join("packed-refs");
    if packed.is_file() {
        println!("cargo:rerun-if-changed={}", packed.display());
    }
}

/// `abc1234 2026-12-06`: HEAD's short hash and commit date, or `None` if git cannot say.
fn commit(root: &Path) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["log", "-1", "--no-show-signature", "--format=%H %cs"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let (hash, date) = text.trim().split_once(' ')?;
    let valid = hash.len() >= 7 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && date.len() == 10;
    valid.then(|| format!("{} {date}", &hash[..7]))
}
