//! Checking a template as written against its phase's placeholders, with the message pointing at
//! the placeholder that is wrong (or at the whole template when one is missing).

use super::error::Found;
use super::model::Phase;
use super::raw::At;
use super::suggest::closest;
use super::template;

/// Checks one template against its phase's placeholders; `place` names it in messages and `at`
/// is where it is written (none for a built-in one).
pub(super) fn check_written(
    template_text: &str,
    phase: Phase,
    place: &str,
    at: Option<&At<String>>,
    text: &str,
    found: &mut Vec<Found>,
) {
    let problems = template::problems(template_text, phase);
    if problems.is_empty() {
        return;
    }
    let allowed = template::allowed_placeholders(phase);
    // `problems` lists the unknown placeholders first, in order of use, then the missing ones.
    let unknown: Vec<&str> =
        template::placeholders(template_text).into_iter().filter(|p| !allowed.contains(p)).collect();
    for (i, problem) in problems.iter().enumerate() {
        let (message, span, help) = match unknown.get(i) {
            Some(name) => (
                format!("{place}: {problem}"),
                at.map(|at| narrow(text, at, &format!("{{{name}}}"))),
                closest(name, allowed.iter().copied()).map(|near| format!("did you mean {{{near}}}?")),
            ),
            None => {
                let missing = template::required_placeholders(phase)
                    .iter()
                    .find(|r| problem.contains(&format!("{{{r}}}")))
                    .copied()
                    .unwrap_or_default();
                (
                    format!("{place} must contain {{{missing}}}"),
                    at.map(|at| at.span.clone()),
                    Some(format!("write {{{missing}}} where ailab should insert {}", meaning(missing))),
                )
            }
        };
        let f = match span {
            Some(span) => Found::at(span, message),
            None => Found::nowhere(message),
        };
        found.push(f.maybe_help(help));
    }
}

/// What ailab puts in place of a required placeholder, for hints.
fn meaning(placeholder: &str) -> &'static str {
    match placeholder {
        "task" => "the task this node was given",
        "replies" => "the children's replies",
        "draft" => "the draft being reviewed",
        "critique" => "the critique of the draft",
        "reply" => "the child's reply",
        _ => "that text",
    }
}

/// The span of `needle` inside a written value, or the whole value's span.
pub(super) fn narrow(text: &str, at: &At<String>, needle: &str) -> std::ops::Range<usize> {
    text.get(at.span.clone()).and_then(|written| written.find(needle)).map_or(at.span.clone(), |offset| {
        let start = at.span.start + offset;
        start..start + needle.len()
    })
}
