//! API Gateway's management API for the WebSocket connections the gateway holds:
//! PostToConnection (`POST /@connections/{id}`), GetConnection (`GET`) and DeleteConnection
//! (`DELETE`), optionally under a stage prefix, with API Gateway's answers (410 and
//! `x-amzn-ErrorType: GoneException` for an unknown id, without which the SDK cannot tell it
//! is Gone; 413 over 128 KB; 429 when a socket does not drain).
//!
//! Two ways in, one implementation ([`Management::answer`]): over HTTP (the routes below,
//! which function binaries and anything outside the process use), and [`InProcess`], an HTTP
//! connector for `aws-sdk-apigatewaymanagement` that hands the SDK's signed request straight to
//! the same implementation when the functions run inside the gateway. The SDK does all it does
//! in AWS (build, sign, send, parse the answer and its error type); only the loopback TCP and
//! HTTP framing in between are left out.

use std::sync::Arc;
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::ws_api::{Limits, Outbound, Registry};

/// How long a push may wait for a socket's queue before API Gateway's 429.
const SEND_WAIT: Duration = Duration::from_secs(5);

/// An answer of the management API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// `x-amzn-ErrorType`, for errors.
    pub error_type: Option<&'static str>,
    pub body: String,
}

impl Answer {
    fn status(status: u16) -> Self {
        Self {
            status,
            error_type: None,
            body: String::new(),
        }
    }

    fn error(status: u16, error_type: &'static str, message: &str) -> Self {
        Self {
            status,
            error_type: Some(error_type),
            body: serde_json::json!({ "message": message }).to_string(),
        }
    }

    fn gone() -> Self {
        Self {
            status: 410,
            error_type: Some("GoneException"),
            body: r#"{"message":null}"#.to_owned(),
        }
    }
}

/// The management API over the gateway's open connections.
#[derive(Clone)]
pub struct Management {
    pub registry: Arc<Registry>,
    pub limits: Limits,
}

impl std::fmt::Debug for Management {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Management")
            .field("connections", &self.registry.len())
            .finish()
    }
}

impl Management {
    /// Answers one call: `method` on the connection `id` (already percent-decoded).
    pub async fn answer(&self, method: &Method, id: &str, body: Bytes) -> Answer {
        match *method {
            Method::POST => self.post(id, body).await,
            Method::GET => match self.registry.describe(id) {
                Some(info) => Answer {
                    status: 200,
                    error_type: None,
                    body: info.to_string(),
                },
                None => Answer::gone(),
            },
            Method::DELETE => match self.registry.sender(id) {
                Some(tx) => {
                    let _ = tx.send(Outbound::Close).await;
                    Answer::status(204)
                }
                None => Answer::gone(),
            },
            _ => Answer::error(405, "MethodNotAllowedException", "method not allowed"),
        }
    }

    async fn post(&self, id: &str, body: Bytes) -> Answer {
        if body.len() > self.limits.max_message {
            return Answer::error(413, "PayloadTooLargeException", "Message too long");
        }
        let Some(tx) = self.registry.sender(id) else {
            return Answer::gone();
        };
        let text = match String::from_utf8(body.to_vec()) {
            Ok(t) => t,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        match tokio::time::timeout(SEND_WAIT, tx.send(Outbound::Text(text))).await {
            Ok(Ok(())) => Answer::status(200),
            Ok(Err(_)) => Answer::gone(),
            Err(_) => Answer::error(429, "LimitExceededException", "Rate exceeded"),
        }
    }
}

/// The connection id of a management path: `/@connections/{id}` or
/// `/{stage}/@connections/{id}`, percent-decoded as API Gateway does.
fn connection_of(path: &str) -> Option<String> {
    let (_, encoded) = path.split_once("/@connections/")?;
    let decoded = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .ok()?;
    (!decoded.is_empty() && !decoded.contains('/')).then(|| decoded.into_owned())
}

fn into_response(answer: Answer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, answer.body).into_response();
    let headers = response.headers_mut();
    if let Some(kind) = answer.error_type {
        headers.insert(
            "x-amzn-errortype",
            axum::http::HeaderValue::from_static(kind),
        );
        headers.insert(
            "content-type",
            axum::http::HeaderValue::from_static("application/json"),
        );
    } else if answer.status == 200 {
        headers.insert(
            "content-type",
            axum::http::HeaderValue::from_static("application/json"),
        );
    }
    response
}

/// `/@connections/{id}`, every method.
pub async fn route(
    State(m): State<Management>,
    method: Method,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    into_response(m.answer(&method, &id, body).await)
}

/// `/{stage}/@connections/{id}`, every method.
pub async fn route_staged(
    State(m): State<Management>,
    method: Method,
    Path((_stage, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    into_response(m.answer(&method, &id, body).await)
}

/// An HTTP client for `aws-sdk-apigatewaymanagement` that answers inside this process.
#[derive(Debug, Clone)]
pub struct InProcess(pub Management);

impl InProcess {
    pub fn client(management: Management) -> SharedHttpClient {
        SharedHttpClient::new(Self(management))
    }
}

impl HttpClient for InProcess {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

impl HttpConnector for InProcess {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let management = self.0.clone();
        HttpConnectorFuture::new(async move {
            let method = Method::from_bytes(request.method().as_bytes())
                .map_err(|e| ConnectorError::other(e.into(), None))?;
            let path = request.uri().split('?').next().unwrap_or("").to_owned();
            let body = Bytes::copy_from_slice(request.body().bytes().unwrap_or_default());
            let answer = match connection_of(&path) {
                Some(id) => management.answer(&method, &id, body).await,
                None => Answer::error(404, "NotFoundException", "no such resource"),
            };
            let mut builder = http::Response::builder().status(answer.status);
            if let Some(kind) = answer.error_type {
                builder = builder
                    .header("x-amzn-errortype", kind)
                    .header("content-type", "application/json");
            }
            let response = builder
                .body(SdkBody::from(answer.body))
                .map_err(|e| ConnectorError::other(e.into(), None))?;
            aws_smithy_runtime_api::http::Response::try_from(response)
                .map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn management_paths_name_their_connection_percent_decoded() {
        assert_eq!(
            connection_of("/@connections/abc%3D").as_deref(),
            Some("abc=")
        );
        assert_eq!(
            connection_of("/prod/@connections/x_y-z").as_deref(),
            Some("x_y-z")
        );
        assert_eq!(connection_of("/@connections/"), None);
        assert_eq!(connection_of("/elsewhere"), None);
    }
}
