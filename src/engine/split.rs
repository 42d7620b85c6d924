//! Reading sub-tasks out of a split call's text. Small models ignore formats, so this tries a
//! JSON array first, then a numbered or bulleted list, then the elements of an array that was cut
//! off, and never fails: the caller gives each child left without a sub-task the whole task,
//! framed by its role.

use serde_json::Value;

use super::events::SplitMethod;
use super::split_stream::{SplitWatcher, escape_raw_controls};

/// Sub-tasks read from a split and how they were read: one per child, or for a
/// [`SplitMethod::Partial`] split only the first few (the rest fall back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedSplit {
    pub tasks: Vec<String>,
    pub method: SplitMethod,
}

impl ParsedSplit {
    /// How the sub-task of child `index` was obtained: read from the split, or the fallback.
    pub fn child_method(&self, index: usize) -> SplitMethod {
        match self.method {
            SplitMethod::Partial if index < self.tasks.len() => SplitMethod::Json,
            SplitMethod::Partial => SplitMethod::Fallback,
            method => method,
        }
    }
}

/// What a node is asked to do: the text it is told, and the same task without any fallback
/// framing, so a fallback further down frames the plain task once instead of stacking frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub text: String,
    pub unframed: String,
}

impl Task {
    /// A task as given (the user's prompt, or a sub-task read from a split).
    pub fn plain(text: impl Into<String>) -> Self {
        let text = text.into();
        Self { unframed: text.clone(), text }
    }

    /// The task a child gets when its parent's split gave it nothing: the parent's plain task,
    /// framed by the child's role.
    pub fn fallback(parent: &Task, child_name: &str, child_role: &str) -> Self {
        Self {
            text: fallback_task(&parent.unframed, child_name, child_role),
            unframed: parent.unframed.clone(),
        }
    }
}

/// Reads the sub-tasks of a finished split call. `cut_off` is true when the server stopped the
/// reply at its token cap: a list's last item may then be cut mid-sentence, so only closed JSON
/// elements and complete list items are trusted. When no full split can be read, the elements
/// of a JSON array that did close are kept ([`SplitMethod::Partial`]); `None` means nothing could.
pub fn read_split(text: &str, count: usize, cut_off: bool) -> Option<ParsedSplit> {
    if count == 0 {
        return None;
    }
    match parse_split(text, count) {
        Some(parsed) if !cut_off || parsed.method == SplitMethod::Json => return Some(parsed),
        _ => {}
    }
    if cut_off {
        let mut items = list_items(strip_code_fence(text.trim()));
        items.pop();
        if let Some(tasks) = fit(items, count) {
            return Some(ParsedSplit { tasks, method: SplitMethod::List });
        }
    }
    let closed = closed_elements(text);
    if closed.len() >= count {
        return fit(closed, count).map(|tasks| ParsedSplit { tasks, method: SplitMethod::Json });
    }
    (!closed.is_empty()).then_some(ParsedSplit { tasks: closed, method: SplitMethod::Partial })
}

/// The string elements of a JSON array that closed, read exactly as streaming delegation reads
/// them while the split streams (so a child started early keeps its task).
pub fn closed_elements(text: &str) -> Vec<String> {
    SplitWatcher::new().push(text).into_iter().map(|(_, task)| task).collect()
}

/// Reads exactly `count` sub-tasks from `text`, or `None` if neither JSON nor a list gives them.
pub fn parse_split(text: &str, count: usize) -> Option<ParsedSplit> {
    if count == 0 {
        return None;
    }
    let text = strip_code_fence(text.trim());
    if let Some(tasks) = json_items(text).and_then(|items| fit(items, count)) {
        return Some(ParsedSplit { tasks, method: SplitMethod::Json });
    }
    if let Some(tasks) = fit(list_items(text), count) {
        return Some(ParsedSplit { tasks, method: SplitMethod::List });
    }
    None
}

/// The task each child gets when the split could not be read: the whole task, framed by its role.
pub fn fallback_task(task: &str, child_name: &str, child_role: &str) -> String {
    format!("{task}\n\n(Answer this from your own angle as {child_name}, {child_role}.)")
}

