use super::*;
use crate::lab::arm::parse_specs;

/// The tree under test: the lean preset, on a server of its own.
fn tested() -> Hierarchy {
    let mut lean = presets::find("lean").and_then(|p| p.hierarchy().ok()).expect("lean loads");
    lean.server.base_url = "http://10.0.0.5:1234/v1".into();
    lean
}

fn resolved(list: &str) -> Result<(Vec<Arm>, Vec<Organization>), String> {
    resolve(&parse_specs(list)?, &tested())
}

fn preset_text(name: &str) -> &'static str {
    presets::find(name).map(|p| p.text).expect("a shipped preset")
}

#[test]
fn a_preset_runs_as_its_own_arm_on_the_tested_trees_server() {
    let (arms, orgs) = resolved("tree,solo,tree@seed").unwrap();
    assert_eq!(orgs.len(), 1);
    let seed = &orgs[0];
    assert_eq!(arms, vec![Arm::Tree, Arm::Solo, seed.arm()]);
    assert!(seed.key.as_str().starts_with("tree@seed#"), "{}", seed.key.as_str());
    assert!(seed.version().starts_with(seed.key.version()));
    assert_eq!(seed.hierarchy.server.base_url, "http://10.0.0.5:1234/v1", "the tested tree's server");
    assert_eq!(seed.hierarchy.nodes, presets::find("seed").unwrap().hierarchy().unwrap().nodes);
    assert_eq!((seed.source.clone(), seed.origin()), (OrgSource::Preset("seed"), "preset seed".into()));
    assert_eq!(tree_name(&tested()), "the lean tree");
    assert_eq!(tree_name(&seed.hierarchy), "the seed tree");
}

#[test]
fn a_file_runs_as_its_own_arm_and_an_edit_is_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.toml");
    std::fs::write(&path, preset_text("flat")).unwrap();
    let spec = format!("tree,tree@{}", path.display());
    let (_, orgs) = resolved(&spec).unwrap();
    let first = orgs[0].key.clone();
    assert!(first.as_str().starts_with("tree@x.toml#"), "{}", first.as_str());
    assert_eq!(first.describe(), "the organization in x.toml");
    assert_eq!(orgs[0].source, OrgSource::File(path.clone()));

    std::fs::write(&path, preset_text("flat").replace("temperature = 0.6", "temperature = 0.5")).unwrap();
    let (_, orgs) = resolved(&spec).unwrap();
    assert_eq!(orgs[0].key.name(), "x.toml");
    assert_ne!(orgs[0].key, first, "an edited file is another version, never pooled with the old");
}

#[test]
fn what_cannot_be_compared_is_refused_with_what_to_do() {
    let err = |list: &str| resolved(list).unwrap_err();
    let unknown = err("tree,tree@sead");
    assert!(unknown.contains("there is no preset called \"sead\""), "{unknown}");
    assert!(unknown.contains("lean, seed, flat, duo") && unknown.contains("tree@./sead.toml"), "{unknown}");

    let missing = err("tree,tree@./nowhere/team.toml");
    assert!(missing.contains("there is no file at ./nowhere/team.toml"), "{missing}");
    assert!(missing.contains("current folder") && missing.contains("a preset: lean"), "{missing}");

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[server]\nbase_url = \"http://localhost:1234/v1\"\n\n[[node]]\nid = 3\n")
        .unwrap();
    let text = err(&format!("tree,tree@{}", broken.display()));
    assert!(text.contains("the hierarchy file has mistakes, so nothing was run"), "{text}");
    assert!(text.contains(&format!("{}:5:", broken.display())), "file:line:col: {text}");

    let itself = err("tree,tree@lean");
    assert!(
        itself.contains("tree@lean: preset lean is the same organization as the tree under test"),
        "{itself}"
    );
    assert!(itself.contains("nothing to compare"), "{itself}");

    let copy = dir.path().join("my-seed.toml");
    std::fs::write(&copy, preset_text("seed")).unwrap();
    let twice = err(&format!("tree,tree@seed,tree@{}", copy.display()));
    assert!(twice.starts_with("tree@seed and tree@"), "{twice}");
    assert!(
        twice.contains("are the same organization (version ") && twice.ends_with("list it once"),
        "{twice}"
    );
}
