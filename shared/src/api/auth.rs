//! `/api/auth`: register, log in, refresh, log out (here or everywhere), verify the e-mail,
//! reset the password.

use crate::adapter::http::{HttpRequest, HttpResponse};
use crate::auth::AuthUser;
use crate::contract::ErrorBody;
use crate::contract::auth::{
    AuthResponse, LoginRequest, PasswordResetConfirm, PasswordResetRequest, RefreshRequest,
    RegisterRequest, TokenRequest,
};
use crate::ctx::Ctx;
use crate::domain::{DisplayName, Email, Password};
use crate::error::ApiError;
use crate::service::limits::{self, Limit};
use crate::service::{accounts, password, verification};

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

/// `POST /api/auth/logout-all`: ends every session of the caller's account, this one too,
/// and closes every socket.
pub async fn logout_all(ctx: &Ctx, user: AuthUser) -> Result<(), ApiError> {
    accounts::logout_all(ctx, user).await
}

/// `POST /api/auth/verify-email`: the token of a verification mail proves the address.
pub async fn verify_email(ctx: &Ctx, input: TokenRequest) -> Result<(), ApiError> {
    verification::verify(ctx, &input.token).await
}

/// `POST /api/auth/verify-email/resend`: another verification mail to the caller's address.
pub async fn resend_verification(ctx: &Ctx, user: AuthUser) -> Result<(), ApiError> {
    verification::resend(ctx, user).await
}

/// `POST /api/auth/password-reset`: mails a reset link if the address has an account; the
/// answer is the same either way.
pub async fn password_reset(ctx: &Ctx, input: PasswordResetRequest) -> Result<(), ApiError> {
    let email = Email::parse(&input.email)?;
    password::request_reset(ctx, &email).await
}

/// `POST /api/auth/password-reset/confirm`: sets the password of the link's account and
/// signs it out everywhere.
pub async fn password_reset_confirm(
    ctx: &Ctx,
    input: PasswordResetConfirm,
) -> Result<(), ApiError> {
    let new_password = Password::parse(input.password)?;
    password::confirm_reset(ctx, &input.token, new_password).await
}

#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = AuthResponse),
              (status = 400, description = "`invalid_email`, `invalid_password`, `invalid_display_name`, `invalid_request`", body = ErrorBody),
              (status = 409, description = "`email_taken`", body = ErrorBody),
              (status = 429, description = "`rate_limited`: too many accounts from this address", body = ErrorBody)))]
pub async fn register_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let input = req.json()?;
    limits::take(&ctx, Limit::RegisterIp(req.source_ip)).await?;
    HttpResponse::created(&register(&ctx, input).await?)
}

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = AuthResponse), (status = 400, body = ErrorBody),
              (status = 401, description = "`invalid_credentials`", body = ErrorBody),
              (status = 429, description = "`rate_limited`: too many attempts for this account or from this address", body = ErrorBody)))]
pub async fn login_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let input: LoginRequest = req.json()?;
    let checks = [
        Limit::LoginIp(req.source_ip),
        Limit::LoginAccount(&input.email),
    ];
    limits::take_all(&ctx, &checks).await?;
    HttpResponse::ok(&login(&ctx, input).await?)
}

#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = AuthResponse), (status = 400, body = ErrorBody),
              (status = 401, description = "`invalid_refresh_token`", body = ErrorBody),
              (status = 429, description = "`rate_limited`", body = ErrorBody)))]
pub async fn refresh_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let input = req.json()?;
    limits::take(&ctx, Limit::RefreshIp(req.source_ip)).await?;
    HttpResponse::ok(&refresh(&ctx, input).await?)
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "session ended"), (status = 400, body = ErrorBody)))]
pub async fn logout_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    logout(&ctx, req.json()?).await?;
    Ok(HttpResponse::no_content())
}

#[utoipa::path(post, path = "/api/auth/logout-all", tag = "auth", security(("bearer" = [])),
    operation_id = "logout_all_endpoint",
    responses((status = 204, description = "every session of the account ended"),
              (status = 401, description = "`unauthorized`", body = ErrorBody)))]
pub async fn logout_all_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let user = req.auth(&ctx).await?;
    logout_all(&ctx, user).await?;
    Ok(HttpResponse::no_content())
}

#[utoipa::path(post, path = "/api/auth/verify-email", tag = "auth", request_body = TokenRequest,
    operation_id = "verify_email_endpoint",
    responses((status = 204, description = "the address is verified"),
              (status = 400, description = "`invalid_verification_token`, `invalid_request`", body = ErrorBody)))]
pub async fn verify_email_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    verify_email(&ctx, req.json()?).await?;
    Ok(HttpResponse::no_content())
}

#[utoipa::path(post, path = "/api/auth/verify-email/resend", tag = "auth", security(("bearer" = [])),
    operation_id = "resend_verification_endpoint",
    responses((status = 202, description = "a verification mail is on its way"),
              (status = 401, description = "`unauthorized`", body = ErrorBody),
              (status = 409, description = "`email_already_verified`", body = ErrorBody),
              (status = 429, description = "`rate_limited`", body = ErrorBody)))]
pub async fn resend_verification_endpoint(
    ctx: Ctx,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let user = req.auth(&ctx).await?;
    resend_verification(&ctx, user).await?;
    Ok(HttpResponse::accepted())
}

#[utoipa::path(post, path = "/api/auth/password-reset", tag = "auth", request_body = PasswordResetRequest,
    operation_id = "password_reset_endpoint",
    responses((status = 202, description = "if the address has an account, a reset link is on its way"),
              (status = 400, description = "`invalid_email`, `invalid_request`", body = ErrorBody),
              (status = 429, description = "`rate_limited`", body = ErrorBody)))]
pub async fn password_reset_endpoint(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let input = req.json()?;
    limits::take(&ctx, Limit::PasswordResetIp(req.source_ip)).await?;
    password_reset(&ctx, input).await?;
    Ok(HttpResponse::accepted())
}

#[utoipa::path(post, path = "/api/auth/password-reset/confirm", tag = "auth",
    request_body = PasswordResetConfirm, operation_id = "password_reset_confirm_endpoint",
    responses((status = 204, description = "the password is set; every session ended"),
              (status = 400, description = "`invalid_reset_token`, `invalid_password`, `invalid_request`", body = ErrorBody)))]
pub async fn password_reset_confirm_endpoint(
    ctx: Ctx,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    password_reset_confirm(&ctx, req.json()?).await?;
    Ok(HttpResponse::no_content())
}
