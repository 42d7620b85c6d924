//! Adding, removing, moving and re-identifying members; the refusals and their reasons.

use super::{children, open, shipped};

#[test]
fn a_new_child_goes_after_its_parents_branch_with_a_fresh_id() {
    let mut doc = shipped();
    let id = doc.add_child("nova", None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(id, "new-member");
    assert_eq!(children(&doc, "nova"), ["echo", "pixel", "new-member"]);
    let text = doc.text();
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle} missing"));
    assert!(
        at("id = \"pixel\"") < at("id = \"new-member\"")
            && at("id = \"new-member\"") < at("id = \"quantum\"")
    );
    assert!(text.contains("children = [\"echo\", \"pixel\", \"new-member\"]"), "{text}");
    assert!(text.contains(
        "two insights that change how the question is seen, stated clearly and without mysticism.\n'''\n"
    ));
    assert!(text.contains(
        "\n[[node]]\nid = \"new-member\"\nname = \"New member\"\nrole = \"specialist\"\n\n[[node]]\nid = \"quantum\""
    ), "{text}");
    let second = doc.add_child("nova", None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(second, "new-member-2");
    assert_eq!(doc.hierarchy().node(&second).map(|n| n.name.as_str()), Some("New member 2"));
}

#[test]
fn a_leaf_that_gets_a_child_becomes_a_parent_with_a_children_line_after_its_role() {
    let mut doc = shipped();
    let id = doc.add_child("echo", Some("  Iris Lee ")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(id, "iris-lee");
    assert!(
        doc.text()
            .contains("role = \"implementation specialist\"\nchildren = [\"iris-lee\"]\ntemperature = 0.4\n"),
        "{}",
        doc.text()
    );
    let echo = doc.hierarchy().node("echo").cloned().unwrap_or_else(|| panic!("echo"));
    assert!(echo.is_parent());
    assert_eq!(doc.hierarchy().parent_of("iris-lee").map(|p| p.id.as_str()), Some("echo"));
    assert_eq!(doc.add_child("zed", None).unwrap_err().problems[0].message, "no member has the id \"zed\"");
}

#[test]
fn removing_a_node_removes_its_branch_and_its_place_in_the_parent() {
    let mut doc = shipped();
    let removed = doc.remove_node("nova").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(removed, ["nova", "echo", "pixel"]);
    assert_eq!(children(&doc, "atlas"), ["sage"]);
    let ids: Vec<&str> = doc.hierarchy().nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["atlas", "sage", "quantum"]);
    assert!(doc.text().contains("children = [\"sage\"]"), "{}", doc.text());
    assert!(
        doc.text().starts_with(&crate::config::DEFAULT_HIERARCHY_TOML[..2000]),
        "the header is untouched"
    );
}

#[test]
fn a_parent_left_without_children_loses_the_list_and_its_critique() {
    let text = "[[node]]\nid = \"r\"\nchildren = [\"a\"]\n\n[[node]]\nid = \"a\"\nchildren = [\"b\", \"c\"]\ncritique = true\n\n[[node]]\nid = \"b\"\n\n[[node]]\nid = \"c\"\n";
    let mut doc = open(text);
    doc.remove_node("b").unwrap_or_else(|e| panic!("{e}"));
    assert!(doc.text().contains("id = \"a\"\nchildren = [\"c\"]\ncritique = true\n"), "{}", doc.text());
    doc.remove_node("c").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.text(), "[[node]]\nid = \"r\"\nchildren = [\"a\"]\n\n[[node]]\nid = \"a\"\n");
}

#[test]
fn the_root_cannot_be_removed_or_moved() {
    let mut doc = shipped();
    let before = doc.text().to_string();
    let removed = doc.remove_node("atlas").unwrap_err().to_string();
    assert!(removed.contains("Atlas is the top of the tree and cannot be removed"), "{removed}");
    let moved = doc.move_node("atlas", "sage").unwrap_err().to_string();
    assert!(moved.contains("Atlas is the top of the tree and cannot be moved"), "{moved}");
    assert_eq!(doc.text(), before);
}

