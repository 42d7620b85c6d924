//! Prompt templates: `{placeholder}` substitution with a fixed set of names per phase.
//!
//! A placeholder is `{` + lowercase letters/underscores + `}`. Anything else in braces (a JSON
//! example in a prompt, say) is literal text, so prompt writers rarely need escapes; `{{` and `}}`
//! still produce a literal brace when they do.

use super::model::Phase;

/// Placeholders every phase may use.
pub const COMMON: &[&str] = &["name", "role", "query", "task"];

/// Placeholders a phase may use beyond [`COMMON`].
pub fn extra_placeholders(phase: Phase) -> &'static [&'static str] {
    match phase {
        Phase::Split => &["count", "children"],
        Phase::Synthesize => &["replies"],
        Phase::Reflect => &["draft"],
        Phase::Revise => &["draft", "critique"],
        Phase::Critique => &["child", "child_task", "reply"],
        Phase::Answer | Phase::Solo | Phase::Sample => &[],
        Phase::Aggregate => &["replies"],
        Phase::Judge => &["answer_a", "answer_b"],
        // Built in, not a template of the node's (see `engine::prompts::expand`).
        Phase::Expand => &[],
    }
}

/// Every placeholder a template of this phase may use.
pub fn allowed_placeholders(phase: Phase) -> Vec<&'static str> {
    COMMON.iter().chain(extra_placeholders(phase)).copied().collect()
}

/// Placeholders a template of this phase must contain, or it cannot do its job.
pub fn required_placeholders(phase: Phase) -> &'static [&'static str] {
    match phase {
        Phase::Split | Phase::Answer => &["task"],
        Phase::Synthesize | Phase::Aggregate => &["replies"],
        Phase::Reflect => &["draft"],
        Phase::Revise => &["draft", "critique"],
        Phase::Critique => &["reply"],
        Phase::Solo | Phase::Sample => &["task"],
        Phase::Judge => &["answer_a", "answer_b"],
        Phase::Expand => &[],
    }
}

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Placeholder(&'a str),
    /// A literal brace from `{{` or `}}`.
    Brace(char),
}

/// Splits a template into text and placeholders. Never fails: unknown shapes are text.
pub fn parse(template: &str) -> Vec<Piece<'_>> {
    let bytes = template.as_bytes();
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match (bytes[i], bytes.get(i + 1)) {
            (b'{', Some(b'{')) => Some('{'),
            (b'}', Some(b'}')) => Some('}'),
            _ => None,
        };
        if let Some(brace) = escaped {
            if text_start < i {
                pieces.push(Piece::Text(&template[text_start..i]));
            }
            pieces.push(Piece::Brace(brace));
            i += 2;
            text_start = i;
            continue;
        }
        if bytes[i] == b'{' {
            let name_len =
                bytes[i + 1..].iter().take_while(|b| b.is_ascii_lowercase() || **b == b'_').count();
            if name_len > 0 && bytes.get(i + 1 + name_len) == Some(&b'}') {
                if text_start < i {
                    pieces.push(Piece::Text(&template[text_start..i]));
                }
                pieces.push(Piece::Placeholder(&template[i + 1..i + 1 + name_len]));
                i += name_len + 2;
                text_start = i;
                continue;
            }
        }
        i += 1;
    }
    if text_start < template.len() {
        pieces.push(Piece::Text(&template[text_start..]));
    }
    pieces
}

/// The placeholder names a template uses, in order of first use.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for piece in parse(template) {
        if let Piece::Placeholder(name) = piece {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// What is wrong with a template for a phase, in plain words; empty when it is fine.
pub fn problems(template: &str, phase: Phase) -> Vec<String> {
    let allowed = allowed_placeholders(phase);
    let used = placeholders(template);
    let mut out = Vec::new();
    for name in &used {
        if !allowed.contains(name) {
            out.push(format!(
                "{{{name}}} is not a placeholder of the {phase} phase (it may use: {})",
                allowed.iter().map(|a| format!("{{{a}}}")).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    for name in required_placeholders(phase) {
        if !used.contains(name) {
            out.push(format!("the {phase} template must contain {{{name}}}"));
        }
    }
    out
}

/// Fills a template. Placeholders without a value are left as written (validation prevents it).
pub fn render(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    for piece in parse(template) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Brace(brace) => out.push(brace),
            Piece::Placeholder(name) => match values.iter().find(|(k, _)| *k == name) {
                Some((_, value)) => out.push_str(value),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_placeholders_and_keeps_json_literal() {
        let t = "Task: {task}. Reply as [\"a\", \"b\"] or {\"x\": 1}. {{task}}";
        assert_eq!(render(t, &[("task", "sum")]), "Task: sum. Reply as [\"a\", \"b\"] or {\"x\": 1}. {task}");
    }

    #[test]
    fn reports_unknown_and_missing_placeholders() {
        let problems = problems("Combine {replys}", Phase::Synthesize);
        assert!(problems[0].contains("{replys} is not a placeholder of the synthesize phase"));
        assert!(problems[1].contains("must contain {replies}"));
        assert!(super::problems("Do {task} for {name}", Phase::Answer).is_empty());
    }

    #[test]
    fn multibyte_text_survives() {
        assert_eq!(render("é {task} ✓", &[("task", "ü")]), "é ü ✓");
    }
}
