//! API Gateway HTTP API (payload format 2.0): request parsing, authentication, error mapping.
//! The Lambda runtime, the local gateway and the tests all enter through [`dispatch`].

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use base64::Engine as _;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use super::{catch_panic, handler_panicked};
use crate::auth::{AuthUser, Signed};
use crate::contract::ErrorCode;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::repo::sessions;

/// Largest request body accepted; anything bigger is answered 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub type EndpointFuture = Pin<Box<dyn Future<Output = Result<HttpResponse, ApiError>> + Send>>;
/// A route's entry: takes the context and the parsed request, answers or fails.
pub type Endpoint = fn(Ctx, HttpRequest) -> EndpointFuture;

/// One REST route: the Lambda function that serves it and its method + path template, as in
/// API Gateway's route key (`POST /api/auth/register`, `GET /api/users/{id}`).
#[derive(Clone, Copy)]
pub struct HttpRoute {
    pub function: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub endpoint: Endpoint,
}

impl HttpRoute {
    pub fn route_key(&self) -> String {
        if self.path == "$default" {
            "$default".to_owned()
        } else {
            format!("{} {}", self.method, self.path)
        }
    }
}

impl std::fmt::Debug for HttpRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} -> {}", self.route_key(), self.function)
    }
}

/// A request as a handler sees it: decoded body, headers, path and query parameters.
#[derive(Debug)]
pub struct HttpRequest {
    pub headers: HeaderMap,
    /// The caller's address as API Gateway saw it (rate limits and the audit log).
    pub source_ip: Option<std::net::IpAddr>,
    pub path_params: HashMap<String, String>,
    pub raw_query: String,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn from_event(event: ApiGatewayV2httpRequest) -> Result<Self, ApiError> {
        let body = match event.body {
            None => Vec::new(),
            Some(b) if event.is_base64_encoded => base64::engine::general_purpose::STANDARD
                .decode(b.as_bytes())
                .map_err(|_| ApiError::invalid("request body is not valid base64"))?,
            Some(b) => b.into_bytes(),
        };
        if body.len() > MAX_BODY_BYTES {
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("request body is larger than {MAX_BODY_BYTES} bytes"),
            ));
        }
        let source_ip = event
            .request_context
            .http
            .source_ip
            .as_deref()
            .and_then(|ip| ip.parse().ok());
        Ok(Self {
            source_ip,
            headers: event.headers,
            path_params: event.path_parameters,
            raw_query: event.raw_query_string.unwrap_or_default(),
            body,
        })
    }

    /// The body as JSON of type `T`; a 400 naming the offending field otherwise.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::invalid("a JSON request body is required"));
        }
        crate::error::parse_json(&self.body, "request body", ErrorCode::InvalidRequest)
    }

    /// The query string as `T`; a 400 naming the offending parameter otherwise.
    pub fn query<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let de =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(self.raw_query.as_bytes()));
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." || path.is_empty() {
                ApiError::invalid(format!("invalid query string: {inner}"))
            } else {
                ApiError::invalid(format!("invalid query parameter `{path}`: {inner}"))
            }
        })
    }

    /// A path parameter parsed as `T`. A value that does not parse names no existing thing,
    /// so it answers `not_found` (a 404 code such as `chat_not_found`) rather than revealing
    /// anything.
    pub fn path<T: std::str::FromStr>(
        &self,
        name: &str,
        not_found: ErrorCode,
    ) -> Result<T, ApiError> {
        self.path_params
            .get(name)
            .and_then(|raw| raw.parse().ok())
            .ok_or_else(|| {
                let what = not_found
                    .as_str()
                    .trim_end_matches("_not_found")
                    .replace('_', " ");
                ApiError::new(not_found, format!("{what} not found"))
            })
    }

    /// The caller, from `Authorization: Bearer <access token>` of a live session.
    pub async fn auth(&self, ctx: &Ctx) -> Result<AuthUser, ApiError> {
        Ok(self.authenticate(ctx).await?.user)
    }

    /// The caller and their session. A well-signed token of a session that ended (logout,
    /// sign-out everywhere, reuse, reset, deletion) is refused at once: one primary-key
    /// lookup of `sessions` per request (`repo::sessions::is_live`).
    pub async fn authenticate(&self, ctx: &Ctx) -> Result<Signed, ApiError> {
        let signed = self.bearer(ctx)?;
        let db = ctx.db.get().await?;
        if sessions::is_live(&db, signed.session, signed.user.id).await? {
            Ok(signed)
        } else {
            Err(ApiError::unauthorized(
                "this session has ended; sign in again",
            ))
        }
    }

    fn bearer(&self, ctx: &Ctx) -> Result<Signed, ApiError> {
        let header = self
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| ApiError::unauthorized("an access token is required"))?;
        let (scheme, token) = header
            .trim()
            .split_once(' ')
            .ok_or_else(|| ApiError::unauthorized("expected `Authorization: Bearer <token>`"))?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(ApiError::unauthorized(
                "expected `Authorization: Bearer <token>`",
            ));
        }
        ctx.tokens.verify(token.trim())
    }
}

