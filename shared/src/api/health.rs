//! `GET /api/health`.

use http::StatusCode;

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::contract::health::Health;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::service::health;

/// `GET /api/health`: 200 when the database answers, 503 (with the same JSON shape) when not.
pub async fn health(ctx: &Ctx) -> (StatusCode, Health) {
    match health::check(ctx).await {
        (true, report) => (StatusCode::OK, report),
        (false, report) => (StatusCode::SERVICE_UNAVAILABLE, report),
    }
}

#[utoipa::path(get, path = "/api/health", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health_endpoint(ctx: Ctx, _req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let (status, body) = health(&ctx).await;
    HttpResponse::json(status, &body)
}
