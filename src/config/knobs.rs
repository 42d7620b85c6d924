//! The loop guard's settings and the optional sampling knobs: ranges, with a hint for each, and
//! their resolution over `[defaults]`.

use super::defaults;
use super::error::Found;
use super::model::Sampling;
use super::range::{check_int, clamp_u32, pick};
use super::raw::{At, RawSettings};

/// Range-checks the guard's and the knobs' values a table gives.
pub(super) fn check(raw: &RawSettings, place: &str, found: &mut Vec<Found>) {
    let repeats = defaults::LOOP_GUARD_REPEATS_RANGE;
    check_int(&raw.loop_guard_repeats, "loop_guard_repeats", place, *repeats.start(), *repeats.end(), found);
    check_int(&raw.top_k, "top_k", place, 0, i64::from(u32::MAX), found);
    let knobs = [
        (&raw.frequency_penalty, "frequency_penalty", Range::Penalty),
        (&raw.presence_penalty, "presence_penalty", Range::Penalty),
        (&raw.repeat_penalty, "repeat_penalty", Range::Positive),
        (&raw.min_p, "min_p", Range::Share),
    ];
    for (value, key, range) in knobs {
        if let Some(v) = value.as_ref().filter(|v| !range.holds(v.value)) {
            found.push(
                Found::at(
                    v.span.clone(),
                    format!("{key} in {place} must be {}, not {}", range.rule(), v.value),
                )
                .help(range.help(key)),
            );
        }
    }
}

/// The ranges of the optional sampling knobs.
#[derive(Clone, Copy)]
enum Range {
    /// OpenAI's penalties: -2 to 2.
    Penalty,
    /// llama.cpp's repeat_penalty: above 0 (1 is off).
    Positive,
    /// min_p: 0 to 1.
    Share,
}

impl Range {
    fn holds(self, v: f64) -> bool {
        match self {
            Range::Penalty => (-2.0..=2.0).contains(&v),
            Range::Positive => v.is_finite() && v > 0.0,
            Range::Share => (0.0..=1.0).contains(&v),
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Range::Penalty => "between -2 and 2",
            Range::Positive => "a number above 0",
            Range::Share => "between 0 and 1",
        }
    }

    fn help(self, key: &str) -> String {
        match self {
            Range::Penalty => format!(
                "0 is off; 0.3-0.8 discourages repeating words; remove {key} to leave it to the server"
            ),
            Range::Positive => {
                "1 is off; 1.1-1.3 discourages repeating; remove it to leave it to the server".into()
            }
            Range::Share => "0.05 is a common value; 0 is off".into(),
        }
    }
}

/// The sampling knobs as resolved: each from the node, else `[defaults]`, else unset.
pub(super) fn sampling(s: &RawSettings, d: &RawSettings) -> Sampling {
    let number = |own, default| pick(own, default).map(|v: &At<f64>| v.value as f32);
    Sampling {
        frequency_penalty: number(&s.frequency_penalty, &d.frequency_penalty),
        presence_penalty: number(&s.presence_penalty, &d.presence_penalty),
        repeat_penalty: number(&s.repeat_penalty, &d.repeat_penalty),
        min_p: number(&s.min_p, &d.min_p),
        top_k: pick(&s.top_k, &d.top_k).map(|v| clamp_u32(v.value)),
    }
}

/// Where `key` is set for node `node_id` in a hierarchy file's text: the 1-based line of the
/// node's own value, else of `[defaults]`'s (what the node inherits), for messages that point at it.
pub fn setting_line(text: &str, node_id: &str, key: &str) -> Option<usize> {
    let mut found = Vec::new();
    let file = super::raw::read(text, &mut found)?;
    let span = |s: &RawSettings| -> Option<std::ops::Range<usize>> {
        Some(match key {
            "frequency_penalty" => s.frequency_penalty.as_ref()?.span.clone(),
            "presence_penalty" => s.presence_penalty.as_ref()?.span.clone(),
            "repeat_penalty" => s.repeat_penalty.as_ref()?.span.clone(),
            "min_p" => s.min_p.as_ref()?.span.clone(),
            "top_k" => s.top_k.as_ref()?.span.clone(),
            _ => return None,
        })
    };
    let node = file.nodes.iter().find(|n| n.id.as_ref().is_some_and(|id| id.value == node_id));
    let at = node.and_then(|n| span(&n.settings)).or_else(|| span(&file.defaults))?;
    Some(text.get(..at.start)?.matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::setting_line;

    #[test]
    fn a_knob_is_found_on_its_node_or_in_the_defaults() {
        let text = "[defaults]\nmin_p = 0.05\n\n[[node]]\nid = \"atlas\"\nchildren = [\"echo\"]\n\n[[node]]\nid = \"echo\"\ntop_k = 40\n";
        assert_eq!(setting_line(text, "echo", "top_k"), Some(10));
        assert_eq!(setting_line(text, "echo", "min_p"), Some(2), "inherited from [defaults]");
        assert_eq!(setting_line(text, "atlas", "top_k"), None);
        assert_eq!(setting_line(text, "echo", "repeat_penalty"), None);
    }
}
