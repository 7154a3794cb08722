//! API Gateway WebSocket API emulation: `/ws` sockets with connection ids, `$connect` before
//! the upgrade (a non-2xx answer refuses it), every text frame routed on its `action` (else
//! `$default`), `$disconnect` when the socket ends. The management API that pushes to these
//! sockets is in `management`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use aws_lambda_events::encodings::Body as EventBody;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use chrono::Utc;
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt as _, StreamExt as _};
use rand::RngCore as _;
use serde_json::{Map, Value, json};
use shared::Ctx;
use shared::adapter::ws::WsRoute;
use shared::routes;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Notify, mpsc};

/// API Gateway's limits, with its defaults.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Frames larger than this are refused (API Gateway: 32 KB).
    pub max_frame: usize,
    /// Messages larger than this are refused (API Gateway: 128 KB).
    pub max_message: usize,
    /// A socket with no frame for this long is closed (API Gateway: 10 minutes).
    pub idle_timeout: Duration,
    /// Every socket is closed after this long (API Gateway: 2 hours).
    pub max_lifetime: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_frame: 32 * 1024,
            max_message: 128 * 1024,
            idle_timeout: Duration::from_secs(600),
            max_lifetime: Duration::from_secs(7200),
        }
    }
}

pub(crate) enum Outbound {
    Text(String),
    /// DeleteConnection: a close frame without a status, as API Gateway sends.
    Close,
    /// The gateway is stopping: close frame 1001 (going away), so clients reconnect at once
    /// instead of seeing an abnormal closure (1006).
    GoingAway,
}

struct Conn {
    tx: mpsc::Sender<Outbound>,
    connected_at: chrono::DateTime<Utc>,
    last_active: chrono::DateTime<Utc>,
    source_ip: String,
    user_agent: String,
}

/// The open connections, by id.
#[derive(Default)]
pub struct Registry {
    conns: Mutex<HashMap<String, Conn>>,
    /// Sockets whose task has not yet finished (their `$disconnect` included).
    running: AtomicUsize,
    /// Woken when a socket's task finishes.
    finished: Notify,
}

