//! The HTTPS client under every AWS SDK client, built on first use. The SDK's default builds
//! its TLS connector when each client is constructed, parsing the OS root certificates each
//! time: ~6 of a function's ~11 ms of init, also in functions that never call AWS
//! (docs/PERFORMANCE.md). This one hands the clients a connector that builds the real one
//! (the SDK's own: rustls with ring) on its first request, one per connector settings, as the
//! default caches them. It is the only HTTP client the SDK has: the SDK crates are built
//! without `default-https-client`, whose rustls with aws-lc would put a second crypto library
//! in every binary (docs/PERFORMANCE.md, "The size").
//!
//! It trusts the five roots of Amazon Trust Services, compiled in (`amazon_trust_roots.pem`),
//! not the OS store: these clients talk to AWS's endpoints only (the WebSocket API's
//! management endpoint, S3, SQS, SESv2, Secrets Manager, STS), which chain to those roots. The
//! OS store cost the first push of a cold start 4-6 ms here, reading and parsing ~150 roots
//! from a bundle and a directory (docs/PERFORMANCE.md), and trusted every CA on the host for
//! calls that need one.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use aws_smithy_async::rt::sleep::SharedAsyncSleep;
use aws_smithy_http_client::Connector;
use aws_smithy_http_client::tls::{Provider, TlsContext, TrustStore, rustls_provider::CryptoMode};
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
                    .tls_context(amazon_trust())
                    .build(),
            )
        });
        connector.call(request)
    }
}

/// Amazon Trust Services' roots (Amazon Root CA 1-4, Starfield Services Root Certificate
/// Authority - G2), the set https://www.amazontrust.com/repository recommends for a trust store
/// of one's own.
const AMAZON_TRUST_ROOTS: &[u8] = include_bytes!("amazon_trust_roots.pem");

fn amazon_trust() -> TlsContext {
    TlsContext::builder()
        .with_trust_store(TrustStore::empty().with_pem_certificate(AMAZON_TRUST_ROOTS))
        .build()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;

    use super::AMAZON_TRUST_ROOTS;

    /// The SHA-256 of each root's subject public key info, as
    /// https://www.amazontrust.com/repository publishes them.
    const PUBLISHED: [&str; 5] = [
        "fbe3018031f9586bcbf41727e417b7d1c45c2f47f93be372a17b96b50757d5a2",
        "7f4296fc5b6a4e3b35d3c369623e364ab1af381d8fa7121533c9d6c633ea2461",
        "36abc32656acfc645c61b71613c4bf21c787f5cabbee48348d58597803d7abc9",
        "f7ecded5c66047d28ed6466b543c40e0743abe81d109254dcf845d4c2c7853c5",
        "2b071c59a0a0ae76b0eadb2bad23bad4580b69c3601b630c2eaf0613afa83f92",
    ];

    /// The SDK's client loads these as this does and panics on one that does not parse
    /// (`aws_smithy_http_client`'s `rustls_root_certs`): all five must, and their keys must
    /// be the published ones.
    #[test]
    fn the_five_amazon_trust_roots_load_with_their_published_keys() {
        use sha2::Digest as _;
        let certs = CertificateDer::pem_slice_iter(AMAZON_TRUST_ROOTS)
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        assert_eq!(certs.len(), 5);
        let mut roots = rustls::RootCertStore::empty();
        for cert in certs {
            roots.add(cert).unwrap();
        }
        let keys: Vec<String> = roots
            .roots
            .iter()
            .map(|anchor| {
                // The anchor keeps the SPKI's contents; the published hash covers the whole
                // DER SEQUENCE.
                let body: &[u8] = anchor.subject_public_key_info.as_ref();
                let mut der = vec![0x30];
                match body.len() {
                    n if n < 0x80 => der.push(n as u8),
                    n if n < 0x100 => der.extend([0x81, n as u8]),
                    n => der.extend([0x82, (n >> 8) as u8, n as u8]),
                }
                der.extend_from_slice(body);
                sha2::Sha256::digest(&der)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect()
            })
            .collect();
        assert_eq!(keys, PUBLISHED);
    }
}
