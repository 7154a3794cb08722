//! Accounts and sessions: registration, login, refresh-token rotation with reuse detection,
//! logout (one session or all), WebSocket tickets.

use chrono::{Duration, Utc};
use uuid::Uuid;

use crate::auth::{AuthUser, SessionId, Signed, opaque, password};
use crate::contract::ErrorCode;
use crate::contract::UserId;
use crate::contract::auth::AuthResponse;
use crate::contract::realtime::TicketResponse;
use crate::ctx::Ctx;
use crate::domain::{DisplayName, Email, Password};
use crate::error::ApiError;
use crate::repo::sessions::Which;
use crate::repo::{refresh_tokens, sessions as session_rows, users, ws_tickets};
use crate::service::audit::{self, Entry};
use crate::service::{sessions, verification};

/// A freshly issued pair of tokens.
#[derive(Debug)]
pub struct Session {
    access_token: String,
    refresh_token: String,
    expires_in: i64,
}

pub fn signed_in(user: users::UserRow, session: Session) -> AuthResponse {
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
    let session = new_session(ctx, &tx, user.id).await?;
    let verify = verification::issue(ctx, &tx, user.id).await?;
    audit::record_in(&tx, Entry::new("account_registered").actor(user.id)).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id, "account registered");
    verification::mail(ctx, verify).await;
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
    let mut db = ctx.db.get().await?;
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
        (_, user) => {
            drop(db);
            let mut entry = Entry::new("sign_in_failed");
            if let Some(user) = user {
                entry = entry.target(user.id);
            }
            audit::record(ctx, entry).await;
            return Err(invalid());
        }
    };
    let tx = db.transaction().await?;
    let session = new_session(ctx, &tx, user.id).await?;
    audit::record_in(&tx, Entry::new("sign_in").actor(user.id)).await?;
    tx.commit().await?;
    Ok(signed_in(user, session))
}

/// Rotates a refresh token. A token presented a second time means it leaked (or a client
/// raced itself): the whole session is revoked, so the thief's copy and the rotated one die,
/// and its sockets close. Rotation and revocation both lock the session's row first, so a
/// reuse raced against a rotation cannot leave the rotated token alive: whichever comes
/// second sees what the first committed.
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
    let Some(family) = refresh_tokens::family_of(&tx, &digest).await? else {
        return Err(invalid());
    };
    let session = SessionId(family);
    if session_rows::lock(&tx, session).await? != Some(true) {
        return Err(invalid());
    }
    // Read under the lock: it shows every rotation of this family that committed.
    let Some(token) = refresh_tokens::find(&tx, &digest).await? else {
        return Err(invalid());
    };
    if token.revoked_at.is_some() {
        return Err(invalid());
    }
    if token.used_at.is_some() {
        let revoked = sessions::end(&tx, Which::One(session)).await?;
        let entry = Entry::new("refresh_token_reused")
            .target(token.user_id)
            .detail(
                serde_json::json!({ "session_id": session.0, "sessions_ended": revoked.sessions }),
            );
        audit::record_in(&tx, entry).await?;
        tx.commit().await?;
        drop(db);
        tracing::warn!(
            user_id = %token.user_id,
            session_id = %session,
            "refresh token reused; session revoked"
        );
        sessions::close(ctx, revoked).await;
        return Err(invalid());
    }
    if token.expires_at <= Utc::now() {
        return Err(invalid());
    }
    let Some(user) = users::find(&tx, token.user_id).await? else {
        return Err(invalid());
    };
    refresh_tokens::mark_used(&tx, token.id).await?;
    let next = issue_tokens(ctx, &tx, user.id, session).await?;
    tx.commit().await?;
    Ok(signed_in(user, next))
}

/// Ends the session the refresh token belongs to and closes its sockets. Unknown tokens are
/// ignored: logging out is idempotent and reveals nothing.
pub async fn logout(ctx: &Ctx, refresh_token: &str) -> Result<(), ApiError> {
    let digest = opaque::digest(refresh_token);
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    let Some(family) = refresh_tokens::family_of(&tx, &digest).await? else {
        return Ok(());
    };
    let revoked = sessions::end(&tx, Which::One(SessionId(family))).await?;
    if let Some(user) = revoked.user {
        sessions::record_ended(&tx, "signed_out", user, &revoked).await?;
    }
    tx.commit().await?;
    drop(db);
    sessions::close(ctx, revoked).await;
    Ok(())
}

/// Signs the caller out everywhere: every session of the account ends (this one too), every
/// socket closes.
pub async fn logout_all(ctx: &Ctx, user: AuthUser) -> Result<(), ApiError> {
    let mut db = ctx.db.get().await?;
    let tx = db.transaction().await?;
    let revoked = sessions::end(&tx, Which::AllOf(user.id)).await?;
    sessions::record_ended(&tx, "signed_out_everywhere", user.id, &revoked).await?;
    tx.commit().await?;
    drop(db);
    sessions::close(ctx, revoked).await;
    Ok(())
}

/// A single-use ticket for the WebSocket `$connect`: browsers cannot set headers on a
/// WebSocket handshake, and a ticket keeps the access token itself out of URLs and logs. The
/// ticket belongs to the caller's session: `$connect` refuses it once the session ended.
pub async fn issue_ticket(ctx: &Ctx, caller: Signed) -> Result<TicketResponse, ApiError> {
    let ticket = opaque::generate();
    let db = ctx.db.get().await?;
    let expires_at = Utc::now() + Duration::seconds(TICKET_TTL_SECS);
    ws_tickets::insert(
        &db,
        &opaque::digest(&ticket),
        caller.user.id,
        caller.session,
        expires_at,
    )
    .await?;
    Ok(TicketResponse {
        ticket,
        expires_in: TICKET_TTL_SECS,
    })
}

/// Starts a session (a sign-in) and issues its first tokens.
pub async fn new_session(
    ctx: &Ctx,
    db: &impl crate::repo::GenericClient,
    user: UserId,
) -> Result<Session, ApiError> {
    let session = SessionId(Uuid::now_v7());
    session_rows::insert(db, session, user).await?;
    issue_tokens(ctx, db, user, session).await
}

/// The next refresh token of `session`, and an access token naming it.
async fn issue_tokens(
    ctx: &Ctx,
    db: &impl crate::repo::GenericClient,
    user: UserId,
    session: SessionId,
) -> Result<Session, ApiError> {
    let refresh_token = opaque::generate();
    let ttl = Duration::seconds(i64::try_from(ctx.config.refresh_token_ttl.as_secs()).unwrap_or(0));
    refresh_tokens::insert(
        db,
        session.0,
        user,
        &opaque::digest(&refresh_token),
        Utc::now() + ttl,
    )
    .await?;
    Ok(Session {
        access_token: ctx.tokens.issue(user, session)?,
        refresh_token,
        expires_in: ctx.tokens.ttl_secs(),
    })
}