impl Registry {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<String, Conn>) -> R) -> R {
        let mut guard = match self.conns.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    pub fn len(&self) -> usize {
        self.with(|c| c.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn sender(&self, id: &str) -> Option<mpsc::Sender<Outbound>> {
        self.with(|c| c.get(id).map(|conn| conn.tx.clone()))
    }

    /// What GetConnection tells of a connection.
    pub(crate) fn describe(&self, id: &str) -> Option<Value> {
        self.with(|c| {
            c.get(id).map(|conn| {
                json!({
                    "connectedAt": conn.connected_at.to_rfc3339(),
                    "identity": {"sourceIp": conn.source_ip, "userAgent": conn.user_agent},
                    "lastActiveAt": conn.last_active.to_rfc3339(),
                })
            })
        })
    }

    /// Sends every open socket a 1001 close frame and waits, at most `within`, until each has
    /// ended and run its `$disconnect` (its connection row is gone), as API Gateway does for a
    /// deployment going away. The gateway's shutdown.
    pub async fn go_away(&self, within: Duration) {
        let senders: Vec<_> = self.with(|c| c.values().map(|conn| conn.tx.clone()).collect());
        for tx in senders {
            let _ = tx.try_send(Outbound::GoingAway);
        }
        let all_ended = async {
            loop {
                let finished = self.finished.notified();
                tokio::pin!(finished);
                finished.as_mut().enable();
                if self.running.load(Ordering::Acquire) == 0 {
                    return;
                }
                finished.await;
            }
        };
        if tokio::time::timeout(within, all_ended).await.is_err() {
            tracing::warn!(
                sockets = self.running.load(Ordering::Acquire),
                "sockets still open at shutdown"
            );
        }
    }

    fn touch(&self, id: &str) {
        self.with(|c| {
            if let Some(conn) = c.get_mut(id) {
                conn.last_active = Utc::now();
            }
        });
    }
}

#[derive(Clone)]
pub struct WsState {
    pub ctx: Ctx,
    pub registry: Arc<Registry>,
    pub limits: Limits,
    pub functions: crate::functions::Functions,
}

/// Connection ids look like API Gateway's: base64 with `=`, which the SDK percent-encodes.
fn new_connection_id() -> String {
    let mut bytes = [0u8; 10];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE.encode(bytes)
}

fn headers_json(headers: &HeaderMap) -> (Value, Value) {
    let mut single = Map::new();
    let mut multi: Map<String, Value> = Map::new();
    for (name, value) in headers {
        let v = String::from_utf8_lossy(value.as_bytes()).into_owned();
        single.insert(name.as_str().to_owned(), Value::String(v.clone()));
        push_value(&mut multi, name.as_str(), v);
    }
    (Value::Object(single), Value::Object(multi))
}

/// Adds `value` to the list under `key`, as the `multiValue...` fields of WebSocket events
/// carry repeated headers and query parameters.
fn push_value(map: &mut Map<String, Value>, key: &str, value: String) {
    match map.get_mut(key) {
        Some(Value::Array(list)) => list.push(Value::String(value)),
        _ => {
            map.insert(key.to_owned(), json!([value]));
        }
    }
}

struct EventParts<'a> {
    route_key: &'a str,
    event_type: &'a str,
    connection_id: &'a str,
    connected_at: i64,
    source_ip: &'a str,
    user_agent: &'a str,
}

/// Builds an event as API Gateway serialises it and deserialises it with the Lambda types.
fn event(parts: &EventParts<'_>, extra: Value) -> anyhow::Result<ApiGatewayWebsocketProxyRequest> {
    let now = Utc::now();
    let mut context = json!({
        "routeKey": parts.route_key,
        "eventType": parts.event_type,
        "extendedRequestId": uuid::Uuid::new_v4().to_string(),
        "requestTime": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
        "messageDirection": "IN",
        "stage": "local",
        "connectedAt": parts.connected_at,
        "requestTimeEpoch": now.timestamp_millis(),
        "identity": {"sourceIp": parts.source_ip, "userAgent": parts.user_agent},
        "requestId": uuid::Uuid::new_v4().to_string(),
        "domainName": "127.0.0.1",
        "connectionId": parts.connection_id,
        "apiId": "local",
    });
    let mut event = json!({ "isBase64Encoded": false });
    if let (Some(e), Value::Object(x)) = (event.as_object_mut(), extra) {
        for (k, v) in x {
            if k == "requestContext" {
                if let (Some(c), Value::Object(more)) = (context.as_object_mut(), v) {
                    c.extend(more);
                }
            } else {
                e.insert(k, v);
            }
        }
    }
    if let Some(e) = event.as_object_mut() {
        e.insert("requestContext".into(), context);
    }
    Ok(serde_json::from_value(event)?)
}

/// Runs a route's function. Boxed: a route's future is tens of KB (the handlers' futures and
/// the event inside it), and unboxed it would be part of every socket's task, held for the
/// socket's whole life however idle (36 KB of each socket's 55 KB; docs/PERFORMANCE.md).
fn run_route<'a>(
    state: &'a WsState,
    route: &'a WsRoute,
    event: ApiGatewayWebsocketProxyRequest,
) -> futures::future::BoxFuture<'a, (i64, String)> {
    Box::pin(async move {
        let out = state.functions.ws(&state.ctx, route, event).await;
        let body = match out.body {
            Some(EventBody::Text(t)) => t,
            _ => String::new(),
        };
        (out.status_code, body)
    })
}

/// `GET /ws`: runs `$connect`, then upgrades (or refuses with `$connect`'s status).
pub async fn upgrade(
    State(state): State<WsState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let connection_id = new_connection_id();
    let connected_at = Utc::now();
    let user_agent = headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let source_ip = peer.ip().to_string();
    // Registered before $connect runs, so pushes to it during $connect are queued, not Gone.
    let (tx, rx) = mpsc::channel(256);
    state.registry.with(|c| {
        c.insert(
            connection_id.clone(),
            Conn {
                tx,
                connected_at,
                last_active: connected_at,
                source_ip: source_ip.clone(),
                user_agent: user_agent.clone(),
            },
        )
    });

    let mut query_map = Map::new();
    let mut multi_query: Map<String, Value> = Map::new();
    for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        query_map.insert(k.to_string(), Value::String(v.to_string()));
        push_value(&mut multi_query, &k, v.into_owned());
    }
    let (single, multi) = headers_json(&headers);
    let parts = EventParts {
        route_key: "$connect",
        event_type: "CONNECT",
        connection_id: &connection_id,
        connected_at: connected_at.timestamp_millis(),
        source_ip: &source_ip,
        user_agent: &user_agent,
    };
    let extra = json!({
        "headers": single,
        "multiValueHeaders": multi,
        "queryStringParameters": if query_map.is_empty() { Value::Null } else { Value::Object(query_map) },
        "multiValueQueryStringParameters": if multi_query.is_empty() { Value::Null } else { Value::Object(multi_query) },
    });
    let (status, body) = match event(&parts, extra) {
        Ok(ev) => run_route(&state, &routes::WS_CONNECT, ev).await,
        Err(e) => {
            tracing::error!(error = %e, "could not build the $connect event");
            (500, String::new())
        }
    };
    if !(200..300).contains(&status) {
        state.registry.with(|c| c.remove(&connection_id));
        let status = u16::try_from(status)
            .ok()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, [("content-type", "application/json")], body).into_response();
    }

    let limits = state.limits;
    let failed_state = state.clone();
    let failed_id = connection_id.clone();
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_write_buffer_size(256 * 1024)
        .max_frame_size(limits.max_frame)
        .max_message_size(limits.max_message)
        .on_failed_upgrade(move |_| {
            failed_state.registry.with(|c| c.remove(&failed_id));
        })
        .on_upgrade(move |socket| {
            // Split here, so the socket's task holds its two halves (the socket itself lives
            // once, behind them), not a copy of the socket in its first state.
            let (sink, stream) = socket.split();
            tracked(
                state.registry.clone(),
                run_socket(
                    state,
                    connection_id,
                    connected_at.timestamp_millis(),
                    source_ip,
                    user_agent,
                    (sink, stream),
                    rx,
                ),
            )
        })
}

