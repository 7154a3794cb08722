//! `GET /api/health`.

use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::ctx::Ctx;
use crate::error::ApiError;

#[derive(Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Health {
    /// `ok`, or `unavailable` when a dependency is down.
    pub status: String,
    /// `ok` or `unreachable`.
    pub database: String,
}

/// `GET /api/health`: 200 when the database answers, 503 (with the same JSON shape) when not.
pub async fn health(ctx: &Ctx) -> (StatusCode, Health) {
    let db_ok = match ctx.db.get().await {
        Ok(client) => client.simple_query("SELECT 1").await.is_ok(),
        Err(e) => {
            tracing::warn!(error = %e, "health: database unreachable");
            false
        }
    };
    if db_ok {
        (
            StatusCode::OK,
            Health {
                status: "ok".into(),
                database: "ok".into(),
            },
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Health {
                status: "unavailable".into(),
                database: "unreachable".into(),
            },
        )
    }
}

#[utoipa::path(get, path = "/api/health", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health_endpoint(ctx: Ctx, _req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let (status, body) = health(&ctx).await;
    HttpResponse::json(status, &body)
}
