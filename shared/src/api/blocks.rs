//! `/api/users/{id}/block` and `/api/users/me/blocks`: blocking and unblocking someone, and
//! the list of those one blocked.

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::auth::AuthUser;
use crate::contract::users::BlockedList;
use crate::contract::{ErrorBody, ErrorCode, UserId};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::service::blocks;

/// `POST /api/users/{id}/block`: they can no longer message me in our direct chat, start one,
/// add me to chats, or see my presence. Idempotent.
pub async fn block(ctx: &Ctx, me: AuthUser, user: UserId) -> Result<(), ApiError> {
    blocks::block(ctx, me, user).await
}

/// `DELETE /api/users/{id}/block`: ends the block. Idempotent.
pub async fn unblock(ctx: &Ctx, me: AuthUser, user: UserId) -> Result<(), ApiError> {
    blocks::unblock(ctx, me, user).await
}

/// `GET /api/users/me/blocks`: whom I blocked, most recent first.
pub async fn list(ctx: &Ctx, me: AuthUser) -> Result<BlockedList, ApiError> {
    blocks::list(ctx, me).await
}

fn user_id(req: &HttpRequest) -> Result<UserId, ApiError> {
    req.path("id", ErrorCode::UserNotFound)
}

#[utoipa::path(post, path = "/api/users/{id}/block", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "the user to block")),
    operation_id = "block_user_endpoint",
    responses((status = 204, description = "blocked (also when already blocked)"),
              (status = 400, description = "`cannot_block_self`", body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 404, description = "`user_not_found`", body = ErrorBody)))]
pub async fn block_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    block(&ctx, me, user_id(&req)?).await?;
    Ok(HttpResponse::no_content())
}

#[utoipa::path(delete, path = "/api/users/{id}/block", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "the user to unblock")),
    operation_id = "unblock_user_endpoint",
    responses((status = 204, description = "not blocked (any more)"),
              (status = 401, body = ErrorBody),
              (status = 404, description = "`user_not_found` (not a user id)", body = ErrorBody)))]
pub async fn unblock_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    unblock(&ctx, me, user_id(&req)?).await?;
    Ok(HttpResponse::no_content())
}

#[utoipa::path(get, path = "/api/users/me/blocks", tag = "users", security(("bearer" = [])),
    operation_id = "list_blocks_endpoint",
    responses((status = 200, body = BlockedList), (status = 401, body = ErrorBody)))]
pub async fn list_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let me = req.auth(&ctx).await?;
    HttpResponse::ok(&list(&ctx, me).await?)
}
