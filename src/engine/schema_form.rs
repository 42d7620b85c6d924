//! Which form of JSON schema a server takes. Every split asks first in OpenAI's form
//! (`json_schema`); a server that refuses it is asked again in the form it names when it names
//! `json_object` (llama-cpp-python, whose grammar then constrains the reply as well), else without
//! a schema. What the server took is kept on its endpoint, so later calls go in that form at once.

use serde_json::Value;

use super::backends::{Endpoint, SchemaForm};
use super::ending::{SCHEMA_AS_JSON_OBJECT, SCHEMA_REFUSED, describe};
use crate::llm::{ChatRequest, LlmError, schema};

/// Puts `request`'s `response_format` in the form the endpoint takes (splits only go without).
pub(super) fn fit(endpoint: &Endpoint, request: &mut ChatRequest, is_split: bool) {
    let Some(format) = &request.response_format else { return };
    match endpoint.schema_form() {
        SchemaForm::OpenAi => {}
        SchemaForm::JsonObject => {
            if let Some(object) = schema::as_json_object(format) {
                request.response_format = Some(object);
            }
        }
        SchemaForm::None if is_split => request.response_format = None,
        SchemaForm::None => {}
    }
}

/// The server refused `request`'s schema with `error`: what the refused call says, and the
/// `response_format` to ask again with (the `json_object` form when the server names it, else
/// none). The endpoint remembers it.
pub(super) fn refused(
    endpoint: &Endpoint,
    request: &ChatRequest,
    error: &LlmError,
) -> (String, Option<Value>) {
    let object = request.response_format.as_ref().and_then(schema::as_json_object);
    match object {
        // llama-cpp-python's validation error lists the types it takes: 'text' or 'json_object'.
        Some(object) if error.to_string().contains("json_object") => {
            endpoint.set_schema_form(SchemaForm::JsonObject);
            (format!("{SCHEMA_AS_JSON_OBJECT} ({})", describe(error)), Some(object))
        }
        _ => {
            endpoint.set_schema_form(SchemaForm::None);
            (format!("{SCHEMA_REFUSED} ({})", describe(error)), None)
        }
    }
}
