//! Reflection levels: a member's named reflection rounds, each with its own critique prompt and,
//! optionally, its own rewrite prompt (`[[node.reflection_levels]]`). Round i of the member's
//! reflection uses level i, so one member can check its facts, then draw out implications, then
//! keep only its deepest insight, where `reflect = N` would ask the same question N times.

use super::error::Found;
use super::model::{Phase, ReflectionLevel};
use super::raw::{At, RawLevel};
use super::template_check::check_written;

/// How many rounds the levels make; more than `max` is reported (and the first `max` kept).
pub(super) fn count(levels: &At<Vec<RawLevel>>, label: &str, max: i64, found: &mut Vec<Found>) -> u32 {
    let n = levels.value.len();
    if n as i64 > max {
        found.push(
            Found::at(
                levels.span.clone(),
                format!("{label} has {n} reflection levels; at most {max} are allowed"),
            )
            .help("each level costs two more calls per question: 1 to 3 levels are plenty for a small model"),
        );
    }
    n.min(usize::try_from(max).unwrap_or(usize::MAX)) as u32
}

/// The levels as the engine runs them: each one named, its critique prompt checked as a reflect
/// prompt, its rewrite prompt (its own, else `node_revise`) checked as a revise prompt.
pub(super) fn resolve(
    levels: &At<Vec<RawLevel>>,
    node_revise: &str,
    label: &str,
    text: &str,
    found: &mut Vec<Found>,
) -> Vec<ReflectionLevel> {
    let mut out = Vec::with_capacity(levels.value.len());
    for (index, raw) in levels.value.iter().enumerate() {
        let number = index + 1;
        let name = match raw.name.as_ref().map(|n| (n, n.value.trim())) {
            Some((_, name)) if !name.is_empty() => name.to_string(),
            Some((at, _)) => {
                found.push(
                    Found::at(
                        at.span.clone(),
                        format!("reflection level {number} of {label} has an empty name"),
                    )
                    .help(name_help()),
                );
                String::new()
            }
            None => {
                found.push(
                    Found::at(raw.span.clone(), format!("reflection level {number} of {label} has no name"))
                        .help(name_help()),
                );
                String::new()
            }
        };
        let shown = if name.is_empty() { format!("{number}") } else { format!("{number} (\"{name}\")") };
        let place = format!("reflection level {shown} of {label}");
        let reflect = match &raw.prompt {
            Some(prompt) => {
                check_written(
                    &prompt.value,
                    Phase::Reflect,
                    &format!("the prompt of {place}"),
                    Some(prompt),
                    text,
                    found,
                );
                prompt.value.trim().to_string()
            }
            None => {
                found.push(
                    Found::at(raw.span.clone(), format!("{place} has no prompt"))
                        .help("write what this round asks of the draft: prompt = '''...''' with {draft} where the draft goes"),
                );
                String::new()
            }
        };
        let revise = match &raw.revise {
            Some(revise) => {
                check_written(
                    &revise.value,
                    Phase::Revise,
                    &format!("the revise prompt of {place}"),
                    Some(revise),
                    text,
                    found,
                );
                revise.value.trim().to_string()
            }
            None => node_revise.to_string(),
        };
        out.push(ReflectionLevel { name, reflect, revise });
    }
    out
}

fn name_help() -> &'static str {
    "name what the round is for, like name = \"check the facts\": the member's pane shows it"
}