/// Exactly `count` items: extra items are folded into the last one so no content is lost;
/// too few means this reading failed.
fn fit(mut items: Vec<String>, count: usize) -> Option<Vec<String>> {
    items.retain(|i| !i.trim().is_empty());
    if items.len() < count {
        return None;
    }
    if items.len() > count {
        let extra = items.split_off(count);
        if let Some(last) = items.last_mut() {
            for item in extra {
                last.push('\n');
                last.push_str(&item);
            }
        }
    }
    Some(items.into_iter().map(|i| i.trim().to_string()).collect())
}

fn strip_code_fence(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("```") else { return text };
    let rest = rest.split_once('\n').map(|(_, body)| body).unwrap_or(rest);
    rest.trim_end().strip_suffix("```").unwrap_or(rest).trim()
}

/// Strings from the first JSON array in the text (or an array inside a top-level object).
fn json_items(text: &str) -> Option<Vec<String>> {
    let start = text.find(['[', '{'])?;
    let json = escape_raw_controls(&text[start..]);
    let mut stream = serde_json::Deserializer::from_str(&json).into_iter::<Value>();
    let value = stream.next()?.ok()?;
    let array = match value {
        Value::Array(items) => items,
        Value::Object(map) => map.into_iter().find_map(|(_, v)| match v {
            Value::Array(items) => Some(items),
            _ => None,
        })?,
        _ => return None,
    };
    Some(array.into_iter().filter_map(item_text).collect())
}

/// A string item, or the first string field of an object item (`{"task": "..."}`).
fn item_text(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(map) => map.into_iter().find_map(|(_, v)| match v {
            Value::String(s) => Some(s),
            _ => None,
        }),
        _ => None,
    }
}

/// Items of a numbered (`1.`, `1)`, `(1)`) or bulleted (`-`, `*`, `•`) list; indented or
/// unmarked lines after an item continue it. Text before the first item is ignored.
fn list_items(text: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(item) = list_marker_rest(line) {
            items.push(clean_item(item));
        } else if let Some(last) = items.last_mut() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            last.push(' ');
            last.push_str(line);
        }
    }
    items
}

/// Removes bold markers and quotes around an item.
fn clean_item(item: &str) -> String {
    let item = item.replace("**", "");
    item.trim().trim_matches('"').trim().to_string()
}

