//! Reading one TOML table key by key: typed values with their spans, wrong types and unknown
//! keys reported in plain words with a hint.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::values::{At, LEVELS_KEY, PROMPT_KEYS, RawSettings, describe};
use crate::config::error::Found;
use crate::config::suggest::closest;

/// Reads typed values out of one table, reporting wrong types, then unknown keys in `finish`.
pub(crate) struct Reader<'t, 'i, 'f> {
    table: &'t DeTable<'i>,
    /// How messages name this table: `[server]`, `node "nova"`.
    pub place: String,
    found: &'f mut Vec<Found>,
}

/// What a key expects, for reading and for messages.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Number,
    Whole,
    Bool,
    List,
    Table,
    Levels,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Text => "text in quotes",
            Kind::Number => "a number (like 0.7)",
            Kind::Whole => "a whole number",
            Kind::Bool => "true or false",
            Kind::List => "a list of ids in square brackets (like [\"nova\", \"sage\"])",
            Kind::Table => "a table of prompts",
            Kind::Levels => "[[node.reflection_levels]] tables, one per level",
        }
    }
}

impl<'t, 'i, 'f> Reader<'t, 'i, 'f> {
    pub fn new(table: &'t DeTable<'i>, place: String, found: &'f mut Vec<Found>) -> Self {
        Self { table, place, found }
    }

    pub fn settings(&mut self) -> RawSettings {
        RawSettings {
            model: self.text("model"),
            endpoint: self.text("endpoint"),
            temperature: self.number("temperature"),
            top_p: self.number("top_p"),
            max_tokens: self.integer("max_tokens"),
            seed: self.integer("seed"),
            context_tokens: self.integer("context_tokens"),
            reflect: self.integer("reflect"),
            critique: self.boolean("critique"),
            loop_guard: self.boolean("loop_guard"),
            loop_guard_repeats: self.integer("loop_guard_repeats"),
            frequency_penalty: self.number("frequency_penalty"),
            presence_penalty: self.number("presence_penalty"),
            repeat_penalty: self.number("repeat_penalty"),
            min_p: self.number("min_p"),
            top_k: self.integer("top_k"),
        }
    }

    pub fn text(&mut self, key: &str) -> Option<At<String>> {
        let value = self.table.get(key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(At { value: s.to_string(), span: value.span() }),
            _ => self.wrong_type(key, value, Kind::Text),
        }
    }

