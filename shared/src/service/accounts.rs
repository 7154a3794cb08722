//! Accounts and sessions: registration, login, refresh-token rotation with reuse detection,
//! logout, WebSocket tickets.

use chrono::{Duration, Utc};
use uuid::Uuid;

use crate::auth::{AuthUser, opaque, password};
use crate::contract::ErrorCode;
use crate::contract::UserId;
use crate::contract::auth::AuthResponse;
use crate::contract::realtime::TicketResponse;
use crate::ctx::Ctx;
use crate::domain::{DisplayName, Email, Password};
use crate::error::ApiError;
use crate::repo::{refresh_tokens, users, ws_tickets};

/// A freshly issued pair of tokens.
#[derive(Debug)]
struct Session {
    access_token: String,
    refresh_token: String,
    expires_in: i64,
}

fn signed_in(user: users::UserRow, session: Session) -> AuthResponse {
    AuthResponse {
        user: user.into(),
        access_token: session.access_token,
        refresh_token: session.refresh_token,
        expires_in: session.expires_in,
    }
}

/// How long a WebSocket ticket stays valid.
pub const TICKET_TTL_SECS: i64 = 60;

pub async fn register(
    ctx: &Ctx,
    email: Email,
    password: Password,
    display_name: DisplayName,
) -> Result<AuthResponse, ApiError> {
    let hash = password::hash(&password).await?;
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    let user = users::insert(&tx, UserId::new(), &email, &hash, &display_name).await?;
    let session = start_session(ctx, &tx, user.id, Uuid::now_v7()).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id, "account registered");
    Ok(signed_in(user, session))
}

/// A wrong password and an unknown e-mail get the same answer, after the same work.
pub async fn login(ctx: &Ctx, email: &str, password: &str) -> Result<AuthResponse, ApiError> {
    let invalid = || {
        ApiError::new(
            ErrorCode::InvalidCredentials,
            "e-mail or password is incorrect",
        )
    };
    let db = ctx.db.get().await?;
    // A malformed e-mail can't match anyone, but still pays for a hash like any miss.
    let found = match Email::parse(email) {
        Ok(email) => users::find_credentials(&db, email.as_str()).await?,
        Err(_) => None,
    };
    let (user, stored) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let ok = password::verify(password, stored).await?;
    let user = match (ok, user) {
        (true, Some(user)) => user,
        _ => return Err(invalid()),
    };
    let session = start_session(ctx, &db, user.id, Uuid::now_v7()).await?;
    Ok(signed_in(user, session))
}

/// Rotates a refresh token. A token presented a second time means it leaked (or a client
/// raced itself): the whole family is revoked, so the thief's copy and the rotated one die.
pub async fn refresh(ctx: &Ctx, refresh_token: &str) -> Result<AuthResponse, ApiError> {
    let invalid = || {
        ApiError::new(
            ErrorCode::InvalidRefreshToken,
            "the refresh token is invalid, expired or revoked",
        )
    };
    let digest = opaque::digest(refresh_token);
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    let Some(token) = refresh_tokens::find_for_update(&tx, &digest).await? else {
        return Err(invalid());
    };
    if token.revoked_at.is_some() {
        return Err(invalid());
    }
    if token.used_at.is_some() {
        let revoked = refresh_tokens::revoke_family(&tx, token.family_id).await?;
        tx.commit().await?;
        tracing::warn!(
            user_id = %token.user_id,
            family_id = %token.family_id,
            revoked,
            "refresh token reused; session family revoked"
        );
        return Err(invalid());
    }
    if token.expires_at <= Utc::now() {
        return Err(invalid());
    }
    let Some(user) = users::find(&tx, token.user_id).await? else {
        return Err(invalid());
    };
    refresh_tokens::mark_used(&tx, token.id).await?;
    let session = start_session(ctx, &tx, user.id, token.family_id).await?;
    tx.commit().await?;
    Ok(signed_in(user, session))
}

/// Ends the session the refresh token belongs to. Unknown tokens are ignored: logging out is
/// idempotent and reveals nothing.
pub async fn logout(ctx: &Ctx, refresh_token: &str) -> Result<(), ApiError> {
    let digest = opaque::digest(refresh_token);
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    if let Some(token) = refresh_tokens::find_for_update(&tx, &digest).await? {
        refresh_tokens::revoke_family(&tx, token.family_id).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A single-use ticket for the WebSocket `$connect`: browsers cannot set headers on a
/// WebSocket handshake, and a ticket keeps the access token itself out of URLs and logs.
pub async fn issue_ticket(ctx: &Ctx, user: AuthUser) -> Result<TicketResponse, ApiError> {
    let ticket = opaque::generate();
    let db = ctx.db.get().await?;
    let expires_at = Utc::now() + Duration::seconds(TICKET_TTL_SECS);
    ws_tickets::insert(&db, &opaque::digest(&ticket), user.id, expires_at).await?;
    Ok(TicketResponse {
        ticket,
        expires_in: TICKET_TTL_SECS,
    })
}

async fn start_session(
    ctx: &Ctx,
    db: &impl crate::repo::GenericClient,
    user: UserId,
    family: Uuid,
) -> Result<Session, ApiError> {
    let refresh_token = opaque::generate();
    let ttl = Duration::seconds(i64::try_from(ctx.config.refresh_token_ttl.as_secs()).unwrap_or(0));
    refresh_tokens::insert(
        db,
        family,
        user,
        &opaque::digest(&refresh_token),
        Utc::now() + ttl,
    )
    .await?;
    Ok(Session {
        access_token: ctx.tokens.issue(user)?,
        refresh_token,
        expires_in: ctx.tokens.ttl_secs(),
    })
}
