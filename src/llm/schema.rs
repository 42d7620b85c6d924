//! The JSON schemas that constrain a reply (`response_format`), built and read back in one place:
//! the engine asks with them, and the offline demo answers by reading them, the way a
//! grammar-constrained server would. Keeping both sides here is what lets `llm` stay below the
//! engine: the demo needs the schemas' shape, never the engine's prompts.

use serde_json::{Value, json};

/// A split's reply: an array of exactly `count` non-empty strings of at most `max_chars` characters.
pub fn split(count: usize, max_chars: usize) -> Value {
    json!({
        "type": "json_schema",
        "json_schema": {
            "name": "subtasks",
            "strict": true,
            "schema": {
                "type": "array",
                "items": { "type": "string", "minLength": 1, "maxLength": max_chars },
                "minItems": count,
                "maxItems": count
            }
        }
    })
}

/// The same constraint in llama-cpp-python's form, `{"type": "json_object", "schema": …}`, for a
/// server that refuses OpenAI's `json_schema` but constrains a `json_object` to a schema (`None`
/// for a format that is not a `json_schema`).
pub fn as_json_object(format: &Value) -> Option<Value> {
    let schema = format.pointer("/json_schema/schema")?;
    Some(json!({ "type": "json_object", "schema": schema }))
}

/// The schema a `response_format` carries, in either form.
fn schema_of(format: &Value) -> Option<&Value> {
    match format.get("type").and_then(Value::as_str) {
        Some("json_object") => format.get("schema"),
        _ => format.pointer("/json_schema/schema"),
    }
}

/// How many sub-tasks a `response_format` asks for (`None`: it asks for no array of them).
pub fn split_count(format: &Value) -> Option<usize> {
    let min_items = schema_of(format)?.get("minItems")?.as_u64()?;
    usize::try_from(min_items).ok().filter(|n| *n > 0)
}

/// The judge's reply: which answer won (A, B or a tie), and why in one sentence.
pub fn verdict() -> Value {
    json!({
        "type": "json_schema",
        "json_schema": {
            "name": VERDICT,
            "strict": true,
            "schema": {
                "type": "object",
                "properties": {
                    "winner": { "type": "string", "enum": ["A", "B", "tie"] },
                    "reason": { "type": "string" }
                },
                "required": ["winner", "reason"]
            }
        }
    })
}

/// True for the judge's `response_format` (recognised by its schema's name, or in the
/// `json_object` form, which has no name, by its `winner`).
pub fn is_verdict(format: &Value) -> bool {
    format.pointer("/json_schema/name").and_then(Value::as_str) == Some(VERDICT)
        || format.get("type").and_then(Value::as_str) == Some("json_object")
            && schema_of(format).and_then(|s| s.pointer("/properties/winner")).is_some()
}

const VERDICT: &str = "verdict";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_schema_is_recognised_as_itself_and_only_itself() {
        assert_eq!(split_count(&split(3, 400)), Some(3));
        assert!(!is_verdict(&split(3, 400)));
        assert!(is_verdict(&verdict()));
        assert_eq!(split_count(&verdict()), None);
        assert_eq!(split_count(&split(0, 400)), None, "a split of nothing is no split");
    }

    #[test]
    fn the_json_object_form_carries_the_same_schema_and_is_read_the_same() {
        let object = as_json_object(&split(2, 300)).unwrap_or_default();
        assert_eq!(object["type"], "json_object");
        assert_eq!(object["schema"], split(2, 300)["json_schema"]["schema"]);
        assert_eq!(split_count(&object), Some(2));
        let verdict = as_json_object(&verdict()).unwrap_or_default();
        assert!(is_verdict(&verdict) && !is_verdict(&object));
        assert_eq!(as_json_object(&object), None, "already in that form");
    }
}
