//! `/api/users`: one's own profile (and password, and deleting the account), other people's
//! public profiles, search.

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::auth::AuthUser;
use crate::auth::Signed;
use crate::contract::users::{ChangePassword, DeleteMe, SearchParams, UpdateMe, UserList};
use crate::contract::{ErrorBody, ErrorCode, Me, PublicUser, UserId};
use crate::ctx::Ctx;
use crate::domain::{DisplayName, Password};
use crate::error::ApiError;
use crate::service::{deletion, password, users};

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

/// `POST /api/users/me/password`: changes the password (the current one proves it is the
/// owner) and signs out every other session.
pub async fn change_password(
    ctx: &Ctx,
    caller: Signed,
    input: ChangePassword,
) -> Result<(), ApiError> {
    let new_password = Password::parse(input.new_password)?;
    password::change(ctx, caller, &input.current_password, new_password).await
}

/// `DELETE /api/users/me`: deletes the caller's account (with the password); messages stay
/// in others' chats under "Deleted account".
pub async fn delete_me(ctx: &Ctx, caller: Signed, input: DeleteMe) -> Result<(), ApiError> {
    deletion::delete_account(ctx, caller, &input.password).await
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
    let user = req.auth(&ctx).await?;
    HttpResponse::ok(&me(&ctx, user).await?)
}

#[utoipa::path(patch, path = "/api/users/me", tag = "users", security(("bearer" = [])),
    request_body = UpdateMe,
    responses((status = 200, body = Me), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn update_me_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let user = req.auth(&ctx).await?;
    HttpResponse::ok(&update_me(&ctx, user, req.json()?).await?)
}

#[utoipa::path(get, path = "/api/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "the user's id")),
    responses((status = 200, body = PublicUser), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_user_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let user = req.auth(&ctx).await?;
    let id = req.path("id", ErrorCode::UserNotFound)?;
    HttpResponse::ok(&get_user(&ctx, user, id).await?)
}

#[utoipa::path(get, path = "/api/users", tag = "users", security(("bearer" = [])),
    params(SearchParams),
    responses((status = 200, body = UserList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn search_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let user = req.auth(&ctx).await?;
    HttpResponse::ok(&search(&ctx, user, req.query()?).await?)
}

#[utoipa::path(post, path = "/api/users/me/password", tag = "users", security(("bearer" = [])),
    request_body = ChangePassword, operation_id = "change_password_endpoint",
    responses((status = 204, description = "changed; every other session ended"),
              (status = 400, description = "`invalid_password`, `invalid_request`", body = ErrorBody),
              (status = 401, description = "`unauthorized`", body = ErrorBody),
              (status = 403, description = "`wrong_password`", body = ErrorBody)))]
pub async fn change_password_endpoint(
    ctx: Ctx,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let caller = req.authenticate(&ctx).await?;
    change_password(&ctx, caller, req.json()?).await?;
    Ok(HttpResponse::no_content())
}

#[utoipa::path(delete, path = "/api/users/me", tag = "users", security(("bearer" = [])),
    request_body = DeleteMe, operation_id = "delete_me_endpoint",
    responses((status = 204, description = "the account is deleted; every session ended"),
              (status = 400, description = "`invalid_request`", body = ErrorBody),
              (status = 401, description = "`unauthorized`", body = ErrorBody),
              (status = 403, description = "`wrong_password`", body = ErrorBody)))]
pub async fn delete_me_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let caller = req.authenticate(&ctx).await?;
    delete_me(&ctx, caller, req.json()?).await?;
    Ok(HttpResponse::no_content())
}
