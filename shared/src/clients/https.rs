//! The HTTPS client under every AWS SDK client, built on first use. The SDK's default builds
//! its TLS connector when each client is constructed, parsing the OS root certificates each
//! time: ~6 of a function's ~11 ms of init, also in functions that never call AWS
//! (docs/PERFORMANCE.md). This one hands the clients a connector that builds the real one
//! (the SDK's own: rustls with ring, the OS roots) on its first request, one per connector
//! settings, as the default caches them. It is the only HTTP client the SDK has: the SDK
//! crates are built without `default-https-client`, whose rustls with aws-lc would put a
//! second crypto library in every binary (docs/PERFORMANCE.md, "The size").

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use aws_smithy_async::rt::sleep::SharedAsyncSleep;
use aws_smithy_http_client::Connector;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

/// The HTTP client for `aws_config::defaults(...).http_client(...)`.
pub fn lazy_https_client() -> SharedHttpClient {
    SharedHttpClient::new(LazyHttps::default())
}

#[derive(Debug, Default)]
struct LazyHttps {
    connectors: Mutex<HashMap<String, SharedHttpConnector>>,
}

impl HttpClient for LazyHttps {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let key = format!(
            "{:?}/{:?}",
            settings.connect_timeout(),
            settings.read_timeout()
        );
        let mut connectors = match self.connectors.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        connectors
            .entry(key)
            .or_insert_with(|| {
                SharedHttpConnector::new(LazyConnector {
                    settings: settings.clone(),
                    sleep: components.sleep_impl(),
                    inner: OnceLock::new(),
                })
            })
            .clone()
    }
    // No `validate_base_client_config`: the default one would build the connector (and load
    // the certificates) as each client is constructed.
}

#[derive(Debug)]
struct LazyConnector {
    settings: HttpConnectorSettings,
    sleep: Option<SharedAsyncSleep>,
    inner: OnceLock<SharedHttpConnector>,
}

impl HttpConnector for LazyConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let connector = self.inner.get_or_init(|| {
            let mut builder = Connector::builder().connector_settings(self.settings.clone());
            if let Some(sleep) = self.sleep.clone() {
                builder = builder.sleep_impl(sleep);
            }
            SharedHttpConnector::new(
                builder
                    .tls_provider(Provider::Rustls(CryptoMode::Ring))
                    .build(),
            )
        });
        connector.call(request)
    }
}
