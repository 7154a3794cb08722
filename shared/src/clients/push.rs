//! Pushing to WebSocket clients through the API Gateway management API (PostToConnection).
//! Built once per cold start; the endpoint comes from config (in AWS the WebSocket stage's
//! URL, locally the gateway).

use std::time::Duration;

use aws_sdk_apigatewaymanagement::Client;
use aws_sdk_apigatewaymanagement::primitives::Blob;
use futures::stream::{self, StreamExt as _};

use crate::config::Config;

/// What became of one push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    /// The connection no longer exists (410 GoneException): its row must go.
    Gone,
    /// Anything else: logged; the client catches up after reconnecting.
    Failed(String),
}

/// The management API client's configuration. No SDK retries: a push is best effort under a
/// timeout of our own; retrying would hold the writer's request while the message is already
/// stored, and a client heals a push it missed (the next seq shows the gap). No stalled-stream
/// protection either: bodies are small and in memory. Both cost CPU on every call.
fn builder(
    sdk: &aws_config::SdkConfig,
    endpoint: &str,
) -> aws_sdk_apigatewaymanagement::config::Builder {
    aws_sdk_apigatewaymanagement::config::Builder::from(sdk)
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_apigatewaymanagement::config::retry::RetryConfig::disabled())
        .stalled_stream_protection(
            aws_sdk_apigatewaymanagement::config::StalledStreamProtectionConfig::disabled(),
        )
}

#[derive(Clone)]
pub struct Pusher {
    client: Option<Client>,
    timeout: Duration,
    concurrency: usize,
}

impl std::fmt::Debug for Pusher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pusher")
            .field("enabled", &self.client.is_some())
            .finish()
    }
}

impl Pusher {
    /// From the environment's AWS configuration (region, credentials of the function's role).
    pub fn from_shared(shared: &aws_config::SdkConfig, config: &Config) -> Self {
        let client = match &config.ws_management_endpoint {
            Some(endpoint) => {
                let conf = builder(shared, endpoint).build();
                Some(Client::from_conf(conf))
            }
            None => None,
        };
        Self {
            client,
            timeout: config.push_timeout,
            concurrency: config.push_concurrency.max(1),
        }
    }

    /// A pusher for `endpoint` whose requests go through `http` instead of the SDK's own HTTPS
    /// client (the local gateway answers them inside its own process). Same signing, same
    /// answers, same errors.
    pub fn with_http_client(
        endpoint: &str,
        config: &Config,
        sdk: &aws_config::SdkConfig,
        http: aws_sdk_apigatewaymanagement::config::SharedHttpClient,
    ) -> Self {
        let conf = builder(sdk, endpoint).http_client(http).build();
        Self {
            client: Some(Client::from_conf(conf)),
            timeout: config.push_timeout,
            concurrency: config.push_concurrency.max(1),
        }
    }

    /// A pusher for a local endpoint with fixed credentials (the local gateway ignores them).
    pub fn local(endpoint: &str, config: &Config) -> Self {
        Self {
            client: Some(Client::from_conf(
                builder(&super::local_sdk_config(endpoint), endpoint).build(),
            )),
            timeout: config.push_timeout,
            concurrency: config.push_concurrency.max(1),
        }
    }

    pub fn disabled() -> Self {
        Self {
            client: None,
            timeout: Duration::from_secs(1),
            concurrency: 1,
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.client.is_some()
    }

    /// One PostToConnection, bounded by the timeout.
    pub async fn post(&self, connection_id: &str, data: &[u8]) -> Delivery {
        let Some(client) = &self.client else {
            return Delivery::Failed("pushing is not configured".into());
        };
        let call = client
            .post_to_connection()
            .connection_id(connection_id)
            .data(Blob::new(data))
            .send();
        match tokio::time::timeout(self.timeout, call).await {
            Err(_) => Delivery::Failed("timed out".into()),
            Ok(Ok(_)) => Delivery::Delivered,
            Ok(Err(err)) => {
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_gone_exception())
                {
                    Delivery::Gone
                } else {
                    Delivery::Failed(
                        aws_sdk_apigatewaymanagement::error::DisplayErrorContext(err).to_string(),
                    )
                }
            }
        }
    }

    /// Closes a connection (DeleteConnection): API Gateway sends the client a close frame and
    /// drops the socket. Gone counts as closed.
    pub async fn close(&self, connection_id: &str) -> Delivery {
        let Some(client) = &self.client else {
            return Delivery::Failed("pushing is not configured".into());
        };
        let call = client
            .delete_connection()
            .connection_id(connection_id)
            .send();
        match tokio::time::timeout(self.timeout, call).await {
            Err(_) => Delivery::Failed("timed out".into()),
            Ok(Ok(_)) => Delivery::Delivered,
            Ok(Err(err))
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_gone_exception()) =>
            {
                Delivery::Gone
            }
            Ok(Err(err)) => Delivery::Failed(
                aws_sdk_apigatewaymanagement::error::DisplayErrorContext(err).to_string(),
            ),
        }
    }

    /// Whether API Gateway still knows the connection (GetConnection). `None` when it could
    /// not tell (an error other than Gone).
    pub async fn is_connected(&self, connection_id: &str) -> Option<bool> {
        let client = self.client.as_ref()?;
        let call = client.get_connection().connection_id(connection_id).send();
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(_)) => Some(true),
            Ok(Err(err))
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_gone_exception()) =>
            {
                Some(false)
            }
            _ => None,
        }
    }

    /// Sends `data` to every target (a connection id, or something naming one) concurrently
    /// (bounded), returning each outcome.
    pub async fn post_all<T: AsRef<str>>(
        &self,
        targets: Vec<T>,
        data: &[u8],
    ) -> Vec<(T, Delivery)> {
        if self.client.is_none() || targets.is_empty() {
            return Vec::new();
        }
        stream::iter(targets)
            .map(|t| async move {
                let d = self.post(t.as_ref(), data).await;
                (t, d)
            })
            .buffer_unordered(self.concurrency)
            .collect()
            .await
    }
}
