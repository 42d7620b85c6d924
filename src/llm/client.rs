//! The HTTP client for OpenAI-compatible servers (LM Studio first; llama.cpp, Ollama and vLLM
//! alike): one [`HttpBackend`] per base URL. The streaming call itself is in `chat_call`.

use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Client, Url};
use serde_json::Value;

use super::retry::RetryPolicy;
use super::server_error::{self, excerpt};
use super::{ChatBackend, ChatCompletion, ChatRequest, DeltaSink, LlmError, ModelInfo};
use crate::config::ServerConfig;

/// Patience for quick questions (model list, LM Studio greeting) that never run a model.
pub(super) const QUICK_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Streams chat completions from one base URL.
#[derive(Clone)]
pub struct HttpBackend {
    pub(super) base_url: String,
    /// For chat calls, which run on the network thread: the connections it keeps are that
    /// thread's, so a call never reads through a connection another runtime drives.
    pub(super) client: Client,
    /// For the quick questions (model lists, the LM Studio greeting), asked from any runtime.
    pub(super) quick: Client,
    pub(super) timeouts: Timeouts,
    pub(super) retry: RetryPolicy,
}

/// The client's timeouts; `None` means wait as long as it takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timeouts {
    /// Until the TCP connection is up.
    pub connect: Option<Duration>,
    /// From sending a request until its first text (prompt processing can take minutes).
    pub first_token: Option<Duration>,
    /// Silence allowed between two chunks once text flows.
    pub idle: Option<Duration>,
}

impl Timeouts {
    /// The timeouts of a `[server]` section; zero, negative or non-finite seconds disable one.
    pub fn from_server(server: &ServerConfig) -> Self {
        Self {
            connect: seconds(server.connect_timeout_secs),
            first_token: seconds(server.first_token_timeout_secs),
            idle: seconds(server.idle_timeout_secs),
        }
    }
}

fn seconds(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs > 0.0).then(|| Duration::from_secs_f64(secs.min(1.0e9)))
}

impl HttpBackend {
    /// A client for `base_url` (ending in `/v1`) with the timeouts and API key of `server`.
    pub fn new(base_url: &str, server: &ServerConfig) -> Result<Self, LlmError> {
        let base_url = base_url.trim().trim_end_matches('/').to_string();
        let invalid = |reason: String| LlmError::Unreachable { url: base_url.clone(), reason };
        let url = Url::parse(&base_url).map_err(|e| {
            invalid(format!(
                "this is not a valid URL ({e}); expected something like http://localhost:1234/v1"
            ))
        })?;
        match url.scheme() {
            "http" => {}
            "https" => {
                return Err(invalid(
                    "https:// is not supported: local servers (LM Studio, llama.cpp, Ollama) speak plain \
                     http://"
                        .into(),
                ));
            }
            other => return Err(invalid(format!("the URL must start with http:// (not {other}://)"))),
        }
        let timeouts = Timeouts::from_server(server);
        let mut headers = HeaderMap::new();
        if let Some(key) = api_key(server) {
            let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
                invalid("the API key contains characters that cannot be sent in an HTTP header".into())
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        // No proxy: a user's HTTP_PROXY must not swallow requests to a server on localhost.
        let build = || {
            let mut builder = Client::builder()
                .no_proxy()
                .default_headers(headers.clone())
                .user_agent(concat!("ailab/", env!("CARGO_PKG_VERSION")))
                .tcp_nodelay(true);
            if let Some(connect) = timeouts.connect {
                builder = builder.connect_timeout(connect);
            }
            builder.build().map_err(|e| invalid(format!("cannot set up the HTTP client: {e}")))
        };
        let (client, quick) = (build()?, build()?);
        Ok(Self { base_url, client, quick, timeouts, retry: RetryPolicy::default() })
    }

    /// The same client with another retry policy (tests use short delays).
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The timeouts in force.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// True if the server is LM Studio (`GET /lmstudio-greeting` answers `{"lmstudio": true}`),
    /// so messages can name its menus.
    pub async fn lmstudio_greeting(&self) -> bool {
        let Ok(mut url) = Url::parse(&self.base_url) else { return false };
        url.set_path("/lmstudio-greeting");
        url.set_query(None);
        let Ok(response) = self.quick.get(url).timeout(QUICK_REQUEST_TIMEOUT).send().await else {
            return false;
        };
        if !response.status().is_success() {
            return false;
        }
        let body: Value = response.json().await.unwrap_or(Value::Null);
        body.get("lmstudio").and_then(Value::as_bool) == Some(true)
    }

    /// `GET {base}/models`: the ids the server offers.
    pub async fn models(&self) -> Result<Vec<ModelInfo>, LlmError> {
        let url = format!("{}/models", self.base_url);
        let response = self
            .quick
            .get(&url)
            .timeout(QUICK_REQUEST_TIMEOUT)
            .send()
            .await
            .map_err(|e| self.transport_error(&e))?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| self.transport_error(&e))?;
        if !(200..300).contains(&status) {
            return Err(server_error::from_http(status, &body, ""));
        }
        parse_models(&body)
    }

