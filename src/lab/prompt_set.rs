//! Prompt sets for `ailab eval`: TOML (`[[prompt]]` with `category` and `text`) or plain text
//! (prompts separated by blank lines; a `## heading` line sets the category of those after it).

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The starter set shipped with ailab.
pub const STARTER_PROMPTS: &str = include_str!("../../lab/prompts.toml");

/// One prompt of a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabPrompt {
    #[serde(default = "uncategorized")]
    pub category: String,
    pub text: String,
    /// The known right answer, when there is one: the judge compares against it, and a short
    /// one (a number, a word, yes/no; alternatives split by `|`) also grades each arm without a
    /// model (see [`super::reference`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The questions asked before this one in the same conversation (an MT-Bench question's first
    /// turn before its second): each arm answers it as a follow-up. Empty for a first turn; only
    /// the MT-Bench format sets it (see [`super::mtbench`]).
    #[serde(default, skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<String>,
}

impl LabPrompt {
    /// A first-turn prompt.
    pub fn new(category: &str, text: &str, reference: Option<&str>) -> LabPrompt {
        LabPrompt {
            category: category.to_string(),
            text: text.to_string(),
            reference: reference.map(str::to_string),
            earlier: Vec::new(),
        }
    }

    /// Its turn in its conversation: 1 for a first question.
    pub fn turn(&self) -> usize {
        self.earlier.len() + 1
    }

    /// The prompt of the turn before this one, if it is a follow-up.
    pub fn previous(&self) -> Option<LabPrompt> {
        let (text, before) = self.earlier.split_last()?;
        Some(LabPrompt {
            category: self.category.clone(),
            text: text.clone(),
            reference: None,
            earlier: before.to_vec(),
        })
    }
}

fn uncategorized() -> String {
    "uncategorized".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlSet {
    #[serde(default)]
    prompt: Vec<LabPrompt>,
}

/// A prompt set as loaded, with what the user should be told about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptSet {
    pub prompts: Vec<LabPrompt>,
    /// Plain-language warnings (a prompt listed twice, say).
    pub warnings: Vec<String>,
}

/// Reads a prompt set from a file, with a message that says how to fix it when it cannot. A prompt
/// listed twice is kept once (the first time), with a warning: counted twice it would weigh double
/// in the scores while adding no evidence. (MT-Bench's question files: [`super::mtbench::load`].)
pub fn load(path: &Path) -> Result<PromptSet, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let is_toml = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let prompts = if is_toml { parse_toml(&text, &path.display().to_string())? } else { parse_text(&text) };
    if prompts.is_empty() {
        return Err(format!(
            "{} has no prompts: add [[prompt]] blocks with `text = \"...\"` (TOML) or write prompts separated by blank lines",
            path.display()
        ));
    }
    Ok(dedup(prompts, &path.display().to_string()))
}

/// Drops prompts whose text (ignoring spacing) appeared earlier in the set, saying which.
pub fn dedup(prompts: Vec<LabPrompt>, source: &str) -> PromptSet {
    // A follow-up is the same prompt only after the same questions ("Now make it shorter" follows
    // many first turns).
    let key = |prompt: &LabPrompt| {
        let spaced = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut key: Vec<String> = prompt.earlier.iter().map(|t| spaced(t)).collect();
        key.push(spaced(&prompt.text));
        key.join("\u{1f}")
    };
    let mut seen: Vec<(String, usize, String)> = Vec::new();
    let mut kept = Vec::new();
    let mut warnings = Vec::new();
    for (index, prompt) in prompts.into_iter().enumerate() {
        let text = key(&prompt);
        if let Some((_, first, category)) = seen.iter().find(|(t, _, _)| *t == text) {
            let under = if *category == prompt.category {
                String::new()
            } else {
                format!(" (listed under \"{}\" the first time, \"{}\" now)", category, prompt.category)
            };
            warnings.push(format!(
                "{source}: prompt {} \"{}\" repeats prompt {}{under}; it is compared once",
                index + 1,
                crate::text::one_line(&prompt.text, 50),
                first + 1
            ));
            continue;
        }
        seen.push((text, index, prompt.category.clone()));
        kept.push(prompt);
    }
    PromptSet { prompts: kept, warnings }
}

