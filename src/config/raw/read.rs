//! Reading the whole file into its raw form, table by table. Syntax errors end the reading;
//! every other problem is collected and reading goes on, so the user sees them all at once.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::table::Reader;
use super::values::{
    At, DEFAULTS_KEYS, LEVEL_KEYS, LEVELS_KEY, NODE_KEYS, PROMPT_KEYS, RawFile, RawLevel, RawNode,
    RawPrompts, RawServer, describe,
};
use crate::config::error::Found;
use crate::config::suggest::closest;

// The keys each table may contain: anything else is reported, with the nearest as a suggestion.
const SERVER_KEYS: &[&str] = &[
    "base_url",
    "api_key_env",
    "max_concurrent",
    "connect_timeout_secs",
    "first_token_timeout_secs",
    "idle_timeout_secs",
];
const TOP_KEYS: &[&str] = &["server", "defaults", "node"];

/// Reads the text into the raw file. Syntax errors end the reading (the rest cannot be trusted);
/// other problems are collected in `found` and reading goes on.
pub(crate) fn read(text: &str, found: &mut Vec<Found>) -> Option<RawFile> {
    let (document, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        found.extend(errors.iter().map(syntax_problem));
        return None;
    }
    let mut file = RawFile::default();
    let top = document.get_ref();
    let mut saw_nodes = false;
    for (key, value) in top.iter() {
        let name: &str = key.get_ref();
        match name {
            "server" => {
                if let Some(table) = expect_table(value, "[server]", found) {
                    file.server = read_server(table, found);
                }
            }
            "defaults" => {
                if let Some(table) = expect_table(value, "[defaults]", found) {
                    let mut r = Reader::new(table, "[defaults]".into(), found);
                    file.defaults = r.settings();
                    let prompts = r.table("prompts");
                    r.finish(DEFAULTS_KEYS, Some("[defaults.prompts]"));
                    if let Some(prompts) = prompts {
                        file.default_prompts = read_prompts(prompts, "[defaults.prompts]".into(), found);
                    }
                }
            }
            "node" => {
                saw_nodes = true;
                file.nodes = read_nodes(value, found);
            }
            other => found.push(unknown_section(key.span(), other)),
        }
    }
    if !saw_nodes {
        found.push(
            Found::nowhere("the file defines no nodes").help(
                "add at least one [[node]] table with an id and a name (see the built-in hierarchy.toml)",
            ),
        );
    }
    Some(file)
}

fn syntax_problem(error: &toml::de::Error) -> Found {
    let message = format!("this is not valid TOML: {}", error.message().trim_end());
    let help = if error.message().contains("duplicate key") {
        "each key appears once per table, and each section once; every team member gets its own [[node]]"
    } else {
        "check quotes and brackets on this line; text goes in quotes, long text in '''triple quotes'''"
    };
    match error.span() {
        Some(span) => Found::at(span, message).help(help),
        None => Found::nowhere(message).help(help),
    }
}

fn expect_table<'t, 'i>(
    value: &'t Spanned<DeValue<'i>>,
    place: &str,
    found: &mut Vec<Found>,
) -> Option<&'t DeTable<'i>> {
    match value.get_ref() {
        DeValue::Table(table) => Some(table),
        other => {
            found.push(Found::at(
                value.span(),
                format!("{place} must be a table (a [section] of keys), not {}", describe(other)),
            ));
            None
        }
    }
}

fn read_server(table: &DeTable<'_>, found: &mut Vec<Found>) -> RawServer {
    let mut r = Reader::new(table, "[server]".into(), found);
    let server = RawServer {
        base_url: r.text("base_url"),
        api_key_env: r.text("api_key_env"),
        max_concurrent: r.integer("max_concurrent"),
        connect_timeout_secs: r.number("connect_timeout_secs"),
        first_token_timeout_secs: r.number("first_token_timeout_secs"),
        idle_timeout_secs: r.number("idle_timeout_secs"),
    };
    r.finish(SERVER_KEYS, None);
    server
}

