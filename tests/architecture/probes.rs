//! The reader of the file graph, tried on small crates written for the purpose: each draws an
//! arrow the checks must see (or must not), so a blind spot in the reader fails here rather than
//! letting a wrong-way arrow through in `src/`.

use super::graph::Graph;
use super::modules::Crate;

/// The graph of a crate whose files are `files` (paths under `src/`, and their text).
fn graph_of(files: &[(&str, &str)]) -> Graph {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, text) in files {
        let path = dir.path().join("src").join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(&path, text).expect("a file");
    }
    Graph::of(&Crate::read(dir.path()))
}

fn has_arrow(graph: &Graph, from: &str, to: &str) -> bool {
    graph.edges.get(&format!("src/{from}")).is_some_and(|t| t.contains_key(&format!("src/{to}")))
}

#[test]
fn a_path_through_a_module_brought_in_by_use_is_followed() {
    let g = graph_of(&[
        ("lib.rs", "pub mod lab;\npub mod store;\n"),
        ("lab/mod.rs", "pub mod score;\n"),
        ("lab/score.rs", "pub fn judged() {}\n"),
        ("store.rs", "use crate::lab;\npub fn read() { lab::score::judged(); }\n"),
    ]);
    assert!(has_arrow(&g, "store.rs", "lab/score.rs"), "{:?}", g.edges);
}

#[test]
fn a_use_inside_a_function_counts_and_binds_its_name() {
    let g = graph_of(&[
        ("lib.rs", "pub mod a;\npub mod b;\n"),
        ("a.rs", "pub mod deep { pub fn f() {} }\n"),
        ("b.rs", "pub fn g() { use crate::a as alias; alias::deep::f(); }\n"),
    ]);
    assert!(has_arrow(&g, "b.rs", "a.rs"), "{:?}", g.edges);
}

#[test]
fn a_re_export_is_followed_through_globs_of_globs() {
    let g = graph_of(&[
        ("lib.rs", "pub mod api;\npub mod inner;\npub mod user;\n"),
        ("inner/mod.rs", "pub mod deepest;\npub use deepest::*;\n"),
        ("inner/deepest.rs", "pub struct Thing;\n"),
        ("api.rs", "pub use crate::inner::*;\n"),
        ("user.rs", "use crate::api::Thing;\n"),
    ]);
    assert!(has_arrow(&g, "user.rs", "inner/deepest.rs"), "{:?}", g.edges);
}

#[test]
fn a_macro_called_by_name_is_an_arrow_to_where_it_is_defined() {
    let g = graph_of(&[
        ("lib.rs", "#[macro_use]\nmod say;\npub mod cmd;\n"),
        ("say.rs", "macro_rules! say { () => {}; }\n"),
        ("cmd.rs", "pub fn run() { say!(); }\n"),
    ]);
    assert!(has_arrow(&g, "cmd.rs", "say.rs"), "{:?}", g.edges);
}

#[test]
fn two_files_naming_each_other_are_a_circle_and_a_mod_declaration_is_not_an_arrow() {
    let g = graph_of(&[
        ("lib.rs", "pub mod a;\npub mod b;\n"),
        ("a.rs", "pub fn f() { crate::b::g() }\n"),
        ("b.rs", "use crate::a;\npub fn g() { a::f() }\n"),
    ]);
    assert_eq!(g.circles(), vec![vec!["src/a.rs".to_string(), "src/b.rs".to_string()]]);
    let tree = graph_of(&[("lib.rs", "pub mod a;\n"), ("a.rs", "pub fn f() {}\n")]);
    assert!(tree.circles().is_empty() && !has_arrow(&tree, "lib.rs", "a.rs"), "{:?}", tree.edges);
}

#[test]
fn paths_of_other_crates_and_in_comments_or_strings_are_not_arrows() {
    let g = graph_of(&[
        ("lib.rs", "pub mod a;\npub mod b;\n"),
        (
            "a.rs",
            "use std::collections::BTreeMap;\n// crate::b::g()\npub fn f() -> &'static str { \"crate::b::g\" }\n",
        ),
        ("b.rs", "pub fn g() {}\n"),
    ]);
    assert!(!has_arrow(&g, "a.rs", "b.rs"), "{:?}", g.edges);
}