/// Counts `socket` among the running sockets until it has ended (`Registry::go_away` waits).
async fn tracked(registry: Arc<Registry>, socket: impl std::future::Future<Output = ()>) {
    registry.running.fetch_add(1, Ordering::AcqRel);
    socket.await;
    registry.running.fetch_sub(1, Ordering::AcqRel);
    registry.finished.notify_waiters();
}

#[allow(clippy::too_many_arguments)]
async fn run_socket(
    state: WsState,
    connection_id: String,
    connected_at: i64,
    source_ip: String,
    user_agent: String,
    (mut sink, mut stream): (SplitSink<WebSocket, Message>, SplitStream<WebSocket>),
    mut rx: mpsc::Receiver<Outbound>,
) {
    let writer = tokio::spawn(async move {
        while let Some(out) = rx.recv().await {
            match out {
                Outbound::Text(t) => {
                    if sink.send(Message::Text(t.into())).await.is_err() {
                        break;
                    }
                }
                Outbound::Close => {
                    let _ = sink.send(Message::Close(None)).await;
                    break;
                }
                Outbound::GoingAway => {
                    let frame = CloseFrame {
                        code: close_code::AWAY,
                        reason: "going away".into(),
                    };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                    break;
                }
            }
        }
        let _ = sink.close().await;
    });

    let deadline = tokio::time::Instant::now() + state.limits.max_lifetime;
    let (mut close_code, mut reason) = (1005_i64, "Client-side close frame status not set");
    loop {
        let next = tokio::time::timeout_at(
            deadline.min(tokio::time::Instant::now() + state.limits.idle_timeout),
            stream.next(),
        )
        .await;
        let frame = match next {
            Err(_) => {
                (close_code, reason) = (1001, "Going away");
                break;
            }
            Ok(None) => {
                (close_code, reason) = (1006, "Connection closed abnormally");
                break;
            }
            Ok(Some(Err(e))) => {
                tracing::debug!(error = %e, "socket error");
                (close_code, reason) = (1009, "Frame too big or protocol error");
                break;
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let text = match frame {
            Message::Text(t) => t.to_string(),
            Message::Binary(b) => String::from_utf8_lossy(&b).into_owned(),
            Message::Close(c) => {
                if let Some(c) = c {
                    close_code = i64::from(c.code);
                    reason = "Client-side close frame";
                }
                break;
            }
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        state.registry.touch(&connection_id);
        let route = routes::match_ws(&text);
        let parts = EventParts {
            route_key: route.route_key,
            event_type: "MESSAGE",
            connection_id: &connection_id,
            connected_at,
            source_ip: &source_ip,
            user_agent: &user_agent,
        };
        let extra = json!({
            "body": text,
            "requestContext": {"messageId": uuid::Uuid::new_v4().to_string()},
        });
        match event(&parts, extra) {
            Ok(ev) => {
                run_route(&state, &route, ev).await;
            }
            Err(e) => tracing::error!(error = %e, "could not build a message event"),
        }
    }

    let sender = state
        .registry
        .with(|c| c.remove(&connection_id).map(|c| c.tx));
    if let Some(tx) = sender {
        let _ = tx.try_send(Outbound::Close);
    }
    writer.abort();
    let parts = EventParts {
        route_key: "$disconnect",
        event_type: "DISCONNECT",
        connection_id: &connection_id,
        connected_at,
        source_ip: &source_ip,
        user_agent: &user_agent,
    };
    let extra = json!({
        "requestContext": {"disconnectStatusCode": close_code, "disconnectReason": reason},
    });
    match event(&parts, extra) {
        Ok(ev) => {
            run_route(&state, &routes::WS_DISCONNECT, ev).await;
        }
        Err(e) => tracing::error!(error = %e, "could not build the $disconnect event"),
    }
}
