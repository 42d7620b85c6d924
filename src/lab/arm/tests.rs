use super::*;

const HASH: &str = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b";

fn org(spec: &str) -> ArmSpec {
    ArmSpec::Org(spec.into())
}

#[test]
fn tree_at_names_another_organization_beside_the_built_in_arms() {
    assert_eq!(
        parse_specs("tree, solo,tree@seed ,tree@./x.toml").unwrap(),
        vec![ArmSpec::Arm(Arm::Tree), ArmSpec::Arm(Arm::Solo), org("seed"), org("./x.toml")]
    );
    assert_eq!(parse_specs("tree@flat,tree@seed").unwrap(), vec![org("flat"), org("seed")]);
}

#[test]
fn bad_arm_lists_say_what_is_wrong_and_what_to_write() {
    let err = |list: &str| parse_specs(list).unwrap_err();
    let unknown = err("tree,magic");
    assert!(unknown.contains("unknown arm \"magic\"") && unknown.contains("tree@PRESET"), "{unknown}");
    assert!(err("tree,tree@").contains("a preset (lean, seed, flat, duo) or a hierarchy file"));
    assert_eq!(err("tree,tree@seed,tree@seed"), "the arm tree@seed is listed twice");
    assert_eq!(err("tree,solo,tree"), "the arm tree is listed twice");
    let versioned = err("tree,tree@seed#1a2b3c4d");
    assert!(versioned.contains("without its version (#1a2b3c4d): tree@seed"), "{versioned}");
    assert!(err("tree@seed").contains("at least two arms"));
    assert!(err("parts,tree@seed").contains("add tree to --arms"));
    // A stored key is not something to type: the version is read, not given.
    assert!(err("tree,tree@seed#1a2b3c4d").contains("ailab reads its version"));
}

#[test]
fn an_organizations_key_carries_its_name_and_version_and_reads_back() {
    let seed = OrgKey::preset("seed", HASH);
    assert_eq!(seed.as_str(), "tree@seed#1a2b3c4d");
    assert_eq!((seed.name(), seed.version()), ("seed", "1a2b3c4d"));
    assert!(seed.is_preset());
    assert_eq!(seed.describe(), "the seed's organization");
    let arm = Arm::Org(seed.clone());
    assert_eq!(Arm::parse("tree@seed#1a2b3c4d"), Some(arm.clone()));
    assert_eq!(serde_json::to_string(&arm).unwrap(), "\"tree@seed#1a2b3c4d\"");
    assert_eq!(serde_json::from_str::<Arm>("\"tree@seed#1a2b3c4d\"").unwrap(), arm);
    assert_eq!(serde_json::to_string(&Arm::Compute).unwrap(), "\"compute\"", "as the record spells it");
    assert!(arm.runs_a_tree() && Arm::Tree.runs_a_tree() && !Arm::Parts.runs_a_tree());

    let file = OrgKey::file("my team (v2).toml", HASH);
    assert_eq!(file.as_str(), "tree@my_team__v2_.toml#1a2b3c4d");
    assert_eq!(file.describe(), "the organization in my_team__v2_.toml");
    assert_eq!(OrgKey::parse(file.as_str()), Some(file));
    // A file named like a preset never reads as the preset.
    let lookalike = OrgKey::file("seed", HASH);
    assert_eq!(lookalike.as_str(), "tree@file-seed#1a2b3c4d");
    assert!(!lookalike.is_preset());

    for not_a_key in
        ["tree@seed", "tree@#1a2b3c4d", "tree@seed#1A2B3C4D", "tree@se ed#1a2b3c4d", "seed#1a2b3c4d"]
    {
        assert_eq!(OrgKey::parse(not_a_key), None, "{not_a_key}");
    }
    assert_eq!(Arm::parse("tree@seed"), None, "a spec, not a stored arm");
}
