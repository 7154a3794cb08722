//! `/api/users`: one's own profile, other people's public profiles, search.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::auth::AuthUser;
use crate::ctx::Ctx;
use crate::domain::{DisplayName, UserId};
use crate::error::{ApiError, ErrorBody};
use crate::repo::users::{self, UserRow};

/// The caller's own profile.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Me {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub email_notifications: bool,
    pub created_at: DateTime<Utc>,
}

impl From<UserRow> for Me {
    fn from(u: UserRow) -> Self {
        Self {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            email_notifications: u.email_notifications,
            created_at: u.created_at,
        }
    }
}

/// What anyone signed in may see of another user: never the e-mail.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct PublicUser {
    pub id: UserId,
    pub display_name: String,
    pub last_seen_at: Option<DateTime<Utc>>,
}

impl From<UserRow> for PublicUser {
    fn from(u: UserRow) -> Self {
        Self {
            id: u.id,
            display_name: u.display_name,
            last_seen_at: u.last_seen_at,
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    pub display_name: Option<String>,
    pub email_notifications: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// A display-name prefix (case-insensitive) or an exact e-mail address.
    pub query: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserList {
    pub users: Vec<PublicUser>,
}

/// Most results a search returns.
pub const SEARCH_LIMIT: i64 = 20;

async fn load_me(ctx: &Ctx, user: AuthUser) -> Result<UserRow, ApiError> {
    let db = ctx.db.get().await?;
    // A valid token for a deleted account is no longer a valid session.
    users::find(&db, user.id)
        .await?
        .ok_or_else(|| ApiError::unauthorized("the account no longer exists"))
}

/// `GET /api/users/me`: the caller's profile.
pub async fn me(ctx: &Ctx, user: AuthUser) -> Result<Me, ApiError> {
    Ok(load_me(ctx, user).await?.into())
}

/// `PATCH /api/users/me`: changes the display name and/or the e-mail notification setting;
/// absent fields stay as they are.
pub async fn update_me(ctx: &Ctx, user: AuthUser, input: UpdateMe) -> Result<Me, ApiError> {
    let name = input
        .display_name
        .as_deref()
        .map(DisplayName::parse)
        .transpose()?;
    let db = ctx.db.get().await?;
    users::update_profile(&db, user.id, name.as_ref(), input.email_notifications)
        .await?
        .map(Me::from)
        .ok_or_else(|| ApiError::unauthorized("the account no longer exists"))
}

/// `GET /api/users/{id}`: someone's public profile.
pub async fn get_user(ctx: &Ctx, _caller: AuthUser, id: UserId) -> Result<PublicUser, ApiError> {
    let db = ctx.db.get().await?;
    users::find(&db, id)
        .await?
        .map(PublicUser::from)
        .ok_or_else(|| ApiError::not_found("user_not_found", "user not found"))
}

/// `GET /api/users?query=`: people to start a chat with, by display-name prefix or exact
/// e-mail; at most 20, never the caller.
pub async fn search(
    ctx: &Ctx,
    caller: AuthUser,
    params: SearchParams,
) -> Result<UserList, ApiError> {
    let query = params.query.trim();
    if query.is_empty() || query.chars().count() > 254 {
        return Err(ApiError::invalid(
            "query must be 1 to 254 characters after trimming",
        ));
    }
    let db = ctx.db.get().await?;
    let found = users::search(&db, caller.id, query, SEARCH_LIMIT).await?;
    Ok(UserList {
        users: found.into_iter().map(PublicUser::from).collect(),
    })
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
    let id = req.path("id", "user_not_found")?;
    HttpResponse::ok(&get_user(&ctx, user, id).await?)
}

#[utoipa::path(get, path = "/api/users", tag = "users", security(("bearer" = [])),
    params(SearchParams),
    responses((status = 200, body = UserList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn search_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let user = req.auth(&ctx)?;
    HttpResponse::ok(&search(&ctx, user, req.query()?).await?)
}
