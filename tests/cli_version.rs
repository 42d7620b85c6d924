//! `ailab --version` names the version and, built from a git checkout, the commit and its date
//! (build.rs stamps them); built without git, just the version.

use std::path::Path;
use std::process::Command;

/// HEAD's full hash and commit date (`2026-12-06`), or `None` when this tree is not a git checkout.
/// Under CI a checkout without a working `git` is an error, not a reason to check less.
fn head() -> Option<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join(".git").exists() {
        return None;
    }
    let out = Command::new("git").arg("-C").arg(root).args(["log", "-1", "--format=%H %cs"]).output();
    let out = match out {
        Ok(out) if out.status.success() => out,
        _ if std::env::var_os("CI").is_some() => panic!("this is a git checkout but `git log` fails here"),
        _ => return None,
    };
    let text = String::from_utf8(out.stdout).expect("git prints UTF-8");
    let (hash, date) = text.trim().split_once(' ').expect("hash and date");
    Some((hash.to_string(), date.to_string()))
}

#[test]
fn version_names_the_version_and_the_commit_it_was_built_from() {
    let out = Command::new(env!("CARGO_BIN_EXE_ailab")).arg("--version").output().expect("the binary runs");
    assert!(out.status.success(), "--version failed: {}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).expect("UTF-8");
    let expected = match head() {
        Some((hash, date)) => format!("ailab {} ({} {date})\n", env!("CARGO_PKG_VERSION"), &hash[..7]),
        None => format!("ailab {}\n", env!("CARGO_PKG_VERSION")),
    };
    assert_eq!(printed, expected);
}

#[test]
fn the_short_flag_prints_the_same() {
    let long = Command::new(env!("CARGO_BIN_EXE_ailab")).arg("--version").output().expect("runs");
    let short = Command::new(env!("CARGO_BIN_EXE_ailab")).arg("-V").output().expect("runs");
    assert_eq!(long.stdout, short.stdout);
    assert!(!short.stdout.is_empty());
}