/// What a handler answers.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<String>,
}

impl HttpResponse {
    pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<Self, ApiError> {
        let body = serde_json::to_string(value).map_err(|e| ApiError::Internal(e.into()))?;
        Ok(Self {
            status,
            headers: vec![(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            body: Some(body),
        })
    }

    pub fn ok<T: Serialize>(value: &T) -> Result<Self, ApiError> {
        Self::json(StatusCode::OK, value)
    }

    pub fn created<T: Serialize>(value: &T) -> Result<Self, ApiError> {
        Self::json(StatusCode::CREATED, value)
    }

    /// A small HTML page (for links people follow from e-mails); it loads nothing else.
    pub fn html(status: StatusCode, page: String) -> Self {
        Self {
            status,
            headers: vec![
                (
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (
                    HeaderName::from_static("content-security-policy"),
                    HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
                ),
            ],
            body: Some(page),
        }
    }

    /// 202 with no body: the request was taken (e.g. a mail is on its way).
    pub fn accepted() -> Self {
        Self {
            status: StatusCode::ACCEPTED,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn no_content() -> Self {
        Self {
            status: StatusCode::NO_CONTENT,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn from_error(err: &ApiError) -> Self {
        let body = serde_json::to_string(&err.body())
            .unwrap_or_else(|_| r#"{"error":"internal_error","message":"internal error"}"#.into());
        let mut headers = vec![(CONTENT_TYPE, HeaderValue::from_static("application/json"))];
        if err.status() == StatusCode::UNAUTHORIZED {
            headers.push((WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        if let Some(secs) = err.retry_after() {
            headers.push((RETRY_AFTER, HeaderValue::from(secs)));
        }
        Self {
            status: err.status(),
            headers,
            body: Some(body),
        }
    }

    pub fn into_event(self) -> ApiGatewayV2httpResponse {
        let mut out = ApiGatewayV2httpResponse::default();
        out.status_code = i64::from(self.status.as_u16());
        for (name, value) in self.headers {
            out.headers.insert(name, value);
        }
        out.headers.insert(
            HeaderName::from_static("cache-control"),
            HeaderValue::from_static("no-store"),
        );
        // Every answer is JSON (or a page of ours): never to be sniffed as something else.
        out.headers.insert(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        );
        out.body = self.body.map(Body::Text);
        out.is_base64_encoded = false;
        out
    }
}

/// Runs one request through a route: parse, call the endpoint, map errors, log once. A panic
/// inside a handler becomes a 500 instead of killing the process.
pub async fn dispatch(
    ctx: &Ctx,
    route: &HttpRoute,
    event: ApiGatewayV2httpRequest,
) -> ApiGatewayV2httpResponse {
    let request_id = event.request_context.request_id.clone().unwrap_or_default();
    let span = tracing::info_span!("http", function = route.function, request_id = %request_id);
    async move {
        let started = std::time::Instant::now();
        let result = match HttpRequest::from_event(event) {
            Ok(req) => {
                let ip = req.source_ip;
                let handled = catch_panic((route.endpoint)(ctx.clone(), req), handler_panicked);
                crate::service::audit::with_source_ip(ip, handled).await
            }
            Err(e) => Err(e),
        };
        let response = match result {
            Ok(resp) => resp,
            Err(err) => {
                if err.is_server_error() {
                    tracing::error!(error = %err.detail(), code = %err.code(), "request failed");
                } else {
                    tracing::info!(
                        code = %err.code(),
                        status = err.status().as_u16(),
                        "request refused"
                    );
                }
                HttpResponse::from_error(&err)
            }
        };
        tracing::info!(
            status = response.status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "request done"
        );
        response.into_event()
    }
    .instrument(span)
    .await
}