    /// A failure to talk to the server at all, in words a user can act on.
    pub(super) fn transport_error(&self, error: &reqwest::Error) -> LlmError {
        let reason = if error.is_timeout() {
            if error.is_connect() {
                let secs = self.timeouts.connect.map_or(0.0, |d| d.as_secs_f64());
                format!("no connection within {secs:.0} s")
            } else {
                "no answer in time".to_string()
            }
        } else {
            root_cause(error)
        };
        LlmError::Unreachable { url: self.base_url.clone(), reason }
    }
}

/// The API key from the environment variable `[server].api_key_env` names, if it is set.
fn api_key(server: &ServerConfig) -> Option<String> {
    let name = server.api_key_env.as_deref()?.trim();
    if name.is_empty() {
        return None;
    }
    std::env::var(name).ok().map(|k| k.trim().to_string()).filter(|k| !k.is_empty())
}

/// The innermost error message ("Connection refused (os error 111)"), the one that says why.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// Reads `{"data":[{"id":..}, ..]}`.
fn parse_models(body: &str) -> Result<Vec<ModelInfo>, LlmError> {
    let value: Value = serde_json::from_str(body).map_err(|_| LlmError::InvalidResponse {
        message: format!("the model list is not JSON: {}", excerpt(body.trim(), 80)),
    })?;
    let Some(data) = value.get("data").and_then(Value::as_array) else {
        // LM Studio answers unknown paths with 200 and an error: usually a base URL without /v1.
        let said = server_error::message_from_value(&value).unwrap_or_else(|| excerpt(body.trim(), 80));
        return Err(LlmError::InvalidResponse {
            message: format!("no model list ({said}); is the base URL right? It usually ends in /v1"),
        });
    };
    Ok(data
        .iter()
        .filter_map(|m| m.get("id").and_then(Value::as_str))
        .map(|id| ModelInfo { id: id.to_string() })
        .collect())
}

impl ChatBackend for HttpBackend {
    fn stream_chat<'a>(
        &'a self,
        request: &'a ChatRequest,
        on_delta: DeltaSink<'a>,
    ) -> BoxFuture<'a, Result<ChatCompletion, LlmError>> {
        Box::pin(self.chat(request, on_delta))
    }

    fn list_models(&self) -> BoxFuture<'_, Result<Vec<ModelInfo>, LlmError>> {
        Box::pin(self.models())
    }

    fn endpoint(&self) -> &str {
        &self.base_url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_must_be_plain_http() {
        let server = ServerConfig::default();
        assert!(HttpBackend::new("http://localhost:1234/v1/", &server).is_ok());
        assert_eq!(
            HttpBackend::new("http://localhost:1234/v1/", &server).unwrap().endpoint(),
            "http://localhost:1234/v1"
        );
        for bad in ["localhost:1234/v1", "https://example.com/v1", "not a url", "ftp://x/v1"] {
            assert!(matches!(HttpBackend::new(bad, &server), Err(LlmError::Unreachable { .. })), "{bad}");
        }
    }

    #[test]
    fn zero_or_invalid_seconds_disable_a_timeout() {
        let server = ServerConfig {
            connect_timeout_secs: 0.0,
            first_token_timeout_secs: f64::NAN,
            idle_timeout_secs: 1.5,
            ..ServerConfig::default()
        };
        let timeouts = Timeouts::from_server(&server);
        assert_eq!(timeouts.connect, None);
        assert_eq!(timeouts.first_token, None);
        assert_eq!(timeouts.idle, Some(Duration::from_millis(1500)));
    }

    #[test]
    fn model_list_shapes() {
        let body = r#"{"object":"list","data":[{"id":"a","object":"model"},{"id":"b:2"}]}"#;
        assert_eq!(
            parse_models(body).unwrap(),
            vec![ModelInfo { id: "a".into() }, ModelInfo { id: "b:2".into() }]
        );
        let wrong_path = r#"{"error":"Unexpected endpoint or method. (GET /models)"}"#;
        let LlmError::InvalidResponse { message } = parse_models(wrong_path).unwrap_err() else { panic!() };
        assert!(message.contains("Unexpected endpoint") && message.contains("/v1"), "{message}");
        assert!(matches!(parse_models("<html>"), Err(LlmError::InvalidResponse { .. })));
    }
}
