//! The client and its environment: the API key comes from the variable `[server].api_key_env`
//! names, and a user's HTTP proxy settings never swallow requests to a local server.
//!
//! One test in its own process: it sets environment variables before any other thread exists.

mod support;

use ailab::config::ServerConfig;
use ailab::llm::client::HttpBackend;
use ailab::llm::{ChatBackend, ChatMessage, ChatRequest, Delta};
use support::{MockServer, Reply};

#[test]
fn api_key_from_the_named_variable_and_no_proxy() {
    // SAFETY: this test binary has a single test, and it sets the variables before starting the
    // runtime, so no other thread can be reading the environment.
    unsafe {
        std::env::set_var("AILAB_TEST_API_KEY", "sk-test-123");
        std::env::set_var("HTTP_PROXY", "http://127.0.0.1:9");
        std::env::set_var("http_proxy", "http://127.0.0.1:9");
        std::env::set_var("ALL_PROXY", "http://127.0.0.1:9");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mock = MockServer::start().await;
        let request = ChatRequest {
            model: "phi-3.1-mini-4k-instruct".into(),
            messages: vec![ChatMessage::user("hi")],
            temperature: 0.7,
            top_p: 0.9,
            max_tokens: 50,
            seed: None,
            response_format: None,
            sampling: Default::default(),
        };
        let mut sink = |_: Delta, _: u32| {};

        let with_key =
            ServerConfig { api_key_env: Some("AILAB_TEST_API_KEY".into()), ..ServerConfig::default() };
        mock.push(Reply::text(&["ok"]));
        let backend = HttpBackend::new(&mock.base_url(), &with_key).unwrap();
        backend.stream_chat(&request, &mut sink).await.expect("reached the mock despite HTTP_PROXY");
        backend.list_models().await.unwrap();

        let unset = ServerConfig {
            api_key_env: Some("AILAB_TEST_NOT_SET_ANYWHERE".into()),
            ..ServerConfig::default()
        };
        let backend = HttpBackend::new(&mock.base_url(), &unset).unwrap();
        backend.stream_chat(&request, &mut sink).await.unwrap();

        let log = mock.requests();
        assert_eq!(log.len(), 3);
        assert_eq!(log[0].authorization.as_deref(), Some("Bearer sk-test-123"));
        assert_eq!(log[1].authorization.as_deref(), Some("Bearer sk-test-123"), "GET /models too");
        assert_eq!(log[2].authorization, None);
    });
}
