//! `POST /api/ws/ticket`: a single-use ticket for the WebSocket `$connect`.

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::auth::Signed;
use crate::contract::ErrorBody;
use crate::contract::realtime::TicketResponse;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::service::accounts;
use crate::service::limits::{self, Limit};

/// `POST /api/ws/ticket`: browsers cannot set headers on a WebSocket handshake, and a ticket
/// keeps the access token itself out of URLs and access logs. A ticket belongs to the
/// caller's session (none is issued for one that ended: the adapter refuses its token).
pub async fn issue(ctx: &Ctx, caller: Signed) -> Result<TicketResponse, ApiError> {
    limits::take(ctx, Limit::Ticket(caller.user.id)).await?;
    accounts::issue_ticket(ctx, caller).await
}

#[utoipa::path(post, path = "/api/ws/ticket", tag = "realtime", security(("bearer" = [])),
    responses((status = 201, body = TicketResponse), (status = 401, body = ErrorBody),
              (status = 429, description = "`rate_limited`", body = ErrorBody)))]
pub async fn issue_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let caller = req.authenticate(&ctx).await?;
    HttpResponse::created(&issue(&ctx, caller).await?)
}
