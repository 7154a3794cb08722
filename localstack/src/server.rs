//! The gateway's HTTP server (axum): `/api/*` to the functions, the built SPA at `/` (any
//! other path falls back to its `index.html`, so client-side routes survive a reload).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::apigw::ApiGatewayV2httpResponse;
use aws_lambda_events::encodings::Body as EventBody;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Extension, Router};
use shared::Ctx;
use tower_http::services::{ServeDir, ServeFile};

use crate::functions::Functions;
use crate::http_api::{Incoming, invoke_with};
use crate::management::{self, InProcess, Management};
use crate::ws_api;

fn management(options: &Options) -> Management {
    Management {
        registry: options.registry.clone(),
        limits: options.ws_limits,
    }
}

/// How often the gateway deletes the outbox rows its functions finished announcing.
const OUTBOX_FLUSH_EVERY: Duration = Duration::from_millis(20);

/// API Gateway refuses payloads over 10 MB itself; the functions apply their own, smaller limit.
pub const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

/// Where the gateway finds things besides the functions, and how it behaves.
#[derive(Clone, Default)]
pub struct Options {
    /// The built SPA (`web/dist`); without it `/` explains how to build it.
    pub web_dist: Option<PathBuf>,
    /// API Gateway's WebSocket limits.
    pub ws_limits: ws_api::Limits,
    /// Run every scheduled function of the function table on its local interval (as their
    /// EventBridge rules do in AWS).
    pub run_schedules: bool,
    /// The open WebSocket connections (shared so tests can look).
    pub registry: Arc<ws_api::Registry>,
    /// Poll the configured SQS queues and run their workers (Lambda's event source mappings).
    pub poll_queues: bool,
    /// The functions inside this process push through the management API without leaving
    /// it (`management::InProcess`); otherwise over HTTP to its routes. (Function binaries,
    /// in their own processes, always push over HTTP.)
    pub in_process_pushes: bool,
    /// The handlers in this process (default) or the function binaries.
    pub functions: Functions,
}

pub fn router(ctx: Ctx, options: &Options) -> Router {
    let ctx_config = ctx.config.clone();
    let ws_state = ws_api::WsState {
        ctx: ctx.clone(),
        registry: options.registry.clone(),
        limits: options.ws_limits,
        functions: options.functions.clone(),
    };
    let ws_routes = Router::new()
        .route("/ws", get(ws_api::upgrade))
        .with_state(ws_state);
    let management_routes = Router::new()
        .route("/@connections/{id}", any(management::route))
        .route("/{stage}/@connections/{id}", any(management::route_staged))
        .with_state(management(options));
    let api_routes = Router::new()
        .route("/api", axum::routing::any(api))
        .route("/api/{*rest}", axum::routing::any(api))
        .route("/_dev/mail", get(crate::mail_page::page))
        .layer(Extension(options.functions.clone()))
        .with_state(ctx)
        .merge(ws_routes)
        .merge(management_routes);
    match &options.web_dist {
        Some(dir) if dir.join("index.html").is_file() => {
            let csp = crate::spa_headers::content_security_policy(
                &ctx_config.app_url,
                ctx_config.aws_endpoint_url.as_deref(),
            );
            let csp = axum::http::HeaderValue::from_str(&csp)
                .unwrap_or_else(|_| axum::http::HeaderValue::from_static("default-src 'self'"));
            let spa = Router::new()
                .fallback_service(
                    ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html"))),
                )
                .layer(axum::middleware::map_response(move |r: Response| {
                    let csp = csp.clone();
                    async move { crate::spa_headers::apply(r, &csp) }
                }));
            api_routes.merge(spa)
        }
        _ => api_routes.fallback(no_spa),
    }
}

/// How long a stopping gateway waits for its sockets to answer their close frames.
const GOING_AWAY_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Serves until `shutdown` resolves, then closes the open sockets (1001, going away).
pub async fn serve(
    listener: tokio::net::TcpListener,
    mut ctx: Ctx,
    options: Options,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if options.in_process_pushes
        && let Some(endpoint) = ctx.config.ws_management_endpoint.clone()
    {
        let sdk = shared::clients::local_sdk_config(&endpoint);
        let http = InProcess::client(management(&options));
        ctx.push =
            shared::clients::push::Pusher::with_http_client(&endpoint, &ctx.config, &sdk, http);
    }
    let mut background: Vec<tokio::task::JoinHandle<()>> = Vec::new();
    if options.run_schedules {
        for job in shared::routes::SCHEDULED_JOBS {
            let ctx = ctx.clone();
            let functions = options.functions.clone();
            background.push(tokio::spawn(async move {
                let mut tick = tokio::time::interval(job.local_every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    functions.run_scheduled(&ctx, job).await;
                }
            }));
        }
    }
    // Announcements done are marked in batches (service::outbox).
    background.push(tokio::spawn({
        let ctx = ctx.clone();
        async move {
            let mut tick = tokio::time::interval(OUTBOX_FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                shared::service::outbox::flush(&ctx).await;
            }
        }
    }));
    let pollers = if options.poll_queues {
        crate::sqs_poller::spawn_all(&ctx, &options.functions)
    } else {
        Vec::new()
    };
    // Open sockets get a close frame (1001) and run their `$disconnect` before the server stops.
    let registry = options.registry.clone();
    let shutdown = async move {
        shutdown.await;
        registry.go_away(GOING_AWAY_WAIT).await;
    };
    let result = axum::serve(
        listener,
        router(ctx, &options).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    for task in background.into_iter().chain(pollers) {
        task.abort();
    }
    result
}

async fn api(
    State(ctx): State<Ctx>,
    Extension(functions): Extension<Functions>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = match to_bytes(body, MAX_PAYLOAD_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "request body is too large",
            );
        }
    };
    let incoming = Incoming {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        raw_query: parts.uri.query().unwrap_or("").to_owned(),
        headers: parts.headers,
        body: body.to_vec(),
        source_ip: peer.ip().to_string(),
    };
    to_response(invoke_with(&ctx, &functions, &incoming).await)
}

async fn no_spa() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        "The web app is not built. `make dev` builds it (web/dist); the API is under /api.\n",
    )
        .into_response()
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        serde_json::json!({ "error": code, "message": message }).to_string(),
    )
        .into_response()
}

/// Turns a function's answer into an HTTP response, as API Gateway does.
fn to_response(event: ApiGatewayV2httpResponse) -> Response {
    let status = u16::try_from(event.status_code)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::BAD_GATEWAY);
    let body = match event.body {
        None | Some(EventBody::Empty) => Body::empty(),
        Some(EventBody::Text(t)) if event.is_base64_encoded => {
            use base64::Engine as _;
            match base64::engine::general_purpose::STANDARD.decode(t) {
                Ok(bytes) => Body::from(bytes),
                Err(_) => {
                    return error(
                        StatusCode::BAD_GATEWAY,
                        "bad_gateway",
                        "malformed function response",
                    );
                }
            }
        }
        Some(EventBody::Text(t)) => Body::from(t),
        Some(EventBody::Binary(b)) => Body::from(b),
        Some(_) => Body::empty(),
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    for (name, value) in &event.headers {
        response.headers_mut().append(name, value.clone());
    }
    for cookie in event.cookies {
        if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
            response
                .headers_mut()
                .append(axum::http::header::SET_COOKIE, v);
        }
    }
    response
}
