//! `POST /api/ws/ticket`: a single-use ticket for the WebSocket `$connect`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::auth::AuthUser;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorBody};
use crate::service::accounts;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TicketResponse {
    /// Pass as `?ticket=` when opening the WebSocket; works once.
    pub ticket: String,
    /// Seconds until the ticket expires.
    pub expires_in: i64,
}

/// `POST /api/ws/ticket`: browsers cannot set headers on a WebSocket handshake, and a ticket
/// keeps the access token itself out of URLs and access logs.
pub async fn issue(ctx: &Ctx, user: AuthUser) -> Result<TicketResponse, ApiError> {
    let (ticket, expires_in) = accounts::issue_ticket(ctx, user).await?;
    Ok(TicketResponse { ticket, expires_in })
}

#[utoipa::path(post, path = "/api/ws/ticket", tag = "realtime", security(("bearer" = [])),
    responses((status = 201, body = TicketResponse), (status = 401, body = ErrorBody)))]
pub async fn issue_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let user = req.auth(&ctx)?;
    HttpResponse::created(&issue(&ctx, user).await?)
}