fn read_prompts(table: &DeTable<'_>, place: String, found: &mut Vec<Found>) -> RawPrompts {
    let mut r = Reader::new(table, place, found);
    let prompts = RawPrompts {
        system: r.text("system"),
        split: r.text("split"),
        answer: r.text("answer"),
        synthesize: r.text("synthesize"),
        reflect: r.text("reflect"),
        revise: r.text("revise"),
        critique: r.text("critique"),
    };
    r.finish(PROMPT_KEYS, None);
    prompts
}

fn read_nodes(value: &Spanned<DeValue<'_>>, found: &mut Vec<Found>) -> Vec<RawNode> {
    let items = match value.get_ref() {
        DeValue::Array(items) => items,
        DeValue::Table(_) => {
            found.push(
                Found::at(value.span(), "nodes must be written [[node]], with double brackets")
                    .help("write [[node]] above each team member's settings, once per member"),
            );
            return Vec::new();
        }
        other => {
            found.push(Found::at(
                value.span(),
                format!("`node` must be [[node]] tables, not {}", describe(other)),
            ));
            return Vec::new();
        }
    };
    if items.is_empty() {
        found.push(
            Found::at(value.span(), "the file defines no nodes (`node` is an empty list)")
                .help("add at least one [[node]] table with an id and a name"),
        );
    }
    let mut nodes = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let DeValue::Table(table) = item.get_ref() else {
            found.push(Found::at(
                item.span(),
                format!("node #{} must be a table, not {}", index + 1, describe(item.get_ref())),
            ));
            continue;
        };
        nodes.push(read_node(table, item.span(), index, found));
    }
    nodes
}

fn read_node(table: &DeTable<'_>, span: Range<usize>, index: usize, found: &mut Vec<Found>) -> RawNode {
    let mut r = Reader::new(table, format!("node #{}", index + 1), found);
    let id = r.text("id");
    if let Some(id) = id.as_ref().filter(|id| !id.value.trim().is_empty()) {
        r.place = format!("node \"{}\"", id.value);
    }
    let name = r.text("name");
    let role = r.text("role");
    let children = r.text_list("children");
    let settings = r.settings();
    let prompts_table = r.table("prompts");
    let level_tables = r.tables(LEVELS_KEY);
    let place = r.place.clone();
    let known: Vec<&str> = NODE_KEYS.iter().copied().chain([LEVELS_KEY]).collect();
    r.finish(&known, Some("[node.prompts]"));
    let prompts =
        prompts_table.map(|t| read_prompts(t, format!("the prompts of {place}"), found)).unwrap_or_default();
    let levels = level_tables.map(|tables| At {
        span: tables.span,
        value: tables
            .value
            .into_iter()
            .enumerate()
            .map(|(i, table)| {
                let place = format!("reflection level {} of {place}", i + 1);
                read_level(table.get_ref(), table.span(), place, found)
            })
            .collect(),
    });
    RawNode { span, id, name, role, children, settings, prompts, levels }
}

fn read_level(table: &DeTable<'_>, span: Range<usize>, place: String, found: &mut Vec<Found>) -> RawLevel {
    let mut r = Reader::new(table, place, found);
    let level = RawLevel { span, name: r.text("name"), prompt: r.text("prompt"), revise: r.text("revise") };
    r.finish(LEVEL_KEYS, None);
    level
}

fn unknown_section(span: Range<usize>, key: &str) -> Found {
    let help = if let Some(near) = closest(key, TOP_KEYS.iter().copied()) {
        format!("did you mean [{near}]? (team members are [[node]])")
    } else if key == "prompts" || PROMPT_KEYS.contains(&key) {
        "prompts belong to a node (a [node.prompts] table after its [[node]]) or to [defaults.prompts]".into()
    } else {
        "the file may contain [server], [defaults] and [[node]] sections".into()
    };
    Found::at(span, format!("unknown section or key `{key}` at the top of the file")).help(help)
}
