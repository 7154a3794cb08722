//! API Gateway WebSocket API events. Each WebSocket route (`$connect`, `$disconnect`,
//! `send_message`, ...) is a function; this adapter turns its event into a [`WsRequest`] and
//! the handler's outcome into the status API Gateway expects (for `$connect`, a non-2xx
//! refuses the connection). Replies to the caller and pushes to others go through the
//! management API, not through this return value.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use aws_lambda_events::encodings::Body;
use tracing::Instrument as _;

use super::{catch_panic, handler_panicked};
use crate::contract::{ErrorCode, ServerEvent};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::service::realtime;

/// A WebSocket event as a handler sees it.
#[derive(Debug, Clone)]
pub struct WsRequest {
    pub connection_id: String,
    pub route_key: String,
    pub query: HashMap<String, String>,
    pub body: Option<String>,
    /// The client's address as API Gateway saw it (the audit log).
    pub source_ip: Option<std::net::IpAddr>,
}

impl WsRequest {
    /// The frame as JSON of type `T`; a 400 naming the offending field otherwise.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, ApiError> {
        let body = self.body.as_deref().unwrap_or("");
        crate::error::parse_json(body.as_bytes(), "frame", ErrorCode::InvalidJson)
    }

    /// The frame's `client_message_id`, if it has a valid one (echoed in error events).
    pub fn client_message_id(&self) -> Option<uuid::Uuid> {
        let v: serde_json::Value = serde_json::from_str(self.body.as_deref()?).ok()?;
        v.get("client_message_id")?.as_str()?.parse().ok()
    }

    pub fn from_event(event: ApiGatewayWebsocketProxyRequest) -> Result<Self, ApiError> {
        let ctx = event.request_context;
        let connection_id = ctx
            .connection_id
            .ok_or_else(|| ApiError::invalid("the event carries no connection id"))?;
        let query = event
            .query_string_parameters
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let source_ip = ctx
            .identity
            .source_ip
            .as_deref()
            .and_then(|ip| ip.parse().ok());
        Ok(Self {
            connection_id,
            source_ip,
            route_key: ctx.route_key.unwrap_or_default(),
            query,
            body: event.body,
        })
    }
}

pub type WsFuture = Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send>>;
pub type WsEndpoint = fn(Ctx, WsRequest) -> WsFuture;

/// One WebSocket route: its route key (`$connect`, `send_message`, ...) and its function.
#[derive(Clone, Copy)]
pub struct WsRoute {
    pub function: &'static str,
    pub route_key: &'static str,
    pub endpoint: WsEndpoint,
}

impl std::fmt::Debug for WsRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} -> {}", self.route_key, self.function)
    }
}

/// Runs one WebSocket event through its route. Errors become a status code (which only
/// matters for `$connect`) and are logged once.
pub async fn dispatch(
    ctx: &Ctx,
    route: &WsRoute,
    event: ApiGatewayWebsocketProxyRequest,
) -> ApiGatewayProxyResponse {
    let span = tracing::info_span!(
        "ws",
        function = route.function,
        connection_id = event.request_context.connection_id.as_deref().unwrap_or(""),
    );
    async move {
        let mut reply_to = None;
        let result = match WsRequest::from_event(event) {
            Ok(req) => {
                reply_to = Some((req.connection_id.clone(), req.client_message_id()));
                let ip = req.source_ip;
                let handled = catch_panic((route.endpoint)(ctx.clone(), req), handler_panicked);
                crate::service::audit::with_source_ip(ip, handled).await
            }
            Err(e) => Err(e),
        };
        let mut out = ApiGatewayProxyResponse::default();
        out.status_code = 200;
        if let Err(err) = result {
            if err.is_server_error() {
                tracing::error!(error = %err.detail(), code = %err.code(), "ws event failed");
            } else {
                tracing::info!(code = %err.code(), "ws event refused");
            }
            match route.route_key {
                // API Gateway refuses the connection when $connect answers non-2xx.
                "$connect" => {
                    out.status_code = i64::from(err.status().as_u16());
                    out.body = serde_json::to_string(&err.body()).ok().map(Body::Text);
                }
                "$disconnect" => {}
                // Any other route: the error goes to the connection as an event; the socket
                // stays open.
                _ => {
                    if let Some((connection_id, client_message_id)) = reply_to {
                        let body = err.body();
                        let event = ServerEvent::Error {
                            code: body.error,
                            message: body.message,
                            client_message_id,
                            retry_after: body.retry_after,
                        };
                        realtime::reply(ctx, &connection_id, &event).await;
                    }
                }
            }
        }
        out
    }
    .instrument(span)
    .await
}
