//! `/api/users`: one's own profile, other people's public profiles, search.

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::auth::AuthUser;
use crate::contract::users::{SearchParams, UpdateMe, UserList};
use crate::contract::{ErrorBody, ErrorCode, Me, PublicUser, UserId};
use crate::ctx::Ctx;
use crate::domain::DisplayName;
use crate::error::ApiError;
use crate::service::users;

/// `GET /api/users/me`: the caller's profile.
pub async fn me(ctx: &Ctx, user: AuthUser) -> Result<Me, ApiError> {
    users::me(ctx, user).await
}

/// `PATCH /api/users/me`: changes the display name and/or the e-mail notification setting;
/// absent fields stay as they are.
pub async fn update_me(ctx: &Ctx, user: AuthUser, input: UpdateMe) -> Result<Me, ApiError> {
    let name = input
        .display_name
        .as_deref()
        .map(DisplayName::parse)
        .transpose()?;
    users::update_me(ctx, user, name, input.email_notifications).await
}

/// `GET /api/users/{id}`: someone's public profile.
pub async fn get_user(ctx: &Ctx, caller: AuthUser, id: UserId) -> Result<PublicUser, ApiError> {
    users::get_user(ctx, caller, id).await
}

/// `GET /api/users?query=`: people to start a chat with, by display-name prefix or exact
/// e-mail; at most 20, never the caller.
pub async fn search(
    ctx: &Ctx,
    caller: AuthUser,
    params: SearchParams,
) -> Result<UserList, ApiError> {
    users::search(ctx, caller, &params.query).await
}

#[utoipa::path(get, path = "/api/users/me", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let user = req.auth(&ctx)?;
    HttpResponse::ok(&me(&ctx, user).await?)
}

#[utoipa::path(patch, path = "/api/users/me", tag = "users", security(("bearer" = [])),
    request_body = UpdateMe,
    responses((status = 200, body = Me), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn update_me_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let user = req.auth(&ctx)?;
    HttpResponse::ok(&update_me(&ctx, user, req.json()?).await?)
}

#[utoipa::path(get, path = "/api/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "the user's id")),
    responses((status = 200, body = PublicUser), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_user_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let user = req.auth(&ctx)?;
    let id = req.path("id", ErrorCode::UserNotFound)?;
    HttpResponse::ok(&get_user(&ctx, user, id).await?)
}

#[utoipa::path(get, path = "/api/users", tag = "users", security(("bearer" = [])),
    params(SearchParams),
    responses((status = 200, body = UserList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn search_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let user = req.auth(&ctx)?;
    HttpResponse::ok(&search(&ctx, user, req.query()?).await?)
}
