//! Reading a setting's value: the node's own, else `[defaults]`'s; whole numbers checked
//! against their range with a hint, for `resolve` and `knobs` alike.

use super::error::Found;
use super::raw::At;

/// The value if it lies in `min..=max`; otherwise reports it.
pub(super) fn check_int(
    value: &Option<At<i64>>,
    key: &str,
    place: &str,
    min: i64,
    max: i64,
    found: &mut Vec<Found>,
) -> Option<i64> {
    let v = value.as_ref()?;
    if (min..=max).contains(&v.value) {
        return Some(v.value);
    }
    let rule = if max >= i64::from(u32::MAX) {
        format!("at least {min}")
    } else {
        format!("between {min} and {max}")
    };
    let help = match key {
        "max_tokens" => "512 suits a short answer, 700 a synthesis",
        "context_tokens" => "Phi-3.1 mini 4k holds 4096 tokens",
        "reflect" => "each round costs two more calls; 0 turns reflection off, 1 or 2 is plenty",
        "max_concurrent" => "LM Studio 0.4+ answers 4 at once by default; use 1 for older versions",
        "loop_guard_repeats" => {
            "3 stops a reply at the second repeat of a sentence; set loop_guard = false to turn the guard off"
        }
        "top_k" => "40 is llama.cpp's default; 0 is off",
        _ => "",
    };
    found.push(
        Found::at(v.span.clone(), format!("{key} in {place} must be {rule}, not {}", v.value)).help(help),
    );
    None
}

pub(super) fn pick<'a, T>(own: &'a Option<At<T>>, default: &'a Option<At<T>>) -> Option<&'a At<T>> {
    own.as_ref().or(default.as_ref())
}

pub(super) fn clamp_u32(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}
