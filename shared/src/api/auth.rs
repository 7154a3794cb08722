//! `/api/auth`: register, log in, refresh, log out.

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::contract::ErrorBody;
use crate::contract::auth::{AuthResponse, LoginRequest, RefreshRequest, RegisterRequest};
use crate::ctx::Ctx;
use crate::domain::{DisplayName, Email, Password};
use crate::error::ApiError;
use crate::service::accounts;

/// `POST /api/auth/register`: creates an account and signs it in.
pub async fn register(ctx: &Ctx, input: RegisterRequest) -> Result<AuthResponse, ApiError> {
    let email = Email::parse(&input.email)?;
    let password = Password::parse(input.password)?;
    let name = DisplayName::parse(&input.display_name)?;
    accounts::register(ctx, email, password, name).await
}

/// `POST /api/auth/login`: a wrong password and an unknown e-mail get the same answer.
pub async fn login(ctx: &Ctx, input: LoginRequest) -> Result<AuthResponse, ApiError> {
    accounts::login(ctx, &input.email, &input.password).await
}

/// `POST /api/auth/refresh`: trades a refresh token for a new pair; reuse revokes the session.
pub async fn refresh(ctx: &Ctx, input: RefreshRequest) -> Result<AuthResponse, ApiError> {
    accounts::refresh(ctx, &input.refresh_token).await
}

/// `POST /api/auth/logout`: ends the session the refresh token belongs to.
pub async fn logout(ctx: &Ctx, input: RefreshRequest) -> Result<(), ApiError> {
    accounts::logout(ctx, &input.refresh_token).await
}

#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = AuthResponse),
              (status = 400, description = "`invalid_email`, `invalid_password`, `invalid_display_name`, `invalid_request`", body = ErrorBody),
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