#[test]
fn the_comment_introducing_the_team_stays_when_the_first_node_goes() {
    let text = "# The team\n[[node]]\nid = \"a\"\n\n# The boss\n[[node]]\nid = \"r\"\nchildren = [\"a\", \"b\"]\n\n[[node]]\nid = \"b\"\n";
    let mut doc = open(text);
    doc.remove_node("a").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        doc.text(),
        "# The team\n\n# The boss\n[[node]]\nid = \"r\"\nchildren = [\"b\"]\n\n[[node]]\nid = \"b\"\n"
    );
}

#[test]
fn moving_a_node_takes_its_branch_and_refuses_cycles() {
    let mut doc = shipped();
    doc.move_node("nova", "sage").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(children(&doc, "atlas"), ["sage"]);
    assert_eq!(children(&doc, "sage"), ["quantum", "nova"]);
    assert_eq!(doc.hierarchy().depth_of("pixel"), Some(3));
    let before = doc.text().to_string();
    let cycle = doc.move_node("sage", "echo").unwrap_err().to_string();
    assert!(
        cycle.contains(
            "Sage cannot be moved under Echo: Echo is in Sage's own branch, so Sage would end up below itself"
        ),
        "{cycle}"
    );
    let itself = doc.move_node("nova", "nova").unwrap_err().to_string();
    assert!(itself.contains("Nova cannot be placed under itself"), "{itself}");
    doc.move_node("nova", "sage").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.text(), before, "moving under the same parent changes nothing");
}

#[test]
fn a_moved_only_child_leaves_a_leaf_behind() {
    let mut doc = shipped();
    doc.move_node("quantum", "nova").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(children(&doc, "nova"), ["echo", "pixel", "quantum"]);
    assert!(!doc.hierarchy().node("sage").is_some_and(|n| n.is_parent()));
    assert!(!doc.text().contains("children = [\"quantum\"]"));
}

#[test]
fn changing_an_id_updates_every_children_list() {
    let mut doc = shipped();
    doc.change_id("echo", " builder ").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(children(&doc, "nova"), ["builder", "pixel"]);
    assert!(doc.text().contains("id = \"builder\"\nname = \"Echo\""));
    assert!(doc.text().contains("children = [\"builder\", \"pixel\"]"));
    let taken = doc.change_id("builder", "pixel").unwrap_err().to_string();
    assert!(taken.contains("Pixel already has the id \"pixel\""), "{taken}");
    let spaced = doc.change_id("builder", "the builder!").unwrap_err().to_string();
    assert!(spaced.contains("\"the builder!\" cannot be an id"), "{spaced}");
    assert!(spaced.contains("for example \"the-builder\""), "{spaced}");
    doc.change_id("atlas", "lead").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.hierarchy().root().id, "lead");
}

#[test]
fn the_engine_catches_a_duplicate_id_written_any_way() {
    // A second member with an existing id can only come from the file itself; the loader names both.
    let text = "[[node]]\nid = \"r\"\nchildren = [\"a\"]\n\n[[node]]\nid = \"a\"\n\n[[node]]\nid = \"a\"\n";
    let err = crate::config::edit::HierarchyDocument::parse(text, "t.toml").unwrap_err().to_string();
    assert!(err.contains("two nodes have the id \"a\" (#2 and #3)"), "{err}");
}

#[test]
fn siblings_can_be_reordered_and_stop_at_the_ends() {
    let mut doc = shipped();
    doc.shift_among_siblings("pixel", -1).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(children(&doc, "nova"), ["pixel", "echo"]);
    assert!(doc.text().contains("children = [\"pixel\", \"echo\"]"));
    doc.shift_among_siblings("pixel", -5).unwrap_or_else(|e| panic!("{e}"));
    doc.shift_among_siblings("echo", 9).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(children(&doc, "nova"), ["pixel", "echo"]);
    doc.shift_among_siblings("atlas", 1).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn multi_line_children_lists_keep_their_layout() {
    let text = "[[node]]\nid = \"r\"\nchildren = [\n  \"a\",  # first\n  \"b\",\n]\n\n[[node]]\nid = \"a\"\n\n[[node]]\nid = \"b\"\n";
    let mut doc = open(text);
    doc.remove_node("a").unwrap_or_else(|e| panic!("{e}"));
    assert!(doc.text().starts_with("[[node]]\nid = \"r\"\nchildren = [\n  \"b\",\n]\n"), "{}", doc.text());
}
