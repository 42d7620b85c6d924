//! Another organization as an arm (`--arms tree,solo,tree@seed`): the preset or hierarchy file
//! that `tree@X` names, loaded to run on the tested tree's own server, and refused when it cannot
//! be compared (it does not load, it is the tested tree itself, it is listed twice).

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::arm::{Arm, ArmSpec, OrgKey};
use crate::config::{Hierarchy, parse_hierarchy, presets};
use crate::engine::hierarchy_hash;

/// Where another organization came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgSource {
    Preset(&'static str),
    /// The path as the user gave it.
    File(PathBuf),
}

/// Another organization, loaded, with its arm's key.
#[derive(Debug, Clone)]
pub struct Organization {
    pub key: OrgKey,
    /// The organization with the tested tree's `[server]`: both answer on the same server, as
    /// the comparison (keyed by that server) says.
    pub hierarchy: Arc<Hierarchy>,
    pub source: OrgSource,
}

impl Organization {
    /// Its arm.
    pub fn arm(&self) -> Arm {
        Arm::Org(self.key.clone())
    }

    /// Its whole hierarchy hash: the version its runs record.
    pub fn version(&self) -> String {
        hierarchy_hash(&self.hierarchy)
    }

    /// "preset seed", or the file's path as given.
    pub fn origin(&self) -> String {
        match &self.source {
            OrgSource::Preset(name) => format!("preset {name}"),
            OrgSource::File(path) => path.display().to_string(),
        }
    }
}

/// The arms of `specs` in the order given, with the organizations `tree@X` named, loaded to run
/// on `tested`'s server. Refuses an organization that does not load, one that is `tested` itself
/// (nothing to compare), and one listed twice under two names (the same version).
pub fn resolve(specs: &[ArmSpec], tested: &Hierarchy) -> Result<(Vec<Arm>, Vec<Organization>), String> {
    let tested_version = hierarchy_hash(tested);
    let mut arms = Vec::new();
    let mut orgs: Vec<(String, Organization)> = Vec::new();
    for spec in specs {
        let name = match spec {
            ArmSpec::Arm(arm) => {
                arms.push(arm.clone());
                continue;
            }
            ArmSpec::Org(name) => name,
        };
        let org = load(name, tested)?;
        let version = org.version();
        if version == tested_version {
            return Err(format!(
                "tree@{name}: {} is the same organization as the tree under test (the same members, \
                 settings and prompts), so there is nothing to compare. Name another preset ({}) or a \
                 hierarchy file that differs from it",
                org.origin(),
                presets::names()
            ));
        }
        if let Some((earlier, _)) = orgs.iter().find(|(_, o)| o.version() == version) {
            return Err(format!(
                "tree@{earlier} and tree@{name} are the same organization (version {}): list it once",
                org.key.version()
            ));
        }
        arms.push(org.arm());
        orgs.push((name.clone(), org));
    }
    Ok((arms, orgs.into_iter().map(|(_, org)| org).collect()))
}

/// The organization `tree@spec` names: a preset, else a hierarchy file.
fn load(spec: &str, tested: &Hierarchy) -> Result<Organization, String> {
    let path = Path::new(spec);
    let looks_like_a_path = spec.contains('/') || spec.contains('\\') || spec.ends_with(".toml");
    let (mut hierarchy, source) = match presets::find(spec) {
        Some(preset) if !looks_like_a_path => {
            let hierarchy = preset.hierarchy().map_err(|e| format!("tree@{spec}: {e}"))?;
            (hierarchy, OrgSource::Preset(preset.name))
        }
        _ if looks_like_a_path || path.exists() => (read_file(spec, path)?, OrgSource::File(path.into())),
        _ => {
            return Err(format!(
                "tree@{spec}: {}. For a hierarchy file, give its path (e.g. tree@./{spec}.toml)",
                presets::unknown(spec)
            ));
        }
    };
    // Where the models run is the tested tree's: the comparison is of organizations, not servers.
    hierarchy.server = tested.server.clone();
    let hash = hierarchy_hash(&hierarchy);
    let key = match &source {
        OrgSource::Preset(name) => OrgKey::preset(name, &hash),
        OrgSource::File(path) => {
            let name = path.file_name().map_or_else(|| spec.into(), |n| n.to_string_lossy().into_owned());
            OrgKey::file(&name, &hash)
        }
    };
    Ok(Organization { key, hierarchy: Arc::new(hierarchy), source })
}

/// A hierarchy file, read and checked; what is wrong says where (`file:line:col`) and what to do.
fn read_file(spec: &str, path: &Path) -> Result<Hierarchy, String> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => format!(
            "tree@{spec}: there is no file at {spec} (a relative path starts from the current folder). Give \
             the path of a hierarchy file (e.g. tree@./team.toml), or a preset: {}",
            presets::names()
        ),
        _ if path.is_dir() => {
            format!("tree@{spec}: {spec} is a folder: give the path of the hierarchy file inside it")
        }
        _ => format!("tree@{spec}: cannot read {spec}: {e}. Check that the file exists and is readable"),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "tree@{spec}: {spec} is not plain UTF-8 text (unreadable byte at offset {}): save it as UTF-8 \
             text in your editor",
            e.utf8_error().valid_up_to()
        )
    })?;
    parse_hierarchy(&text, spec)
        .map_err(|e| format!("tree@{spec}: the hierarchy file has mistakes, so nothing was run:\n{e}"))
}

/// The tested tree in words: "the lean tree" when it is a preset's organization, else "your tree".
pub fn tree_name(hierarchy: &Hierarchy) -> String {
    match presets::matching(hierarchy) {
        Some(preset) => format!("the {} tree", preset.name),
        None => "your tree".into(),
    }
}

#[cfg(test)]
mod tests;
