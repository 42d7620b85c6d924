//! What only LM Studio can tell: its native model list (`GET /api/v0/models`) says which models are
//! loaded and with how much context, which `/v1/models` does not (with just-in-time loading on, it
//! lists every downloaded model as if it were ready).

use reqwest::Url;
use serde_json::Value;

use super::client::HttpBackend;
use super::{LlmError, ModelInfo};

/// One model as LM Studio's native API describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeModel {
    pub id: String,
    /// Loaded in memory now; otherwise the first request loads it (just-in-time), which takes a while.
    pub loaded: bool,
    /// The context length it was loaded with, for a loaded model.
    pub loaded_context_length: Option<u32>,
    /// The most the model can take.
    pub max_context_length: Option<u32>,
}

impl HttpBackend {
    /// LM Studio's native model list, or `None` from any other server (or an older LM Studio).
    pub async fn native_models(&self) -> Option<Vec<NativeModel>> {
        let mut url = Url::parse(&self.base_url).ok()?;
        url.set_path("/api/v0/models");
        url.set_query(None);
        let response = self.quick.get(url).timeout(super::client::QUICK_REQUEST_TIMEOUT).send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        parse_native_models(&response.text().await.ok()?)
    }
}

/// Whether a served model is in memory, as far as the server says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadState {
    Loaded,
    /// Listed but not in memory: LM Studio loads it at the first request (just-in-time).
    NotLoaded,
    /// The server does not say (not LM Studio, or its native list did not answer).
    Unknown,
}

/// A model the server lists (`/v1/models`), with LM Studio's loaded state where it has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedModel {
    pub id: String,
    pub state: LoadState,
}

impl HttpBackend {
    /// The models `/v1/models` lists, each marked loaded or not from LM Studio's native list
    /// (asked at the same time). Only the first list can fail: without the native one the
    /// states are unknown.
    pub async fn served_models(&self) -> Result<Vec<ServedModel>, LlmError> {
        let (listed, native) = futures::join!(self.models(), self.native_models());
        Ok(with_states(listed?, native.as_deref()))
    }
}

/// Marks each listed model with its state in LM Studio's native list. Only what `/v1/models`
/// lists is offered: with just-in-time loading off, a model only the native list has cannot be
/// called.
pub fn with_states(listed: Vec<ModelInfo>, native: Option<&[NativeModel]>) -> Vec<ServedModel> {
    listed
        .into_iter()
        .map(|ModelInfo { id }| {
            let state = match native {
                None => LoadState::Unknown,
                Some(native) => match native.iter().find(|m| m.id == id) {
                    Some(m) if m.loaded => LoadState::Loaded,
                    Some(_) => LoadState::NotLoaded,
                    // LM Studio names a second copy `model:2` only once it is loaded, and its
                    // native list may give just the model: a listed copy is a loaded one.
                    None if base_model(&id) != id && native.iter().any(|m| m.id == base_model(&id)) => {
                        LoadState::Loaded
                    }
                    None => LoadState::Unknown,
                },
            };
            ServedModel { id, state }
        })
        .collect()
}

/// Reads `{"data":[{"id","state":"loaded"|"not-loaded","loaded_context_length",..}]}`.
fn parse_native_models(body: &str) -> Option<Vec<NativeModel>> {
    let value: Value = serde_json::from_str(body).ok()?;
    let data = value.get("data")?.as_array()?;
    let length =
        |m: &Value, key: &str| m.get(key).and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok());
    Some(
        data.iter()
            .filter_map(|m| {
                let id = m.get("id")?.as_str()?.to_string();
                Some(NativeModel {
                    id,
                    loaded: m.get("state").and_then(Value::as_str) == Some("loaded"),
                    loaded_context_length: length(m, "loaded_context_length"),
                    max_context_length: length(m, "max_context_length"),
                })
            })
            .collect(),
    )
}

/// A model id without LM Studio's instance suffix: `phi-3.1-mini-4k-instruct:2` → `phi-3.1-mini-4k-instruct`.
pub fn base_model(id: &str) -> &str {
    match id.rsplit_once(':') {
        Some((base, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => base,
        _ => id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_loaded_state_and_context_lengths() {
        let body = r#"{"object":"list","data":[
            {"id":"phi-3.1-mini-4k-instruct","type":"llm","state":"loaded","max_context_length":4096,
             "loaded_context_length":2048},
            {"id":"qwen2.5-7b-instruct","type":"llm","state":"not-loaded","max_context_length":32768},
            {"state":"loaded"}
        ]}"#;
        let models = parse_native_models(body).unwrap();
        assert_eq!(
            models,
            vec![
                NativeModel {
                    id: "phi-3.1-mini-4k-instruct".into(),
                    loaded: true,
                    loaded_context_length: Some(2048),
                    max_context_length: Some(4096),
                },
                NativeModel {
                    id: "qwen2.5-7b-instruct".into(),
                    loaded: false,
                    loaded_context_length: None,
                    max_context_length: Some(32768),
                },
            ]
        );
        assert_eq!(parse_native_models(r#"{"error":"Unexpected endpoint"}"#), None);
        assert_eq!(parse_native_models("<html>"), None);
    }

    #[test]
    fn listed_models_take_their_state_from_the_native_list() {
        let native = |id: &str, loaded| NativeModel {
            id: id.into(),
            loaded,
            loaded_context_length: None,
            max_context_length: None,
        };
        let listed =
            ["phi-3.1-mini-4k-instruct", "phi-3.1-mini-4k-instruct:2", "qwen2.5-7b-instruct", "other:3"]
                .map(|id| ModelInfo { id: id.into() })
                .to_vec();
        let natives = [native("phi-3.1-mini-4k-instruct", true), native("qwen2.5-7b-instruct", false)];
        let states: Vec<(String, LoadState)> =
            with_states(listed.clone(), Some(&natives)).into_iter().map(|m| (m.id, m.state)).collect();
        assert_eq!(
            states,
            vec![
                ("phi-3.1-mini-4k-instruct".into(), LoadState::Loaded),
                ("phi-3.1-mini-4k-instruct:2".into(), LoadState::Loaded),
                ("qwen2.5-7b-instruct".into(), LoadState::NotLoaded),
                ("other:3".into(), LoadState::Unknown),
            ]
        );
        assert!(with_states(listed, None).iter().all(|m| m.state == LoadState::Unknown));
    }

    #[test]
    fn instance_suffixes_are_not_part_of_the_model() {
        assert_eq!(base_model("phi-3.1-mini-4k-instruct:2"), "phi-3.1-mini-4k-instruct");
        assert_eq!(base_model("phi-3.1-mini-4k-instruct"), "phi-3.1-mini-4k-instruct");
        assert_eq!(base_model("llama3:8b"), "llama3:8b");
        assert_eq!(base_model("m:"), "m:");
    }
}