/// Parses the TOML form.
pub fn parse_toml(text: &str, source: &str) -> Result<Vec<LabPrompt>, String> {
    let set: TomlSet = toml::from_str(text).map_err(|e| format!("{source}: {e}"))?;
    let prompts: Vec<LabPrompt> = set
        .prompt
        .into_iter()
        .filter(|p| !p.text.trim().is_empty())
        .map(|p| LabPrompt { reference: p.reference.filter(|r| !r.trim().is_empty()), ..p })
        .collect();
    Ok(prompts)
}

/// Parses the plain-text form.
pub fn parse_text(text: &str) -> Vec<LabPrompt> {
    let mut prompts = Vec::new();
    let mut category = uncategorized();
    let mut current = String::new();
    let mut flush = |current: &mut String, category: &str| {
        if !current.trim().is_empty() {
            prompts.push(LabPrompt::new(category, current.trim(), None));
        }
        current.clear();
    };
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            flush(&mut current, &category);
            category = heading.trim().to_string();
        } else if line.trim().is_empty() {
            flush(&mut current, &category);
        } else if !line.trim_start().starts_with('#') {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line);
        }
    }
    flush(&mut current, &category);
    prompts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_set_has_thirty_prompts_in_five_categories() {
        let prompts = parse_toml(STARTER_PROMPTS, "starter").unwrap();
        assert!(prompts.len() >= 30, "{}", prompts.len());
        let mut categories: Vec<&str> = prompts.iter().map(|p| p.category.as_str()).collect();
        categories.dedup();
        assert_eq!(categories, vec!["multi-part", "reasoning", "writing", "explanation", "planning"]);
    }

    #[test]
    fn plain_text_sets_use_blank_lines_and_headings() {
        let prompts = parse_text("## maths\nWhat is 2+2?\n\nWhy is\nthe sky blue?\n# a comment\n## misc\nHi");
        assert_eq!(prompts.len(), 3);
        let expected = LabPrompt::new("maths", "Why is\nthe sky blue?", None);
        assert_eq!(prompts[1], expected);
        assert_eq!(prompts[2].category, "misc");
    }

    #[test]
    fn a_prompt_listed_twice_is_kept_once_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("set.txt");
        std::fs::write(&path, "## a\nIs 17 prime?\n\n## b\nWhy?\n\n## c\nIs  17\nprime?\n").unwrap();
        let set = load(&path).unwrap();
        let texts: Vec<&str> = set.prompts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["Is 17 prime?", "Why?"]);
        assert_eq!(set.prompts[0].category, "a", "the first listing wins");
        assert_eq!(set.warnings.len(), 1, "{:?}", set.warnings);
        let warning = &set.warnings[0];
        assert!(warning.contains("prompt 3") && warning.contains("repeats prompt 1"), "{warning}");
        assert!(warning.contains("\"a\"") && warning.contains("\"c\""), "{warning}");
    }

    #[test]
    fn the_starter_sets_reasoning_prompts_carry_references() {
        let prompts = parse_toml(STARTER_PROMPTS, "starter").unwrap();
        let reasoning: Vec<&LabPrompt> = prompts.iter().filter(|p| p.category == "reasoning").collect();
        assert!(reasoning.iter().all(|p| p.reference.is_some()), "{reasoning:?}");
        let graded = reasoning
            .iter()
            .filter(|p| p.reference.as_deref().and_then(crate::lab::reference::short_alternatives).is_some());
        assert!(graded.count() >= 4, "most reasoning references are short enough to grade");
    }

    #[test]
    fn bad_toml_says_where() {
        let err = parse_toml("[[prompt]]\ntext = 3\n", "my.toml").unwrap_err();
        assert!(err.starts_with("my.toml:"), "{err}");
    }
}