/// The text after a list marker, if the line starts with one.
fn list_marker_rest(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    for bullet in ["- ", "* ", "• ", "– "] {
        if let Some(rest) = trimmed.strip_prefix(bullet) {
            return Some(rest);
        }
    }
    let unparenthesized = trimmed.strip_prefix('(').unwrap_or(trimmed);
    let digits = unparenthesized.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let rest = &unparenthesized[digits..];
    let rest = rest.strip_prefix(['.', ')', ':'])?;
    rest.strip_prefix(' ').or_else(|| rest.strip_prefix('\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tasks(text: &str, count: usize) -> Option<(Vec<String>, SplitMethod)> {
        parse_split(text, count).map(|p| (p.tasks, p.method))
    }

    #[test]
    fn reads_a_json_array() {
        let got = tasks("[\"explain the code\", \"discuss the ethics\"]", 2).unwrap();
        assert_eq!(got.0, vec!["explain the code", "discuss the ethics"]);
        assert_eq!(got.1, SplitMethod::Json);
    }

    #[test]
    fn reads_json_in_prose_fences_and_objects() {
        let text = "Sure! Here you go:\n```json\n[{\"task\": \"a\"}, {\"task\": \"b\"}]\n```";
        assert_eq!(tasks(text, 2).unwrap().0, vec!["a", "b"]);
        let text = "{\"subtasks\": [\"x\", \"y\"]}";
        assert_eq!(tasks(text, 2).unwrap().0, vec!["x", "y"]);
    }

    #[test]
    fn a_json_array_with_raw_newlines_in_its_strings_is_json() {
        // llama-cpp-python's grammar-constrained reply: its grammar lets raw newlines into strings.
        let text = "[ \"Explain the purr's\nmechanics\", \"What the purr\n means\" ]";
        let read = tasks(text, 2);
        let expected = vec!["Explain the purr's\nmechanics".to_string(), "What the purr\n means".to_string()];
        assert_eq!(read, Some((expected, SplitMethod::Json)));
    }

    #[test]
    fn falls_back_to_numbered_and_bulleted_lists() {
        let text =
            "Here is the split:\n1. **Technical**: how it works\n   in detail\n2) Meaning: why it matters\n";
        let got = tasks(text, 2).unwrap();
        assert_eq!(got.1, SplitMethod::List);
        assert_eq!(got.0, vec!["Technical: how it works in detail", "Meaning: why it matters"]);
        let text = "- one\n- two\n";
        assert_eq!(tasks(text, 2).unwrap().0, vec!["one", "two"]);
    }

    #[test]
    fn extra_items_fold_into_the_last_and_too_few_fail() {
        let got = tasks("[\"a\", \"b\", \"c\"]", 2).unwrap();
        assert_eq!(got.0, vec!["a", "b\nc"]);
        assert_eq!(tasks("[\"only one\"]", 2), None);
        assert_eq!(tasks("An essay with no list at all. 2024 was a year.", 2), None);
    }

    #[test]
    fn a_single_child_takes_a_single_item() {
        assert_eq!(tasks("[\"deep question\"]", 1).unwrap().0, vec!["deep question"]);
    }

    #[test]
    fn numbers_in_prose_are_not_list_items() {
        assert_eq!(list_marker_rest("2024 was a year"), None);
        assert_eq!(list_marker_rest("3.5 is a number"), None);
        assert_eq!(list_marker_rest("(2) second"), Some("second"));
    }

    #[test]
    fn a_cut_off_array_keeps_its_closed_elements() {
        let text = "[\"the technical half\", \"the human half, cut off mid-";
        let got = read_split(text, 3, true).unwrap();
        assert_eq!(got.method, SplitMethod::Partial);
        assert_eq!(got.tasks, vec!["the technical half"]);
        assert_eq!(got.child_method(0), SplitMethod::Json);
        assert_eq!(got.child_method(1), SplitMethod::Fallback);
        // Unparsable without a cap is read the same way.
        assert_eq!(read_split("[\"a\", oops", 2, false).unwrap().tasks, vec!["a"]);
        // Every element closed, only the bracket is missing: a full JSON split.
        let got = read_split("[\"a\", \"b\"", 2, true).unwrap();
        assert_eq!((got.tasks, got.method), (vec!["a".to_string(), "b".to_string()], SplitMethod::Json));
        assert_eq!(read_split("[\"never closed", 2, true), None);
    }

    #[test]
    fn a_cut_off_list_drops_its_last_item() {
        let text = "1. first\n2. second\n3. thi";
        let got = read_split(text, 2, true).unwrap();
        assert_eq!(
            (got.tasks, got.method),
            (vec!["first".to_string(), "second".to_string()], SplitMethod::List)
        );
        assert_eq!(read_split(text, 3, true), None);
        assert_eq!(read_split(text, 3, false).unwrap().tasks, vec!["first", "second", "thi"]);
    }

    #[test]
    fn fallback_frames_the_plain_task_once() {
        let root = Task::plain("Why is the sky blue?");
        let sage = Task::fallback(&root, "Sage", "philosophical branch");
        let quantum = Task::fallback(&sage, "Quantum", "physics");
        assert!(sage.text.contains("as Sage"));
        assert_eq!(quantum.text.matches("(Answer this").count(), 1);
        assert!(quantum.text.starts_with("Why is the sky blue?") && quantum.text.contains("as Quantum"));
        assert!(!quantum.text.contains("Sage"));
        assert_eq!(quantum.unframed, "Why is the sky blue?");
    }

    #[test]
    fn fallback_frames_the_task_by_role() {
        let t = fallback_task("Why is the sky blue?", "Echo", "implementation");
        assert!(t.starts_with("Why is the sky blue?"));
        assert!(t.contains("as Echo, implementation"));
    }
}
