//! A split call's text read as the list of sub-tasks it gives, so panes, the compact list and
//! the zoom view show the list rather than raw JSON, even when the split was cut off mid-way.

use crate::engine::split_stream::SplitWatcher;

/// The sub-tasks a split's text gives, as far as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitItems {
    pub tasks: Vec<String>,
    /// False when the text stops inside the array (a cancelled or failed split).
    pub complete: bool,
}

/// Reads a split's sub-tasks: a whole JSON array of strings, or the elements that closed before
/// the text was cut off. `None` when the text is not such an array (the list is then Markdown).
pub fn items(text: &str) -> Option<SplitItems> {
    let trimmed = text.trim();
    if let Ok(tasks) = serde_json::from_str::<Vec<String>>(trimmed) {
        return Some(SplitItems { tasks, complete: true });
    }
    let tasks: Vec<String> = SplitWatcher::new().push(trimmed).into_iter().map(|(_, task)| task).collect();
    (!tasks.is_empty()).then_some(SplitItems { tasks, complete: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_array_is_complete() {
        let items = items(r#" ["one", "two"] "#).unwrap();
        assert_eq!(items, SplitItems { tasks: vec!["one".into(), "two".into()], complete: true });
    }

    #[test]
    fn a_cut_off_array_gives_the_elements_that_closed() {
        let items = items(r#"["Explain the physics.", "Reflect on wh"#).unwrap();
        assert_eq!(items, SplitItems { tasks: vec!["Explain the physics.".into()], complete: false });
        assert_eq!(super::items(r#"["Expl"#), None);
    }

    #[test]
    fn prose_and_lists_are_not_arrays() {
        assert_eq!(items("1. first\n2. second"), None);
        assert_eq!(items(""), None);
    }
}