    pub fn number(&mut self, key: &str) -> Option<At<f64>> {
        let value = self.table.get(key)?;
        match value.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => self.convert(key, value),
            _ => self.wrong_type(key, value, Kind::Number),
        }
    }

    pub fn integer(&mut self, key: &str) -> Option<At<i64>> {
        let value = self.table.get(key)?;
        match value.get_ref() {
            DeValue::Integer(_) => self.convert(key, value),
            _ => self.wrong_type(key, value, Kind::Whole),
        }
    }

    pub fn boolean(&mut self, key: &str) -> Option<At<bool>> {
        let value = self.table.get(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(At { value: *b, span: value.span() }),
            _ => self.wrong_type(key, value, Kind::Bool),
        }
    }

    pub fn text_list(&mut self, key: &str) -> Vec<At<String>> {
        let Some(value) = self.table.get(key) else { return Vec::new() };
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type::<()>(key, value, Kind::List);
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(At { value: s.to_string(), span: item.span() }),
                other => self.found.push(Found::at(
                    item.span(),
                    format!(
                        "each entry of `{key}` in {} should be an id in quotes, not {}",
                        self.place,
                        describe(other)
                    ),
                )),
            }
        }
        out
    }

    pub fn table(&mut self, key: &str) -> Option<&'t DeTable<'i>> {
        let value = self.table.get(key)?;
        match value.get_ref() {
            DeValue::Table(table) => Some(table),
            _ => self.wrong_type(key, value, Kind::Table),
        }
    }

    /// An array of tables (`[[node.reflection_levels]]`): each table with its span, and the span of
    /// the whole. An entry that is not a table is reported and skipped.
    pub fn tables(&mut self, key: &str) -> Option<At<Vec<Spanned<&'t DeTable<'i>>>>> {
        let value = self.table.get(key)?;
        let DeValue::Array(items) = value.get_ref() else {
            return self.wrong_type(key, value, Kind::Levels);
        };
        let mut out = Vec::new();
        for (index, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::Table(table) => out.push(Spanned::new(item.span(), table)),
                other => self.found.push(Found::at(
                    item.span(),
                    format!(
                        "entry #{} of `{key}` in {} should be a table, not {}",
                        index + 1,
                        self.place,
                        describe(other)
                    ),
                )),
            }
        }
        Some(At { value: out, span: value.span() })
    }

    /// Converts a value already known to be of the right TOML type (numbers may still overflow).
    fn convert<T: Deserialize<'i>>(&mut self, key: &str, value: &Spanned<DeValue<'i>>) -> Option<At<T>> {
        match T::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(v) => Some(At { value: v, span: value.span() }),
            Err(e) => {
                self.found
                    .push(Found::at(value.span(), format!("`{key}` in {}: {}", self.place, e.message())));
                None
            }
        }
    }

    fn wrong_type<T>(&mut self, key: &str, value: &Spanned<DeValue<'i>>, expected: Kind) -> Option<T> {
        let shown = value.get_ref();
        let help = match (expected, shown) {
            (Kind::Number | Kind::Whole, DeValue::String(s)) if s.trim().parse::<f64>().is_ok() => {
                Some(format!("remove the quotes: {key} = {}", s.trim()))
            }
            (Kind::Bool, DeValue::String(s)) if matches!(s.trim(), "true" | "false") => {
                Some(format!("remove the quotes: {key} = {}", s.trim()))
            }
            (Kind::Whole, DeValue::String(_)) if matches!(key, "reflect" | "critique") => Some(format!(
                "to write the {key} prompt, put it in a [node.prompts] table (or [defaults.prompts])"
            )),
            (Kind::Bool, DeValue::String(_)) if key == "critique" => Some(
                "to write the critique prompt, put it in a [node.prompts] table (or [defaults.prompts])"
                    .into(),
            ),
            (Kind::Whole, DeValue::Float(_)) => {
                Some(format!("use a whole number, without a decimal point, for {key}"))
            }
            (Kind::Text, _) => Some(format!("put the value in quotes: {key} = \"...\"")),
            _ => None,
        };
        self.found.push(
            Found::at(
                value.span(),
                format!(
                    "`{key}` in {} should be {}, not {}",
                    self.place,
                    expected.describe(),
                    describe(shown)
                ),
            )
            .maybe_help(help),
        );
        None
    }

    /// Reports every key of the table not in `known`.
    pub fn finish(self, known: &[&str], prompts_table: Option<&str>) {
        for (key, _) in self.table.iter() {
            let name: &str = key.get_ref();
            if !known.contains(&name) {
                self.found.push(unknown_key(key.span(), name, &self.place, known, prompts_table));
            }
        }
    }
}

pub(crate) fn unknown_key(
    span: Range<usize>,
    key: &str,
    place: &str,
    known: &[&str],
    prompts_table: Option<&str>,
) -> Found {
    let help = if key == LEVELS_KEY {
        "reflection levels belong to one member: write [[node.reflection_levels]] after that member's settings"
            .to_string()
    } else if let Some(near) = closest(key, known.iter().copied()) {
        format!("did you mean `{near}`?")
    } else if let (Some(table), true) = (prompts_table, PROMPT_KEYS.contains(&key)) {
        format!("prompts go in a {table} table, after the other settings")
    } else {
        format!("{place} may contain: {}", known.join(", "))
    };
    Found::at(span, format!("unknown key `{key}` in {place}")).help(help)
}
