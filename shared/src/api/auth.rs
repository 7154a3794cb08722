//! `/api/auth`: register, log in, refresh, log out.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::api::users::Me;
use crate::ctx::Ctx;
use crate::domain::{DisplayName, Email, Password};
use crate::error::{ApiError, ErrorBody};
use crate::repo::users::UserRow;
use crate::service::accounts::{self, Session};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub email: String,
    pub password: String,
    pub display_name: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// A signed-in session: the user, a short-lived access token and a single-use refresh token.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuthResponse {
    pub user: Me,
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

impl AuthResponse {
    fn new(user: UserRow, session: Session) -> Self {
        Self {
            user: user.into(),
            access_token: session.access_token,
            refresh_token: session.refresh_token,
            expires_in: session.expires_in,
        }
    }
}

/// `POST /api/auth/register`: creates an account and signs it in.
pub async fn register(ctx: &Ctx, input: RegisterRequest) -> Result<AuthResponse, ApiError> {
    let email = Email::parse(&input.email)?;
    let password = Password::parse(input.password)?;
    let name = DisplayName::parse(&input.display_name)?;
    let (user, session) = accounts::register(ctx, email, password, name).await?;
    tracing::info!(user_id = %user.id, "account registered");
    Ok(AuthResponse::new(user, session))
}

/// `POST /api/auth/login`: a wrong password and an unknown e-mail get the same answer.
pub async fn login(ctx: &Ctx, input: LoginRequest) -> Result<AuthResponse, ApiError> {
    let (user, session) = accounts::login(ctx, &input.email, &input.password).await?;
    Ok(AuthResponse::new(user, session))
}

/// `POST /api/auth/refresh`: trades a refresh token for a new pair; reuse revokes the session.
pub async fn refresh(ctx: &Ctx, input: RefreshRequest) -> Result<AuthResponse, ApiError> {
    let (user, session) = accounts::refresh(ctx, &input.refresh_token).await?;
    Ok(AuthResponse::new(user, session))
}

/// `POST /api/auth/logout`: ends the session the refresh token belongs to.
pub async fn logout(ctx: &Ctx, input: RefreshRequest) -> Result<(), ApiError> {
    accounts::logout(ctx, &input.refresh_token).await
}

#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = AuthResponse), (status = 400, body = ErrorBody),
              (status = 409, description = "`email_taken`", body = ErrorBody)))]
pub async fn register_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    HttpResponse::created(&register(&ctx, req.json()?).await?)
}

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = AuthResponse), (status = 400, body = ErrorBody),
              (status = 401, description = "`invalid_credentials`", body = ErrorBody)))]
pub async fn login_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    HttpResponse::ok(&login(&ctx, req.json()?).await?)
}

#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = AuthResponse), (status = 400, body = ErrorBody),
              (status = 401, description = "`invalid_refresh_token`", body = ErrorBody)))]
pub async fn refresh_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    HttpResponse::ok(&refresh(&ctx, req.json()?).await?)
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "session ended"), (status = 400, body = ErrorBody)))]
pub async fn logout_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    logout(&ctx, req.json()?).await?;
    Ok(HttpResponse::no_content())
}
